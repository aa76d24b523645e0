"""Hidden content and personal data in no public output: one world with one of each kind of hidden item (each
text with a marker of its own, `hidden_world.py`), every page, fragment, feed, file, sitemap and API answer the
portal gives fetched as an anonymous reader, a signed-in reader, a follower of what was hidden, a moderator's API
token and a moderator who has not passed the second factor; no marker and no personal data in any of them, nor in what
was logged meanwhile. Counts shown publicly are counts of what the public may read, a page kept before its
content was hidden no longer shows it, and the open data's ETag does not move with work nobody may see.

Where a marker may rightly show (its author, a moderator who passed the second factor, the secretariat on a
draft), it does: the markers are found when they are there."""

import io
import json
import logging
import re
import zipfile
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from portal.accounts import services as account_services
from portal.accounts.privacy import personal_data_of
from portal.core.logging import RedactPersonalDataFilter
from portal.core.roles import Role
from portal.notifications.models import Notification
from proposals.models import Comment, Document, Follow, Support
from proposals.selectors.commitment import today
from proposals.selectors.open_data_versions import (
    commitment_updates_version,
    commitments_version,
    proposals_version,
)
from proposals.selectors.public import public_proposals
from tests.conftest import sign_in_staff
from tests.factories import UserFactory
from tests.proposals.factories import ProposalFactory, comment_posted, import_published, publish_response
from tests.proposals.moderation_helpers import hide

from .hidden_world import EMAIL, LEGAL_NAME, MARKERS, PHONE, build_hidden_world

pytestmark = pytest.mark.django_db

# The proposals whose pages and API objects are asked for by number, visible or not.
PROPOSALS = (
    "public",
    "hidden",
    "withdrawn",
    "rejected",
    "moderated",
    "submitted",
    "draft",
    "representative",
    "member",
)
OPEN_DATA = ("proposals", "commitments", "commitment-updates", "moderation", "moderation-statements")
SITEMAP_SECTIONS = ("consultations", "outcomes", "articles", "proposals", "hearings")


@pytest.fixture
def world(moderator, commissioner, admin_user, caplog):
    caplog.set_level(logging.DEBUG)  # what building it logs is read too
    second = UserFactory(display_name="Commissioner Aliya")
    account_services.user_grant_role(user=second, role=Role.COMMISSION, granted_by=None)
    return build_hidden_world(
        moderator=moderator, commissioner=commissioner, second_commissioner=second, admin_user=admin_user
    )


def text_of(answer) -> str:
    """What a reader receives, files unpacked: an outcome report (DOCX) is a zip of XML parts."""
    content = b"".join(answer.streaming_content) if answer.streaming else answer.content
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            content = b" ".join(archive.read(name) for name in archive.namelist())
    return content.decode("utf-8", "replace")


def found(secrets, text: str) -> list[str]:
    folded = text.casefold()
    return [secret for secret in secrets if secret.casefold() in folded]


def public_outputs(w) -> list[str]:
    """Every public output of the world's consultations: pages, fragments, feeds, calendars, exports, open
    data, sitemaps and the API, with the addresses of what is hidden asked for by their numbers and keys."""
    c, d = w.consultation.slug, w.document.slug
    secret = w.secret.consultation.slug
    pages = [
        "/en/",
        "/kk/",
        "/en/consultations/",
        f"/en/consultations/{c}/",
        f"/en/consultations/{c}/{d}/",
        f"/en/consultations/{c}/{d}/?version=3",
        f"/en/consultations/{c}/{d}/compare/",
        f"/en/consultations/{c}/{d}/compare/?from=2&to=3",
        f"/en/consultations/{c}/{d}/articles/liberty/",
        f"/ru/consultations/{c}/{d}/articles/liberty/?version=3",
        f"/en/consultations/{c}/{d}/articles/draft-only/",
        *(f"/en/consultations/{c}/{d}/versions/{n}/akn.xml" for n in (1, 2, 3)),
        f"/en/consultations/{c}/outcome/",
        f"/en/consultations/{c}/outcome/report.docx",
        f"/en/consultations/{c}/overdue/",
        f"/en/consultations/{c}/outcome/answers.atom",
        f"/en/consultations/{c}/implementation/",
        f"/en/consultations/{c}/implementation/?article=liberty",
        f"/en/consultations/{c}/implementation/updates.atom",
        f"/en/consultations/{c}/implementation/overdue/",
        f"/en/consultations/{c}/implementation/{w.commitment.pk}/",
        f"/en/consultations/{secret}/",
        f"/en/consultations/{secret}/outcome/",
        f"/en/consultations/{secret}/implementation/",
        "/en/proposals/",
        "/en/proposals/?topic=courts",
        "/en/proposals/?status=published&ordering=-comments",
        f"/en/proposals/?article={w.article.pk}",
        f"/en/proposals/?consultation={secret}",
        "/en/proposals/?organisation=civic-lab",
        f"/en/proposals/{w.secret.proposal.pk}/",
        "/en/hearings/",
        f"/en/hearings/{w.hearing.pk}/",
        f"/en/hearings/{w.hearing.pk}.ics",
        "/hearings.ics?language=en",
        "/en/feeds/answers.atom",
        "/en/feeds/implementation.atom",
        "/en/feeds/hearings.atom",
        "/en/transparency/moderation/",
        "/en/open-data/",
        "/en/accounts/organisations/civic-lab/",
        "/robots.txt",
        "/sitemap.xml",
        *(f"/sitemap-{section}.xml" for section in SITEMAP_SECTIONS),
        *(f"/open-data/{name}.{kind}" for name in OPEN_DATA for kind in ("csv", "json")),
        "/open-data/datapackage.json",
    ]
    for name in PROPOSALS:
        pk = getattr(w, name).pk
        pages += [f"/en/proposals/{pk}/", f"/en/proposals/{pk}/?comments=newest", f"/api/v1/proposals/{pk}"]
    api = [
        "/api/v1/proposals",
        f"/api/v1/proposals?consultation={c}&ordering=-comments",
        f"/api/v1/proposals/{w.secret.proposal.pk}",
        "/api/v1/commitments",
        f"/api/v1/commitments/{w.commitment.pk}",
        "/api/v1/hearings",
        f"/api/v1/hearings/{w.hearing.pk}",
        "/api/v1/consultations",
        f"/api/v1/consultations/{c}",
        f"/api/v1/consultations/{secret}",
        f"/api/v1/documents/{w.document.pk}",
        f"/api/v1/documents/{w.document.pk}/versions",
        f"/api/v1/versions/{w.draft_version.pk}/articles",
        f"/api/v1/documents/{w.document.pk}/articles/liberty",
        f"/api/v1/documents/{w.document.pk}/articles/draft-only",
        f"/api/v1/documents/{w.document.pk}/diff?from=2&to=3",
        "/api/v1/stats",
        f"/api/v1/stats?consultation={secret}",
        "/api/v1/topics",
    ]
    return pages + api


def _get(client, path: str, **headers):
    answer = client.get(path, **headers)
    if answer.status_code in (301, 302):
        answer = client.get(answer["Location"], **headers)
    assert answer.status_code in (200, 202, 404), (path, answer.status_code)
    return answer


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _readers(w) -> list[tuple[str, Client, dict, list[str]]]:
    """Who looks at what: nobody signed in and a reader at everything, the follower of what was hidden at
    everything and their own pages, a moderator who has not passed the second factor at the pages where
    moderators see more, an API token at the API."""
    outputs = public_outputs(w)
    return [
        ("anonymous", Client(), {}, outputs),
        ("reader", signed_in(w.reader), {}, [*outputs, "/en/me/"]),
        ("follower", signed_in(w.follower), {}, [*outputs, "/en/me/", "/en/notifications/"]),
        ("moderator", signed_in(w.moderator), {}, [p for p in outputs if p.startswith("/en/proposals/")]),
        (
            "token",
            Client(),
            {"HTTP_AUTHORIZATION": f"Bearer {w.token}"},
            [p for p in outputs if "/api/" in p],
        ),
    ]


def logged(records) -> str:
    """The log lines as the handlers write them, after their filter masks personal data."""
    redact = RedactPersonalDataFilter()
    lines = []
    for record in records:
        record = logging.makeLogRecord(record.__dict__)
        redact.filter(record)
        lines.append(f"{record.getMessage()} {record.exc_text or ''} {record.__dict__}")
    return "\n".join(lines)


def test_no_public_output_shows_hidden_content_or_personal_data(world, caplog):
    leaks = []
    for who, client, headers, paths in _readers(world):
        for path in paths:
            answer = _get(client, path, **headers)
            # An htmx request for the list's results is a fragment of its own.
            if path.startswith("/en/proposals/?"):
                answer_fragment = client.get(path, HTTP_HX_REQUEST="true", **headers)
                leaks += [(who, f"{path} (htmx)", s) for s in found(world.secrets, text_of(answer_fragment))]
            leaks += [(who, path, secret) for secret in found(world.secrets, text_of(answer))]
    assert not leaks, "\n".join(map(str, leaks))
    # The support button's fragment, sent back to htmx on a press, as the page's is.
    for name in ("hidden", "withdrawn", "public"):
        for action in ("support", "support/withdraw"):
            pressed = signed_in(world.follower).post(
                f"/en/proposals/{getattr(world, name).pk}/{action}/", HTTP_HX_REQUEST="true"
            )
            assert not found(world.secrets, text_of(pressed)), (name, action)
    # Nor what was logged meanwhile, the world's making included (screening the comment that names a phone).
    records = caplog.get_records("setup") + caplog.get_records("call")
    assert len(records) > 100
    assert not found((EMAIL, *LEGAL_NAME, PHONE, world.iin), logged(records))


def test_the_markers_show_where_they_may(world, client, admin_user):
    """Each kind of hidden item is found by its rightful readers: the tests above would see it."""
    page = f"/en/proposals/{world.public.pk}/"
    author = Client()
    author.force_login(world.commenter)
    assert found([MARKERS["heldcomment"], MARKERS["hiddencomment"]], text_of(author.get(page))) == [
        MARKERS["heldcomment"],
        MARKERS["hiddencomment"],
    ]
    withdrew = Client()
    withdrew.force_login(world.withdrawn.author)
    assert MARKERS["withdrawnproposal"] in text_of(withdrew.get(f"/en/proposals/{world.withdrawn.pk}/"))
    moderator = sign_in_staff(Client(), world.moderator)
    assert MARKERS["hiddenproposal"] in text_of(moderator.get(f"/en/proposals/{world.hidden.pk}/"))
    secretariat = sign_in_staff(Client(), admin_user)
    assert MARKERS["draftconsultation"] in text_of(
        secretariat.get(f"/en/consultations/{world.secret.consultation.slug}/")
    )
    assert MARKERS["draftversion"] in text_of(
        secretariat.get(f"/en/consultations/{world.consultation.slug}/{world.document.slug}/?version=3")
    )
    report = text_of(client.get(f"/en/consultations/{world.consultation.slug}/outcome/report.docx"))
    assert "Public proposal" in report
    # And the public reads what is public: a reply stays under the comment moderation hid.
    assert "A reply that stays." in text_of(client.get(page))
    assert "Public proposal" in text_of(client.get("/en/proposals/"))


def _cards(html: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'aria-labelledby="proposal-(\d+)', html)}


def test_search_finds_nothing_hidden(world, client):
    hidden = {getattr(world, name).pk for name in PROPOSALS if name not in ("public", "representative")}
    hidden.add(world.secret.proposal.pk)
    for kind in (
        "hiddenproposal",
        "withdrawnproposal",
        "hiddenmember",
        "rejectedproposal",
        "draftconsultation",
    ):
        query = MARKERS[kind]
        assert client.get(f"/api/v1/proposals?q={query}").json()["count"] == 0, kind
        assert not _cards(text_of(client.get(f"/en/proposals/?q={query}"))) & hidden, kind
    found_by_title = client.get("/api/v1/proposals?q=Public").json()["results"]
    assert [row["id"] for row in found_by_title] == [world.public.pk]


def test_counts_shown_are_counts_of_what_the_public_may_read(world, client):
    listed = public_proposals().filter(cluster_of__isnull=True)
    assert client.get("/api/v1/proposals").json()["count"] == listed.count()
    stats = client.get("/api/v1/stats").json()
    assert stats["published"] == listed.filter(consultation=world.consultation).count()
    rows = json.loads(text_of(client.get("/open-data/proposals.json")))["results"]
    assert {row["id"] for row in rows} == set(public_proposals().values_list("pk", flat=True))
    by_id = {row["id"]: row for row in rows}
    # A campaign counts the people whose copy the public may read: the hidden member is not one of them.
    assert by_id[world.representative.pk]["cluster_size"] == 1
    assert "submitted by" not in text_of(client.get(f"/en/proposals/{world.representative.pk}/"))
    assert "submitted by" not in text_of(client.get("/en/proposals/"))
    # The comments of a proposal count those its page shows.
    shown = Comment.objects.filter(proposal=world.public, hidden_at__isnull=True, deleted_at__isnull=True)
    assert by_id[world.public.pk]["comments_count"] == shown.count() == 2
    assert "2 comments" in text_of(client.get(f"/en/proposals/{world.public.pk}/"))
    # The sitemap lists the pages of public proposals, and no other.
    sitemap = text_of(client.get("/sitemap-proposals.xml"))
    listed_pages = {int(pk) for pk in re.findall(r"<loc>[^<]*/en/proposals/(\d+)/</loc>", sitemap)}
    assert listed_pages == set(public_proposals().values_list("pk", flat=True))
    # The articles count the public proposals on them.
    article = text_of(client.get(f"/en/consultations/{world.consultation.slug}/{world.document.slug}/"))
    assert "2 proposals" in article and "3 proposals" not in article


def test_a_draft_consultations_proposal_answers_as_no_proposal_does(world):
    client = signed_in(world.reader)
    data = {"kind": "spam", "body": "A comment on a proposal nobody may read."}
    for action in ("follow", "support", "support/withdraw", "comments", "report"):
        nowhere = client.post(f"/en/proposals/99999/{action}/", data)
        secret = client.post(f"/en/proposals/{world.secret.proposal.pk}/{action}/", data)
        assert secret.status_code == nowhere.status_code == 404, action
    token = Client().post(
        f"/api/v1/proposals/{world.secret.proposal.pk}/support", HTTP_AUTHORIZATION=f"Bearer {world.token}"
    )
    assert token.status_code == 404
    client.post(f"/en/comments/{world.secret_comment.pk}/like/")
    world.secret_comment.refresh_from_db()
    assert world.secret_comment.likes_count == 0
    assert not Follow.objects.filter(proposal=world.secret.proposal).exists()
    assert not Support.objects.filter(proposal=world.secret.proposal).exists()


def test_what_is_hidden_after_its_page_was_kept_leaves_every_kept_page(world, client, settings):
    settings.PAGE_CACHE_SECONDS = 60
    later = ProposalFactory(
        consultation=world.consultation, title="Title zqlaterhidden", body="zqlaterhidden"
    )
    comment = comment_posted(author=world.commenter, proposal=world.public, body="zqlatercomment")
    reader = signed_in(world.reader)
    pages = [
        "/en/proposals/",
        f"/en/proposals/{later.pk}/",
        f"/en/proposals/{world.public.pk}/",
        f"/en/consultations/{world.consultation.slug}/{world.document.slug}/articles/liberty/",
        "/api/v1/proposals",
        f"/api/v1/proposals/{later.pk}",
    ]
    later.articles.add(world.article)
    for who in (client, reader, reader):
        for path in pages:
            assert found(["zqlaterhidden", "zqlatercomment"], text_of(who.get(path))), path
    kept = reader.get(f"/en/proposals/{world.public.pk}/")
    assert kept["X-Signed-In-Page"] == "hit"
    hide(moderator=world.moderator, proposal=later)
    hide(moderator=world.moderator, proposal=world.public, comment=comment)
    for who in (client, reader):
        for path in pages:
            assert not found(["zqlaterhidden", "zqlatercomment"], text_of(who.get(path))), path


def test_a_follower_is_told_nothing_of_what_was_hidden(world):
    Notification.objects.update(created_at=timezone.now() - timedelta(days=8))
    for frequency in ("daily", "weekly"):
        call_command("send_digests", frequency=frequency)
    others = {world.follower.email, world.reader.email}
    sent = [message for message in mail.outbox if set(message.to) & others]
    assert sent  # the follower's digest went out, telling of what is still public
    for message in sent:
        parts = [
            message.subject,
            message.body,
            *(body for body, _type in getattr(message, "alternatives", [])),
        ]
        assert not found(world.secrets, "\n".join(parts)), message.subject
    centre = text_of(signed_in(world.follower).get("/en/notifications/"))
    assert not found(world.secrets, centre)
    # Nor does their data archive, which names what they followed, supported and were told.
    for who in (world.follower, world.reader):
        assert not found(world.secrets, json.dumps(personal_data_of(who), default=str))


def test_open_data_versions_do_not_move_with_work_nobody_may_see(world, commissioner):
    def versions():
        return proposals_version(), commitments_version(today=today()), commitment_updates_version()

    before = versions()
    secret = world.secret.consultation
    approver = UserFactory()
    account_services.user_grant_role(user=approver, role=Role.COMMISSION, granted_by=None)
    publish_response(ProposalFactory(consultation=secret), drafter=commissioner, approver=approver)
    import_published(
        document=Document.objects.get(consultation=secret),
        labels={"en": "Prepared"},
        sources={"en": ("prepared.md", "# 1. Rights\n## 1. Prepared {#prepared}\n1. Text.\n")},
        imported_by=None,
    )
    assert versions() == before


# Addresses that differ from a hidden one by case, an invisible character or a letter of another script.
LOOK_ALIKES = (
    "/en/consultations/PREPARED-REFORM/",
    "/en/consultations/prepared-reform%E2%80%8B/",
    "/en/consultations/prep\u0430red-reform/",
    "/open-data/proposals.json?consultation=Prepared-Reform",
    "/open-data/proposals.json?consultation=prep\u0430red-reform",
    "/api/v1/consultations/PREPARED-REFORM",
    "/api/v1/stats?consultation=Prepared-Reform",
    "/en/accounts/organisations/CIVIC-LAB/members/",
)


def test_look_alike_addresses_find_nothing_hidden(world, client):
    for path in LOOK_ALIKES:
        answer = client.get(path)
        assert answer.status_code in (302, 400, 404, 422), (path, answer.status_code)
        assert not found(world.secrets, text_of(answer)), path
