"""Records listed on a page, or a muted line saying there are none.

    {% records_or_empty items empty=_("…") %}<ol>…</ol>{% endrecords_or_empty %}
    {% table_or_empty rows empty=_("…") %}<thead>…</thead><tbody>…</tbody>{% endtable_or_empty %}

Pages that list records show them in a table or a list, or, when there is none, say so instead of showing an
empty table. These tags keep that choice and its markup in one place (`listing_section` in `sections` does
the same for a whole section of a page).
"""

from django import template
from django.utils.html import format_html

register = template.Library()


class RecordsOrEmptyNode(template.Node):
    def __init__(self, nodelist, records, empty, wrapper):
        self.nodelist = nodelist
        self.records = records
        self.empty = empty
        self.wrapper = wrapper

    def render(self, context):
        if self.records.resolve(context):
            return format_html(self.wrapper, self.nodelist.render(context))
        return format_html('<p class="muted">{}</p>', self.empty.resolve(context))


def _records_or_empty(parser, token, wrapper):
    bits = token.split_contents()
    if len(bits) != 3 or not bits[2].startswith("empty="):
        raise template.TemplateSyntaxError(f'Usage: {{% {bits[0]} records empty=_("…") %}}')
    nodelist = parser.parse((f"end{bits[0]}",))
    parser.delete_first_token()
    records = parser.compile_filter(bits[1])
    empty = parser.compile_filter(bits[2].removeprefix("empty="))
    return RecordsOrEmptyNode(nodelist, records, empty, wrapper)


@register.tag
def records_or_empty(parser, token):
    """The body when `records` has any, else `empty` as a muted paragraph."""
    return _records_or_empty(parser, token, "{}")


@register.tag
def table_or_empty(parser, token):
    """The body inside <table> when `rows` has any, else `empty` as a muted paragraph."""
    return _records_or_empty(parser, token, "<table>{}</table>")
