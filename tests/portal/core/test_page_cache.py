"""The anonymous page cache: shared pages are served from the cache, and a change shows at the next request."""

import contextlib
import threading
import time

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client, RequestFactory

from portal.accounts.verification.services import identity_verification_record
from portal.core import page_cache
from proposals.models import Attachment, Proposal
from proposals.services.comment import comment_create
from proposals.services.moderation import moderation_act
from proposals.services.proposal import proposal_transition
from proposals.services.response import ResponseInput, response_draft_save
from proposals.services.response_approval import response_approve, response_submit
from proposals.services.support import support_add
from tests.conftest import needs_concurrent_connections
from tests.factories import UserFactory
from tests.identity import make_iin
from tests.proposals.factories import ArticleIdentityFactory, ConsultationFactory, ProposalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal(db):
    return ProposalFactory(consultation=ConsultationFactory(), title="Open budgets for every district")


@pytest.fixture
def verified(db):
    person = UserFactory()
    identity_verification_record(user=person, method="iin", identity=make_iin(), verified_by=None)
    return person


@pytest.fixture
def advance_clock(monkeypatch):
    """Moves the page cache's clock forward instead of sleeping past a page's lifetime."""
    now = time.time()

    def advance(seconds: float) -> None:
        nonlocal now
        now += seconds

    monkeypatch.setattr(page_cache, "clock", lambda: now)
    return advance


def _get(client, path, **headers):
    response = client.get(path, **headers)
    assert response.status_code == 200
    return response


def test_an_anonymous_reader_gets_the_stored_page_on_the_second_request(client, proposal):
    first = _get(client, "/en/proposals/")
    second = _get(client, "/en/proposals/")
    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert b"Open budgets for every district" in second.content


def test_languages_and_htmx_fragments_are_stored_apart(client, proposal):
    _get(client, "/en/proposals/")
    assert _get(client, "/kk/proposals/")["X-Page-Cache"] == "miss"
    fragment = _get(client, "/en/proposals/", HTTP_HX_REQUEST="true")
    assert fragment["X-Page-Cache"] == "miss"
    assert b"<html" not in fragment.content


def test_signed_in_people_are_never_served_a_stored_page(client, proposal, citizen):
    _get(client, f"/en/proposals/{proposal.pk}/")  # stored for anonymous readers
    client.force_login(citizen)
    response = _get(client, f"/en/proposals/{proposal.pk}/")
    assert "X-Page-Cache" not in response
    assert b"csrfmiddlewaretoken" in response.content


def test_a_hidden_proposal_leaves_every_stored_page_at_once(client, proposal, moderator):
    assert b"Open budgets" in _get(client, "/en/proposals/").content
    assert b"Open budgets" in _get(client, f"/en/proposals/{proposal.pk}/").content
    moderation_act(moderator=moderator, proposal=proposal, decision="hide", reason_code="personal_data",
                   statement="Contains a phone number.")  # fmt: skip
    listing = _get(client, "/en/proposals/")
    assert listing["X-Page-Cache"] == "miss"
    assert b"Open budgets" not in listing.content
    detail = client.get(f"/en/proposals/{proposal.pk}/")
    assert b"Open budgets for every district" not in detail.content


def test_a_new_comment_renews_only_its_proposals_page(client, proposal, verified):
    other = ProposalFactory(consultation=proposal.consultation)
    _get(client, f"/en/proposals/{proposal.pk}/")
    _get(client, f"/en/proposals/{other.pk}/")
    _get(client, "/en/proposals/")
    comment_create(author=verified, proposal=proposal, body="Districts should publish their budgets monthly.")
    renewed = _get(client, f"/en/proposals/{proposal.pk}/")
    assert renewed["X-Page-Cache"] == "miss"
    assert b"publish their budgets monthly" in renewed.content
    assert _get(client, f"/en/proposals/{other.pk}/")["X-Page-Cache"] == "hit"
    assert _get(client, "/en/proposals/")["X-Page-Cache"] == "hit"


def test_hiding_a_proposal_renews_the_pages_that_name_it(client, proposal, moderator):
    """The page of a proposal merged into another names that one; hiding it takes its title off that page at
    once, although that page does not depend on the other proposals."""
    merged = ProposalFactory(consultation=proposal.consultation, status="merged", merged_into=proposal)
    assert b"Open budgets for every district" in _get(client, f"/en/proposals/{merged.pk}/").content
    moderation_act(moderator=moderator, proposal=proposal, decision="hide", reason_code="personal_data",
                   statement="Contains a phone number.")  # fmt: skip
    page = _get(client, f"/en/proposals/{merged.pk}/")
    assert page["X-Page-Cache"] == "miss"
    assert b"Open budgets for every district" not in page.content
    assert b"that proposal is no longer published." in page.content


def test_deleting_a_row_renews_every_page(client, proposal):
    """The rows that pointed at a deleted one lose the link by an UPDATE that sends no signal."""
    other = ProposalFactory(consultation=proposal.consultation)
    _get(client, f"/en/proposals/{other.pk}/")
    proposal.delete()
    assert _get(client, f"/en/proposals/{other.pk}/")["X-Page-Cache"] == "miss"


def test_no_stored_page_leaves_out_what_site_stands_for():
    with pytest.raises(ValueError):
        page_cache.kept("page:test", (), lambda: "page", leaves_out=("site",))


def test_a_draft_being_written_and_screened_renews_no_stored_page(client, proposal):
    """In a busy intake, drafts are saved and screened and accounts opened all the time; nobody else sees
    them, and renewing every page of the site for each would have every reader of a page render it at once."""
    article = ArticleIdentityFactory(document__consultation=proposal.consultation)
    author = UserFactory()
    pages = ["/en/proposals/", f"/en/proposals/{proposal.pk}/"]
    for path in pages:
        _get(client, path)
    draft = ProposalFactory(
        consultation=proposal.consultation, author=author, status="draft", published_at=None
    )
    draft.title = "A better title"
    draft.save()  # as the author's draft form saves it
    draft.articles.add(article)
    Attachment.objects.create(
        proposal=draft, file=SimpleUploadedFile("a.pdf", b"%PDF-1.4"), original_name="a.pdf", size=8
    )
    Proposal.objects.filter(pk=draft.pk).update(status="submitted")
    draft.refresh_from_db()
    draft.save(update_fields=["text_fingerprint", "minhash"])  # what screening writes
    UserFactory()  # an account opened: nothing of it is on a page yet
    assert [_get(client, path)["X-Page-Cache"] for path in pages] == ["hit", "hit"]
    # A page readers share changes when a proposal's status does, and with anything of a visible one.
    proposal_transition(proposal=draft, to_status="in_moderation", actor=None)
    assert _get(client, pages[0])["X-Page-Cache"] == "miss"
    proposal.articles.add(article)
    assert _get(client, pages[1])["X-Page-Cache"] == "miss"
    _get(client, pages[1])
    proposal.author.display_name = "Aigerim S."
    proposal.author.save(update_fields=["display_name"])  # the author's public name is on the page
    assert _get(client, pages[1])["X-Page-Cache"] == "miss"


def test_an_answer_renews_the_pages_when_it_is_published_not_while_it_is_drafted(
    client, proposal, commissioner, second_commissioner
):
    path = f"/en/proposals/{proposal.pk}/"
    _get(client, path)
    draft = ResponseInput(status="accepted", reasoning_en="The Commission agrees: budgets are published.")
    response = response_draft_save(proposal=proposal, author=commissioner, data=draft)
    response = response_draft_save(proposal=proposal, author=commissioner, data=draft)  # edited again
    response_submit(response=response, actor=commissioner)
    assert _get(client, path)["X-Page-Cache"] == "hit"
    response_approve(response=response, reviewer=second_commissioner)
    published = _get(client, path)
    assert published["X-Page-Cache"] == "miss"
    assert b"budgets are published" in published.content


def test_support_counts_lag_until_the_page_expires_and_never_drift(
    client, proposal, verified, settings, advance_clock
):
    """Supports do not renew pages (a storm would empty the cache); the count is exact once the page expires."""
    settings.PAGE_CACHE_SECONDS = 1
    _get(client, f"/en/proposals/{proposal.pk}/")
    support_add(user=verified, proposal=proposal)
    stale = _get(client, f"/en/proposals/{proposal.pk}/")
    assert stale["X-Page-Cache"] == "hit"
    advance_clock(0.9)
    assert _get(client, f"/en/proposals/{proposal.pk}/")["X-Page-Cache"] == "hit"
    advance_clock(0.2)
    fresh = _get(client, f"/en/proposals/{proposal.pk}/")
    assert fresh["X-Page-Cache"] == "miss"
    assert (
        fresh.context["proposal"].supports_count == 1 == Proposal.objects.get(pk=proposal.pk).supports_count
    )


def test_errors_and_pages_with_flash_messages_are_not_stored(client, proposal):
    assert client.get("/en/proposals/999999/").status_code == 404
    assert "X-Page-Cache" not in client.get("/en/proposals/999999/")
    client.cookies["messages"] = "anything"
    assert "X-Page-Cache" not in _get(client, "/en/proposals/")


def test_pages_are_rendered_when_the_cache_is_unreachable(client, proposal, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get_many", down)
    monkeypatch.setattr(cache, "set_many", down)
    response = _get(client, "/en/proposals/")
    assert b"Open budgets for every district" in response.content
    assert "X-Page-Cache" not in response
    # Writes still succeed and bump nothing.
    Proposal.objects.filter(pk=proposal.pk).first().save()


def test_caching_is_off_with_zero_seconds(client, proposal, settings):
    settings.PAGE_CACHE_SECONDS = 0
    _get(client, "/en/proposals/")
    assert "X-Page-Cache" not in _get(client, "/en/proposals/")


def test_the_public_api_is_cached_like_the_pages(client, proposal, moderator):
    first = client.get("/api/v1/proposals")
    second = client.get("/api/v1/proposals")
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert second.json() == first.json()
    moderation_act(moderator=moderator, proposal=proposal, decision="hide", reason_code="personal_data",
                   statement="Contains a phone number.")  # fmt: skip
    assert client.get("/api/v1/proposals").json()["count"] == 0
    assert client.get("/api/v1/proposals?page_size=0").status_code == 422
    assert "X-Page-Cache" not in client.get("/api/v1/proposals?page_size=0")


def test_a_page_with_a_csrf_token_is_not_shared(rf):
    """A token is tied to one visitor's cookie: shared, it would make every other visitor's form fail."""
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse
    from django.middleware.csrf import get_token

    from portal.core.page_cache import cache_anonymous_page

    @cache_anonymous_page()
    def form_page(request):
        return HttpResponse(f'<input name="csrfmiddlewaretoken" value="{get_token(request)}">')

    def request():
        made = rf.get("/en/form/")
        made.user, made.LANGUAGE_CODE = AnonymousUser(), "en"
        return made

    assert "X-Page-Cache" not in form_page(request())
    assert "X-Page-Cache" not in form_page(request())


def test_every_page_people_read_on_publication_day_is_shared(client):
    from proposals.demo import seed_consultation
    from proposals.models import ArticleIdentity

    consultation = seed_consultation()
    ProposalFactory(consultation=consultation)
    article = ArticleIdentity.objects.filter(document__consultation=consultation).order_by("pk").first()
    document = article.document
    paths = [
        "/en/",
        "/en/proposals/",
        f"/en/consultations/{consultation.slug}/",
        f"/en/consultations/{consultation.slug}/{document.slug}/",
        article.get_absolute_url().replace("/kk/", "/en/", 1),
        f"/en/consultations/{consultation.slug}/outcome/",
        "/en/hearings/",
        "/api/v1/stats",
        "/api/v1/hearings",
    ]
    for path in paths:
        client.get(path)
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["X-Page-Cache"] == "hit", path


def test_an_expired_page_is_rendered_by_one_request_while_the_others_get_the_stored_one(
    client, proposal, settings, advance_clock
):
    settings.PAGE_CACHE_SECONDS = 1
    _get(client, "/en/proposals/")
    advance_clock(1.1)
    # Another request is rendering the page again right now (it holds the renewal lock).
    key = _page_key_of("/en/proposals/")
    assert cache.add(f"{key}:renewing", 1, 10)
    assert _get(client, "/en/proposals/")["X-Page-Cache"] == "stale"
    cache.delete(f"{key}:renewing")
    assert _get(client, "/en/proposals/")["X-Page-Cache"] == "miss"
    assert _get(client, "/en/proposals/")["X-Page-Cache"] == "hit"


def test_an_expired_page_is_not_given_out_once_what_it_shows_changed(
    client, proposal, moderator, settings, advance_clock, monkeypatch
):
    settings.PAGE_CACHE_SECONDS = 1
    monkeypatch.setattr(page_cache, "RENEWAL_WAIT_SECONDS", 0.05)
    _get(client, "/en/proposals/")
    advance_clock(1.1)
    key = _page_key_of("/en/proposals/")
    cache.add(f"{key}:renewing", 1, 10)  # even while another request renews it
    moderation_act(moderator=moderator, proposal=proposal, decision="hide", reason_code="personal_data",
                   statement="Contains a phone number.")  # fmt: skip
    listing = _get(client, "/en/proposals/")
    assert listing["X-Page-Cache"] == "miss"
    assert b"Open budgets" not in listing.content


@needs_concurrent_connections
@pytest.mark.django_db(transaction=True)
def test_a_page_rendered_from_rows_read_before_a_commit_is_not_given_out_after_it():
    """A reader on another connection renders the listing while a change is not yet committed: it reads the
    old rows but the generation bumped at once. Only the bump after the commit keeps that page from being
    given out as current. The change is a bare UPDATE and one `invalidate()`, so that no other write after
    the commit (a task, a signal) bumps for it."""
    proposal = ProposalFactory(consultation=ConsultationFactory(), title="Open budgets for every district")
    seen_during_write = {}

    def read_in_another_connection():
        try:
            response = Client().get("/en/proposals/")
            seen_during_write.update(state=response["X-Page-Cache"], content=response.content)
        finally:
            connection.close()

    with transaction.atomic():
        Proposal.objects.filter(pk=proposal.pk).update(title="Budgets published monthly")
        page_cache.invalidate("site")
        reader = threading.Thread(target=read_in_another_connection)
        reader.start()
        reader.join(timeout=60)
    assert seen_during_write["state"] == "miss"
    assert b"Open budgets" in seen_during_write["content"]  # the rows before the commit
    listing = _get(Client(), "/en/proposals/")
    assert listing["X-Page-Cache"] == "miss"
    assert b"Budgets published monthly" in listing.content


def _page_key_of(path: str) -> str:
    """The key under which the page cache stores an anonymous English page."""
    from portal.core.page_cache import _page_key

    request = RequestFactory().get(path)
    request.LANGUAGE_CODE = "en"
    return _page_key(request)


def _rendering_in_another_request(key: str, value: str, *, seconds: float, fails: bool = False):
    """Starts a thread that renders the page under `key` as another request would, taking `seconds`; answers
    the thread, once it holds the renewal lock."""
    holding = threading.Event()

    def render():
        holding.set()
        time.sleep(seconds)
        if fails:
            raise RuntimeError("the other request failed")
        return value

    def other_request():
        with contextlib.suppress(RuntimeError):
            page_cache.kept(key, (), render)

    thread = threading.Thread(target=other_request)
    thread.start()
    assert holding.wait(5)
    return thread


def _stored_then_changed(key: str) -> None:
    page_cache.kept(key, (), lambda: "the page before the change")
    page_cache.invalidate("site")


def test_readers_of_a_changed_page_wait_for_the_one_request_rendering_it():
    """After a change, the readers who arrive while one request renders the page are given what it stores:
    rendered by each of them at once, a popular page cost the machine many renderings (docs/BENCHMARKS.md)."""
    _stored_then_changed("page:test:changed")
    other = _rendering_in_another_request("page:test:changed", "the page after the change", seconds=0.2)
    rendered = []
    value, state = page_cache.kept("page:test:changed", (), lambda: rendered.append(1) or "rendered again")
    other.join()
    assert (value, state) == ("the page after the change", "waited")
    assert rendered == []


def test_a_reader_waiting_never_gets_the_page_from_before_the_change(monkeypatch):
    monkeypatch.setattr(page_cache, "RENEWAL_WAIT_SECONDS", 0.1)
    _stored_then_changed("page:test:slow")
    # The other request holds the lock for longer than a reader waits: the reader renders the page itself.
    other = _rendering_in_another_request("page:test:slow", "the page after the change", seconds=0.5)
    assert page_cache.kept("page:test:slow", (), lambda: "rendered by the reader") == (
        "rendered by the reader",
        "miss",
    )
    other.join()


def test_when_the_request_rendering_a_page_fails_the_waiting_readers_render_it_themselves():
    _stored_then_changed("page:test:failing")
    other = _rendering_in_another_request("page:test:failing", "", seconds=0.1, fails=True)
    started = time.monotonic()
    value, state = page_cache.kept("page:test:failing", (), lambda: "rendered by the reader")
    other.join()
    assert (value, state) == ("rendered by the reader", "miss")
    # It stopped waiting when the failed request let the lock go, not after the whole wait.
    assert time.monotonic() - started < page_cache.RENEWAL_WAIT_SECONDS
    assert cache.get("page:test:failing:renewing") is None
