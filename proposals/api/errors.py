"""Errors that the API's operations raise and `proposals.api` answers as JSON."""


class UnknownParameter(Exception):
    """A query parameter that the operation does not know: answered 400 with the names."""

    def __init__(self, names):
        self.names = sorted(names)


class SearchPaused(Exception):
    """Full-text search paused by an admin during a surge, as on the site's list: answered 503 with
    Retry-After, a passing refusal (the list without `q` still answers)."""


def refuse_unknown_parameters(request, known: set[str]) -> None:
    """Raises UnknownParameter for any query parameter outside `known`, so a misspelt filter is an error, not
    an unfiltered list."""
    unknown = set(request.GET) - known
    if unknown:
        raise UnknownParameter(unknown)
