"""Signed-in pages shared between readers in the same situation (portal/core/shared_pages.py).

The rule that makes sharing safe: for every reader, the shared page is the page rendered for them alone. Each
test below takes two different people in the same situation; the first renders and stores the page, the second
is given it from the cache, and what the second gets must equal what the page rendered for the second alone
(sharing off) would be, CSRF tokens aside. Then the other people's names and states must not appear."""

import re

import pytest
from django.template import TemplateSyntaxError, engines
from django.test import Client, override_settings

from portal.core import page_cache, shared_pages
from portal.core.models import SiteSwitches
from portal.notifications.models import Notification
from proposals.forms_list import ProposalFilterForm
from proposals.services.comment import comment_create, comment_like
from proposals.services.follow import follow_add
from proposals.services.support import support_add
from tests.conftest import give_totp
from tests.factories import UserFactory

from .factories import ProposalFactory, TopicFactory

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _html(response) -> str:
    assert response.status_code == 200
    return TOKEN.sub('name="csrfmiddlewaretoken" value="…"', response.content.decode())


def _alone(user, url) -> str:
    """The page rendered for this person alone, as before sharing."""
    with override_settings(PAGE_CACHE_SECONDS=0):
        return _html(_client(user).get(url))


@pytest.fixture
def world(consultation, draft_article, other_citizen, verify):
    topic = TopicFactory(slug="budgets", name_en="Budgets")
    target = ProposalFactory(
        consultation=consultation, author=other_citizen, topic=topic, title="Open budgets"
    )
    target.articles.add(draft_article)
    ProposalFactory(consultation=consultation, topic=topic, title="Public hearings on budgets")
    article_url = draft_article.get_absolute_url().replace("/kk/", "/en/", 1)
    return {
        "verify": verify,
        "target": target,
        "article": draft_article,
        "topic": topic,
        "pages": {
            "list": "/en/proposals/",
            "list by topic": f"/en/proposals/?topic={topic.slug}",
            "list in Kazakh": "/kk/proposals/",
            "detail": f"/en/proposals/{target.pk}/",
            "detail in Russian": f"/ru/proposals/{target.pk}/",
            "article": article_url,
            "outcome": f"/en/consultations/{consultation.slug}/outcome/",
            "outcome in Kazakh": f"/kk/consultations/{consultation.slug}/outcome/",
        },
    }


def _plain(world, name):
    return UserFactory(display_name=name)


def _verified(world, name):
    (user,) = world["verify"](UserFactory(display_name=name))
    return user


def _supporter(world, name):
    user = _verified(world, name)
    support_add(user=user, proposal=world["target"])
    return user


def _follower(world, name):
    user = _verified(world, name)
    follow_add(user=user, proposal=world["target"])
    follow_add(user=user, article=world["article"])
    follow_add(user=user, topic=world["topic"])
    return user


def _with_unread_notifications(world, name):
    user = _plain(world, name)
    Notification.objects.create(recipient=user, category="proposals", kind="proposal_status")
    return user


SITUATIONS = [_plain, _verified, _supporter, _follower, _with_unread_notifications]


@pytest.mark.parametrize("situation", SITUATIONS, ids=lambda situation: situation.__name__.strip("_"))
def test_each_reader_gets_from_the_shared_page_what_was_rendered_for_them_alone(world, situation):
    first = situation(world, "Aruzhan Bekova")
    second = situation(world, "Daniyar Omarov")
    for name, url in world["pages"].items():
        expected = _alone(second, url)
        primed = _client(first).get(url)
        assert primed["X-Signed-In-Page"] == "miss", name
        response = _client(second).get(url)
        assert response["X-Signed-In-Page"] == "hit", f"{name}: the second reader is given the stored page"
        page = _html(response)
        assert page == expected, name
        assert "Daniyar Omarov" in page and "Aruzhan Bekova" not in page, name


def test_readers_in_different_situations_never_share_a_page(world):
    supporter = _supporter(world, "Aruzhan Bekova")
    other = _verified(world, "Daniyar Omarov")
    url = world["pages"]["detail"]
    assert "You support this proposal." in _client(supporter).get(url).content.decode()
    response = _client(other).get(url)
    assert response["X-Signed-In-Page"] == "miss"
    assert "You support this proposal." not in response.content.decode()


def test_a_flash_message_reaches_only_its_reader_on_a_shared_page(world):
    """While search is paused the list says so to the one who searched, in a flash message."""
    switches = SiteSwitches.objects.filter(pk=1).first() or SiteSwitches()
    switches.search_paused = True
    switches.save()
    first, second = _plain(world, "Aruzhan Bekova"), _plain(world, "Daniyar Omarov")
    _client(first).get("/en/proposals/?q=budgets")
    notice = "Search is paused for a short while"
    response = _client(second).get("/en/proposals/?q=budgets")
    assert response["X-Signed-In-Page"] == "hit"
    assert notice in response.content.decode()
    page = _client(second).get("/en/proposals/").content.decode()
    assert notice not in page, "shown once, to the reader whose request raised it"


@pytest.mark.parametrize("who", ["author", "moderator", "commenter", "liker"])
def test_a_page_that_is_the_readers_own_is_rendered_for_them_alone(world, who, moderator, other_citizen):
    target = world["target"]
    reader = {
        "author": other_citizen,
        "moderator": moderator,
        "commenter": _verified(world, "Daniyar Omarov"),
        "liker": _verified(world, "Daniyar Omarov"),
    }[who]
    if who == "commenter":
        comment_create(author=reader, proposal=target, body="My own words")
    if who == "liker":
        comment = comment_create(author=other_citizen, proposal=target, body="Worth a like")
        comment_like(comment=comment, user=reader)
    if who == "moderator":
        give_totp(reader)  # staff powers need the second factor
    url = world["pages"]["detail"]
    _client(reader).get(url)
    response = _client(reader).get(url)
    assert response["X-Signed-In-Page"] == "own"
    assert _html(response) == _alone(reader, url)


@pytest.mark.parametrize("liker_first", [True, False], ids=["liker first", "other reader first"])
def test_ones_likes_are_never_shown_to_another_reader_in_the_same_situation(
    world, other_citizen, liker_first
):
    """Two readers alike in every fact of the page's situation; one likes a comment. Whoever renders the
    page and its thread first, only the liker sees the button pressed."""
    target = world["target"]
    comment = comment_create(author=other_citizen, proposal=target, body="Worth a like")
    liker, other = _verified(world, "Aruzhan Bekova"), _verified(world, "Daniyar Omarov")
    comment_like(comment=comment, user=liker)
    url = world["pages"]["detail"]
    readers = [(liker, True), (other, False)] if liker_first else [(other, False), (liker, True)]
    for _round in range(2):
        for reader, pressed in readers:
            response = _client(reader).get(url)
            page = response.content.decode()
            assert ('aria-pressed="true"' in page) is pressed
            assert ('name="action" value="unlike"' in page) is pressed
            # The liker's page is their own; the other reader's is the one shared in their situation.
            assert (response["X-Signed-In-Page"] == "own") is pressed
    assert _html(_client(other).get(url)) == _alone(other, url)


def test_the_shared_page_follows_a_change_at_once(world):
    first, second = _plain(world, "Aruzhan Bekova"), _plain(world, "Daniyar Omarov")
    url = world["pages"]["detail"]
    assert "Open budgets" in _client(first).get(url).content.decode()
    target = world["target"]
    target.title = "Open budgets in every district"
    target.save()
    response = _client(second).get(url)
    assert response["X-Signed-In-Page"] == "miss"
    assert "Open budgets in every district" in response.content.decode()


SUPPORT_FORM = re.compile(
    r'action="(/en/proposals/\d+/support/)"[^>]*>\s*<input type="hidden" name="csrfmiddlewaretoken" '
    r'value="([^"]+)"'
)


def _second_reader(world) -> tuple[Client, object, str]:
    """A reader whose client checks CSRF as a browser's would, of a proposal page another reader stored."""
    first, second = _verified(world, "Aruzhan Bekova"), _verified(world, "Daniyar Omarov")
    url = world["pages"]["detail"]
    _client(first).get(url)
    reader = Client(enforce_csrf_checks=True)
    reader.force_login(second)
    return reader, second, url


def test_a_shared_page_form_accepts_its_own_readers_token(world):
    reader, second, url = _second_reader(world)
    response = reader.get(url)
    assert response["X-Signed-In-Page"] == "hit"
    form = SUPPORT_FORM.search(response.content.decode())
    assert form, "the support form carries a token"
    assert reader.post(form.group(1), {"csrfmiddlewaretoken": form.group(2)}).status_code in (200, 302)
    assert world["target"].supports.filter(user=second).exists()


def test_a_reader_with_a_csrf_cookie_gets_a_new_mask_of_it_that_their_post_passes(world):
    """Once the reader has a CSRF cookie, the shared page's token is masked by portal/core/csrf_tokens.py."""
    reader, second, url = _second_reader(world)
    before = SUPPORT_FORM.search(reader.get(url).content.decode())  # Django draws the secret, sets the cookie
    assert "csrftoken" in reader.cookies
    response = reader.get(url)
    assert response["X-Signed-In-Page"] == "hit"
    form = SUPPORT_FORM.search(response.content.decode())
    assert form.group(2) != before.group(2)  # masked anew for each response
    assert reader.post(form.group(1), {"csrfmiddlewaretoken": form.group(2)}).status_code in (200, 302)
    assert world["target"].supports.filter(user=second).exists()


def test_a_personal_marker_typed_by_a_person_stays_text(world):
    """The marker is derived from the secret key and its angle brackets are escaped in user text."""
    marker = shared_pages.personal_marker("includes/nav_account.html")
    world["target"].summary = f"{marker} and <!--personal:x:includes/nav_account.html-->"
    world["target"].save()
    first, second = _plain(world, "Aruzhan Bekova"), _plain(world, "Daniyar Omarov")
    url = world["pages"]["detail"]
    _client(first).get(url)
    page = _client(second).get(url).content.decode()
    assert page.count("Sign out") == 1
    assert "&lt;!--personal:" in page


def test_an_expired_page_is_renewed_by_one_reader_while_the_others_are_given_it(world, monkeypatch, settings):
    """After its lifetime, with nothing it shows changed, one request renders the page again; readers who
    arrive meanwhile get the stored page instead of all rendering it at once."""
    first, second, third = (
        _plain(world, name) for name in ("Aruzhan Bekova", "Daniyar Omarov", "Saule Ibraeva")
    )
    url = world["pages"]["list"]
    assert _client(first).get(url)["X-Signed-In-Page"] == "miss"
    later = page_cache.clock() + settings.PAGE_CACHE_SECONDS + 1
    monkeypatch.setattr(page_cache, "clock", lambda: later)
    with monkeypatch.context() as renewal_taken:
        renewal_taken.setattr(page_cache.cache, "add", lambda *args, **kwargs: False)
        response = _client(second).get(url)
    assert response["X-Signed-In-Page"] == "stale"
    assert "Daniyar Omarov" in response.content.decode()
    assert _client(third).get(url)["X-Signed-In-Page"] == "miss"  # this one renews it
    assert _client(second).get(url)["X-Signed-In-Page"] == "hit"


def test_the_header_of_a_reader_is_rendered_once_and_follows_what_it_shows(world, monkeypatch):
    """The account links are kept per reader and per value they show: a new notification, a new name or a
    new role shows at the next page, and an unchanged header is not rendered again."""
    first, reader = _plain(world, "Aruzhan Bekova"), _plain(world, "Daniyar Omarov")
    url = world["pages"]["list"]
    _client(first).get(url)
    rendered = []
    render_part = shared_pages._render_part
    monkeypatch.setattr(
        shared_pages,
        "_render_part",
        lambda name, context: rendered.append(name) or render_part(name, context),
    )
    client = _client(reader)
    for _ in range(3):
        page = _html(client.get(url))
    assert rendered.count("includes/nav_account.html") == 1
    assert page == _alone(reader, url)

    Notification.objects.create(recipient=reader, category="proposals", kind="proposal_status")
    page = _html(client.get(url))
    assert '<span class="badge badge-count">1<span class="visually-hidden"> unread' in page
    assert page == _alone(reader, url)
    reader.display_name = "Daniyar O."
    reader.save()
    page = _html(client.get(url))
    assert "Daniyar O.</a>" in page and page == _alone(reader, url)
    assert rendered.count("includes/nav_account.html") == 3
    assert "Aruzhan Bekova" not in page


def test_a_personal_part_that_does_not_say_whose_it_is_cannot_be_kept():
    template = engines["django"].from_string(
        '{% load fragments %}{% personal "includes/nav_account.html" reads="unread_notifications" %}'
    )
    with pytest.raises(TemplateSyntaxError, match="user.pk"):
        template.render({})


def test_a_filtered_list_given_from_the_store_builds_no_filter_form(world, monkeypatch):
    """The form and its choices are built to render the page; a reader given the stored page needs them only
    when the filter decides their situation (a topic: do they follow it)."""
    first, second = _plain(world, "Aruzhan Bekova"), _plain(world, "Daniyar Omarov")
    built = []
    form_init = ProposalFilterForm.__init__
    monkeypatch.setattr(
        ProposalFilterForm, "__init__", lambda self, *a, **k: built.append(1) or form_init(self, *a, **k)
    )
    url = "/en/proposals/?ordering=-supports&status=published"
    _client(first).get(url)
    assert len(built) == 1
    response = _client(second).get(url)
    assert response["X-Signed-In-Page"] == "hit"
    assert len(built) == 1
    assert _html(response) == _alone(second, url)  # rendered: the form is built
    topic_url = world["pages"]["list by topic"]
    _client(first).get(topic_url)
    assert _client(second).get(topic_url)["X-Signed-In-Page"] == "hit"
    assert len(built) == 2 + 2, "a topic filter is read for each reader"


def test_the_outcome_page_offers_the_report_only_to_whom_it_may_and_is_shared_by_each_group(
    world, admin_user
):
    """Before the outcome is published only the secretariat may download the report: the two groups never
    share the page, and each group's readers do."""
    give_totp(admin_user)
    url = world["pages"]["outcome"]
    assert "Download PDF" in _client(admin_user).get(url).content.decode()
    first, second = _plain(world, "Aruzhan Bekova"), _plain(world, "Daniyar Omarov")
    response = _client(first).get(url)
    assert response["X-Signed-In-Page"] == "miss"
    assert "Download PDF" not in response.content.decode()
    response = _client(second).get(url)
    assert response["X-Signed-In-Page"] == "hit"
    assert _html(response) == _alone(second, url)


def test_an_empty_message_region_is_kept_once_not_rendered_for_each_reader(world, monkeypatch):
    """The flash messages' region is empty on nearly every page: rendering it for each request was a twentieth
    of a signed-in page's processor time. A message still reaches its reader (the test above)."""
    rendered = []
    render = shared_pages._render_part
    monkeypatch.setattr(
        shared_pages, "_render_part", lambda name, context: rendered.append(name) or render(name, context)
    )
    shared_pages.forget_personal_parts()
    for name in ("Aruzhan Bekova", "Daniyar Omarov", "Saule Nurova"):
        page = _client(_plain(world, name)).get(world["pages"]["list"]).content.decode()
        assert '<div class="messages" id="messages" role="status"></div>' in page
    assert rendered.count(shared_pages.MESSAGES_PART) == 1
