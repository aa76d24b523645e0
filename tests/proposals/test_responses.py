"""Commission responses: four-eyes publishing, the lifecycle table, clusters, the work queue, permissions."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from portal.core.lifecycle import TransitionNotAllowed
from portal.core.roles import is_commission_member
from portal.notifications.models import Notification
from proposals.models import (
    CommissionAssignment,
    Document,
    ObligationRule,
    Proposal,
    ProposalResponse,
    ResponseTemplate,
    ResponseTransition,
)
from proposals.services import response as services
from proposals.services import response_approval as approval
from proposals.services.follow import follow_add
from proposals.services.response import RESPONSE_LIFECYCLE, ResponseInput
from tests.conftest import give_totp
from tests.factories import UserFactory

from .factories import (
    ArticleIdentityFactory,
    ConsultationFactory,
    ProposalFactory,
    TopicFactory,
    import_published,
    publish_response,
)
from .response_helpers import draft_answer
from .test_commission_answers_meanwhile import _seen

pytestmark = pytest.mark.django_db


# --- four eyes and the lifecycle ----------------------------------------------------------------------


def test_drafter_cannot_approve_their_own_response(published, commissioner):
    response = draft_answer(published, commissioner)
    approval.response_submit(response=response, actor=commissioner)
    with pytest.raises(PermissionDenied):
        approval.response_approve(response=response, reviewer=commissioner)
    response.refresh_from_db()
    published.refresh_from_db()
    assert response.state == "in_review"
    assert published.status == "published"


def test_second_member_approval_publishes_and_answers_the_proposal(
    published, commissioner, second_commissioner, other_citizen, citizen, django_capture_on_commit_callbacks
):
    other_citizen.preferred_language = "ru"
    other_citizen.save()
    follow_add(user=citizen, proposal=published)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = publish_response(published, drafter=commissioner, approver=second_commissioner)
    published.refresh_from_db()
    assert response.state == "published" and response.published_at is not None
    assert published.status == "responded" and published.responded_at is not None
    assert published.transitions.last().to_status == "responded"
    recipients = set(
        Notification.objects.filter(kind="proposal.responded").values_list("recipient_id", flat=True)
    )
    assert recipients == {other_citizen.pk, citizen.pk}
    to_author = [m for m in mail.outbox if m.to == [other_citizen.email]]
    assert len(to_author) == 1
    assert "Комиссия ответила" in to_author[0].subject  # the author's language (ru)
    assert [t.to_state for t in response.transitions.all()] == ["in_review", "published"]


def test_without_four_eyes_the_drafter_publishes(published, commissioner, settings):
    settings.RESPONSE_FOUR_EYES = False
    response = draft_answer(published, commissioner)
    approval.response_approve(response=response, reviewer=commissioner)
    published.refresh_from_db()
    assert published.status == "responded"


def test_reasoning_is_required_in_the_language_of_the_proposal(consultation, commissioner):
    proposal = ProposalFactory(consultation=consultation, language="kk")
    with pytest.raises(ValidationError) as error:
        services.response_draft_save(
            proposal=proposal,
            author=commissioner,
            data=ResponseInput(status="rejected", reasoning_en="Only English."),
        )
    assert "reasoning_kk" in error.value.message_dict
    response = services.response_draft_save(
        proposal=proposal,
        author=commissioner,
        data=ResponseInput(status="rejected", reasoning_kk="Ұсыныс қабылданбады."),
    )
    assert response.state == "draft"


def test_articles_and_version_must_belong_to_the_consultation(published, commissioner):
    foreign = ArticleIdentityFactory()
    with pytest.raises(ValidationError) as error:
        draft_answer(published, commissioner, article_ids=(foreign.pk,))
    assert "articles" in error.value.message_dict


def test_returned_draft_goes_back_with_a_note_then_is_approved(published, commissioner, second_commissioner):
    response = draft_answer(published, commissioner)
    approval.response_submit(response=response, actor=commissioner)
    with pytest.raises(ValidationError):
        approval.response_return(response=response, reviewer=second_commissioner, note="  ")
    approval.response_return(response=response, reviewer=second_commissioner, note="Cite article 7.")
    response.refresh_from_db()
    assert response.state == "returned" and response.review_note == "Cite article 7."
    assert response.reviewed_by == second_commissioner
    draft_answer(published, commissioner, reasoning_en="Accepted: article 7 is rewritten.")
    approval.response_submit(response=response, actor=commissioner)
    approval.response_approve(response=response, reviewer=second_commissioner)
    assert ProposalResponse.objects.get(pk=response.pk).state == "published"
    assert list(ResponseTransition.objects.filter(response=response).values_list("to_state", flat=True)) == [
        "in_review",
        "returned",
        "in_review",
        "published",
    ]


def test_published_response_cannot_be_edited_or_published_twice(published, commissioner, second_commissioner):
    response = publish_response(published, drafter=commissioner, approver=second_commissioner)
    with pytest.raises(ValidationError):
        draft_answer(published, commissioner)
    with pytest.raises(TransitionNotAllowed):
        services.response_transition(response=response, to_state="in_review", actor=commissioner)


def test_lifecycle_table_allows_exactly_these_moves():
    assert RESPONSE_LIFECYCLE.pairs() == sorted(
        [
            ("draft", "in_review"),
            ("draft", "published"),
            ("in_review", "draft"),
            ("in_review", "published"),
            ("in_review", "returned"),
            ("returned", "in_review"),
            ("returned", "published"),
        ]
    )


def test_citizen_and_moderator_cannot_draft(published, citizen, moderator):
    for person in (citizen, moderator):
        with pytest.raises(PermissionDenied):
            draft_answer(published, person)


# --- clusters ------------------------------------------------------------------------------------------


def test_one_response_for_a_cluster_answers_every_member(
    consultation, commissioner, second_commissioner, client
):
    representative = ProposalFactory(consultation=consultation, cluster_size=3)
    members = [ProposalFactory(consultation=consultation, cluster_of=representative) for _ in range(2)]
    # Answering from a member's page answers the representative, once.
    response = draft_answer(members[0], commissioner, reasoning_en="One answer for the campaign text.")
    assert response.proposal_id == representative.pk
    approval.response_submit(response=response, actor=commissioner)
    approval.response_approve(response=response, reviewer=second_commissioner)
    assert ProposalResponse.objects.count() == 1
    for proposal in [representative, *members]:
        proposal.refresh_from_db()
        assert proposal.status == "responded"
        page = client.get(f"/en/proposals/{proposal.pk}/")
        assert "One answer for the campaign text." in page.content.decode()
    assert Notification.objects.filter(kind="proposal.responded").count() == 3


# --- deadlines on the proposal page ----------------------------------------------------------------------


def test_proposal_page_shows_its_answer_deadline(consultation, client):
    ObligationRule.objects.create(name_en="Every proposal in 30 days", days=30)
    ObligationRule.objects.create(name_en="Popular in 10 days", days=10, min_supports=5)
    quiet = ProposalFactory(consultation=consultation, published_at=timezone.now() - timedelta(days=1))
    popular = ProposalFactory(
        consultation=consultation, supports_count=7, published_at=timezone.now() - timedelta(days=1)
    )
    page = client.get(f"/en/proposals/{quiet.pk}/").content.decode()
    assert timezone.localtime(quiet.published_at + timedelta(days=30)).date().isoformat() in page
    page = client.get(f"/en/proposals/{popular.pk}/").content.decode()
    assert timezone.localtime(popular.published_at + timedelta(days=10)).date().isoformat() in page
    assert "promises an answer by" in page


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_answer_deadline_sentence_ends_with_one_full_stop(consultation, client, language):
    """Kazakh and Russian long dates end with an abbreviation ("ж.", "г."): no second full stop after it."""
    ObligationRule.objects.create(name_en="Every proposal in 30 days", days=30)
    proposal = ProposalFactory(consultation=consultation, published_at=timezone.now() - timedelta(days=1))
    page = client.get(f"/{language}/proposals/{proposal.pk}/").content.decode()
    sentence = re.search(r'<p class="message" id="answer-deadline">(.*?)</p>', page, re.S).group(1)
    text = re.sub(r"<[^>]+>", "", sentence).strip()
    assert text.endswith(".") and not text.endswith(".."), text


def test_the_work_page_marks_an_answer_past_its_deadline_as_overdue(consultation, staff_client, commissioner):
    staff_client = staff_client(commissioner)
    ObligationRule.objects.create(name_en="Every proposal in 30 days", days=30)
    late = ProposalFactory(consultation=consultation, published_at=timezone.now() - timedelta(days=31))
    early = ProposalFactory(consultation=consultation, published_at=timezone.now() - timedelta(days=1))
    page = staff_client.get(f"/en/staff/commission/proposals/{late.pk}/").content.decode()
    assert '<span class="badge badge-alert">overdue</span>' in page
    page = staff_client.get(f"/en/staff/commission/proposals/{early.pk}/").content.decode()
    assert "overdue</span>" not in page


# --- the work queue ------------------------------------------------------------------------------------


def test_queue_lists_awaiting_proposals_and_clusters_once(
    consultation, commissioner, staff_client, draft_article, django_assert_max_num_queries
):
    topic = TopicFactory(slug="courts")
    on_article = ProposalFactory(
        consultation=consultation, title="On the article", topic=topic, supports_count=9
    )
    on_article.articles.add(draft_article)
    representative = ProposalFactory(consultation=consultation, title="Campaign text", cluster_size=40)
    ProposalFactory(consultation=consultation, title="Campaign member", cluster_of=representative)
    ProposalFactory(consultation=consultation, title="Already answered", status="responded")
    for _ in range(5):
        extra = ProposalFactory(consultation=consultation)
        extra.articles.add(draft_article)
    client = staff_client(commissioner)
    with django_assert_max_num_queries(20):
        page = client.get("/en/staff/commission/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "On the article" in html and "Campaign text" in html
    assert "Campaign member" not in html and "Already answered" not in html
    assert '<td data-label="People">40</td>' in html
    # The article column says "Article 7" and leads to the article, not a bare number.
    number = draft_article.number or draft_article.key
    assert (
        f'<a href="{draft_article.get_absolute_url().replace("/kk/", "/en/")}" class="nowrap">Article {number}</a>'
        in html
    )
    html = client.get(f"/en/staff/commission/?article={draft_article.pk}&min_supports=5").content.decode()
    assert "On the article" in html and "Campaign text" not in html
    html = client.get("/en/staff/commission/?topic=courts").content.decode()
    assert "On the article" in html and "Campaign text" not in html


def test_queue_filters_by_consultation_and_offers_that_consultations_articles(
    consultation, commissioner, staff_client, draft_article
):
    other = ConsultationFactory(title_en="Land Code", slug="land-code")
    document = Document.objects.create(consultation=other, slug="land-code", title_en="Land Code")
    import_published(
        document=document, labels={"en": "Draft"}, imported_by=None,
        sources={"en": ("en.md", "# 1. Land\n## 1. Leases {#leases}\n1. Leases run for 25 years.\n")},
    )  # fmt: skip
    ProposalFactory(consultation=consultation, title="About the constitution")
    ProposalFactory(consultation=other, title="About the land")
    client = staff_client(commissioner)
    html = client.get("/en/staff/commission/?consultation=land-code").content.decode()
    assert "About the land" in html and "About the constitution" not in html
    assert "1. Leases" in html and "2. Local budgets" not in html
    html = client.get("/en/staff/commission/").content.decode()
    assert "About the land" in html and "About the constitution" in html
    assert '<option value="land-code">Land Code</option>' in html


def test_queue_filters_by_deadline_age_and_assignee(
    consultation, commissioner, second_commissioner, staff_client
):
    ObligationRule.objects.create(name_en="30 days", days=30)
    late = ProposalFactory(
        consultation=consultation, title="Late one", published_at=timezone.now() - timedelta(days=40)
    )
    soon = ProposalFactory(
        consultation=consultation, title="Due soon", published_at=timezone.now() - timedelta(days=25)
    )
    ProposalFactory(consultation=consultation, title="Fresh one")
    client = staff_client(commissioner)
    html = client.get("/en/staff/commission/?deadline=overdue").content.decode()
    assert "Late one" in html and "Due soon" not in html and "Fresh one" not in html
    html = client.get("/en/staff/commission/?deadline=week").content.decode()
    assert "Late one" in html and "Due soon" in html and "Fresh one" not in html
    html = client.get("/en/staff/commission/?min_age_days=20").content.decode()
    assert "Fresh one" not in html and "Due soon" in html
    services.commission_assign(proposal=soon, assignee=commissioner, actor=second_commissioner)
    html = client.get("/en/staff/commission/?assignee=me").content.decode()
    assert "Due soon" in html and "Late one" not in html
    html = client.get("/en/staff/commission/?assignee=none").content.decode()
    assert "Due soon" not in html and "Late one" in html
    assert late.pk


def test_assignment_puts_the_proposal_under_review(
    published, commissioner, second_commissioner, staff_client
):
    client = staff_client(commissioner)
    answer = client.post(
        f"/en/staff/commission/proposals/{published.pk}/assign/", {"assignee": second_commissioner.pk}
    )
    assert answer.status_code == 302
    assert CommissionAssignment.objects.get(proposal=published).assignee == second_commissioner
    published.refresh_from_db()
    assert published.status == "under_review"


def test_citizen_cannot_be_assigned(published, commissioner, citizen):
    with pytest.raises(ValidationError):
        services.commission_assign(proposal=published, assignee=citizen, actor=commissioner)


def test_member_drafts_from_a_template_and_another_approves_through_the_pages(
    published, commissioner, second_commissioner, client, draft_article
):
    template = ResponseTemplate.objects.create(
        name="Out of scope",
        status="out_of_scope",
        text_en="This is outside the consultation.",
        text_kk="Тыс.",
    )
    give_totp(commissioner)
    give_totp(second_commissioner)
    client.force_login(commissioner)
    url = f"/en/staff/commission/proposals/{published.pk}/"
    answer = client.post(
        url + "response/", {"template": template.pk, "articles": [draft_article.pk], "submit": "review"}
    )
    assert answer.status_code == 302
    assert "sent for approval" in str(list(client.get(url).context["messages"]))
    response = ProposalResponse.objects.get(proposal=published)
    assert (response.status, response.reasoning_en, response.state) == (
        "out_of_scope",
        "This is outside the consultation.",
        "in_review",
    )
    page = client.get(url).content.decode()
    assert "Approve and publish" not in page
    assert client.post(url + "response/approve/").status_code == 403
    client.force_login(second_commissioner)
    page = client.get(url)
    assert "Approve and publish" in page.content.decode()
    assert client.post(url + "response/approve/", {"seen": _seen(page, "approve")}).status_code == 302
    published.refresh_from_db()
    assert published.status == "responded"


def test_invalid_response_form_shows_errors(published, commissioner, staff_client):
    client = staff_client(commissioner)
    answer = client.post(
        f"/en/staff/commission/proposals/{published.pk}/response/",
        {"status": "accepted", "reasoning_kk": "x"},
    )
    assert answer.status_code == 400
    assert "language of the proposal" in answer.content.decode()
    assert not ProposalResponse.objects.exists()


# --- permissions of every new endpoint -------------------------------------------------------------------

STAFF_GET = ["/en/staff/commission/", "/en/staff/commission/proposals/{pk}/"]
STAFF_POST = [
    ("/en/staff/commission/proposals/{pk}/assign/", {}),
    ("/en/staff/commission/proposals/{pk}/notes/", {"body": "internal"}),
    ("/en/staff/commission/proposals/{pk}/response/", {"status": "accepted", "reasoning_en": "Yes."}),
    ("/en/staff/commission/proposals/{pk}/response/submit/", {}),
    ("/en/staff/commission/proposals/{pk}/response/approve/", {}),
    ("/en/staff/commission/proposals/{pk}/response/return/", {"note": "no"}),
    ("/en/staff/commission/proposals/{pk}/response/correct/", {"reason": "wrong version"}),
]


@pytest.mark.parametrize("path", STAFF_GET)
def test_commission_pages_refuse_anonymous_citizens_authors_and_moderators(
    path, published, client, citizen, other_citizen, moderator
):
    path = path.format(pk=published.pk)
    answer = client.get(path)
    assert answer.status_code == 302 and "/accounts/login/" in answer.url
    for person in (citizen, other_citizen, moderator):  # other_citizen is the author
        give_totp(person) if person == moderator else None
        client.force_login(person)
        assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", STAFF_GET)
def test_commission_pages_open_for_members_and_admins(
    path, published, staff_client, commissioner, admin_user
):
    for person in (commissioner, admin_user):
        assert staff_client(person).get(path.format(pk=published.pk)).status_code == 200


@pytest.mark.parametrize(("path", "data"), STAFF_POST)
def test_commission_actions_refuse_everyone_but_members(
    path, data, published, client, citizen, other_citizen, moderator
):
    path = path.format(pk=published.pk)
    answer = client.post(path, data)
    assert answer.status_code == 302 and "/accounts/login/" in answer.url
    give_totp(moderator)
    for person in (citizen, other_citizen, moderator):
        client.force_login(person)
        assert client.post(path, data).status_code == 403
    assert not ProposalResponse.objects.exists()
    assert not published.commission_notes.exists()


@pytest.mark.parametrize(("path", "data"), STAFF_POST)
def test_commission_actions_are_post_only(path, data, published, staff_client, commissioner):
    assert staff_client(commissioner).get(path.format(pk=published.pk)).status_code == 405


def test_commission_actions_need_csrf(published, commissioner):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    give_totp(commissioner)
    client.force_login(commissioner)
    answer = client.post(f"/en/staff/commission/proposals/{published.pk}/notes/", {"body": "x"})
    assert answer.status_code == 403
    assert not published.commission_notes.exists()


def test_member_adds_an_internal_note_never_shown_publicly(published, commissioner, staff_client):
    client = staff_client(commissioner)
    client.post(f"/en/staff/commission/proposals/{published.pk}/notes/", {"body": "INTERNAL-NOTE-MARK"})
    assert (
        "INTERNAL-NOTE-MARK" in client.get(f"/en/staff/commission/proposals/{published.pk}/").content.decode()
    )
    client.logout()
    assert "INTERNAL-NOTE-MARK" not in client.get(f"/en/proposals/{published.pk}/").content.decode()


def test_staff_without_second_factor_are_sent_to_set_it_up(published, commissioner, client):
    client.force_login(commissioner)
    answer = client.get("/en/staff/commission/")
    assert answer.status_code == 302 and "totp" in answer.url


def test_unknown_proposal_is_404(commissioner, staff_client):
    assert staff_client(commissioner).get("/en/staff/commission/proposals/999999/").status_code == 404


def test_user_factory_people_are_not_members(db):
    assert not is_commission_member(UserFactory())
    assert Proposal.objects.count() == 0


# --- missed deadlines ------------------------------------------------------------------------------------


def test_missed_deadline_is_announced_once_and_not_for_answered_or_clustered(
    consultation, commissioner, second_commissioner, citizen
):
    from proposals.models import MissedDeadline
    from proposals.tasks import record_missed_deadlines

    ObligationRule.objects.create(name_en="Within 7 days", days=7)
    late = ProposalFactory(consultation=consultation, published_at=timezone.now() - timedelta(days=9))
    follow_add(user=citizen, proposal=late)
    services.commission_assign(proposal=late, assignee=commissioner, actor=second_commissioner)
    ProposalFactory(
        consultation=consultation, cluster_of=late, published_at=timezone.now() - timedelta(days=9)
    )
    answered = ProposalFactory(consultation=consultation, published_at=timezone.now() - timedelta(days=9))
    publish_response(answered, drafter=commissioner, approver=second_commissioner)
    ProposalFactory(consultation=consultation, published_at=timezone.now() - timedelta(days=2))
    assert record_missed_deadlines.delay().get() == 1
    assert record_missed_deadlines.delay().get() == 0
    assert list(MissedDeadline.objects.values_list("proposal_id", flat=True)) == [late.pk]
    notified = Notification.objects.filter(kind="deadline.missed")
    assert set(notified.values_list("recipient_id", flat=True)) == {
        late.author_id,
        citizen.pk,
        commissioner.pk,
    }
    assert notified.count() == 3


def test_a_sweep_records_at_most_its_limit_of_misses_across_consultations(consultation):
    """Two late proposals in each of two consultations, three at most a run: three, then the last one."""
    from proposals.models import MissedDeadline

    ObligationRule.objects.create(name_en="Within 7 days", days=7)
    nine_days_ago = timezone.now() - timedelta(days=9)
    for each in (consultation, ConsultationFactory()):
        ProposalFactory.create_batch(2, consultation=each, published_at=nine_days_ago)
    assert services.deadline_misses_record(limit=3) == 3
    assert MissedDeadline.objects.count() == 3
    assert services.deadline_misses_record(limit=3) == 1
    assert MissedDeadline.objects.count() == 4


# --- public endpoints and admin ------------------------------------------------------------------------

PUBLIC = [
    "/en/consultations/{slug}/outcome/",
    "/en/consultations/{slug}/overdue/",
    "/open-data/proposals.csv",
    "/open-data/proposals.json",
    "/api/v1/stats",
]


@pytest.mark.parametrize("path", PUBLIC)
def test_public_outcome_endpoints_open_to_everyone(
    path, client, published, citizen, other_citizen, commissioner
):
    path = path.format(slug=published.consultation.slug)
    assert client.get(path).status_code == 200
    for person in (citizen, other_citizen, commissioner):
        give_totp(person)
        client.force_login(person)
        assert client.get(path).status_code == 200


def test_a_superuser_still_manages_templates_and_obligations_in_the_django_admin(client):
    superuser = UserFactory(is_superuser=True, is_staff=True)
    give_totp(superuser)
    client.force_login(superuser)
    for model in ("responsetemplate", "obligationrule"):
        assert client.get(f"/en/admin/proposals/{model}/").status_code == 200
        assert client.get(f"/en/admin/proposals/{model}/add/").status_code == 200
    answer = client.post(
        "/en/admin/proposals/obligationrule/add/",
        {"name_en": "Every proposal within 30 days", "min_supports": 0, "days": 30, "is_active": "on"},
    )
    assert answer.status_code == 302
    assert ObligationRule.objects.get().days == 30


def test_commission_members_cannot_change_admin_settings(client, commissioner):
    give_totp(commissioner)
    client.force_login(commissioner)
    assert client.get("/en/admin/proposals/obligationrule/").status_code in (302, 403)
    assert client.post(
        "/en/admin/proposals/obligationrule/add/", {"name_en": "x", "min_supports": 0, "days": 1}
    ).status_code in (302, 403)
    assert not ObligationRule.objects.exists()


def test_stats_endpoint_is_in_the_openapi_document(client):
    assert "/api/v1/stats" in client.get("/api/v1/openapi.json").json()["paths"]


def test_the_work_page_names_the_language_the_reasoning_is_required_in(
    consultation, staff_client, commissioner
):
    staff_client = staff_client(commissioner)
    proposal = ProposalFactory(consultation=consultation, language="en")
    page = staff_client.get(f"/ru/staff/commission/proposals/{proposal.pk}/").content.decode()
    assert "(Английский)" in page
