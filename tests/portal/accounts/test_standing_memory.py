"""A web process keeps a signed-in reader's standing between their reading requests, and reads it afresh as
soon as anything it holds changes (portal/accounts/standing_memory.py, sessions.py)."""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from portal.accounts import backends, standing_memory
from portal.accounts.models import IdentityVerification
from portal.accounts.privacy import consent_accept
from portal.accounts.services import account_block
from portal.core.reader_generations import reader_generation_key
from portal.core.roles import ROLE_GROUPS, Role
from portal.notifications.services import notification_mark_read, notify
from tests.factories import UserFactory

PAGE = "/en/proposals/"


@pytest.fixture
def reads(settings, monkeypatch):
    """Counts the standing's reads from the database, with the session store that remembers."""
    settings.SESSION_ENGINE = "portal.accounts.sessions"
    calls = []
    real = backends.viewer_state

    def counted(user_id):
        calls.append(user_id)
        return real(user_id)

    monkeypatch.setattr(backends, "viewer_state", counted)
    return calls


@pytest.fixture
def reader(client, citizen, reads):
    """A citizen signed in whose standing this process keeps: the first request learns whose session it is,
    the second gives the person a token, the third is answered from memory."""
    client.force_login(citizen)
    for _ in range(3):
        assert client.get(PAGE).status_code == 200
    reads.clear()
    assert client.get(PAGE).status_code == 200
    assert reads == [], "the standing was read again though nothing changed"
    return client


def _read_afresh(client, reads):
    reads.clear()
    response = client.get(PAGE)
    assert response.status_code == 200
    assert len(reads) == 1, "the page was answered with a standing kept from before the change"
    reads.clear()
    assert client.get(PAGE).status_code == 200
    assert reads == [], "the new standing is kept again"
    return response


def test_a_new_notification_is_counted_on_the_next_page(reader, citizen, reads):
    notify(recipients=[citizen], category="moderation", kind="proposal.published", params={"title": "A"})
    response = _read_afresh(reader, reads)
    assert b'1<span class="visually-hidden"> unread' in response.content
    notification_mark_read(user=citizen)
    response = _read_afresh(reader, reads)
    assert b'visually-hidden"> unread' not in response.content


def test_a_renamed_account_shows_its_new_name(reader, citizen, reads):
    citizen.display_name = "Айгерім Сәтбаева"
    citizen.save()
    assert "Айгерім Сәтбаева" in _read_afresh(reader, reads).content.decode()


def test_a_role_granted_either_way_is_read_at_once(reader, citizen, reads):
    group = Group.objects.get(name=ROLE_GROUPS[Role.MODERATOR])
    group.user_set.add(citizen)
    reads.clear()
    reader.get(PAGE)
    assert reads, "a role granted from the group's side went unseen"
    # Staff are never answered from memory: every request reads their standing.
    reads.clear()
    reader.get(PAGE)
    reader.get(PAGE)
    assert len(reads) == 2
    citizen.groups.remove(group)
    _read_afresh(reader, reads)


def test_a_block_and_a_verification_are_read_at_once(reader, citizen, moderator, reads):
    IdentityVerification.objects.create(user=citizen, method="iin", verified_at=timezone.now())
    _read_afresh(reader, reads)
    account_block(user=citizen, blocked_by=moderator, days=3, reason="Insults in several comments today.")
    reads.clear()
    reader.get(PAGE)
    reader.get(PAGE)
    assert len(reads) == 2, "a blocked person's standing was kept (a block ends by the clock, not a write)"


def test_accepting_the_privacy_notice_is_read_at_once(reader, citizen, reads):
    citizen.privacy_notice_version = 0  # as if the notice in force were new to them
    consent_accept(user=citizen, version=1)
    _read_afresh(reader, reads)


def test_a_request_that_writes_reads_the_standing_afresh(reader, reads):
    reader.post(PAGE, {})
    assert len(reads) == 1


def test_a_changed_password_ends_the_session_at_its_next_page(reader, citizen, reads):
    citizen.set_password("a-new-passphrase-for-this-test")
    citizen.save()
    response = reader.get(PAGE)
    assert response.wsgi_request.user.is_anonymous


def test_a_signed_out_session_is_not_answered_from_memory(reader, citizen, client, reads):
    cookie = client.cookies["sessionid"].value
    client.logout()
    client.cookies["sessionid"] = cookie
    response = client.get(PAGE)
    assert response.wsgi_request.user.is_anonymous


def test_a_lost_token_and_an_old_memory_are_read_afresh(reader, citizen, reads, monkeypatch):
    cache.delete(reader_generation_key(citizen.pk))
    _read_afresh(reader, reads)
    monkeypatch.setattr(standing_memory, "MEMORY_SECONDS", -1)
    reads.clear()
    reader.get(PAGE)
    assert reads


def test_another_persons_kept_standing_is_never_given(reader, citizen, reads):
    other = UserFactory(display_name="Ержан Қасымов")
    second = Client()
    second.force_login(other)
    for _ in range(3):
        page = second.get(PAGE).content.decode()
    assert "Ержан Қасымов" in page and citizen.display_name not in page
    assert citizen.display_name in reader.get(PAGE).content.decode()
