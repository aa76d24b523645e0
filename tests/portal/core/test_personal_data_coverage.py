"""Every row that points at a person is in their data archive or erased with their account, or is the record
of an act that outlives the account (with the account anonymised): a model added without a registration fails
here, as the commitment follows once did (kept and notified after erasure, missing from the archive)."""

import io
import json
import zipfile

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from portal.accounts import privacy
from portal.accounts.models import User
from portal.core import registries
from proposals.models import CommitmentFollow, SpeakerRequest
from proposals.services.commitment import commitment_follow_set
from tests.factories import UserFactory
from tests.proposals.commitment_helpers import adopted_change, body, record
from tests.proposals.factories import ConsultationFactory, HearingFactory, ProposalFactory

# (model, field): who acted in an office or on the public record. The act stays, the account it points at is
# anonymised; the person's own data is not in it.
RECORDS_OF_ACTS = {
    ("core.AuditEntry", "actor"): "the audit log: who did what, by account number",
    ("accounts.Organisation", "verified_by"): "the administrator who verified an organisation",
    ("accounts.Organisation", "refused_by"): "the administrator who refused to verify an organisation",
    ("accounts.IdentityVerification", "verified_by"): "the staff member who checked a person's documents",
    ("accounts.AccountBlock", "blocked_by"): "the moderator who blocked an account",
    ("proposals.Commitment", "created_by"): "the member who recorded a commitment",
    ("proposals.CommitmentUpdate", "posted_by"): "the member who posted a public update",
    ("proposals.CommitmentUpdate", "approved_by"): "the second member who approved it",
    ("proposals.CommitmentTransition", "actor"): "a commitment's lifecycle log",
    ("proposals.ConsultationTransition", "actor"): "a consultation's lifecycle log",
    ("proposals.DocumentVersion", "published_by"): "the member who published a draft version",
    ("proposals.HearingTransition", "actor"): "a hearing's lifecycle log",
    ("proposals.SpeakerRequest", "decided_by"): "the secretariat's decision on a request to speak",
    ("proposals.ModerationCase", "claimed_by"): "the moderator working a case",
    ("proposals.ModerationCase", "decided_by"): "the moderator's decision, with its public statement",
    ("proposals.ProposalTransition", "actor"): "a proposal's public timeline",
    ("proposals.ProposalResponse", "drafted_by"): "the member who drafted the Commission's answer",
    ("proposals.ProposalResponse", "reviewed_by"): "the second member who approved it",
    ("proposals.ResponseTransition", "actor"): "an answer's lifecycle log",
    ("proposals.CommissionAssignment", "assignee"): "the Commission's allocation of work to a member",
    ("proposals.CommissionAssignment", "assigned_by"): "the member who allocated it",
    ("proposals.CommissionNote", "author"): "the Commission's internal working notes",
}


def _links_to_people():
    person = get_user_model()
    for model in apps.get_models():
        # A proxy (the admin's `SecondFactor`) holds no rows of its own: they are its concrete model's.
        if not model.__module__.startswith(("portal.", "proposals.")) or model._meta.proxy:
            continue
        for field in model._meta.get_fields():
            if (
                field.concrete
                and field.is_relation
                and field.related_model is person
                and not field.many_to_many
            ):
                yield model, field.name


def test_every_model_pointing_at_a_person_is_covered_by_a_part_or_is_a_record_of_an_act():
    covered = {model for part in registries.personal_data for model in part.models}
    links = list(_links_to_people())
    assert len(links) > 30, "the scan found too few links to people"
    forgotten = [
        f"{model._meta.label}.{name}"
        for model, name in links
        if model not in covered and (model._meta.label, name) not in RECORDS_OF_ACTS
    ]
    assert forgotten == [], "register a PersonalDataPart naming these models, or list them as records of acts"
    # The list names only links that exist: a record dropped from the models goes from here too.
    existing = {(model._meta.label, name) for model, name in links}
    assert set(RECORDS_OF_ACTS) <= existing


def test_the_check_fails_for_a_model_no_part_names(monkeypatch):
    """The check's own check: a part forgotten is a failure, not a silent pass."""
    parts = [part for part in registries.personal_data if CommitmentFollow not in part.models]
    monkeypatch.setattr(registries.personal_data, "_items", parts)
    with pytest.raises(AssertionError, match="register a PersonalDataPart"):
        test_every_model_pointing_at_a_person_is_covered_by_a_part_or_is_a_record_of_an_act()


@pytest.mark.django_db
def test_followed_commitments_are_in_the_archive_and_go_with_the_account(
    commissioner, second_commissioner, django_capture_on_commit_callbacks
):
    person = UserFactory()
    consultation = ConsultationFactory()
    commitment = record(
        adopted_change(consultation, drafter=commissioner, approver=second_commissioner), commissioner
    )
    commitment_follow_set(user=person, follow=True, commitment=commitment)
    commitment_follow_set(user=person, follow=True, body=body())
    hearing = HearingFactory(consultation=consultation)
    SpeakerRequest.objects.create(
        hearing=hearing,
        proposal=ProposalFactory(consultation=consultation, author=person),
        user=person,
        message="Call me on +7 701 000 00 00 before the hearing.",
    )

    client = Client()
    client.force_login(person)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/accounts/privacy/export/")
    token = next(iter(client.session["data_export_tokens"].values()))
    archive = zipfile.ZipFile(
        io.BytesIO(client.post(f"/en/accounts/privacy/export/download/{token}/").content)
    )
    follows = json.loads(archive.read("commitment_follows.json"))
    assert [(row["commitment"], row["responsible_body"]) for row in follows] == [
        (commitment.pk, None),
        (None, body().pk),
    ]

    User.objects.filter(pk=person.pk).update(deletion_due_at=timezone.now())
    assert privacy.account_erase(user_id=person.pk)
    assert not CommitmentFollow.objects.filter(user=person).exists()
    assert SpeakerRequest.objects.get(user=person).message == ""
