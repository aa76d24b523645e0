"""Sections of a page, each labelled by its own <h2> (`aria-labelledby`), so that a screen reader lists them.

    {% headed_section "national" _("With national sign-in") class="form-card" when=national_sign_in %}
      <p>…</p><form>…</form>
    {% endheaded_section %}

    {% listing_section "supports" _("Supports") items=me.supports empty=_("…") %}<ul>…</ul>
    {% endlisting_section %}

The heading's id is the anchor followed by "-heading". `headed_section` renders nothing when its `when` is
false. `listing_section` (with the anchor as the section's id, for links to it) shows its body when `items`
has any, else `empty` as a muted line, or the body after `{% empty %}` when that line needs markup.
"""

from dataclasses import dataclass

from django import template
from django.template.base import FilterExpression
from django.utils.html import format_html

register = template.Library()


def headed_section_html(anchor, heading, body, *, with_id=False, css_class=""):
    id_attribute = format_html(' id="{}"', anchor) if with_id else ""
    class_attribute = format_html(' class="{}"', css_class) if css_class else ""
    return format_html(
        '<section{}{} aria-labelledby="{}-heading">\n  <h2 id="{}-heading">{}</h2>\n  {}\n</section>',
        id_attribute,
        class_attribute,
        anchor,
        anchor,
        heading,
        body,
    )


def _options(bits, allowed):
    options = dict(bit.split("=", 1) for bit in bits[3:] if "=" in bit)
    if len(bits) < 3 or len(options) != len(bits) - 3 or set(options) - allowed:
        raise template.TemplateSyntaxError(
            f'Usage: {{% {bits[0]} "anchor" _("Heading") {" ".join(sorted(k + "=…" for k in allowed))} %}}'
        )
    return options


@dataclass(eq=False)  # nodes compare by identity, as Django's do
class HeadedSectionNode(template.Node):
    anchor: FilterExpression
    heading: FilterExpression
    css_class: FilterExpression | None
    when: FilterExpression | None
    nodelist: template.NodeList

    def render(self, context):
        if self.when is not None and not self.when.resolve(context):
            return ""
        return headed_section_html(
            self.anchor.resolve(context),
            self.heading.resolve(context),
            self.nodelist.render(context),
            css_class=self.css_class.resolve(context) if self.css_class else "",
        )


@register.tag
def headed_section(parser, token):
    """A <section> labelled by its <h2>; nothing at all when `when` is given and false."""
    bits = token.split_contents()
    options = _options(bits, {"class", "when"})
    nodelist = parser.parse(("endheaded_section",))
    parser.delete_first_token()
    css_class = parser.compile_filter(options["class"]) if "class" in options else None
    when = parser.compile_filter(options["when"]) if "when" in options else None
    return HeadedSectionNode(
        parser.compile_filter(bits[1]), parser.compile_filter(bits[2]), css_class, when, nodelist
    )


@dataclass(eq=False)
class ListingSectionNode(template.Node):
    anchor: FilterExpression
    heading: FilterExpression
    items: FilterExpression
    empty: FilterExpression | None
    nodelist: template.NodeList
    nodelist_empty: template.NodeList | None

    def render(self, context):
        if self.items.resolve(context):
            body = self.nodelist.render(context)
        elif self.nodelist_empty is not None:
            body = self.nodelist_empty.render(context)
        else:
            body = format_html('<p class="muted">{}</p>', self.empty.resolve(context))
        return headed_section_html(
            self.anchor.resolve(context), self.heading.resolve(context), body, with_id=True
        )


@register.tag
def listing_section(parser, token):
    """A <section id=anchor> headed by `heading`: the body when `items` has any, else the empty line."""
    bits = token.split_contents()
    options = _options(bits, {"items", "empty"})
    if "items" not in options:
        raise template.TemplateSyntaxError(f"{bits[0]} needs items=…")
    nodelist = parser.parse(("empty", "endlisting_section"))
    nodelist_empty = None
    if parser.next_token().contents == "empty":
        nodelist_empty = parser.parse(("endlisting_section",))
        parser.delete_first_token()
    return ListingSectionNode(
        parser.compile_filter(bits[1]),
        parser.compile_filter(bits[2]),
        parser.compile_filter(options["items"]),
        parser.compile_filter(options.get("empty", '""')),
        nodelist,
        nodelist_empty,
    )
