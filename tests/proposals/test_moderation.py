"""Moderation core: screening opens cases, one moderator at a time, decisions with reasons, one appeal."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext

from proposals.models import ModerationCase, Proposal
from proposals.services.moderation import (
    CaseTaken,
    moderation_appeal,
    moderation_case_claim,
    moderation_case_open,
    moderation_decide,
)
from proposals.services.proposal import proposal_submit
from proposals.services.screening import proposal_screen
from tests.conftest import give_totp
from tests.factories import UserFactory

from .factories import (
    ArticleIdentityFactory,
    CommentFactory,
    ConsultationFactory,
    DocumentFactory,
    ProposalFactory,
)
from .moderation_helpers import hide_comment

pytestmark = pytest.mark.django_db
STATEMENT = "The text contains a personal identity number; remove it and submit again."


@pytest.fixture
def case(citizen):
    proposal = ProposalFactory(
        author=citizen, status="submitted", body="Whoever wrote article 5 is an idiot."
    )
    proposal_screen(proposal=proposal)
    return ModerationCase.objects.get(proposal=proposal)


def test_screening_queues_abuse_with_its_risk(case):
    assert case.proposal.status == "in_moderation"
    assert case.reasons == ["abuse"] and case.source == "screening"
    assert case.risk_score == 0.6


def test_personal_data_sends_the_proposal_back_to_its_author_first(
    citizen, django_capture_on_commit_callbacks
):
    """The author is asked to remove it before publication; a second submission with the same finding goes to
    a moderator (the detector may be wrong), with the excerpts masked."""
    from proposals.services.proposal import proposal_transition

    citizen.preferred_language = "en"
    citizen.save()
    proposal = ProposalFactory(author=citizen, status="submitted", body="My IIN is 900101300126, call me.")
    with django_capture_on_commit_callbacks(execute=True):
        assert proposal_screen(proposal=proposal) == "draft"
    bounced = ModerationCase.objects.get(proposal=proposal)
    assert bounced.status == "decided" and bounced.reason_code == "personal_data"
    assert "90…26" in bounced.statement and "900101300126" not in bounced.statement
    assert any("Personal data found" in m.body for m in mail.outbox if m.to == [citizen.email])
    proposal_transition(proposal=proposal, to_status="submitted", actor=citizen)
    assert proposal_screen(proposal=proposal) == "in_moderation"
    queued = ModerationCase.objects.get(proposal=proposal, status="open")
    assert "personal_data_iin" in queued.reasons and "900101300126" not in str(queued.findings)


def test_two_moderators_claiming_the_same_case(case, moderator, second_moderator):
    moderation_case_claim(case=case, moderator=moderator)
    with pytest.raises(CaseTaken) as taken:
        moderation_case_claim(case=case, moderator=second_moderator)
    assert taken.value.holder_name == moderator.display_name


def test_the_holder_claims_again_and_a_claim_left_half_an_hour_is_taken_over(
    case, moderator, second_moderator
):
    """Opening the case again keeps it with its holder; after 30 minutes untouched a colleague may take it."""
    moderation_case_claim(case=case, moderator=moderator)
    assert moderation_case_claim(case=case, moderator=moderator).claimed_by == moderator
    ModerationCase.objects.filter(pk=case.pk).update(claimed_at=timezone.now() - timedelta(minutes=29))
    with pytest.raises(CaseTaken):
        moderation_case_claim(case=case, moderator=second_moderator)
    ModerationCase.objects.filter(pk=case.pk).update(claimed_at=timezone.now() - timedelta(minutes=31))
    assert moderation_case_claim(case=case, moderator=second_moderator).claimed_by == second_moderator


def test_claim_view_tells_who_has_the_case(client, case, moderator, second_moderator):
    moderation_case_claim(case=case, moderator=moderator)
    give_totp(second_moderator)
    client.force_login(second_moderator)
    response = client.post(f"/en/moderation/cases/{case.pk}/claim/", follow=True)
    assert "Moderator Dana is already working on this case." in response.content.decode()


def test_rejection_needs_a_reason_and_reaches_the_author_by_email_and_on_the_page(
    client, case, citizen, moderator, django_capture_on_commit_callbacks
):
    moderation_case_claim(case=case, moderator=moderator)
    with pytest.raises(Exception, match="20 characters"):
        moderation_decide(
            case=case, moderator=moderator, decision="reject", reason_code="personal_data", statement="no"
        )
    citizen.preferred_language = "en"
    citizen.save()
    with django_capture_on_commit_callbacks(execute=True):
        moderation_decide(
            case=case,
            moderator=moderator,
            decision="reject",
            reason_code="personal_data",
            statement=STATEMENT,
        )
    assert Proposal.objects.get(pk=case.proposal_id).status == "rejected"
    assert any(STATEMENT in message.body for message in mail.outbox if message.to == [citizen.email])
    client.force_login(citizen)
    page = client.get(f"/en/proposals/{case.proposal_id}/").content.decode()
    assert STATEMENT in page and "Appeal this decision" in page
    # The author reads what happened, not the moderator's button ("Отклонить", "reject!").
    assert "<strong>Rejected by moderation</strong>" in page
    russian = client.get(f"/ru/proposals/{case.proposal_id}/").content.decode()
    assert "<strong>Отклонено модерацией</strong>" in russian and "Отклонить" not in russian


def test_an_appeal_needs_grounds_of_ten_characters(case, citizen, moderator):
    moderation_case_claim(case=case, moderator=moderator)
    moderation_decide(
        case=case, moderator=moderator, decision="reject", reason_code="personal_data", statement=STATEMENT
    )
    for grounds in ("", "Not fair.", "   Not fair.   "):  # 0 and 9 characters, the spaces around not counted
        with pytest.raises(ValidationError):
            moderation_appeal(proposal=case.proposal, author=citizen, grounds=grounds)
    assert moderation_appeal(proposal=case.proposal, author=citizen, grounds="Not fair!!").is_appeal  # ten


def test_nobody_but_the_author_appeals_a_rejection(case, moderator):
    moderation_case_claim(case=case, moderator=moderator)
    moderation_decide(
        case=case, moderator=moderator, decision="reject", reason_code="personal_data", statement=STATEMENT
    )
    for stranger in (UserFactory(), moderator):  # one who joined after the author, one who joined before
        with pytest.raises(PermissionDenied, match="Only the author"):
            moderation_appeal(
                proposal=case.proposal, author=stranger, grounds="I agree with the author here."
            )
    assert Proposal.objects.get(pk=case.proposal_id).status == "rejected"
    assert not ModerationCase.objects.filter(source="appeal").exists()


def test_an_appeal_goes_to_a_different_moderator_and_is_final(case, citizen, moderator, second_moderator):
    moderation_case_claim(case=case, moderator=moderator)
    moderation_decide(
        case=case, moderator=moderator, decision="reject", reason_code="personal_data", statement=STATEMENT
    )
    appeal = moderation_appeal(
        proposal=case.proposal, author=citizen, grounds="I removed nothing but it is mine."
    )
    assert appeal.is_appeal and Proposal.objects.get(pk=case.proposal_id).status == "in_moderation"
    with pytest.raises(PermissionDenied, match="another moderator"):
        moderation_case_claim(case=appeal, moderator=moderator)
    moderation_case_claim(case=appeal, moderator=second_moderator)
    moderation_decide(
        case=appeal,
        moderator=second_moderator,
        decision="reject",
        reason_code="personal_data",
        statement=STATEMENT,
    )
    with pytest.raises(Exception, match="final"):
        moderation_appeal(proposal=case.proposal, author=citizen, grounds="Once more, please reconsider.")


def test_request_changes_sends_the_draft_back_and_approval_publishes(case, moderator):
    moderation_case_claim(case=case, moderator=moderator)
    moderation_decide(
        case=case,
        moderator=moderator,
        decision="request_changes",
        reason_code="personal_data",
        statement=STATEMENT,
    )
    assert Proposal.objects.get(pk=case.proposal_id).status == "draft"


@pytest.mark.parametrize(
    ("persona", "status"), [(None, 302), ("citizen", 403), ("commissioner", 403), ("moderator", 200)]
)
def test_queue_matrix(client, request, case, persona, status):
    if persona:
        user = request.getfixturevalue(persona)
        give_totp(user)
        client.force_login(user)
    assert client.get("/en/moderation/").status_code == status


def test_queue_filters_by_reason(client, case, moderator):
    give_totp(moderator)
    client.force_login(moderator)
    assert case.proposal.title in client.get("/en/moderation/?reason=abuse").content.decode()
    assert case.proposal.title not in client.get("/en/moderation/?reason=spam").content.decode()
    bad = client.get("/en/moderation/?reason=%3Cscript%3E&min_risk=lots")
    assert bad.status_code == 400 and "<script>" not in bad.content.decode()


def test_deciding_without_a_claim_is_refused(client, case, moderator):
    give_totp(moderator)
    client.force_login(moderator)
    response = client.post(f"/en/moderation/cases/{case.pk}/decide/", {"decision": "approve"})
    assert response.status_code == 400
    assert Proposal.objects.get(pk=case.proposal_id).status == "in_moderation"


def test_only_the_author_can_appeal(client, case, other_citizen):
    client.force_login(other_citizen)
    assert client.post(f"/en/proposals/{case.proposal_id}/appeal/", {"grounds": "x" * 20}).status_code == 404


def test_a_duplicate_is_merged_only_into_another_published_proposal(published, moderator):
    """No target, the proposal itself, one not public or of another consultation: refused beside the target field. The original,
    published before the duplicate, is the usual target."""
    duplicate = ProposalFactory(consultation=published.consultation, status="in_moderation")
    case = moderation_case_open(proposal=duplicate)
    moderation_case_claim(case=case, moderator=moderator)
    not_public = ProposalFactory(consultation=published.consultation, status="rejected")
    # A number mistyped by a digit can name a published proposal of another consultation.
    elsewhere = ProposalFactory(status="published")
    for target in (None, duplicate, not_public, elsewhere):
        with translation.override("ru"), pytest.raises(ValidationError) as refused:
            moderation_decide(
                case=case,
                moderator=moderator,
                decision="merge",
                reason_code="duplicate",
                statement=STATEMENT,
                merge_into=target,
            )
        assert "merge_into" in refused.value.message_dict
    assert refused.value.message_dict["merge_into"] == [
        f"Предложение {elsewhere.pk} относится к другой консультации: предложение объединяется только с "
        "предложением своей консультации."
    ]
    assert published.pk < duplicate.pk
    moderation_decide(
        case=case,
        moderator=moderator,
        decision="merge",
        reason_code="duplicate",
        statement=STATEMENT,
        merge_into=published,
    )
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into_id) == ("merged", published.pk)


def _case_in(consultation, *article_numbers):
    document = DocumentFactory(consultation=consultation)
    proposal = ProposalFactory(consultation=consultation, status="in_moderation")
    proposal.articles.set(
        [ArticleIdentityFactory(document=document, number=number) for number in article_numbers]
    )
    return moderation_case_open(proposal=proposal)


def test_queue_and_case_name_the_consultation_and_articles_without_a_query_per_row(client, moderator):
    tax = ConsultationFactory(title_kk="Салық кодексі", title_ru="Налоговый кодекс")
    case = _case_in(tax, "12", "14")
    give_totp(moderator)
    client.force_login(moderator)
    twelve = case.proposal.articles.get(number="12")
    queue = client.get("/ru/moderation/").content.decode()
    # Articles say what they are and lead to their page, not bare numbers.
    assert "Налоговый кодекс" in queue and ">Статья 12</a>, <a " in queue and ">Статья 14</a>" in queue
    assert f'href="/ru/{twelve.get_absolute_url()[4:]}" class="nowrap"' in queue
    page = client.get(f"/kk/moderation/cases/{case.pk}/").content.decode()
    assert "Салық кодексі" in page and ">12-бап</a>, <a " in page and ">14-бап</a>" in page

    with CaptureQueriesContext(connection) as few:
        client.get("/ru/moderation/")
    for number in range(4):
        _case_in(ConsultationFactory(title_ru=f"Консультация {number}"), str(number))
    with CaptureQueriesContext(connection) as many:
        queue = client.get("/ru/moderation/").content.decode()
    assert "Консультация 3" in queue
    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.parametrize(
    "padded",
    [
        "x" + "\u200b" * 19,  # one letter and zero-width spaces
        "ok" + "\u2060" * 30,  # word joiners
        "." + "\u3164" * 25,  # Hangul fillers, letters that draw nothing
        "no " + "\u200d " * 20,  # zero-width joiners between spaces
    ],
)
def test_a_statement_padded_with_invisible_characters_is_no_statement_of_reasons(case, moderator, padded):
    moderation_case_claim(case=case, moderator=moderator)
    with pytest.raises(ValidationError) as refusal:
        moderation_decide(
            case=case, moderator=moderator, decision="reject", reason_code="abuse", statement=padded
        )
    assert "statement" in refusal.value.message_dict
    assert Proposal.objects.get(pk=case.proposal_id).status == "in_moderation"


def test_the_decision_form_refuses_a_statement_that_shows_one_letter(client, case, moderator):
    give_totp(moderator)
    client.force_login(moderator)
    moderation_case_claim(case=case, moderator=moderator)
    response = client.post(
        f"/en/moderation/cases/{case.pk}/decide/",
        {"decision": "reject", "reason_code": "abuse", "statement": "x" + "\u200b" * 40},
    )
    assert response.status_code == 400
    assert "at least 20 characters" in response.content.decode()
    assert Proposal.objects.get(pk=case.proposal_id).status == "in_moderation"


def test_appeal_grounds_padded_with_invisible_characters_are_refused(case, citizen, moderator):
    moderation_case_claim(case=case, moderator=moderator)
    moderation_decide(
        case=case, moderator=moderator, decision="reject", reason_code="abuse", statement=STATEMENT
    )
    with pytest.raises(ValidationError):
        moderation_appeal(proposal=case.proposal, author=citizen, grounds="no" + "\u200b" * 20)
    assert Proposal.objects.get(pk=case.proposal_id).status == "rejected"


def test_a_moderator_cannot_hide_a_comment_under_their_own_proposal(client, moderator, second_moderator):
    """Hiding criticism of one's own proposal is deciding in one's own cause: a colleague decides."""
    proposal = ProposalFactory(author=moderator, status="published")
    critic = UserFactory()
    comment = CommentFactory(proposal=proposal, author=critic, body="This proposal ignores article 5.")
    with pytest.raises(PermissionDenied):
        hide_comment(moderator=moderator, proposal=proposal, comment=comment)
    comment.refresh_from_db()
    assert comment.hidden_at is None
    give_totp(moderator)
    client.force_login(moderator)
    client.post(
        f"/en/moderation/proposals/{proposal.pk}/act/",
        {"decision": "hide", "comment": comment.pk, "reason_code": "abuse", "statement": STATEMENT},
    )
    comment.refresh_from_db()
    assert comment.hidden_at is None
    case = ModerationCase.objects.create(proposal=proposal, comment=comment, source="report", priority=20)
    with pytest.raises(PermissionDenied):
        moderation_case_claim(case=case, moderator=moderator)
    moderation_case_claim(case=case, moderator=second_moderator)
    moderation_decide(
        case=case, moderator=second_moderator, decision="hide", reason_code="abuse", statement=STATEMENT
    )
    comment.refresh_from_db()
    assert comment.hidden_at is not None


def test_case_page_says_what_screening_found_in_the_moderators_language(client, moderator, citizen):
    proposal = ProposalFactory(author=citizen, status="in_moderation", title="Links")
    case = ModerationCase.objects.create(
        proposal=proposal,
        source="screening",
        priority=0,
        reasons=["burst_account", "near_duplicate", "spam_links"],
        findings=[
            {"reason": "spam_links", "excerpt": "6 links"},
            {"reason": "burst_account", "excerpt": "4 in 10 min"},
            {"reason": "near_duplicate", "excerpt": "#49 (71%)"},
            {"reason": "personal_data_iin", "excerpt": "90••••••••15"},
        ],
    )
    give_totp(moderator)
    client.force_login(moderator)
    russian = client.get(f"/ru/moderation/cases/{case.pk}/").content.decode()
    assert "Спам: много ссылок: <code>6 ссылок</code>" in russian
    assert "4 за 10 мин." in russian and "предложение № 49, сходство 71%" in russian
    assert 'href="/ru/proposals/49/"' in russian and "<code>90••••••••15</code>" in russian
    kazakh = client.get(f"/kk/moderation/cases/{case.pk}/").content.decode()
    for code in ("spam_links", "burst_account", "near_duplicate", "personal_data_iin", "6 links", "10 min"):
        assert code not in kazakh.split("<main", 1)[1]


def test_case_page_of_a_resubmission_shows_what_was_asked_before(client, case, citizen, moderator):
    citizen.preferred_language = "ru"
    citizen.save()
    moderation_case_claim(case=case, moderator=moderator)
    moderation_decide(
        case=case, moderator=moderator, decision="request_changes", reason_code="abuse", statement=STATEMENT
    )
    proposal = proposal_submit(proposal=Proposal.objects.get(pk=case.proposal_id), author=citizen)
    proposal_screen(proposal=proposal)
    again = ModerationCase.objects.get(proposal=proposal, status="open")
    give_totp(moderator)
    client.force_login(moderator)
    moderation_case_claim(case=again, moderator=moderator)
    page = client.get(f"/en/moderation/cases/{again.pk}/").content.decode()
    assert "Earlier decisions on this content" in page and STATEMENT in page
    assert "Request changes" in page and moderator.display_name in page
    assert "The author reads the portal in Russian" in page


def test_author_sees_what_to_change_when_editing_a_draft_sent_back(client, case, citizen, moderator):
    moderation_case_claim(case=case, moderator=moderator)
    moderation_decide(
        case=case, moderator=moderator, decision="request_changes", reason_code="abuse", statement=STATEMENT
    )
    client.force_login(citizen)
    edit = client.get(f"/en/proposals/{case.proposal_id}/edit/").content.decode()
    assert "Sent back to you for changes:" in edit and STATEMENT in edit
    mine = client.get("/en/me/").content.decode()
    assert "Sent back to you for changes:" in mine and STATEMENT in mine


def test_a_resubmitted_proposal_no_longer_shows_the_changes_asked_before(client, case, citizen, moderator):
    moderation_case_claim(case=case, moderator=moderator)
    moderation_decide(
        case=case, moderator=moderator, decision="request_changes", reason_code="abuse", statement=STATEMENT
    )
    proposal_submit(proposal=Proposal.objects.get(pk=case.proposal_id), author=citizen)
    client.force_login(citizen)
    page = client.get(f"/en/proposals/{case.proposal_id}/").content.decode()
    assert f"<p>{STATEMENT}</p>" not in page  # the notice; the history below keeps the step
    assert '<div class="message message-warning" role="status">' not in page


# The word for a reader's report in each language: an appeal must not read as one more report.
REPORT_WORDS = {"kk": "шағым", "ru": "жалоб"}
APPEAL_TEXTS = [
    "Appeal",
    "appeal",
    "Appeals",
    "Appeal this decision",
    "Send the appeal",
    "Grounds of the appeal",
    "An appeal must be decided by another moderator.",
    "Your appeal is sent. Another moderator will review the decision.",
    "Another moderator reviews the appeal; that decision is final.",
    "This decision was already reviewed on appeal; it is final.",
]


@pytest.mark.parametrize("language", sorted(REPORT_WORDS))
def test_an_appeal_is_not_called_a_report(language):
    with translation.override(language):
        assert REPORT_WORDS[language] in gettext("Readers' reports").lower()
        for text in APPEAL_TEXTS:
            assert REPORT_WORDS[language] not in gettext(text).lower(), text


def test_a_case_page_title_names_the_case_and_what_it_is_about(client, moderator):
    """Open cases in several tabs or a history list are told apart by their titles."""
    proposal_case = _case_in(ConsultationFactory())
    comment = CommentFactory(proposal=ProposalFactory(status="published"), author=UserFactory())
    comment_case = ModerationCase.objects.create(
        proposal=comment.proposal, comment=comment, source="report", priority=20
    )
    give_totp(moderator)
    client.force_login(moderator)
    titles = {
        (language, case.pk): re.search(
            r"<title>(.*?) · ", client.get(f"/{language}/moderation/cases/{case.pk}/").content.decode()
        ).group(1)
        for language in ("en", "ru", "kk")
        for case in (proposal_case, comment_case)
    }
    assert titles == {
        ("en", proposal_case.pk): f"Moderation case {proposal_case.pk}: proposal",
        ("en", comment_case.pk): f"Moderation case {comment_case.pk}: comment",
        ("ru", proposal_case.pk): f"Дело модерации № {proposal_case.pk}: предложение",
        ("ru", comment_case.pk): f"Дело модерации № {comment_case.pk}: комментарий",
        ("kk", proposal_case.pk): f"Модерация ісі № {proposal_case.pk}: ұсыныс",
        ("kk", comment_case.pk): f"Модерация ісі № {comment_case.pk}: пікір",
    }
