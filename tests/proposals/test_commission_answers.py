"""The Commission answering at volume: the queue's order and counts, campaigns whose first proposal leaves,
answers refused for proposals no longer awaiting one, and who is told what, once."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from portal.notifications.messages import render_message
from portal.notifications.models import Notification
from proposals.models import CommissionAssignment, ObligationRule
from proposals.services import response as services
from proposals.services import response_approval as approval
from proposals.services.follow import follow_add
from proposals.services.proposal import proposal_transition

from .factories import ConsultationFactory, ProposalFactory, TopicFactory, publish_response, revised_document
from .response_helpers import draft_answer
from .test_campaigns import CAMPAIGN, _submit
from .test_commission_answers_meanwhile import _seen

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("to_status", ["hidden", "withdrawn", "in_moderation"])
def test_an_answer_is_not_published_for_a_proposal_no_longer_awaiting_one(
    published, commissioner, second_commissioner, staff_client, to_status
):
    response = draft_answer(published, commissioner)
    approval.response_submit(response=response, actor=commissioner)
    proposal_transition(proposal=published, to_status=to_status, actor=None)
    client = staff_client(second_commissioner)
    url = f"/en/staff/commission/proposals/{published.pk}/"
    seen = _seen(client.get(url), "approve")
    refused = client.post(url + "response/approve/", {"seen": seen}, follow=True)
    assert refused.status_code == 200
    assert "no longer awaits an answer" in str(list(refused.context["messages"]))
    response.refresh_from_db()
    assert (response.state, response.published_at) == ("in_review", None)
    assert not Notification.objects.filter(kind="proposal.responded").exists()


@pytest.mark.parametrize("to_status", ["withdrawn", "hidden"])
def test_a_campaign_whose_representative_leaves_is_still_queued_and_answered(
    consultation, commissioner, second_commissioner, staff_client, to_status
):
    representative = ProposalFactory(consultation=consultation, cluster_size=3, title="First of the campaign")
    members = [
        ProposalFactory(consultation=consultation, cluster_of=representative, title=f"Member {n}")
        for n in range(2)
    ]
    draft = draft_answer(representative, commissioner, reasoning_en="Drafted before the first author left.")
    services.commission_note_add(proposal=representative, author=commissioner, body="Check article 3.")
    proposal_transition(proposal=representative, to_status=to_status, actor=None)
    queue = staff_client(commissioner).get("/en/staff/commission/")
    rows = [row["proposal"] for row in queue.context["rows"]]
    assert [(row.pk, row.cluster_size) for row in rows] == [(members[0].pk, 2)]
    draft.refresh_from_db()
    assert draft.proposal_id == members[0].pk
    assert members[0].commission_notes.get().body == "Check article 3."
    approval.response_submit(response=draft, actor=commissioner)
    approval.response_approve(response=draft, reviewer=second_commissioner)
    for member in members:
        member.refresh_from_db()
        assert member.status == "responded"
    representative.refresh_from_db()
    assert representative.status == to_status


def test_a_campaign_answer_tells_each_person_once(
    consultation,
    commissioner,
    second_commissioner,
    citizen,
    draft_article,
    django_capture_on_commit_callbacks,
):
    topic = TopicFactory(slug="local-councils")
    representative = ProposalFactory(consultation=consultation, topic=topic, cluster_size=4)
    members = [
        ProposalFactory(consultation=consultation, topic=topic, cluster_of=representative) for _ in range(3)
    ]
    for proposal in [representative, *members]:
        proposal.articles.add(draft_article)
    follow_add(user=citizen, topic=topic)
    follow_add(user=citizen, article=draft_article)
    # The author of one campaign proposal follows the topic too: told of their own proposal's answer.
    follow_add(user=members[1].author, topic=topic)
    with django_capture_on_commit_callbacks(execute=True):
        publish_response(representative, drafter=commissioner, approver=second_commissioner)
    told = Notification.objects.filter(kind="proposal.responded")
    assert told.filter(recipient=citizen).count() == 1
    assert told.get(recipient=members[1].author).url.endswith(f"/proposals/{members[1].pk}/")
    assert told.count() == 5  # four authors and the follower
    correct = services.ResponseCorrection(reason="Named the article.", article_ids=(draft_article.pk,))
    services.response_correct(response=representative.response, actor=commissioner, data=correct)
    assert Notification.objects.filter(kind="proposal.answer_corrected", recipient=citizen).count() == 1


def test_queue_lists_the_soonest_deadline_first_across_consultations_and_support_levels(
    commissioner, staff_client
):
    slow, fast = ConsultationFactory(), ConsultationFactory()
    ObligationRule.objects.create(name_en="Slow", consultation=slow, days=45)
    ObligationRule.objects.create(name_en="Fast", consultation=fast, days=30)
    ObligationRule.objects.create(name_en="Popular", days=10, min_supports=100)
    now = timezone.now()
    oldest = ProposalFactory(consultation=slow, published_at=now - timedelta(days=40))  # due in 5 days
    overdue = ProposalFactory(consultation=fast, published_at=now - timedelta(days=35))  # 5 days late
    popular = ProposalFactory(consultation=slow, published_at=now - timedelta(days=12), supports_count=150)
    without_rule = ConsultationFactory()
    unbound = ProposalFactory(consultation=without_rule, published_at=now - timedelta(days=90))
    ObligationRule.objects.filter(name_en="Popular").update(consultation=slow)
    queue = staff_client(commissioner).get("/en/staff/commission/")
    rows = queue.context["rows"]
    assert [row["proposal"].pk for row in rows] == [overdue.pk, popular.pk, oldest.pk, unbound.pk]
    assert [row["overdue"] for row in rows] == [True, True, False, False]
    # Marked as the work page marks it, not as a grey label like the topic beside it.
    assert queue.content.decode().count('<span class="badge badge-alert">overdue</span>') == 2
    # On a phone the table's head is out of sight: each value says which column it is.
    first_row = queue.content.decode().split("<tbody>")[1].split("</tr>")[0]
    labels = re.findall(r'<td data-label="([^"]+)">', first_row)
    assert labels == ["People", "Supports", "Articles", "Age", "Deadline", "Assigned to", "Answer"]


@pytest.mark.parametrize(
    "language, count, text",
    [
        ("en", 51, "51 proposals await an answer."),
        ("ru", 52, "52 предложения ждут ответа."),
        ("kk", 1, "1 ұсыныс"),
    ],
)
def test_queue_says_how_many_proposals_await_an_answer_beyond_its_page(
    consultation, commissioner, staff_client, language, count, text
):
    ProposalFactory.create_batch(count, consultation=consultation)
    page = staff_client(commissioner).get(f"/{language}/staff/commission/").content.decode()
    assert text in page


def test_the_author_is_emailed_an_answer_whose_reasons_have_paragraphs(
    published, commissioner, second_commissioner, django_capture_on_commit_callbacks
):
    # Short enough for the whole notice to fit in the subject, the paragraphs on one line.
    published.title = "Open"
    published.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        publish_response(
            published,
            drafter=commissioner,
            approver=second_commissioner,
            **{f"reasoning_{published.language}": "Yes.\n\nArticle 3 opens them."},
        )
    [message] = [message for message in mail.outbox if message.to == [published.author.email]]
    assert "\n" not in message.subject
    assert "Yes. Article 3 opens them." in message.subject
    assert "Article 3 opens them." in message.body


@pytest.mark.parametrize("language, name", [("kk", "Қазақша"), ("ru", "Казахский"), ("en", "Kazakh")])
def test_the_work_page_names_the_language_the_reasons_are_required_in(
    consultation, commissioner, staff_client, language, name
):
    proposal = ProposalFactory(consultation=consultation, language="kk")
    page = staff_client(commissioner).get(f"/{language}/staff/commission/proposals/{proposal.pk}/")
    hint = re.search(r'<p class="muted">([^<]*\(([^)]*)\)[^<]*)</p>', page.content.decode()).group(2)
    assert hint == name
    assert "---------" not in page.content.decode()  # the template choice's empty option reads in words


def test_a_note_over_the_limit_is_refused_with_what_was_typed(published, commissioner, staff_client):
    client = staff_client(commissioner)
    typed = "Check the budget article. " * 120
    refused = client.post(f"/en/staff/commission/proposals/{published.pk}/notes/", {"body": typed})
    assert refused.status_code == 400
    assert refused.context["note_form"].errors["body"]
    assert typed.strip() in refused.content.decode()
    assert not published.commission_notes.exists()


def test_a_member_is_not_assigned_their_own_proposal(consultation, commissioner, second_commissioner):
    own = ProposalFactory(consultation=consultation, author=commissioner)
    with pytest.raises(ValidationError) as refused:
        services.commission_assign(proposal=own, assignee=commissioner, actor=second_commissioner)
    assert "their own proposal" in str(refused.value)
    assert not CommissionAssignment.objects.exists()
    services.commission_assign(proposal=own, assignee=second_commissioner, actor=second_commissioner)


def test_a_member_stands_aside_from_the_work_on_their_own_proposal(
    consultation, commissioner, second_commissioner, staff_client
):
    own = ProposalFactory(consultation=consultation, author=commissioner, language="en")
    services.commission_note_add(proposal=own, author=second_commissioner, body="INTERNAL-ON-OWN")
    draft_answer(own, second_commissioner, reasoning_en="DRAFT-ON-OWN")
    client = staff_client(commissioner)
    url = f"/en/staff/commission/proposals/{own.pk}/"
    page = client.get(url)
    assert page.status_code == 403
    assert "INTERNAL-ON-OWN" not in page.content.decode() and "DRAFT-ON-OWN" not in page.content.decode()
    assert client.post(url + "notes/", {"body": "Be kind to it."}).status_code == 403
    assert client.post(url + "assign/", {"assignee": second_commissioner.pk}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.commission_assign(proposal=own, assignee=second_commissioner, actor=commissioner)
    assert list(own.commission_notes.values_list("body", flat=True)) == ["INTERNAL-ON-OWN"]
    assert not CommissionAssignment.objects.exists()
    assert staff_client(second_commissioner).get(url).status_code == 200


def test_the_work_page_names_the_articles_of_an_answer_awaiting_approval_as_readers_do(
    consultation, commissioner, second_commissioner, staff_client
):
    """The approving member read "1" where the answer concerned "Article 7. Personal liberty"."""
    _document, _old, _new, liberty = revised_document(consultation)
    proposal = ProposalFactory(consultation=consultation, language="en")
    response = draft_answer(proposal, commissioner, article_ids=(liberty.pk,))
    approval.response_submit(response=response, actor=commissioner)
    page = (
        staff_client(second_commissioner)
        .get(f"/en/staff/commission/proposals/{proposal.pk}/")
        .content.decode()
    )
    assert "<dd>Article 7. Personal liberty</dd>" in page


def test_an_answer_given_in_russian_only_tells_kazakh_readers_so(
    consultation, commissioner, second_commissioner
):
    proposal = ProposalFactory(consultation=consultation, language="ru", title="Открыть заседания")
    publish_response(
        proposal,
        drafter=commissioner,
        approver=second_commissioner,
        reasoning_ru="Статья 3 открывает заседания.",
    )
    notice = Notification.objects.get(recipient=proposal.author, kind="proposal.responded")
    with translation.override("kk"):
        kazakh = render_message(notice.kind, notice.params)
    with translation.override("ru"):
        russian = render_message(notice.kind, notice.params)
    assert "Статья 3 открывает заседания. (тек орыс тілінде бар)" in kazakh
    assert russian.endswith("Статья 3 открывает заседания.")


def test_a_copy_published_after_its_campaign_was_answered_is_answered_and_its_author_told(
    consultation, commissioner, second_commissioner, django_capture_on_commit_callbacks
):
    first = _submit(consultation, "Councils approve budgets.", CAMPAIGN, django_capture_on_commit_callbacks)
    publish_response(first, drafter=commissioner, approver=second_commissioner)
    late = _submit(consultation, "Councils approve budgets.", CAMPAIGN, django_capture_on_commit_callbacks)
    assert (late.cluster_of_id, late.status) == (first.pk, "responded")
    assert Notification.objects.filter(recipient=late.author, kind="proposal.responded").count() == 1


def test_a_correction_reason_in_russian_is_marked_so_on_the_kazakh_page(
    published, draft_article, commissioner, second_commissioner, client
):
    response = publish_response(published, drafter=commissioner, approver=second_commissioner)
    services.response_correct(
        response=response,
        actor=commissioner,
        data=services.ResponseCorrection(
            reason="Ответ касается статьи 2.", article_ids=(draft_article.pk,), version_id=None
        ),
    )
    kazakh = client.get(f"/kk/proposals/{published.pk}/").content.decode()
    assert '<span lang="ru">Ответ касается статьи 2.</span> <small class="muted other-language">' in kazakh
    assert "тек орыс тілінде бар" in kazakh
    russian = client.get(f"/ru/proposals/{published.pk}/").content.decode()
    assert '<span lang="ru">Ответ касается статьи 2.</span>' in russian
    assert "есть только на русском языке" not in russian
    notice = Notification.objects.get(recipient=published.author, kind="proposal.answer_corrected")
    with translation.override("kk"):
        assert render_message(notice.kind, notice.params).endswith(
            "Ответ касается статьи 2. (тек орыс тілінде бар)"
        )
