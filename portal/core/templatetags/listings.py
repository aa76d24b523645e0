"""Records listed on a page, or a muted line saying there are none.

    {% table_or_empty rows empty=_("…") %}<thead>…</thead><tbody>…</tbody>{% endtable_or_empty %}
    {% listing_section "supports" _("Supports") items=me.supports empty=_("…") %}<ul>…</ul>
    {% endlisting_section %}

Pages that list records show them in a table or a list, or, when there is none, say so instead of showing an
empty table. These tags keep that choice and its markup in one place. `listing_section` is a section of a
page labelled by its own <h2>; its `empty` may instead be given as a body after `{% empty %}` when the line
needs markup.
"""

from django import template
from django.utils.html import format_html

register = template.Library()


class TableOrEmptyNode(template.Node):
    def __init__(self, nodelist, rows, empty):
        self.nodelist = nodelist
        self.rows = rows
        self.empty = empty

    def render(self, context):
        if self.rows.resolve(context):
            return format_html("<table>{}</table>", self.nodelist.render(context))
        return format_html('<p class="muted">{}</p>', self.empty.resolve(context))


@register.tag
def table_or_empty(parser, token):
    """The body inside <table> when `rows` has any, else `empty` as a muted paragraph."""
    bits = token.split_contents()
    if len(bits) != 3 or not bits[2].startswith("empty="):
        raise template.TemplateSyntaxError(f'Usage: {{% {bits[0]} rows empty=_("…") %}}')
    nodelist = parser.parse(("endtable_or_empty",))
    parser.delete_first_token()
    rows = parser.compile_filter(bits[1])
    empty = parser.compile_filter(bits[2].removeprefix("empty="))
    return TableOrEmptyNode(nodelist, rows, empty)


class ListingSectionNode(template.Node):
    def __init__(self, anchor, heading, items, empty, nodelist, nodelist_empty):
        self.anchor = anchor
        self.heading = heading
        self.items = items
        self.empty = empty
        self.nodelist = nodelist
        self.nodelist_empty = nodelist_empty

    def render(self, context):
        if self.items.resolve(context):
            body = self.nodelist.render(context)
        elif self.nodelist_empty is not None:
            body = self.nodelist_empty.render(context)
        else:
            body = format_html('<p class="muted">{}</p>', self.empty.resolve(context))
        anchor = self.anchor.resolve(context)
        return format_html(
            '<section id="{}" aria-labelledby="{}-heading">\n  <h2 id="{}-heading">{}</h2>\n  {}\n</section>',
            anchor,
            anchor,
            anchor,
            self.heading.resolve(context),
            body,
        )


@register.tag
def listing_section(parser, token):
    """A <section id=anchor> headed by `heading`: the body when `items` has any, else the empty line."""
    bits = token.split_contents()
    options = dict(bit.split("=", 1) for bit in bits[3:] if "=" in bit)
    if len(bits) < 4 or "items" not in options or set(options) - {"items", "empty"}:
        raise template.TemplateSyntaxError(
            f'Usage: {{% {bits[0]} "anchor" _("Heading") items=… empty=_("…") %}}'
        )
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
