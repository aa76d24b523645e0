"""Staff pages of hearings (schedule, agenda, status, minutes, registrations) and speaker requests: who may
use them, and what the agenda and the schedule forms write."""

from dataclasses import fields
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from portal.accounts.models import OrganisationMembership
from portal.notifications.models import Notification
from proposals.forms_staff import HearingCreateForm, HearingForm
from proposals.models import AgendaItem, Hearing, SpeakerRequest
from proposals.services import hearing as services
from proposals.services import hearing_agenda as agenda
from proposals.services import hearing_registration
from proposals.services.document import document_version_import
from proposals.services.hearing import HearingInput
from proposals.services.hearing_agenda import AgendaItemInput
from tests.conftest import sign_in_staff
from tests.factories import OrganisationFactory
from tests.proposals.factories import date_parts, date_parts_shown

from .conftest import SMALL_DRAFT
from .factories import AgendaItemFactory, ConsultationFactory, ProposalFactory, close_intake, held

pytestmark = pytest.mark.django_db


# --- speakers --------------------------------------------------------------------------------------------


def test_author_asks_to_speak_and_an_accepted_speaker_joins_the_agenda(
    client, hearing, published, other_citizen, commissioner
):
    # `published` is other_citizen's proposal.
    client.force_login(other_citizen)
    client.post(f"/en/hearings/{hearing.pk}/speak/", {"proposal": published.pk, "message": "Five minutes"})
    speaker_request = SpeakerRequest.objects.get()
    assert speaker_request.status == "pending"
    sign_in_staff(client, commissioner)
    response = client.post(
        f"/en/staff/speaker-requests/{speaker_request.pk}/decide/", {"decision": "accept", "note": "10:30"}
    )
    assert response.status_code == 302
    speaker_request.refresh_from_db()
    assert speaker_request.status == "accepted"
    item = AgendaItem.objects.get(hearing=hearing)
    assert list(item.proposals.all()) == [published]
    page = client.get(f"/en/hearings/{hearing.pk}/").content.decode()
    assert other_citizen.display_name in page.split('id="agenda-heading"', 1)[1]
    assert Notification.objects.filter(recipient=other_citizen, kind="hearing.speaker_accepted").exists()


def test_nobody_asks_to_present_someone_elses_proposal(client, hearing, published, citizen):
    with pytest.raises(PermissionDenied, match="only your own proposal"):
        agenda.speaker_request_create(user=citizen, hearing=hearing, proposal=published)
    client.force_login(citizen)
    client.post(f"/en/hearings/{hearing.pk}/speak/", {"proposal": published.pk})
    assert client.post(f"/en/hearings/{hearing.pk}/speak/", {"proposal": published.pk}).status_code == 302
    assert not SpeakerRequest.objects.exists()
    client.logout()
    assert client.post(f"/en/hearings/{hearing.pk}/speak/", {"proposal": published.pk}).status_code == 302
    assert not SpeakerRequest.objects.exists()


@pytest.mark.parametrize("persona", [None, "citizen", "other_citizen", "moderator"])
def test_only_commission_decides_speaker_requests(client, request, hearing, published, persona):
    speaker_request = agenda.speaker_request_create(
        user=published.author, hearing=hearing, proposal=published
    )
    if persona:
        sign_in_staff(client, request.getfixturevalue(persona))
    response = client.post(f"/en/staff/speaker-requests/{speaker_request.pk}/decide/", {"decision": "accept"})
    assert response.status_code in (302, 403)
    if persona:
        assert response.status_code == 403
    speaker_request.refresh_from_db()
    assert speaker_request.status == "pending"


def test_a_member_does_not_decide_the_speaker_request_on_their_own_proposal(
    client, hearing, consultation, commissioner, citizen
):
    """A member who wrote the proposal, or belongs to the organisation it was submitted for, would give
    themselves (or their organisation) the floor at a public hearing: another member decides."""
    own = ProposalFactory(consultation=consultation, author=commissioner)
    speaker_request = agenda.speaker_request_create(user=commissioner, hearing=hearing, proposal=own)
    sign_in_staff(client, commissioner)
    response = client.post(f"/en/staff/speaker-requests/{speaker_request.pk}/decide/", {"decision": "accept"})
    assert response.status_code == 403
    speaker_request.refresh_from_db()
    assert speaker_request.status == "pending"
    assert not AgendaItem.objects.filter(hearing=hearing).exists()

    organisation = OrganisationFactory()
    OrganisationMembership.objects.create(organisation=organisation, user=commissioner)
    theirs = ProposalFactory(
        consultation=consultation, author=citizen, organisation=organisation, submitter_type="organisation"
    )
    request_of_citizen = agenda.speaker_request_create(user=citizen, hearing=hearing, proposal=theirs)
    with pytest.raises(PermissionDenied):
        agenda.speaker_request_decide(speaker_request=request_of_citizen, actor=commissioner, accept=True)
    request_of_citizen.refresh_from_db()
    assert request_of_citizen.status == "pending"


def test_a_member_does_not_put_their_own_proposal_on_the_agenda(
    hearing, consultation, commissioner, admin_user
):
    own = ProposalFactory(consultation=consultation, author=commissioner)
    with pytest.raises(ValidationError) as refused:
        agenda.agenda_item_save(
            actor=commissioner, hearing=hearing, data=AgendaItemInput(title_en="Mine", proposal_ids=(own.pk,))
        )
    assert "proposals" in refused.value.message_dict
    assert not AgendaItem.objects.exists()
    item = agenda.agenda_item_save(
        actor=admin_user, hearing=hearing, data=AgendaItemInput(title_en="Theirs", proposal_ids=(own.pk,))
    )
    # Put there by a colleague, it stays when the member edits the item's time or title.
    agenda.agenda_item_save(
        actor=commissioner,
        hearing=hearing,
        item=item,
        data=AgendaItemInput(title_en="Renamed", proposal_ids=(own.pk,)),
    )
    assert list(item.proposals.all()) == [own]


# --- staff pages -----------------------------------------------------------------------------------------


def _staff_requests(hearing, item, speaker_request):
    return [
        ("get", "/en/staff/hearings/", {}),
        ("get", "/en/staff/hearings/new/", {}),
        ("get", f"/en/staff/hearings/{hearing.pk}/", {}),
        ("get", f"/en/staff/hearings/{hearing.pk}/registrations/", {}),
        # The record first: a postponed hearing keeps none.
        ("post", f"/en/staff/hearings/{hearing.pk}/outcome/", {"minutes_en": "Done"}),
        ("post", f"/en/staff/hearings/{hearing.pk}/status/", {"to_status": "postponed"}),
        ("post", f"/en/staff/hearings/{hearing.pk}/agenda/", {"agenda-title_en": "Opening"}),
        ("post", f"/en/staff/agenda-items/{item.pk}/delete/", {}),
        ("post", f"/en/staff/speaker-requests/{speaker_request.pk}/decide/", {"decision": "decline"}),
    ]


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [(None, False), ("citizen", False), ("moderator", False), ("commissioner", True), ("admin_user", True)],
)
def test_staff_hearing_pages_matrix(client, request, hearing, published, persona, allowed):
    item = AgendaItemFactory(hearing=hearing, proposals=[published])
    speaker_request = agenda.speaker_request_create(
        user=published.author, hearing=hearing, proposal=published
    )
    held(hearing)  # so that its record may be published
    if persona:
        sign_in_staff(client, request.getfixturevalue(persona))
    for method, path, data in _staff_requests(hearing, item, speaker_request):
        response = getattr(client, method)(path, data)
        if allowed:
            assert response.status_code in (200, 302), path
        elif persona is None:
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], path
        else:
            assert response.status_code == 403, path
    hearing.refresh_from_db()
    assert (hearing.status == "postponed") is allowed
    assert AgendaItem.objects.filter(pk=item.pk).exists() is not allowed
    assert (hearing.minutes_en == "Done") is allowed


def test_staff_add_an_agenda_item_after_the_last_with_its_proposals(client, hearing, published, commissioner):
    AgendaItemFactory(hearing=hearing, position=7)
    sign_in_staff(client, commissioner)
    response = client.post(
        f"/en/staff/hearings/{hearing.pk}/agenda/",
        {
            "agenda-title_en": "Local budgets",
            "agenda-speakers_en": "A. Author",
            "agenda-proposals": [published.pk],
        },
    )
    assert response.status_code == 302
    item = hearing.agenda_items.get(title_en="Local budgets")
    assert (item.position, item.speakers_en) == (8, "A. Author")
    assert list(item.proposals.all()) == [published]


def test_an_agenda_item_edit_keeps_its_place_unless_given_one(hearing, published, commissioner):
    item = agenda.agenda_item_save(
        actor=commissioner, hearing=hearing, data=AgendaItemInput(title_en="Opening", position=4)
    )
    item = agenda.agenda_item_save(
        actor=commissioner,
        hearing=hearing,
        item=item,
        data=AgendaItemInput(title_en="Opening words", proposal_ids=(published.pk,)),
    )
    item.refresh_from_db()
    assert (item.position, item.title_en) == (4, "Opening words")
    assert list(item.proposals.all()) == [published]
    with pytest.raises(ValidationError) as refused:
        agenda.agenda_item_save(actor=commissioner, hearing=hearing, item=item, data=AgendaItemInput())
    assert "title_kk" in refused.value.message_dict


def test_an_agenda_links_only_articles_the_public_can_read(client, hearing, draft_article, commissioner):
    """An article that only an unpublished draft has would be a dead link on the public agenda: the staff form
    does not offer it and the service refuses it."""
    draft = document_version_import(
        document=draft_article.document,
        labels={"en": "Next draft"},
        sources={
            "en": (
                "next.md",
                SMALL_DRAFT + "## 3. Local elections {#local-elections}\n1. Councils are elected.\n",
            )
        },
        imported_by=None,
    )
    unpublished = draft.articles.get(number="3").identity
    sign_in_staff(client, commissioner)
    offered = dict(
        client.get(f"/en/staff/hearings/{hearing.pk}/").context["agenda_form"].fields["articles"].choices
    )
    assert draft_article.pk in offered and unpublished.pk not in offered
    with pytest.raises(ValidationError) as refused:
        agenda.agenda_item_save(
            actor=commissioner,
            hearing=hearing,
            data=AgendaItemInput(title_en="Elections", article_ids=(unpublished.pk,)),
        )
    assert "articles" in refused.value.message_dict
    item = agenda.agenda_item_save(
        actor=commissioner,
        hearing=hearing,
        data=AgendaItemInput(title_en="Budgets", article_ids=(draft_article.pk,)),
    )
    assert list(item.articles.all()) == [draft_article]


def test_the_staff_hearing_form_edits_exactly_the_fields_of_the_service_input():
    assert tuple(HearingForm.base_fields) == tuple(field.name for field in fields(HearingInput))
    # A new hearing's form only adds, first, the consultation the service takes beside the input; last comes
    # the hidden mark of what an edit was loaded from.
    assert tuple(HearingCreateForm().fields) == ("consultation", *HearingForm.base_fields, "seen")


def test_staff_get_actions_are_refused(client, hearing, commissioner):
    sign_in_staff(client, commissioner)
    assert client.get(f"/en/staff/hearings/{hearing.pk}/status/").status_code == 405


def test_staff_creates_a_hearing_in_almaty_time(client, consultation, commissioner):
    sign_in_staff(client, commissioner)
    response = client.post(
        "/en/staff/hearings/new/",
        {
            "consultation": consultation.slug,
            "title_en": "Budgets",
            "starts_at": "2030-03-15T10:00",
            "ends_at": "2030-03-15T12:00",
            "format": "hybrid",
            "capacity": "30",
            "stream_url": "https://player.vimeo.com/video/1",
        },
    )
    assert response.status_code == 302
    hearing = Hearing.objects.get()
    assert hearing.starts_at == datetime(2030, 3, 15, 5, 0, tzinfo=UTC)


def test_registrations_list_shows_names_and_public_pages_never_emails(client, hearing, citizen, commissioner):
    hearing_registration.hearing_register(user=citizen, hearing=hearing)
    for path in (
        f"/en/hearings/{hearing.pk}/",
        "/en/hearings/",
        f"/en/hearings/{hearing.pk}.ics",
        "/hearings.ics",
    ):
        content = client.get(path).content.decode()
        assert citizen.email not in content and citizen.display_name not in content, path
    sign_in_staff(client, commissioner)
    content = client.get(f"/en/staff/hearings/{hearing.pk}/registrations/").content.decode()
    assert citizen.display_name in content
    assert citizen.email not in content


def test_an_agenda_item_must_end_after_it_starts(hearing, commissioner):
    nine, ten = hearing.starts_at, hearing.starts_at + timedelta(hours=1)
    item = agenda.agenda_item_save(
        actor=commissioner,
        hearing=hearing,
        data=AgendaItemInput(title_en="Opening", starts_at=nine, ends_at=ten),
    )
    assert (item.starts_at, item.ends_at) == (nine, ten)
    for ends_at in (nine, nine - timedelta(hours=1)):
        with pytest.raises(ValidationError) as refused:
            agenda.agenda_item_save(
                actor=commissioner,
                hearing=hearing,
                data=AgendaItemInput(title_en="Backwards", starts_at=nine, ends_at=ends_at),
            )
        assert "ends_at" in refused.value.message_dict


def test_the_requester_is_told_the_decision_with_its_note_or_a_dash(hearing, published, commissioner):
    decisions = ((False, ""), (True, " From 10:30 "))
    for accept, note in decisions:
        speaker_request = agenda.speaker_request_create(
            user=published.author, hearing=hearing, proposal=published
        )
        agenda.speaker_request_decide(
            speaker_request=speaker_request, actor=commissioner, accept=accept, note=note
        )
        SpeakerRequest.objects.filter(pk=speaker_request.pk).delete()  # the author may ask again
    told = dict(
        Notification.objects.filter(
            recipient=published.author, kind__startswith="hearing.speaker_"
        ).values_list("kind", "params__note")
    )
    assert told == {"hearing.speaker_accepted": "From 10:30", "hearing.speaker_declined": "—"}


# --- the consultation of a new hearing -------------------------------------------------------------------

NEW_HEARING = {
    "title_en": "Hearing on the closed intake",
    "starts_at": "2030-03-15T10:00",
    "ends_at": "2030-03-15T12:00",
    "format": "in_person",
    "capacity": "30",
}


def test_staff_schedule_a_hearing_in_a_consultation_whose_intake_is_closed_and_put_its_proposals_on_it(
    client, consultation, commissioner, other_citizen
):
    closed = ConsultationFactory(title_en="Closed intake")
    proposal = ProposalFactory(consultation=closed, author=other_citizen)
    close_intake(closed)
    sign_in_staff(client, commissioner)
    response = client.post("/en/staff/hearings/new/", {**NEW_HEARING, "consultation": closed.slug})
    assert response.status_code == 302
    hearing = Hearing.objects.get()
    assert hearing.consultation == closed
    response = client.post(
        f"/en/staff/hearings/{hearing.pk}/agenda/",
        {"agenda-title_en": "The closed intake's proposal", "agenda-proposals": [proposal.pk]},
    )
    assert response.status_code == 302
    assert list(hearing.agenda_items.get().proposals.all()) == [proposal]


def test_the_new_hearing_form_offers_the_consultations_that_take_hearings_and_starts_with_the_current(
    client, consultation, commissioner
):
    closed = ConsultationFactory(title_en="Closed intake")
    close_intake(closed)
    archived = ConsultationFactory(title_en="Archived", status="archived")
    draft = ConsultationFactory(title_en="Draft", status="draft")
    sign_in_staff(client, commissioner)
    field = client.get("/en/staff/hearings/new/").context["form"]["consultation"]
    offered = {value for value, _label in field.field.choices if value}
    assert {str(value) for value in offered} == {consultation.slug, closed.slug}
    assert archived.slug not in offered and draft.slug not in offered
    assert field.value() == consultation.slug
    named = client.get(f"/en/staff/hearings/new/?consultation={closed.slug}").context["form"]
    assert named["consultation"].value() == closed.slug
    # A consultation that takes no hearing is not preselected by its address either.
    unnamed = client.get(f"/en/staff/hearings/new/?consultation={archived.slug}").context["form"]
    assert unnamed["consultation"].value() == consultation.slug


def test_no_hearing_is_scheduled_in_an_archived_or_draft_consultation(client, commissioner):
    sign_in_staff(client, commissioner)
    for status in ("archived", "draft"):
        gone = ConsultationFactory(status=status)
        data = HearingInput(
            title_en="Late",
            starts_at=datetime(2030, 3, 15, 5, tzinfo=UTC),
            ends_at=datetime(2030, 3, 15, 7, tzinfo=UTC),
        )
        with pytest.raises(ValidationError) as refused:
            services.hearing_save(actor=commissioner, consultation=gone, data=data)
        assert list(refused.value.message_dict) == ["consultation"]
        response = client.post("/en/staff/hearings/new/", {**NEW_HEARING, "consultation": gone.slug})
        assert response.status_code == 200
        assert "consultation" in response.context["form"].errors
        assert "Hearing on the closed intake" in response.content.decode()
    assert not Hearing.objects.exists()


def test_the_staff_page_of_a_consultation_lists_its_hearings_and_schedules_one_in_it(
    client, consultation, hearing, admin_user
):
    other = ConsultationFactory(title_en="Another")
    sign_in_staff(client, admin_user)
    page = client.get(f"/en/staff/consultations/{other.pk}/").content.decode()
    link = f"/en/staff/hearings/new/?consultation={other.slug}"
    assert f'href="{link}"' in page
    assert f"/en/staff/hearings/{hearing.pk}/" not in page
    assert client.get(link).context["form"]["consultation"].value() == other.slug
    page = client.get(f"/en/staff/consultations/{consultation.pk}/").content.decode()
    assert f'href="/en/staff/hearings/{hearing.pk}/"' in page
    archived = ConsultationFactory(status="archived")
    page = client.get(f"/en/staff/consultations/{archived.pk}/").content.decode()
    assert "/en/staff/hearings/new/" not in page


# --- forms of a hearing's page shown again with what was typed ------------------------------------------


def test_minutes_with_a_bad_documents_line_come_back_with_what_was_typed(client, hearing, commissioner):
    held(hearing)
    sign_in_staff(client, commissioner)
    response = client.post(
        f"/ru/staff/hearings/{hearing.pk}/outcome/",
        {"minutes_ru": "Итоги слушаний: три выступления.", "documents": "Протокол без ссылки"},
    )
    assert response.status_code == 400
    form = response.context["outcome_form"]
    assert list(form.errors) == ["documents"]
    page = response.content.decode()
    assert "Итоги слушаний: три выступления." in page and "Протокол без ссылки" in page
    assert "В каждой строке нужны название, «|» и ссылка http(s): Протокол без ссылки" in page
    hearing.refresh_from_db()
    assert hearing.minutes_ru == ""


def test_an_agenda_item_ending_before_it_starts_comes_back_with_what_was_typed(client, hearing, commissioner):
    sign_in_staff(client, commissioner)
    response = client.post(
        f"/ru/staff/hearings/{hearing.pk}/agenda/",
        {
            "agenda-title_ru": "Местные бюджеты",
            **date_parts("agenda-starts_at", "2030-03-15T11:00"),
            **date_parts("agenda-ends_at", "2030-03-15T10:00"),
        },
    )
    assert response.status_code == 400
    assert list(response.context["agenda_form"].errors) == ["ends_at"]
    page = response.content.decode()
    assert "Пункт должен заканчиваться после начала." in page
    assert 'value="Местные бюджеты"' in page and date_parts_shown(
        page, "agenda-starts_at", "2030-03-15T11:00"
    )
    assert '<details class="card" open>' in page
    # The hearing's own form is left as the hearing stands.
    assert response.context["form"].instance.pk == hearing.pk and not response.context["form"].is_bound
    assert not AgendaItem.objects.exists()


def test_an_impossible_status_change_keeps_its_reason(client, hearing, commissioner):
    sign_in_staff(client, commissioner)
    response = client.post(
        f"/en/staff/hearings/{hearing.pk}/status/", {"to_status": "scheduled", "reason": "Room moved"}
    )
    assert response.status_code == 400
    assert response.context["transition_form"].errors["to_status"] == [
        "This change of status is not possible."
    ]
    assert 'value="Room moved"' in response.content.decode()
    hearing.refresh_from_db()
    assert hearing.status == "scheduled"


def test_a_hearing_ending_before_it_starts_is_refused_beside_its_end_in_plain_words(
    client, hearing, commissioner
):
    sign_in_staff(client, commissioner)
    data = {
        "title_ru": "Местные бюджеты",
        **date_parts("starts_at", "2030-03-15T11:00"),
        **date_parts("ends_at", "2030-03-15T10:00"),
        "format": "in_person",
        "capacity": "30",
    }
    response = client.post(f"/ru/staff/hearings/{hearing.pk}/", data)
    assert response.status_code == 200
    assert response.context["form"].errors == {"ends_at": ["Слушания должны заканчиваться после начала."]}
    page = response.content.decode()
    # The database constraint's name is no message for the secretariat.
    assert "hearing_ends_after_start" not in page
    assert 'value="Местные бюджеты"' in page and date_parts_shown(page, "ends_at", "2030-03-15T10:00")
    hearing.refresh_from_db()
    assert hearing.title_ru == ""
    response = client.post("/ru/staff/hearings/new/", {**data, "consultation": hearing.consultation.slug})
    assert response.context["form"].errors == {"ends_at": ["Слушания должны заканчиваться после начала."]}
    assert Hearing.objects.count() == 1


def test_the_registrations_list_names_people_and_the_new_hearing_form_asks_to_choose(
    client, hearing, citizen, commissioner
):
    hearing_registration.hearing_register(user=citizen, hearing=hearing)
    sign_in_staff(client, commissioner)
    listing = client.get(f"/kk/staff/hearings/{hearing.pk}/registrations/").content.decode()
    # «Аты», a person's name, not «Атауы», the name of a thing.
    assert '<th scope="col">Аты</th>' in listing and citizen.display_name in listing
    new = client.get("/ru/staff/hearings/new/").content.decode()
    assert "— выберите —" in new and "---------" not in new


def test_an_agenda_item_on_another_day_than_the_hearing_comes_back_with_what_was_typed(
    client, hearing, commissioner
):
    """The public agenda gives an item's time of day only: a slot on the next day read as a wrong hour of the
    hearing's day, and its speakers were told that hour."""
    sign_in_staff(client, commissioner)
    next_day = timezone.localtime(hearing.starts_at + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"/ru/staff/hearings/{hearing.pk}/agenda/",
        {"agenda-title_ru": "Местные бюджеты", **date_parts("agenda-starts_at", next_day)},
    )
    assert response.status_code == 400
    assert response.context["agenda_form"].errors == {
        "starts_at": ["Пункт повестки проходит во время слушаний: между их началом и окончанием."]
    }
    page = response.content.decode()
    assert 'value="Местные бюджеты"' in page and date_parts_shown(page, "agenda-starts_at", next_day)
    assert not AgendaItem.objects.exists()
    with pytest.raises(ValidationError) as refused:
        agenda.agenda_item_save(
            actor=commissioner,
            hearing=hearing,
            data=AgendaItemInput(title_en="Late", ends_at=hearing.ends_at + timedelta(minutes=30)),
        )
    assert "ends_at" in refused.value.message_dict


def test_a_hearing_not_yet_held_cannot_be_marked_finished_and_keeps_its_page(client, hearing, commissioner):
    """Finished is final and minutes wait for the start: marked finished a fortnight early, a hearing was
    shown as held, and the secretariat could neither undo it nor publish its minutes."""
    sign_in_staff(client, commissioner)
    page = client.get(f"/ru/staff/hearings/{hearing.pk}/")
    assert [value for value, _label in page.context["transition_form"].fields["to_status"].choices] == [
        "",
        "postponed",
        "cancelled",
    ]
    response = client.post(
        f"/ru/staff/hearings/{hearing.pk}/status/", {"to_status": "finished", "reason": "Зал свободен"}
    )
    assert response.status_code == 400
    hearing.refresh_from_db()
    assert hearing.status == "scheduled"
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        services.hearing_transition(hearing=hearing, to_status="finished", actor=None)
    assert refused.value.message_dict == {
        "to_status": [
            "The hearing has not started yet: it is marked finished once it has taken place. "
            "If it was held at another time, correct its start and end first."
        ]
    }
    held(hearing)
    page = client.get(f"/ru/staff/hearings/{hearing.pk}/")
    assert "finished" in dict(page.context["transition_form"].fields["to_status"].choices)
    client.post(f"/ru/staff/hearings/{hearing.pk}/status/", {"to_status": "finished"})
    hearing.refresh_from_db()
    assert hearing.status == "finished"


@pytest.mark.parametrize(
    ("language", "written"),
    [("en", "7 Dec 2026, 10:00"), ("ru", "07.12.2026, 10:00"), ("kk", "07.12.2026, 10:00")],
)
def test_the_registrations_table_dates_read_the_same_way_in_every_country(
    client, hearing, citizen, commissioner, language, written
):
    """The English table said "07/12/2026", 12 July to a reader used to US dates."""
    registration = hearing_registration.hearing_register(user=citizen, hearing=hearing)
    registration.created_at = datetime(2026, 12, 7, 5, 0, tzinfo=UTC)  # 10:00 in Almaty
    registration.save(update_fields=["created_at"])
    sign_in_staff(client, commissioner)
    page = client.get(f"/{language}/staff/hearings/{hearing.pk}/registrations/").content.decode()
    assert written in page and "07/12/2026" not in page


def test_a_hearing_goes_live_only_from_an_hour_before_its_start(client, hearing, commissioner):
    """Marked live a fortnight early, the hearing read "Live now" to everyone and sent them to no room."""
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        services.hearing_transition(hearing=hearing, to_status="live", actor=commissioner)
    assert "it can be marked live from an hour before its start" in refused.value.message_dict["to_status"][0]
    hearing.refresh_from_db()
    assert hearing.status == "scheduled"
    length = hearing.ends_at - hearing.starts_at
    hearing.starts_at = timezone.now() + timedelta(minutes=50)
    hearing.ends_at = hearing.starts_at + length
    hearing.save(update_fields=["starts_at", "ends_at"])
    sign_in_staff(client, commissioner)
    page = client.get(f"/ru/staff/hearings/{hearing.pk}/")
    assert "live" in dict(page.context["transition_form"].fields["to_status"].choices)
    client.post(f"/ru/staff/hearings/{hearing.pk}/status/", {"to_status": "live"})
    hearing.refresh_from_db()
    assert hearing.status == "live"
