"""Stored XSS: every payload of xss_payloads.txt through every user-writable field, file names and query
parameters; the pages that show them must carry them as text only.

Seen to fail once against a broken variant: with `{{ comment.author.display_name|safe }}` in
templates/proposals/includes/comment.html, `test_citizen_texts_are_escaped_on_every_page_that_shows_them`
reported injected `<img onerror>`, `<svg onload>` and `<script>` tags on the proposal pages.
"""

from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from portal.accounts.models import Organisation, OrganisationMembership
from proposals.models import Attachment, ModerationCase, Report
from proposals.rich_text import render_markdown
from proposals.services.hearing import hearing_outcome_save
from tests.conftest import give_totp
from tests.factories import UserFactory
from tests.proposals.factories import (
    CommentFactory,
    ConsultationFactory,
    HearingFactory,
    ProposalFactory,
    held,
    publish_response,
)

pytestmark = pytest.mark.django_db

PAYLOADS = [
    line
    for line in (Path(__file__).parent / "xss_payloads.txt").read_text(encoding="utf-8").splitlines()
    if line and not line.startswith("# ")
]
MARKER = "xss"
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "data",
    "poster",
    "background",
    "xlink:href",
    "srcdoc",
}
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:text/html")


class InjectionFinder(HTMLParser):
    """Collects what an unescaped payload would leave in the DOM: event handlers, script-bearing URLs and
    scripts or embeds that carry the marker. Escaped payloads are text or attribute values and leave none."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._script_open = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            value = value or ""
            squeezed = "".join(ch for ch in value.lower() if ch > " ")
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name in URL_ATTRIBUTES and squeezed.startswith(DANGEROUS_SCHEMES):
                self.found.append(f"<{tag} {name}={value[:40]!r}>")
            if tag in {"script", "iframe", "object", "embed", "base", "meta", "link", "style"} and (
                MARKER in squeezed
            ):
                self.found.append(f"<{tag} {name}={value[:40]!r}>")
        if tag in {"iframe", "object", "embed", "base", "svg", "math", "xss", "isindex", "keygen", "marquee"}:
            self.found.append(f"<{tag}>")
        self._script_open = tag == "script" and ("type", "application/json") not in attrs

    def handle_endtag(self, tag):
        self._script_open = False

    def handle_data(self, data):
        if self._script_open and MARKER in data.lower():
            self.found.append(f"<script>{data[:40]!r}")


def injections(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    finder = InjectionFinder()
    finder.feed(response.content.decode())
    return finder.found


def test_corpus_has_at_least_a_hundred_payloads_each_with_the_marker():
    assert len(PAYLOADS) >= 100
    assert all(MARKER in payload.lower() for payload in PAYLOADS)


def test_finder_sees_an_unescaped_payload():
    """The check itself: a page that printed payloads raw would be caught for nearly all of them."""

    class Raw:
        status_code = 200

        def __init__(self, payload):
            self.content = f"<html><body><p>{payload}</p></body></html>".encode()

    caught = [p for p in PAYLOADS if injections(Raw(p))]
    assert len(caught) >= 75  # the rest are harmless unless rendered as Markdown, encoded or in a script


@pytest.fixture
def written(citizen, commissioner, second_commissioner):
    """One proposal per payload, the payload in every field a citizen writes; texts by staff as well."""
    consultation = ConsultationFactory(slug="reform")
    proposals = []
    for payload in PAYLOADS:
        author = UserFactory(display_name=payload[:60])
        organisation = Organisation.objects.create(
            name=payload[:150], slug=f"org-{len(proposals)}", kind=Organisation.Kind.NGO, description=payload
        )
        OrganisationMembership.objects.create(organisation=organisation, user=author)
        proposal = ProposalFactory(
            consultation=consultation,
            author=author,
            organisation=organisation,
            submitter_type="organisation",
            title=payload[:150],
            summary=payload,
            body=payload,
            body_html=render_markdown(payload),
        )
        Attachment.objects.create(
            proposal=proposal,
            file=ContentFile(b"%PDF-1.4", name="a.pdf"),
            original_name=payload[:120],
            size=8,
        )
        CommentFactory(proposal=proposal, author=author, body=payload)
        case = ModerationCase.objects.create(proposal=proposal, source="appeal", appeal_grounds=payload)
        Report.objects.create(
            proposal=proposal, reporter=citizen, kind="other", details=payload[:500], case=case
        )
        publish_response(proposal, drafter=commissioner, approver=second_commissioner, reasoning_en=payload)
        hearing = HearingFactory(consultation=consultation, title_en=payload[:200], venue_en=payload[:300])
        hearing_outcome_save(actor=commissioner, hearing=held(hearing), minutes_en=payload)
        proposals.append((proposal, case, hearing, organisation))
    return proposals


def test_citizen_texts_are_escaped_on_every_page_that_shows_them(client, written, moderator):
    found = []
    for proposal, _case, hearing, organisation in written:
        for url in (
            reverse("proposal_detail", kwargs={"pk": proposal.pk}),
            reverse("hearing_detail", kwargs={"pk": hearing.pk}),
            reverse("organisation_detail", kwargs={"slug": organisation.slug}),
        ):
            found += [(url, what) for what in injections(client.get(url))]
    for url in (reverse("proposal_list") + "?page_size=100", reverse("hearing_list"), reverse("home")):
        found += [(url, what) for what in injections(client.get(url))]
    assert found == []


def test_texts_are_escaped_on_staff_pages(client, written, moderator, commissioner):
    give_totp(moderator)
    client.force_login(moderator)
    found = []
    for _proposal, case, _hearing, _organisation in written:
        url = reverse("moderation_case", kwargs={"pk": case.pk})
        found += [(url, what) for what in injections(client.get(url))]
    url = reverse("moderation_queue")
    found += [(url, what) for what in injections(client.get(url))]
    give_totp(commissioner)
    client.force_login(commissioner)
    for proposal, *_rest in written[:: max(1, len(written) // 20)]:
        url = reverse("commission_work", kwargs={"pk": proposal.pk})
        found += [(url, what) for what in injections(client.get(url))]
    assert found == []


@pytest.mark.parametrize(
    "name", ["proposal_list", "hearing_list", "home", "account_login", "moderation_transparency"]
)
def test_query_parameters_are_escaped(client, name, db):
    found = []
    for payload in PAYLOADS:
        response = client.get(reverse(name), dict.fromkeys(("q", "next", "topic", "sort"), payload))
        if response.status_code == 200:
            found += [(payload, what) for what in injections(response)]
        else:
            assert response.status_code in (302, 400, 404), response.status_code
    assert found == []
