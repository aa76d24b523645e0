"""Which stored pages a change renews (portal/core/page_cache.py, generations registered in
proposals/registrations.py). The rules for hidden content and comments are in tests/portal/core/test_page_cache.py."""

from django.test import Client

from proposals.services.proposal import proposal_transition

from .factories import ProposalFactory


def _get(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return response


def test_publishing_a_proposal_renews_the_lists_not_the_pages_of_the_others(
    client, consultation, draft_article, citizen
):
    """On publication day moderators publish proposals one after another; each renewed every page of the
    site, the pages of all proposals read meanwhile included, which show none of the others."""
    proposal = ProposalFactory(consultation=consultation, title="Open budgets for every district")
    newcomer = ProposalFactory(
        consultation=consultation, status="in_moderation", title="Night buses on every line"
    )
    newcomer.articles.set([draft_article])
    reader = Client()
    reader.force_login(citizen)
    pages = [
        "/en/proposals/",
        draft_article.get_absolute_url().replace("/kk/", "/en/", 1),
        f"/en/proposals/{proposal.pk}/",
    ]
    for path in pages:
        _get(client, path)
        _get(reader, path)
    proposal_transition(proposal=newcomer, to_status="published", actor=None)
    for path in pages[:2]:
        assert _get(client, path)["X-Page-Cache"] == "miss", path
        assert b"Night buses on every line" in _get(reader, path).content, path
    assert _get(client, f"/en/proposals/{proposal.pk}/")["X-Page-Cache"] == "hit"
    assert _get(reader, f"/en/proposals/{proposal.pk}/")["X-Signed-In-Page"] == "hit"
