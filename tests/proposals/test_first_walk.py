"""What a first walk through the three journeys found, one test per finding. Each fails on the
code before the fix; the consultation findings are in test_consultations.py."""

import re
from html.parser import HTMLParser

import pytest
from django.core import mail
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.views.defaults import server_error

from portal.accounts.models import DataExport
from portal.notifications.models import Notification
from proposals.models import Comment, ModerationCase
from proposals.services import hearing_registration
from proposals.services.comment import comment_create
from proposals.services.screening import proposal_screen
from proposals.services.support import support_add
from tests.conftest import give_totp
from tests.factories import UserFactory

from .conftest import SMALL_DRAFT
from .factories import (
    CommentFactory,
    ConsultationFactory,
    HearingFactory,
    ProposalFactory,
    import_published,
    publish_response,
    revised_document,
)

pytestmark = pytest.mark.django_db


class _Cells(HTMLParser):
    """Texts of the table header cells and the selected options of a page."""

    def __init__(self):
        super().__init__()
        self.headers, self.selected, self._in_th, self._text = [], [], False, ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "th":
            self._in_th, self._text = True, ""
        if tag == "option" and "selected" in attrs:
            self.selected.append(attrs.get("value"))

    def handle_endtag(self, tag):
        if tag == "th" and self._in_th:
            self.headers.append(self._text.strip())
            self._in_th = False

    def handle_data(self, data):
        if self._in_th:
            self._text += data


def _parse(html: str) -> _Cells:
    cells = _Cells()
    cells.feed(html)
    return cells


def _staff(client, user):
    give_totp(user)
    client.force_login(user)
    return client


# --- My participation -----------------------------------------------------------------------------------


def test_my_participation_lists_a_draft_with_a_link_to_resume_it(client, citizen, consultation):
    draft = ProposalFactory(consultation=consultation, author=citizen, status="draft", published_at=None)
    client.force_login(citizen)
    page = client.get(reverse("participation")).content.decode()
    assert draft.title in page
    assert reverse("proposal_compare", kwargs={"pk": draft.pk}) in page


def test_my_participation_gathers_supports_comments_follows_registrations_and_reports(
    client, citizen, consultation, verify, django_assert_max_num_queries
):
    verify(citizen)
    supported = ProposalFactory(consultation=consultation, title="Supported one")
    support_add(user=citizen, proposal=supported)
    commented = ProposalFactory(consultation=consultation, title="Commented one")
    comment_create(author=citizen, proposal=commented, body="A thought about budgets.")
    hearing = HearingFactory(consultation=consultation, title_en="Hearing on courts")
    hearing_registration.hearing_register(user=citizen, hearing=hearing)
    client.force_login(citizen)
    with django_assert_max_num_queries(16):
        page = client.get(reverse("participation")).content.decode()
    for text in ("Supported one", "Commented one", "A thought about budgets.", "Hearing on courts"):
        assert text in page
    assert reverse("support_withdraw", kwargs={"pk": supported.pk}) in page


def test_withdrawing_a_support_from_my_participation_comes_back_there(client, citizen, consultation, verify):
    verify(citizen)
    proposal = ProposalFactory(consultation=consultation)
    support_add(user=citizen, proposal=proposal)
    client.force_login(citizen)
    back = reverse("participation")
    response = client.post(reverse("support_withdraw", kwargs={"pk": proposal.pk}), {"next": back})
    assert response.url == back
    assert not proposal.supports.exists()
    evil = client.post(
        reverse("support_withdraw", kwargs={"pk": proposal.pk}), {"next": "https://evil.example/"}
    )
    assert evil.url == proposal.get_absolute_url()


def test_my_participation_asks_anonymous_visitors_to_sign_in(client):
    assert "/accounts/login/" in client.get(reverse("participation")).url


# --- error pages ----------------------------------------------------------------------------------------


def test_403_is_in_the_readers_language_with_the_sites_navigation(client, citizen):
    client.force_login(citizen)
    response = client.get("/kk/staff/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "Бұл бетті аша алмайсыз" in page and 'lang="kk"' in page
    assert reverse("consultation_list") in page and 'class="main-nav"' in page


def test_404_has_a_page_in_the_readers_language(client):
    response = client.get("/ru/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Страница не найдена" in page and 'class="main-nav"' in page


def test_500_page_needs_no_database_and_speaks_the_readers_language():
    with translation.override("kk"), CaptureQueriesContext(connection) as queries:
        response = server_error(RequestFactory().get("/kk/"))
    assert response.status_code == 500
    assert len(queries) == 0
    page = response.content.decode()
    assert "Біз жақта бірдеңе дұрыс болмады" in page and "/kk/consultations/" in page


# --- the wizard and its messages ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_submitting_a_clean_proposal_says_it_is_published(client, settings):
    settings.PORTAL_MODERATION_POLICY = "auto_publish_clean"
    author = UserFactory()
    consultation = ConsultationFactory()
    draft = ProposalFactory(consultation=consultation, author=author, status="draft", published_at=None)
    client.force_login(author)
    response = client.post(reverse("proposal_submit", kwargs={"pk": draft.pk}), follow=True)
    page = response.content.decode()
    assert "Your proposal is submitted and published." in page
    assert "appears publicly once it has been checked" not in page


@pytest.mark.django_db(transaction=True)
def test_a_proposal_sent_back_for_personal_data_says_so(client):
    author = UserFactory()
    consultation = ConsultationFactory()
    draft = ProposalFactory(
        consultation=consultation,
        author=author,
        status="draft",
        published_at=None,
        body="Call me at +7 701 234 5678 about this.",
    )
    client.force_login(author)
    response = client.post(reverse("proposal_submit", kwargs={"pk": draft.pk}))
    assert response.url == reverse("proposal_edit", kwargs={"pk": draft.pk})
    page = client.get(response.url).content.decode()
    assert "seems to contain personal data" in page
    assert "appears publicly once it has been checked" not in page


def test_the_preview_shows_the_linked_article(client, citizen, draft_article):
    draft = ProposalFactory(
        consultation=draft_article.document.consultation, author=citizen, status="draft", published_at=None
    )
    draft.articles.set([draft_article])
    client.force_login(citizen)
    page = client.get(reverse("proposal_preview", kwargs={"pk": draft.pk})).content.decode()
    assert draft_article.get_absolute_url() in page
    assert draft_article.heading_en in page


def test_similar_proposals_leave_out_the_authors_own(client, citizen, consultation):
    own = ProposalFactory(consultation=consultation, author=citizen, title="Budgets of local councils")
    other = ProposalFactory(consultation=consultation, title="Local council budgets")
    draft = ProposalFactory(
        consultation=consultation, author=citizen, status="draft", published_at=None, title=own.title
    )
    client.force_login(citizen)
    similar = client.get(reverse("proposal_compare", kwargs={"pk": draft.pk})).context["similar"]
    assert own not in similar
    assert other in similar


def test_the_text_box_stops_at_the_limit_and_says_it(client, citizen, consultation, settings):
    settings.PROPOSAL_BODY_MAX_LENGTH = 10000
    client.force_login(citizen)
    page = client.get(reverse("proposal_write")).content.decode()
    assert re.search(r'<textarea[^>]*name="body"[^>]*maxlength="10000"', page) or re.search(
        r'<textarea[^>]*maxlength="10000"[^>]*name="body"', page
    )
    assert "At most 10000 characters." in page


def test_a_line_break_counts_once_against_the_limit(citizen, consultation, settings):
    from proposals.services.proposal import ProposalInput, proposal_draft_save

    settings.PROPOSAL_BODY_MAX_LENGTH = 20
    body = "line\r\n" * 3 + "end"  # 18 characters as the browser counts them, 21 as sent
    draft = proposal_draft_save(
        author=citizen,
        consultation=consultation,
        data=ProposalInput(title="T", summary="S", body=body, language="en", topic_id=None, article_ids=()),
    )
    assert draft.body == "line\nline\nline\nend"


# --- comments -------------------------------------------------------------------------------------------


def test_an_abusive_comment_is_held_with_a_word_to_its_author(
    client, citizen, consultation, django_capture_on_commit_callbacks
):
    proposal = ProposalFactory(consultation=consultation, comments_count=5)
    for _ in range(5):
        CommentFactory(proposal=proposal)
    with django_capture_on_commit_callbacks(execute=True):
        comment = comment_create(author=citizen, proposal=proposal, body="Whoever wrote this is an idiot.")
    comment.refresh_from_db()
    assert comment.hidden_at is not None
    assert Notification.objects.filter(recipient=citizen, kind="comment.held").exists()
    client.force_login(citizen)
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "Your comment is held until a moderator has looked at it" in page
    assert "1 more is hidden by moderation" in page
    reader_page = client.get(proposal.get_absolute_url())
    assert reader_page.context["proposal"].comments_count == 5


# --- staff pages ----------------------------------------------------------------------------------------


def test_the_hearing_status_form_preselects_nothing(client, commissioner, consultation):
    hearing = HearingFactory(consultation=consultation)
    page = _staff(client, commissioner).get(reverse("staff_hearing_edit", kwargs={"pk": hearing.pk}))
    form = page.context["transition_form"]
    choices = [value for value, _label in form.fields["to_status"].choices]
    assert choices[0] == "" and choices[-1] == "cancelled"
    assert _parse(page.content.decode()).selected.count("cancelled") == 0


def test_the_answer_form_lists_the_drafts_articles_once_in_order_with_the_proposals_preselected(
    client, commissioner, consultation
):
    _document, _old, new, liberty = revised_document(consultation)
    # A third version drops article 4: its identity keeps the number "4" the renumbered article now has.
    text = SMALL_DRAFT.replace("Local councils approve local budgets.", "Councils approve budgets.")
    import_published(
        document=_document, labels={"en": "Third"}, sources={"en": ("en.md", text)}, imported_by=None
    )
    proposal = ProposalFactory(consultation=consultation)
    proposal.articles.set([liberty])
    page = _staff(client, commissioner).get(reverse("commission_work", kwargs={"pk": proposal.pk}))
    form = page.context["response_form"]
    labels = [label for _pk, label in form.fields["articles"].choices]
    current = [label for label in labels if "no longer in the draft" not in label]
    assert [label.split(".")[0] for label in current] == ["1", "2"]
    assert len(labels) == len(set(labels))
    assert all("no longer in the draft" in label for label in labels[2:])
    assert form.initial["articles"] == [liberty.pk]


def test_the_outcome_chart_names_each_article_once(client, consultation):
    document, _old, new, liberty = revised_document(consultation)
    import_published(
        document=document, labels={"en": "Third"}, sources={"en": ("en.md", SMALL_DRAFT)}, imported_by=None
    )
    for identity in document.identities.all():
        proposal = ProposalFactory(consultation=consultation)
        proposal.articles.set([identity])
    charts = client.get(reverse("consultation_outcome", kwargs={"slug": consultation.slug})).context["charts"]
    labels = [row["label"] for row in next(c for c in charts if c["key"] == "article")["rows"]]
    assert len(labels) == len(set(labels)) == document.identities.count()
    assert labels[:2] == ["Article 1", "Article 2"]


def test_the_kazakh_queues_have_distinct_column_headings(client, admin_user, consultation):
    staff = _staff(client, admin_user)
    for url in ("/kk/staff/commission/", "/kk/moderation/"):
        headers = [h for h in _parse(staff.get(url).content.decode()).headers if h]
        assert len(headers) == len(set(headers)), (url, headers)


def test_the_moderation_queue_shows_an_excerpt(client, moderator, citizen):
    proposal = ProposalFactory(author=citizen, status="submitted", summary="Abolish the idiot rule entirely.")
    proposal_screen(proposal=proposal)
    assert ModerationCase.objects.filter(proposal=proposal).exists()
    page = _staff(client, moderator).get(reverse("moderation_queue")).content.decode()
    assert "Abolish the idiot rule entirely." in page


# --- accounts, emails and codes -------------------------------------------------------------------------


def test_identity_verification_leads_back_to_the_proposal(client, citizen, consultation):
    proposal = ProposalFactory(consultation=consultation)
    client.force_login(citizen)
    refusal = client.get(proposal.get_absolute_url()).content.decode()
    assert f"/en/accounts/verify/?next={proposal.get_absolute_url()}".replace("/", "%2F")[
        3:
    ] in refusal.replace("/", "%2F")
    response = client.post(
        "/en/accounts/verify/", {"iin": "900101300126", "next": proposal.get_absolute_url()}
    )
    assert response.url == proposal.get_absolute_url()
    verified_page = client.get("/en/accounts/verify/").content.decode()
    assert reverse("proposal_list") in verified_page and reverse("participation") in verified_page


@pytest.mark.django_db(transaction=True)
def test_the_export_message_says_ready_when_the_archive_is_ready(client):
    person = UserFactory()
    client.force_login(person)
    response = client.post("/en/accounts/privacy/export/", follow=True)
    assert DataExport.objects.get(user=person).status == DataExport.Status.READY
    page = response.content.decode()
    assert "Your archive is ready" in page
    assert "being prepared" not in page


def test_the_answer_email_gives_the_decision_and_its_reasons(
    consultation, commissioner, second_commissioner, django_capture_on_commit_callbacks
):
    author = UserFactory(preferred_language="en")
    proposal = ProposalFactory(consultation=consultation, author=author)
    with django_capture_on_commit_callbacks(execute=True):
        publish_response(
            proposal,
            drafter=commissioner,
            approver=second_commissioner,
            status="rejected",
            reasoning_en="The Constitution already guarantees this right.",
        )
    sent = [m for m in mail.outbox if author.email in m.to]
    assert sent, "the author gets an email"
    assert "Rejected" in sent[0].body
    assert "The Constitution already guarantees this right." in sent[0].body


def test_a_hearing_registration_code_is_short_and_unambiguous(consultation, citizen):
    registration = hearing_registration.hearing_register(
        user=citizen, hearing=HearingFactory(consultation=consultation)
    )
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}", registration.code)


def test_a_held_comment_is_not_lost_from_my_participation(
    client, citizen, consultation, django_capture_on_commit_callbacks
):
    proposal = ProposalFactory(consultation=consultation)
    with django_capture_on_commit_callbacks(execute=True):
        comment_create(author=citizen, proposal=proposal, body="Whoever wrote this is an idiot.")
    assert Comment.objects.get(author=citizen).hidden_at is not None
    client.force_login(citizen)
    assert "held for review" in client.get(reverse("participation")).content.decode()


def test_400_has_a_page_in_the_readers_language(rf):
    from django.views.defaults import bad_request

    with translation.override("kk"):
        response = bad_request(rf.get("/kk/"), exception=None)
    assert response.status_code == 400
    assert "Сұрауды түсіну мүмкін болмады" in response.content.decode()
