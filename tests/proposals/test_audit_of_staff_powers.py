"""The audit log names every use of a staff power over a citizen's participation, hearings included: who,
what, when and on what."""

import pytest

from portal.core.models import AuditEntry
from proposals.models import AgendaItem, SpeakerRequest
from proposals.services import hearing_agenda as agenda
from tests.conftest import sign_in_staff

from .factories import AgendaItemFactory

pytestmark = pytest.mark.django_db


def test_a_declined_request_to_speak_and_a_deleted_agenda_item_are_in_the_audit_log(
    client, hearing, published, commissioner, admin_user
):
    speaker_request = agenda.speaker_request_create(
        user=published.author, hearing=hearing, proposal=published
    )
    sign_in_staff(client, commissioner)
    client.post(f"/en/staff/speaker-requests/{speaker_request.pk}/decide/", {"decision": "decline"})
    assert SpeakerRequest.objects.get(pk=speaker_request.pk).status == "declined"
    item = AgendaItemFactory(hearing=hearing, proposals=[published])
    client.post(f"/en/staff/agenda-items/{item.pk}/delete/")
    assert not AgendaItem.objects.filter(pk=item.pk).exists()
    declined = AuditEntry.objects.get(action="hearing.speaker_declined")
    assert (declined.actor, declined.target_type, declined.target_id) == (
        commissioner,
        "proposals.speakerrequest",
        str(speaker_request.pk),
    )
    assert declined.details == {"hearing": hearing.pk, "proposal": published.pk}
    deleted = AuditEntry.objects.get(action="hearing.agenda_item_deleted")
    assert (deleted.actor, deleted.target_id) == (commissioner, str(item.pk))
    assert deleted.details == {"hearing": hearing.pk, "proposals": [published.pk]}
    sign_in_staff(client, admin_user)
    log = client.get("/ru/staff/audit/?action=hearing.").content.decode()
    assert "Заявка на выступление на слушаниях отклонена" in log and "Пункт повестки слушаний удалён" in log
