"""What the tests of the Commission's answers share: a draft answer saved through the service."""

from proposals.services import response as services
from proposals.services.response import ResponseInput


def draft_answer(proposal, author, **fields):
    """The author's draft answer to the proposal: accepted, with reasons in the proposal's language, unless
    `fields` say otherwise."""
    fields.setdefault("status", "accepted")
    fields.setdefault(f"reasoning_{proposal.language}", "Accepted: the article is rewritten.")
    return services.response_draft_save(proposal=proposal, author=author, data=ResponseInput(**fields))
