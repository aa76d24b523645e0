"""A comment refused (too fast, too many from a network, the service's refusal, a form error) is kept in the
session and given back in the comment form of the proposal's page, which then renders for that reader
alone: the comment box posts to another address and the refusal redirects back, so without this the text
the person typed was lost."""

SESSION_KEY = "refused-comment"


def keep_refused_comment(request, *, proposal_pk: int, body: str, parent) -> None:
    if body.strip():
        request.session[SESSION_KEY] = {"proposal": proposal_pk, "body": body, "parent": parent}


def refused_comment_for(request, proposal_pk: int) -> dict | None:
    """The text refused on this proposal's comment box, once: reloading the page afterwards shows it empty."""
    if not request.user.is_authenticated:
        return None
    kept = request.session.get(SESSION_KEY)
    if not kept or kept.get("proposal") != proposal_pk:
        return None
    del request.session[SESSION_KEY]
    return {"body": kept.get("body", ""), "parent": kept.get("parent")}
