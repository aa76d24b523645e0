"""Open data: every public proposal with its status and published answer, every commitment with its
public updates, and the moderation figures of the transparency page with the public statements of reasons,
as CSV and JSON.

Public fields only: no author, email, legal name, internal note or reviewer. Both formats stream the same
rows (`open_data_rows`), so they always agree.
"""

import csv
import functools
import math
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import condition, require_safe

from portal.core import ratelimit
from portal.core.http import client_ip
from portal.core.page_cache import safe

from ..selectors import commitment as commitment_selectors
from ..selectors import moderation_open_data as moderation_selectors
from ..selectors import open_data_versions as versions
from ..selectors.consultation import public_consultations
from ..selectors.open_data import DICTIONARY_LANGUAGES, FIELDS, LICENCE, open_data_package, open_data_rows

_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,80}")
# Characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value):
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


class _Echo:
    def write(self, value):
        return value


def _body(chunks, content_type: str, *, stream: bool) -> HttpResponse | StreamingHttpResponse:
    """Streamed, for files as long as the proposals, whose ETag is their version (`_versioned`); whole, for
    short ones (the moderation figures), whose ETag is the hash of the body and which answer a revalidation
    with 304 (MachineReadableConditionalGetMiddleware), as the pages that poll them expect."""
    if stream:
        return StreamingHttpResponse(chunks, content_type=content_type)
    return HttpResponse("".join(chunks), content_type=content_type)


def _csv_response(fields, rows, filename: str, *, stream: bool = True):
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"  # so that spreadsheet programs read UTF-8
        yield writer.writerow(fields)
        for row in rows:
            yield writer.writerow([csv_safe("" if row[f] is None else _flat(row[f])) for f in fields])

    response = _body(lines(), "text/csv; charset=utf-8", stream=stream)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _json_response(fields, rows, *, stream: bool = True):
    encoder = DjangoJSONEncoder(ensure_ascii=False)

    def chunks():
        yield '{"fields": ' + encoder.encode(list(fields)) + ', "results": ['
        for index, row in enumerate(rows):
            yield ("," if index else "") + encoder.encode(row)
        yield "]}"

    response = _body(chunks(), "application/json; charset=utf-8", stream=stream)
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _consultation(request):
    """`?consultation=<slug>`: one consultation's rows, the ones its outcome and tracker count; without it,
    every consultation's."""
    slug = request.GET.get("consultation")
    if slug is None:
        return None
    # A NUL would reach PostgreSQL, which refuses it with an error.
    consultation = public_consultations().filter(slug=slug).first() if _SLUG.fullmatch(slug) else None
    if consultation is None:
        raise Http404
    return consultation


# A file's one parameter; anything else is refused rather than ignored, as the API does: a misspelt
# `consultation` would otherwise pass the whole file off as one consultation's.
PARAMETERS = frozenset({"consultation"})


def _json_errors(view):
    """A file's refusals as JSON with a `detail`, like the API's: the program that reads the file reads them
    too, rather than an HTML page (a bad parameter is 400 naming it, an unknown consultation 404)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        unknown = sorted(set(request.GET) - PARAMETERS)
        if unknown:
            return JsonResponse({"detail": "Unknown query parameter(s).", "parameters": unknown}, status=400)
        try:
            return view(request, *args, **kwargs)
        except Http404:
            return JsonResponse({"detail": "Not found."}, status=404)

    return wrapper


# How long a file's first-served moment is kept: a file unchanged for longer is downloaded once more by a
# client that revalidates by date alone, and a removed consultation's entry does not stay for good.
SINCE_KEPT = 60 * 60 * 24 * 30


def _versioned(version_of):
    """An ETag and a Last-Modified for a streamed file, computed before the file is: a client that sends
    either back is answered 304 without a row being read (`open_data_versions`).

    The ETag is the file's version. The Last-Modified is when this server first served that version (kept
    in the cache, later than every earlier version's by at least a second, since HTTP dates count seconds):
    no single column dates every change a row can show (a support withdrawn deletes its row). Without the
    cache it is now, which costs a client a download rather than a stale copy."""

    def version(request, **kwargs) -> str:
        if not hasattr(request, "open_data_version"):
            consultation = _consultation(request)
            request.open_data_version = version_of(consultation)
            request.open_data_consultation = consultation.pk if consultation else ""
        return request.open_data_version

    def etag(request, **kwargs) -> str:
        return f"{request.path.rsplit('/', 1)[-1]}-{version(request)}"

    def last_modified(request, **kwargs) -> datetime:
        current = version(request)
        # Keyed by the file and the consultation it was read for, not by the address as typed: a parameter
        # repeated or percent-encoded names the same file, and each spelling kept an entry of its own for
        # good, so a script could fill the cache's memory one request at a time.
        key = f"open-data-since:{request.path}:{request.open_data_consultation}"
        stored = safe(cache.get, key) or {}
        since = stored.get("since")
        if stored.get("version") != current or since is None:
            since = max(math.ceil(time.time()), (since or 0) + 1)
            safe(cache.set, key, {"version": current, "since": since}, SINCE_KEPT)
        return datetime.fromtimestamp(since, tz=UTC)

    return condition(etag_func=etag, last_modified_func=last_modified)


def _filename(stem: str, consultation) -> str:
    return f"{stem}-{consultation.slug}.csv" if consultation else f"{stem}.csv"


def _flat(value):
    if value and isinstance(value, list) and isinstance(value[0], dict) and "reason" in value[0]:
        # An answer's corrections: one line each, its time and its reason (a reason has spaces of its own).
        return "\n".join(f"{item['at']} {item['reason']}" for item in value)
    if isinstance(value, list):
        # Evidence objects flatten to their links; the JSON keeps kind and title too.
        return " ".join(str(item["url"] if isinstance(item, dict) else item) for item in value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class _File:
    """One data set, served as `<stem>.csv` and as JSON: the same `rows(consultation)` under the same fields.

    A file with a `version_of(consultation)` is long and streamed, answered 304 from its version before a row
    is read (`_versioned`); one without is short and sent whole (`_body`)."""

    stem: str
    fields: Iterable[str]
    rows: Callable[[object], Iterable[dict]]
    version_of: Callable[[object], str] | None = None


def _file_view(file: _File, respond):
    """The view answering `respond(consultation)` for `file`, with its refusals and its validators.

    A streamed file is paced per client address (`_paced`): its version is a few aggregates over every row
    (about a second at 100,000 proposals) and its body every row (twenty seconds), so a script asking for it
    in a loop would hold the database and the web workers that everyone else is served by."""

    def view(request):
        if file.version_of is not None and _over(request, "open-data-download", "OPEN_DATA_DOWNLOADS"):
            return _too_many(request)
        return respond(_consultation(request))

    if file.version_of is not None:
        view = _paced(_versioned(file.version_of)(view))
    return require_safe(_json_errors(view))


def _paced(view):
    """Every request for a streamed file counts, a revalidation too: refused before its version is read."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if _over(request, "open-data-request", "OPEN_DATA_REQUESTS"):
            return _too_many(request)
        return view(request, *args, **kwargs)

    return wrapper


def _over(request, scope: str, setting: str) -> bool:
    """Whether this client address is over `<setting>_PER_ADDRESS_PER_HOUR` (counting this request)."""
    limit = getattr(settings, f"{setting}_PER_ADDRESS_PER_HOUR")
    return not ratelimit.address_within(client_ip(request), scope=scope, limit=limit, period_seconds=3600)


def _too_many(request) -> JsonResponse:
    response = JsonResponse(
        {
            "detail": "Too many requests for the open-data files from this address; retry after the "
            "Retry-After seconds, and send the file's ETag back to be answered 304 when nothing changed."
        },
        status=429,
    )
    # The limits count in hourly windows: the next one starts this many seconds from now.
    response["Retry-After"] = str(3600 - int(ratelimit.clock()) % 3600)
    return response


def _csv_view(file: _File):
    return _file_view(
        file,
        lambda consultation: _csv_response(
            list(file.fields),
            file.rows(consultation),
            _filename(file.stem, consultation),
            stream=file.version_of is not None,
        ),
    )


def _json_view(file: _File):
    return _file_view(
        file,
        lambda consultation: _json_response(
            list(file.fields), file.rows(consultation), stream=file.version_of is not None
        ),
    )


# Rows and versions are read when a file is asked for, with the site's address as set then.
PROPOSALS = _File(
    stem="proposals",
    fields=FIELDS,
    rows=lambda consultation: open_data_rows(site_url=settings.SITE_URL, consultation=consultation),
    version_of=lambda consultation: versions.proposals_version(consultation=consultation),
)
COMMITMENTS = _File(
    stem="commitments",
    fields=commitment_selectors.COMMITMENT_FIELDS,
    rows=lambda consultation: commitment_selectors.commitment_rows(
        site_url=settings.SITE_URL, consultation=consultation
    ),
    version_of=lambda consultation: versions.commitments_version(
        consultation=consultation, today=commitment_selectors.today()
    ),
)
COMMITMENT_UPDATES = _File(
    stem="commitment-updates",
    fields=commitment_selectors.UPDATE_FIELDS,
    rows=lambda consultation: commitment_selectors.update_rows(consultation=consultation),
    version_of=lambda consultation: versions.commitment_updates_version(consultation=consultation),
)
MODERATION = _File(
    stem="moderation",
    fields=moderation_selectors.MODERATION_FIELDS,
    rows=lambda consultation: moderation_selectors.moderation_rows(consultation=consultation),
)
MODERATION_STATEMENTS = _File(
    stem="moderation-statements",
    fields=moderation_selectors.STATEMENT_FIELDS,
    rows=lambda consultation: moderation_selectors.statement_rows(
        site_url=settings.SITE_URL, consultation=consultation
    ),
)

# The views `portal/urls.py` routes to, `<set>_csv` and `<set>_json`.
proposals_csv, proposals_json = _csv_view(PROPOSALS), _json_view(PROPOSALS)
commitments_csv, commitments_json = _csv_view(COMMITMENTS), _json_view(COMMITMENTS)
commitment_updates_csv = _csv_view(COMMITMENT_UPDATES)
commitment_updates_json = _json_view(COMMITMENT_UPDATES)
moderation_csv, moderation_json = _csv_view(MODERATION), _json_view(MODERATION)
moderation_statements_csv = _csv_view(MODERATION_STATEMENTS)
moderation_statements_json = _json_view(MODERATION_STATEMENTS)


@require_safe
def open_data_landing(request):
    """What the open data holds (each file of the data package with its links and field dictionary), and its
    licence, in the reader's language."""
    package = open_data_package(site_url=settings.SITE_URL)
    language = request.LANGUAGE_CODE if request.LANGUAGE_CODE in DICTIONARY_LANGUAGES else "kk"
    datasets = []
    for resource in package["resources"]:
        csv_path = "/" + resource["path"].removeprefix(settings.SITE_URL).lstrip("/")
        datasets.append(
            {
                "name": resource["name"],
                "title": resource["titles"][language],
                "csv": csv_path,
                "json": csv_path.removesuffix(".csv") + ".json",
                "fields": [
                    {"name": f["name"], "type": f["type"], "description": f["descriptions"][language]}
                    for f in resource["schema"]["fields"]
                ],
            }
        )
    return render(request, "proposals/open_data.html", {"datasets": datasets, "licence": LICENCE})


@require_safe
@_json_errors
def datapackage_json(request):
    response = JsonResponse(
        open_data_package(site_url=settings.SITE_URL), json_dumps_params={"ensure_ascii": False}
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response
