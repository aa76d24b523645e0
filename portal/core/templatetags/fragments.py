"""`{% shared_fragment %}`: a part of a page that is the same for every reader, rendered once and shared.

    {% load fragments %}
    {% shared_fragment "proposal-cards" request.get_full_path tags=fragment_tags %}…{% endshared_fragment %}

The name and the values after it (the *vary* parts) with the language make the key; `tags` names the
generations besides `site` that the part shows (a string or a list). Nothing inside may depend on who reads:
what only the reader sees is rendered outside the tag (`portal/core/fragments.py`).
"""

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from portal.core.fragments import csrf_placeholder, shared
from portal.core.shared_pages import personal_marker, rendering_shared

register = template.Library()


class SharedFragmentNode(template.Node):
    def __init__(self, nodelist, name, vary, tags):
        self.nodelist = nodelist
        self.name = name
        self.vary = vary
        self.tags = tags

    def render(self, context):
        tags = self.tags.resolve(context) if self.tags is not None else ()
        tags = (tags,) if isinstance(tags, str) else tuple(tags or ())
        vary = (get_language(), *(part.resolve(context) for part in self.vary))

        placeholder = csrf_placeholder()

        def compute() -> str:
            with context.push(csrf_token=placeholder):
                return self.nodelist.render(context)

        html = shared(self.name.resolve(context), vary=vary, tags=tags, compute=compute)
        if placeholder in html:
            html = html.replace(placeholder, str(context.get("csrf_token") or ""))
        return mark_safe(html)  # noqa: S308 - rendered by our templates, escaped there


@register.tag("shared_fragment")
def shared_fragment(parser, token):
    bits = token.split_contents()[1:]
    if not bits:
        raise template.TemplateSyntaxError("shared_fragment needs a name")
    nodelist = parser.parse(("endshared_fragment",))
    parser.delete_first_token()
    tags = None
    vary = []
    for bit in bits[1:]:
        if bit.startswith("tags="):
            tags = parser.compile_filter(bit.removeprefix("tags="))
        else:
            vary.append(parser.compile_filter(bit))
    return SharedFragmentNode(nodelist, parser.compile_filter(bits[0]), vary, tags)


@register.simple_tag(takes_context=True)
def personal(context, template_name: str, reads: str = ""):
    """`{% personal "includes/nav_account.html" %}`: a part of the page that belongs to the reader alone.
    Included as usual; on a page shared between signed-in readers (portal/core/shared_pages.py) a marker
    stands in its place and each request renders the template with its own request context, so the part may
    use only what the context processors give (user, messages, unread count, CSRF token), not the view's
    context. `reads="user.pk …"`, naming every value the part shows, lets a process render it once for each
    combination of them; it must start with `user.pk`."""
    if reads and reads.split()[0] != "user.pk":
        raise template.TemplateSyntaxError("a personal part's reads start with user.pk")
    if rendering_shared(context):
        return mark_safe(personal_marker(template_name, reads))  # noqa: S308 - a fixed marker, no user text
    return context.template.engine.get_template(template_name).render(context)
