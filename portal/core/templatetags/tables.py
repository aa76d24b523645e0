"""`{% table_or_empty rows empty=_("…") %}<thead>…</thead><tbody>…</tbody>{% endtable_or_empty %}`.

Pages that list records show them in a table, or, when there is none, say so in a muted line instead of an
empty table. The tag keeps that choice and its markup in one place; its body is the table's head and rows.
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
