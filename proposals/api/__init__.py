"""The public REST API under /api/v1/ (django-ninja); the OpenAPI document is /api/v1/openapi.json."""

import functools

from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.urls import URLPattern
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError

from ..services.proposal import SubmissionThrottled
from ..services.support import SupportsThrottled
from .commitments import router as commitments_router
from .documents import router as documents_router
from .errors import SearchPaused, UnknownParameter
from .hearings import router as hearings_router
from .proposals import router as proposals_router
from .stats import router as stats_router
from .topics import router as topics_router

_ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "errors": {},
        "parameters": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["detail"],
}
# Every operation may refuse unknown parameters (400), a missing object (404), malformed input (422), or for a
# moment answer 503; authenticated ones also a missing token (401), a refusal (403), a closed phase (409) or
# too many writes in a short time, or writes paused by an admin during a surge (429, with Retry-After).
_ERRORS = {
    "400": "Unknown query parameter",
    "404": "Not found",
    "422": "Invalid input",
    "503": "Briefly unavailable (a database failover), or search paused; retry after the Retry-After seconds",
}
_AUTHENTICATED_ERRORS = {
    "401": "Missing or invalid token",
    "403": "Not allowed",
    "409": "Not possible now",
    "429": "Too many requests, or paused; retry after the Retry-After seconds",
}


def _json_method_refusal(view):
    """django-ninja refuses a method an operation lacks with a plain-text 405; every other refusal of the API
    is JSON with a `detail`. It also refuses HEAD, which HTTP asks of every GET (monitors and link checkers
    send it): a HEAD is answered as the GET, whose body the WSGI server leaves out."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "HEAD":
            request.method = "GET"
            try:
                return wrapper(request, *args, **kwargs)
            finally:
                request.method = "HEAD"
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            refusal = JsonResponse({"detail": "Method not allowed."}, status=405)
            refusal["Allow"] = response["Allow"]
            return refusal
        return response

    return wrapper


class PortalAPI(NinjaAPI):
    """Documents the JSON errors the handlers below answer, so clients (and schemathesis) can rely on them."""

    def _get_urls(self):
        return [
            URLPattern(url.pattern, _json_method_refusal(url.callback), url.default_args, url.name)
            if isinstance(url, URLPattern)
            else url
            for url in super()._get_urls()
        ]

    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = _ERROR_SCHEMA
        error_ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        for operations in schema["paths"].values():
            for operation in operations.values():
                codes = dict(_ERRORS)
                if operation.get("security"):
                    codes |= _AUTHENTICATED_ERRORS
                for code, description in codes.items():
                    answer = {"description": description, "content": error_ref}
                    operation["responses"].setdefault(code, answer)
        return schema


api = PortalAPI(
    title="Qatysu API",
    version="1",
    description="Public data of the consultation: proposals, their supports and answers. Reads are open; "
    "writes need `Authorization: Bearer <token>` (create one in your account or with `create_api_token`).",
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url=None,
)
api.add_router("/proposals", proposals_router)
api.add_router("/hearings", hearings_router)
api.add_router("/stats", stats_router)
api.add_router("/topics", topics_router)
api.add_router("/commitments", commitments_router)
api.add_router("/", documents_router)


@api.exception_handler(UnknownParameter)
def unknown_parameter(request, error):
    return api.create_response(
        request, {"detail": "Unknown query parameter(s).", "parameters": error.names}, status=400
    )


@api.exception_handler(SearchPaused)
def search_paused(request, error):
    response = api.create_response(
        request, {"detail": "Search is paused for a short while because of heavy load."}, status=503
    )
    response["Retry-After"] = "60"
    return response


@api.exception_handler(AuthenticationError)
def unauthenticated(request, error):
    """HTTP's 401 names the scheme it wants (RFC 9110): client libraries read it to retry with a token."""
    response = api.create_response(request, {"detail": "Unauthorized"}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@api.exception_handler(NinjaValidationError)
def invalid_input(request, error):
    return api.create_response(request, {"detail": "Invalid input.", "errors": error.errors}, status=422)


@api.exception_handler(SubmissionThrottled)
def throttled(request, error):
    response = api.create_response(request, {"detail": " ".join(error.messages)}, status=429)
    response["Retry-After"] = "600"
    return response


@api.exception_handler(SupportsThrottled)
def supports_throttled(request, error):
    response = api.create_response(request, {"detail": " ".join(error.messages)}, status=429)
    response["Retry-After"] = "60"
    return response


@api.exception_handler(ValidationError)
def refused_input(request, error):
    errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
    return api.create_response(request, {"detail": "Invalid input.", "errors": errors}, status=422)


@api.exception_handler(PermissionDenied)
def forbidden(request, error):
    return api.create_response(request, {"detail": str(error) or "Not allowed."}, status=403)


@api.exception_handler(RequestDataTooBig)
def too_big(request, error):
    """A body over DATA_UPLOAD_MAX_MEMORY_SIZE: JSON like every other answer of the API, not Django's page."""
    return api.create_response(request, {"detail": "Request body too large."}, status=413)


@api.exception_handler(Http404)
def not_found(request, error):
    return api.create_response(request, {"detail": "Not found."}, status=404)


@csrf_exempt  # it changes nothing; a POST to a mistyped path should read "not found", not a CSRF page
def api_not_found(request):
    return JsonResponse({"detail": "Not found."}, status=404)
