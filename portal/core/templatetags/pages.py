"""`{% page_title %}`: the page's `title` block, rendered again where the page needs it.

A page's <h1> and its <title> are, on most pages, the same words. Django renders each block once, so
without this tag every page wrote its title twice and the two could drift apart. `templates/page.html`
uses it as the default heading; a page whose heading says more than its title overrides `heading`.
"""

from django import template
from django.template.loader_tags import BLOCK_CONTEXT_KEY

register = template.Library()


@register.simple_tag(takes_context=True)
def page_title(context):
    """The most derived `title` block of the template being rendered, or "" outside an inheritance chain."""
    blocks = context.render_context.get(BLOCK_CONTEXT_KEY)
    title = blocks.get_block("title") if blocks is not None else None
    if title is None:
        return ""
    with context.push():
        return title.nodelist.render(context)
