"""A comment or an edit refused (too fast, too many from a network, the service's refusal, a form error) is
kept in the session and given back in the comment box, or that comment's edit box, of the proposal's page,
which then renders for that reader alone: the boxes post to another address and the refusal redirects back,
so without this the text the person typed was lost."""

SESSION_KEY = "refused-comment"
EDIT_SESSION_KEY = "refused-comment-edit"


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


def keep_refused_edit(request, *, comment, body: str) -> None:
    """An edit refused (its pace, the service): the thread opens that comment's edit box with it."""
    if body.strip():
        kept = {"proposal": comment.proposal_id, "comment": comment.pk, "body": body}
        request.session[EDIT_SESSION_KEY] = kept


def refused_edit_for(request, proposal_pk: int) -> dict | None:
    """The edit refused on one of this proposal's comments, once."""
    if not request.user.is_authenticated:
        return None
    kept = request.session.get(EDIT_SESSION_KEY)
    if not kept or kept.get("proposal") != proposal_pk:
        return None
    del request.session[EDIT_SESSION_KEY]
    return {"comment": kept.get("comment"), "body": kept.get("body", "")}
