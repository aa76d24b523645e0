"""Open data: every public proposal with its status and published answer, as CSV and JSON.

Public fields only: no author, email, legal name, internal note or reviewer. Both formats stream the same
rows (`open_data_rows`), so they always agree.
"""

import csv

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import StreamingHttpResponse
from django.views.decorators.http import require_GET

from ..selectors.open_data import FIELDS, open_data_rows

# Characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value):
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


class _Echo:
    def write(self, value):
        return value


@require_GET
def proposals_csv(request):
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"  # so that spreadsheet programs read UTF-8
        yield writer.writerow(FIELDS)
        for row in open_data_rows(site_url=settings.SITE_URL):
            yield writer.writerow([csv_safe("" if row[f] is None else _flat(row[f])) for f in FIELDS])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="proposals.csv"'
    return response


def _flat(value):
    if isinstance(value, list):
        return " ".join(str(item) for item in value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


@require_GET
def proposals_json(request):
    encoder = DjangoJSONEncoder(ensure_ascii=False)

    def chunks():
        yield '{"fields": ' + encoder.encode(list(FIELDS)) + ', "results": ['
        for index, row in enumerate(open_data_rows(site_url=settings.SITE_URL)):
            yield ("," if index else "") + encoder.encode(row)
        yield "]}"

    response = StreamingHttpResponse(chunks(), content_type="application/json; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    return response
