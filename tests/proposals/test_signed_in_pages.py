"""Signed-in pages: bounded queries whatever the volume, shared parts rendered once for every reader, and the
person's own state never inside a shared part (another reader would see it)."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from portal.accounts.models import ApiToken
from portal.accounts.tokens import api_token_authenticate, api_token_create
from portal.core import page_cache
from proposals.models import Proposal, Support
from proposals.services.comment import comment_create, comment_like
from proposals.services.support import support_add
from tests.factories import UserFactory

from .factories import CommentFactory, ProposalFactory, TopicFactory

pytestmark = pytest.mark.django_db

# Every signed-in page stays at or under this many queries, whatever the number of proposals, supports and
# comments, once what every reader shares has been rendered by someone.
QUERY_BOUND = 10


def _populate(consultation, article, count):
    """`count` proposals on `article`, each supported by three people; the first has `count` comments with
    a reply each."""
    topic = TopicFactory()
    people = UserFactory.create_batch(3)
    proposals = ProposalFactory.create_batch(count, consultation=consultation, topic=topic)
    for proposal in proposals:
        proposal.articles.add(article)
    Support.objects.bulk_create([Support(proposal=p, user=u) for p in proposals for u in people])
    target = proposals[0]
    for index in range(count):
        parent = CommentFactory(proposal=target, author=people[index % 3])
        CommentFactory(proposal=target, author=people[(index + 1) % 3], parent=parent)
    return target


def _session_reads() -> int:
    """Without a shared cache (the embedded default) sessions are read from the database: one query more."""
    return int(settings.SESSION_ENGINE == "django.contrib.sessions.backends.db")


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _pages(consultation, draft_article, target):
    article_page = draft_article.get_absolute_url().replace("/kk/", "/en/", 1)
    return {
        "list": "/en/proposals/",
        "list, filtered": f"/en/proposals/?article={draft_article.pk}&ordering=-supports",
        "list, search": "/en/proposals/?q=proposal",
        "detail": f"/en/proposals/{target.pk}/",
        "detail, comments by likes": f"/en/proposals/{target.pk}/?comments=liked",
        "article": article_page,
        "outcome": f"/en/consultations/{consultation.slug}/outcome/",
        "api list": "/api/v1/proposals?page_size=50",
    }


@pytest.mark.parametrize("count", [1, 60])
def test_every_signed_in_page_runs_a_bounded_number_of_queries(
    consultation, draft_article, citizen, other_citizen, count, django_assert_max_num_queries
):
    target = _populate(consultation, draft_article, count)
    first, second = _signed_in(citizen), _signed_in(other_citizen)
    for name, url in _pages(consultation, draft_article, target).items():
        assert first.get(url).status_code == 200, name
        # Another person, with their own support buttons, follows and unread count: the same bound.
        with django_assert_max_num_queries(QUERY_BOUND + _session_reads()):
            response = second.get(url)
        assert response.status_code == 200, name


@pytest.mark.parametrize("count", [1, 60])
def test_a_reader_who_likes_a_comment_gets_their_own_thread_within_the_bound(
    consultation, draft_article, citizen, other_citizen, count, django_assert_max_num_queries
):
    """Their pressed buttons make the thread theirs alone: rendered for them, still in bounded queries."""
    target = _populate(consultation, draft_article, count)
    comment_like(comment=target.comments.filter(parent__isnull=True).first(), user=other_citizen)
    _signed_in(citizen).get(f"/en/proposals/{target.pk}/")
    reader = _signed_in(other_citizen)
    for url in (f"/en/proposals/{target.pk}/", f"/en/proposals/{target.pk}/?comments=liked"):
        with django_assert_max_num_queries(QUERY_BOUND + _session_reads()):
            page = reader.get(url).content.decode()
        assert page.count('aria-pressed="true"') == 1, url


@pytest.mark.parametrize("count", [1, 60])
def test_the_first_reader_after_a_change_of_the_site_stays_within_the_bound(
    consultation, draft_article, citizen, count, django_assert_max_num_queries
):
    """After any change shown site-wide, the next reader renders the list's shared parts again."""
    _populate(consultation, draft_article, count)
    client = _signed_in(citizen)
    client.get("/en/proposals/")  # the process's own caches (switches, privacy notice) are warm
    page_cache.invalidate("site")
    with django_assert_max_num_queries(QUERY_BOUND + _session_reads()):
        assert client.get("/en/proposals/").status_code == 200
    with django_assert_max_num_queries(QUERY_BOUND):
        assert client.get("/api/v1/proposals").status_code == 200


def test_the_persons_own_state_is_read_with_the_user_in_one_query(
    consultation, citizen, django_assert_max_num_queries
):
    """Roles, unread notifications, a block and a verified identity come with the user row."""
    ProposalFactory(consultation=consultation)
    client = _signed_in(citizen)
    client.get("/en/proposals/")
    # The user; the session (with a shared cache) and the cards come from the cache.
    with django_assert_max_num_queries(1 + _session_reads()):
        assert client.get("/en/proposals/").status_code == 200


def test_a_change_of_a_proposal_shows_at_once_to_the_next_signed_in_reader(
    consultation, citizen, other_citizen
):
    proposal = ProposalFactory(consultation=consultation, title="Open budgets")
    first, second = _signed_in(citizen), _signed_in(other_citizen)
    assert "Open budgets" in first.get("/en/proposals/").content.decode()
    assert "Open budgets" in first.get(f"/en/proposals/{proposal.pk}/").content.decode()
    proposal.title = "Open budgets in every district"
    proposal.summary = "Corrected summary"
    proposal.save()
    assert "Open budgets in every district" in second.get("/en/proposals/").content.decode()
    page = second.get(f"/en/proposals/{proposal.pk}/").content.decode()
    assert "Corrected summary" in page


def test_a_new_comment_shows_at_once_in_the_shared_thread(published, citizen, other_citizen, moderator):
    reader = _signed_in(moderator)
    url = f"/en/proposals/{published.pk}/"
    assert "First thoughts" not in reader.get(url).content.decode()
    comment_create(author=citizen, proposal=published, body="First thoughts")
    assert "First thoughts" in reader.get(url).content.decode()


def test_an_article_text_change_shows_at_once(draft_article, citizen, other_citizen):
    from proposals.models import Paragraph

    url = draft_article.get_absolute_url().replace("/kk/", "/en/", 1)
    assert "Local councils approve" in _signed_in(citizen).get(url).content.decode()
    Paragraph.objects.filter(article__identity=draft_article).update(text_en="Councils decide")
    paragraph = Paragraph.objects.filter(article__identity=draft_article).first()
    paragraph.save()  # a save, as the import service makes, tells the caches
    assert "Councils decide" in _signed_in(other_citizen).get(url).content.decode()


def test_ones_own_support_never_leaks_into_what_another_reader_sees(
    consultation, citizen, other_citizen, verify
):
    verify(citizen, other_citizen)
    proposal = ProposalFactory(consultation=consultation)
    support_add(user=citizen, proposal=proposal)
    supporter, other = _signed_in(citizen), _signed_in(other_citizen)
    url = f"/en/proposals/{proposal.pk}/"
    assert "You support this proposal." in supporter.get(url).content.decode()
    page = other.get(url).content.decode()
    assert "You support this proposal." not in page
    assert "Withdraw my support" not in page
    assert f'action="/en/proposals/{proposal.pk}/support/"' in page
    # And the other way round, with the shared parts now rendered for the one who does not support.
    assert "You support this proposal." in supporter.get(url).content.decode()


def test_own_comment_actions_are_never_shared(published, citizen, other_citizen):
    comment_create(author=citizen, proposal=published, body="My own words")
    author, other = _signed_in(citizen), _signed_in(other_citizen)
    url = f"/en/proposals/{published.pk}/"
    delete_form = f'action="/en/comments/{published.comments.get().pk}/delete/"'
    # Another reader renders the shared thread first, then the author, then the other again.
    assert delete_form not in other.get(url).content.decode()
    assert delete_form in author.get(url).content.decode()
    assert delete_form not in other.get(url).content.decode()


def test_a_form_in_a_shared_fragment_carries_the_readers_own_csrf_token(published, citizen, other_citizen):
    CommentFactory(proposal=published, author=citizen, body="Worth a like")
    first = Client(enforce_csrf_checks=True)
    first.force_login(other_citizen)
    first.get(f"/en/proposals/{published.pk}/")  # renders and stores the shared thread
    second = Client(enforce_csrf_checks=True)
    second.force_login(UserFactory())
    page = second.get(f"/en/proposals/{published.pk}/").content.decode()
    like = re.search(
        r'action="(/en/comments/\d+/like/)">\s*<input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)"',
        page,
    )
    assert like, "the shared thread has a like form with a token"
    response = second.post(like.group(1), {"csrfmiddlewaretoken": like.group(2)})
    assert response.status_code == 302  # accepted: the token is this reader's, not the first reader's
    assert published.comments.get().likes_count == 1


def test_the_filter_choices_are_shared_and_follow_a_new_topic(consultation, citizen, other_citizen):
    ProposalFactory(consultation=consultation)
    assert "Water rights" not in _signed_in(citizen).get("/en/proposals/").content.decode()
    TopicFactory(slug="water", name_en="Water rights")
    assert "Water rights" in _signed_in(other_citizen).get("/en/proposals/").content.decode()


def test_a_token_records_its_last_use_at_most_once_a_minute(citizen, django_assert_num_queries):
    token, plain = api_token_create(user=citizen, name="script")
    assert api_token_authenticate(plain) == citizen
    first_use = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first_use is not None
    with django_assert_num_queries(1):  # the token with its owner; no write
        api_token_authenticate(plain)
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first_use
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now() - timedelta(seconds=61))
    with django_assert_num_queries(2):  # a minute later: the token, then one write
        api_token_authenticate(plain)
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first_use


def test_cards_show_counters_not_counts_over_joins(consultation, citizen, django_assert_max_num_queries):
    proposal = ProposalFactory(consultation=consultation, supports_count=7, comments_count=3)
    assert Proposal.objects.get(pk=proposal.pk).supports.count() == 0
    page = _signed_in(citizen).get("/en/proposals/").content.decode()
    assert "7 supports" in page and "3 comments" in page


def test_a_shared_proposal_page_reads_only_the_person_and_the_facts(
    consultation, citizen, other_citizen, django_assert_max_num_queries
):
    """Once someone in the same situation rendered it, a reader's proposal page is two statements at most: the
    person (or, where the process keeps their standing, their own supports and follows), and the proposal with
    its facts. A field the page's permissions read but the facts leave out would be loaded by a query of its
    own on every hit."""
    proposal = ProposalFactory(consultation=consultation)
    CommentFactory(proposal=proposal)
    url = f"/en/proposals/{proposal.pk}/"
    _signed_in(other_citizen).get(url)
    reader = _signed_in(citizen)
    # The process's own caches (switches, privacy notice) are warm, and with the shared cache it keeps the
    # reader's standing (portal/accounts/standing_memory.py).
    reader.get("/en/proposals/")
    reader.get("/en/proposals/")
    with django_assert_max_num_queries(2 + _session_reads()) as queries:
        response = reader.get(url)
    assert response["X-Signed-In-Page"] == "hit"
    assert "minhash" not in queries.captured_queries[-1]["sql"]
