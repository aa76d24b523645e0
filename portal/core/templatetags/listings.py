"""Records listed on a page, or a muted line saying there are none.

    {% records_or_empty items empty=_("…") %}<ol>…</ol>{% endrecords_or_empty %}
    {% table_or_empty rows _("Name") _("Status") empty=_("…") %}<tr>…</tr>…{% endtable_or_empty %}
    {% table_or_empty rows empty=_("…") %}<thead>…</thead><tbody>…</tbody>{% endtable_or_empty %}

Pages that list records show them in a table or a list, or, when there is none, say so instead of showing an
empty table. These tags keep that choice and its markup in one place (`listing_section` in `sections` does
the same for a whole section of a page).
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django import template
from django.template.base import FilterExpression
from django.utils.html import format_html, format_html_join

register = template.Library()


@dataclass(eq=False)  # nodes compare by identity, as Django's do
class RecordsOrEmptyNode(template.Node):
    nodelist: template.NodeList
    records: FilterExpression
    empty: FilterExpression
    wrapper: str
    headings: Sequence[FilterExpression] = ()

    def render(self, context):
        if not self.records.resolve(context):
            return format_html('<p class="muted">{}</p>', self.empty.resolve(context))
        body = self.nodelist.render(context)
        if self.headings:
            labels = ((heading.resolve(context),) for heading in self.headings)
            head = format_html_join("", '<th scope="col">{}</th>', labels)
            body = format_html("<thead><tr>{}</tr></thead>\n<tbody>{}</tbody>", head, body)
        return format_html(self.wrapper, body)


def _records_or_empty(parser, token, wrapper, *, takes_headings=False):
    bits = token.split_contents()
    headings = bits[2:-1]
    if len(bits) < 3 or not bits[-1].startswith("empty=") or (headings and not takes_headings):
        raise template.TemplateSyntaxError(f'Usage: {{% {bits[0]} records empty=_("…") %}}')
    nodelist = parser.parse((f"end{bits[0]}",))
    parser.delete_first_token()
    records = parser.compile_filter(bits[1])
    empty = parser.compile_filter(bits[-1].removeprefix("empty="))
    headings = tuple(parser.compile_filter(heading) for heading in headings)
    return RecordsOrEmptyNode(nodelist, records, empty, wrapper, headings)


@register.tag
def records_or_empty(parser, token):
    """The body when `records` has any, else `empty` as a muted paragraph."""
    return _records_or_empty(parser, token, "{}")


@register.tag
def table_or_empty(parser, token):
    """A <table> of the body when `rows` has any, else `empty` as a muted paragraph.

    Column headings given after `rows` make the table's head, and the body its rows; without them the body
    holds the <thead> too (for a heading that is not plain text).
    """
    return _records_or_empty(parser, token, "<table>{}</table>", takes_headings=True)
