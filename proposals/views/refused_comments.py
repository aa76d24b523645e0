"""A comment or an edit refused (too fast, too many from a network, the service's refusal, a form error) is
kept in the session and given back in the comment box, or that comment's edit box, of the proposal's page,
which then renders for that reader alone: the boxes post to another address and the refusal redirects back,
so without this the text the person typed was lost."""

SESSION_KEY = "refused-comment"


def keep_refused(request, *, proposal_pk: int, body: str, parent=None, comment_pk: int | None = None) -> None:
    """`comment_pk` names the comment an edit was refused for; without it, a new comment (or a reply to
    `parent`) was refused."""
    if body.strip():
        request.session[SESSION_KEY] = {
            "proposal": proposal_pk,
            "body": body,
            "parent": parent,
            "comment": comment_pk,
        }


def refused_for(request, proposal_pk: int) -> dict | None:
    """What was refused on this proposal's page, once: reloading the page afterwards shows the boxes as
    they are."""
    if not request.user.is_authenticated:
        return None
    kept = request.session.get(SESSION_KEY)
    if not kept or kept.get("proposal") != proposal_pk:
        return None
    del request.session[SESSION_KEY]
    return kept
