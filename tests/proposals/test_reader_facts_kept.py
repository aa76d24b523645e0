"""A web process keeps what a proposal's page decides on (proposals/selectors/reader_facts.py): the public
proposal's facts while its page's generations stand, and each person's own supports, follows, comments and
likes while their generation token stands. Every change is decided on at the next page; nobody is given
another person's facts."""

import pytest
from django.test import Client

from portal.core import page_cache
from portal.core.models import SiteSwitches
from proposals.models import Comment, ProposalStatus
from proposals.selectors import document as document_selectors
from proposals.selectors import proposal as proposal_selectors
from proposals.selectors import reader_facts
from proposals.services.comment import comment_create, comment_like
from proposals.services.consultation import ConsultationInput, consultation_update
from proposals.services.follow import follow_add, follow_set
from proposals.services.support import support_add, support_withdraw
from tests.factories import UserFactory

from .factories import CommentFactory

pytestmark = pytest.mark.django_db

SUPPORTED = "You support this proposal."
FOLLOWED = ">Unfollow</button>"


@pytest.fixture
def reads(settings, monkeypatch):
    """Counts the reads of a proposal's facts from the database, with the session store that remembers."""
    settings.SESSION_ENGINE = "portal.accounts.sessions"
    calls = []
    for module, name in (
        (proposal_selectors, "proposal_for_reader"),
        (proposal_selectors, "public_proposal_facts"),
        (reader_facts, "own_facts"),
    ):
        real = getattr(module, name)

        def counted(*args, _real=real, _name=name, **kwargs):
            calls.append(_name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(module, name, counted)
    return calls


def _kept_client(user, url, reads) -> Client:
    """A person signed in whose standing and facts this process keeps: the first request learns whose session
    it is, the second gives the person a token and keeps their facts, the third is answered from memory."""
    client = Client()
    client.force_login(user)
    for _ in range(3):
        assert client.get(url).status_code == 200
    reads.clear()
    assert client.get(url).status_code == 200
    assert reads == [], "the proposal's facts were read again though nothing changed"
    return client


@pytest.fixture
def url(published):
    return f"/en/proposals/{published.pk}/"


@pytest.fixture
def reader(citizen, verify, url, reads):
    verify(citizen)
    return _kept_client(citizen, url, reads)


def _page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _read_afresh(client, url, reads, *, kind: str) -> str:
    reads.clear()
    page = _page(client, url)
    assert kind in reads, f"the page was decided on {kind} kept from before the change"
    reads.clear()
    _page(client, url)
    assert reads == [], "the new facts are kept again"
    return page


def test_a_support_and_its_withdrawal_are_shown_at_the_next_page(reader, citizen, published, url, reads):
    support_add(user=citizen, proposal=published)
    assert SUPPORTED in _read_afresh(reader, url, reads, kind="own_facts")
    support_withdraw(user=citizen, proposal=published)
    page = _read_afresh(reader, url, reads, kind="own_facts")
    assert SUPPORTED not in page and 'id="support-button">Support<' in page


def test_following_and_unfollowing_are_shown_at_the_next_page(reader, citizen, published, url, reads):
    follow_add(user=citizen, proposal=published)
    assert FOLLOWED in _read_afresh(reader, url, reads, kind="own_facts")
    follow_set(user=citizen, proposal=published, follow=False)
    assert FOLLOWED not in _read_afresh(reader, url, reads, kind="own_facts")


def test_a_comment_or_a_like_gives_the_reader_their_own_thread(reader, citizen, published, url, reads):
    comment_create(author=citizen, proposal=published, body="The article should name the deadline.")
    reads.clear()
    response = reader.get(url)
    assert "own_facts" in reads
    assert response["X-Signed-In-Page"] == "own"


def test_liking_a_comment_gives_the_reader_their_own_thread(
    reader, citizen, other_citizen, published, url, reads
):
    comment = CommentFactory(proposal=published, author=other_citizen)
    _page(reader, url)
    _page(reader, url)
    comment_like(comment=comment, user=citizen)
    reads.clear()
    response = reader.get(url)
    assert "own_facts" in reads
    assert response["X-Signed-In-Page"] == "own"
    assert Comment.objects.filter(pk=comment.pk, likes_count=1).exists()


def test_a_proposal_hidden_meanwhile_is_decided_on_anew(reader, published, url, reads):
    published.status = ProposalStatus.HIDDEN
    published.save(update_fields=["status"])
    reads.clear()
    page = _page(reader, url)
    # A hidden proposal's facts are read for each page, and its page withholds the title.
    assert "proposal_for_reader" in reads
    assert published.title not in page
    reads.clear()
    _page(reader, url)
    assert "proposal_for_reader" in reads


def test_a_consultation_changed_meanwhile_is_decided_on_anew(reader, published, url, reads):
    consultation = published.consultation
    consultation.accepted_identity_levels = ["signature", "national_sign_in"]
    consultation.save()
    page = _read_afresh(reader, url, reads, kind="public_proposal_facts")
    assert "counts supports only from people verified with a digital signature" in page


def test_paused_supports_are_decided_on_at_the_next_page(reader, url, reads):
    switches = SiteSwitches.objects.filter(pk=1).first() or SiteSwitches(pk=1)
    switches.supports_paused = True
    switches.save()
    page = _read_afresh(reader, url, reads, kind="public_proposal_facts")
    assert "Supports are paused for a short while" in page


def test_kept_facts_last_no_longer_than_a_stored_page(reader, url, reads, monkeypatch, settings):
    now = page_cache.clock()
    monkeypatch.setattr(page_cache, "clock", lambda: now + settings.PAGE_CACHE_SECONDS + 1)
    reads.clear()
    _page(reader, url)
    assert "public_proposal_facts" in reads


def test_another_persons_kept_facts_are_never_given(reader, citizen, verify, published, url, reads):
    support_add(user=citizen, proposal=published)
    assert SUPPORTED in _page(reader, url)
    (neighbour,) = verify(UserFactory(display_name="Erzhan"))
    second = _kept_client(neighbour, url, reads)
    assert SUPPORTED not in _page(second, url)
    assert SUPPORTED in _page(reader, url)


def test_a_person_with_very_many_facts_is_read_for_each_page(
    citizen, verify, published, url, reads, monkeypatch
):
    verify(citizen)
    support_add(user=citizen, proposal=published)
    monkeypatch.setattr(reader_facts, "MOST_KEPT_IDS", 0)
    client = Client()
    client.force_login(citizen)
    for _ in range(3):
        assert SUPPORTED in _page(client, url)
    reads.clear()
    assert SUPPORTED in _page(client, url)
    # Their page is decided on the database, and their many facts are not read again in vain.
    assert reads == ["proposal_for_reader"]


def test_a_writing_request_decides_on_the_database(reader, published, url, reads):
    reads.clear()
    reader.post(f"/en/proposals/{published.pk}/support/")
    assert "public_proposal_facts" not in reads and "own_facts" not in reads


# --- an article's page: whether the reader follows it -----------------------------------------------------

ARTICLE_FOLLOWED = "Unfollow this article"


@pytest.fixture
def article_url(draft_article):
    return draft_article.get_absolute_url().replace("/kk/", "/en/", 1)


@pytest.fixture
def article_reads(reads, monkeypatch):
    real = document_selectors.reader_follows_article

    def counted(**kwargs):
        reads.append("reader_follows_article")
        return real(**kwargs)

    monkeypatch.setattr(document_selectors, "reader_follows_article", counted)
    return reads


def test_following_an_article_is_kept_and_shown_at_the_next_page(
    citizen, draft_article, article_url, article_reads
):
    client = _kept_client(citizen, article_url, article_reads)
    assert ARTICLE_FOLLOWED not in _page(client, article_url)
    follow_add(user=citizen, article=draft_article)
    assert ARTICLE_FOLLOWED in _read_afresh(client, article_url, article_reads, kind="own_facts")
    follow_set(user=citizen, article=draft_article, follow=False)
    assert ARTICLE_FOLLOWED not in _read_afresh(client, article_url, article_reads, kind="own_facts")


def test_a_consultation_given_a_new_address_reads_who_follows_its_articles_afresh(
    citizen, admin_user, draft_article, article_url, article_reads
):
    follow_add(user=citizen, article=draft_article)
    client = _kept_client(citizen, article_url, article_reads)
    consultation = draft_article.document.consultation
    moved = ConsultationInput(
        slug="reform-2026",
        titles={"kk": consultation.title_kk or "Реформа", "en": consultation.title_en},
        descriptions={},
        phases=(),
    )
    consultation_update(consultation=consultation, actor=admin_user, data=moved)
    new_url = article_url.replace(f"/{consultation.slug}/", "/reform-2026/", 1)
    assert ARTICLE_FOLLOWED in _read_afresh(client, new_url, article_reads, kind="own_facts")
