"""`Idempotency-Key` on API writes: a retry after a lost answer gets the first answer, and nothing is
written twice.

A client that sent a write and lost the answer (a timeout, a cut connection, a 503 after the COMMIT went
through) cannot tell whether it was stored. With a key of its choosing in `Idempotency-Key`, it may simply
send the same request again: within `IDEMPOTENCY_KEY_LIFETIME` (24 hours) the same key from the same
credential answers with the stored first answer (status and body, marked `Idempotent-Replayed: true`) and
runs nothing.

How it holds under concurrency and failures: the key's row is inserted first, in the same transaction as
the write, and filled with the answer before the COMMIT. A second request with the same key inserts the same
unique row and so waits for the first transaction: if it committed, the row is there and its answer is
replayed; if it rolled back (an error, a lost connection), neither the write nor the row exist and the
second request does the write itself. Only successful (2xx) answers are kept: a refusal leaves nothing, so
the client may correct the request and use the key again. The same key with a different request (method,
path or body) is refused with 422.
"""

from __future__ import annotations

import functools
import hashlib
import re
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.http import HttpResponse, JsonResponse
from django.utils import timezone

from .models import IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
IDEMPOTENCY_KEY_LIFETIME = timedelta(hours=24)
# Printable ASCII without spaces, as UUIDs and the keys of common client libraries are.
KEY_PATTERN = re.compile(r"[\x21-\x7e]{1,255}")


def _sha256(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def idempotency_claim(*, client: str, key: str, fingerprint: str) -> IdempotencyRecord | None:
    """Inside the caller's transaction: claims the key and returns None, or returns the earlier request's
    committed record (waiting for it while that request is still running). An expired record is replaced."""
    IdempotencyRecord.objects.filter(
        client=client, key=key, created_at__lt=timezone.now() - IDEMPOTENCY_KEY_LIFETIME
    ).delete()
    try:
        with transaction.atomic():
            IdempotencyRecord.objects.create(
                client=client,
                key=key,
                request_fingerprint=fingerprint,
                status_code=0,
                content_type="",
                body="",
            )
    except IntegrityError:
        return IdempotencyRecord.objects.get(client=client, key=key)
    return None


def idempotency_store(*, client: str, key: str, response: HttpResponse) -> None:
    """Inside the same transaction as the write: keeps the answer to give again."""
    IdempotencyRecord.objects.filter(client=client, key=key).update(
        status_code=response.status_code,
        content_type=response.get("Content-Type", ""),
        body=response.content.decode(),
    )


def idempotency_purge_expired() -> int:
    """Deletes records older than the lifetime (a beat sweep); returns how many."""
    deleted, _rows = IdempotencyRecord.objects.filter(
        created_at__lt=timezone.now() - IDEMPOTENCY_KEY_LIFETIME
    ).delete()
    return deleted


def _replay(record: IdempotencyRecord) -> HttpResponse:
    response = HttpResponse(record.body, status=record.status_code, content_type=record.content_type)
    response[REPLAYED_HEADER] = "true"
    return response


def _refusal(detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=422)


def idempotent(view):
    """Decorates an API write authenticated by `Authorization` (for django-ninja: `decorate_view`).
    Without the header, or without a credential, the view runs as it always did."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        key = request.headers.get(HEADER)
        credential = request.headers.get("Authorization", "")
        if key is None or not credential:
            return view(request, *args, **kwargs)
        if not KEY_PATTERN.fullmatch(key):
            return _refusal(f"{HEADER} must be 1 to 255 printable ASCII characters without spaces.")
        client = _sha256(b"idempotency", credential.encode())
        fingerprint = _sha256(request.method.encode(), request.path.encode(), request.body)
        with transaction.atomic():
            earlier = idempotency_claim(client=client, key=key, fingerprint=fingerprint)
            if earlier is not None:
                if earlier.request_fingerprint != fingerprint:
                    return _refusal(f"This {HEADER} was already used for a different request.")
                return _replay(earlier)
            response = view(request, *args, **kwargs)
            if 200 <= response.status_code < 300:
                idempotency_store(client=client, key=key, response=response)
            else:
                transaction.set_rollback(True)
        return response

    return wrapper
