"""The attacks of the identity issue, reproduced: each must now be refused.

1. One IIN typed with fullwidth or Arabic-Indic digits verified further accounts, which all supported.
2. Script-generated IINs (valid check digit) verified accounts that supported a consultation that only
   counts strong verification.
3. Support, erase the account, verify a new account with the same IIN, support again.
"""

import contextlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from portal.accounts import permissions, privacy
from portal.accounts.models import IdentityVerification, User
from portal.accounts.verification.iin import iin_canonical
from portal.accounts.verification.services import identity_fingerprint, identity_verification_record
from proposals.models import Comment, CommentLike, Proposal, RetainedSupport, Support
from proposals.services.comment import comment_like
from proposals.services.support import support_add
from tests.factories import UserFactory
from tests.identity import make_iin
from tests.proposals.factories import CommentFactory, ConsultationFactory, ProposalFactory

pytestmark = pytest.mark.django_db

IIN = "800313311867"
LOOK_ALIKES = [
    "８00313311867",  # fullwidth 8
    "٨٠0313311867",  # Arabic-Indic 8 and 0
    "۸۰۰۳۱۳۳۱۱۸۶۷",  # Extended Arabic-Indic, every digit
    "８００３１３３１１８６７",  # fullwidth, every digit
    "8003133118６7",
]
URL = "/en/accounts/verify/"


def _verified_by_form(iin: str) -> tuple[User, Client]:
    user = UserFactory()
    client = Client()
    client.force_login(user)
    response = client.post(URL, {"iin": iin})
    return user, response


@pytest.mark.parametrize("look_alike", LOOK_ALIKES)
def test_iin_with_unicode_digits_is_refused_with_a_clear_message(look_alike):
    _verified_by_form(IIN)
    user, response = _verified_by_form(look_alike)
    assert response.status_code == 200
    assert "digits 0-9 only" in " ".join(response.context["iin_form"].errors["iin"])
    assert not IdentityVerification.objects.filter(user=user).exists()


def test_the_attack_of_four_accounts_with_one_iin_leaves_one_supporter():
    proposal = ProposalFactory(consultation=ConsultationFactory())
    accounts = []
    for spelling in [IIN, *LOOK_ALIKES[:3]]:
        user, _response = _verified_by_form(spelling)
        accounts.append(user)
    supported = 0
    for user in accounts:
        with contextlib.suppress(PermissionDenied):  # the look-alike accounts were never verified
            supported += support_add(user=user, proposal=proposal)
    assert supported == 1
    assert Support.objects.filter(proposal=proposal).count() == 1


@pytest.mark.parametrize("spelling", LOOK_ALIKES)
def test_fingerprint_refuses_any_spelling_but_ascii_digits(spelling):
    with pytest.raises(ValidationError):
        identity_fingerprint(spelling)
    assert identity_fingerprint(" 8003 1331 1867 ") == identity_fingerprint(IIN)


@pytest.mark.parametrize(
    ("value", "code"),
    [("80031331186", "iin_length"), ("800313311868", "iin_invalid"), ("8003133118a7", "iin_length")],
)
def test_canonical_iin_names_what_is_wrong(value, code):
    with pytest.raises(ValidationError) as refused:
        iin_canonical(value)
    assert refused.value.code == code


def test_generated_iins_cannot_support_in_a_consultation_that_accepts_only_strong_levels(settings):
    strong_only = ConsultationFactory(accepted_identity_levels=["signature", "national_sign_in"])
    proposal = ProposalFactory(consultation=strong_only)
    for seed in range(20):  # what a script does: valid numbers, one account each
        user, response = _verified_by_form(make_iin(9000 + seed))
        assert response.status_code == 302  # the weak check itself accepts them (development settings)
        with pytest.raises(PermissionDenied, match="digital signature or national sign-in"):
            support_add(user=user, proposal=proposal)
    client = Client()
    client.force_login(user)
    page = client.post(f"/en/proposals/{proposal.pk}/support/", follow=True).content.decode()
    assert "only from people verified with a digital signature" in page
    assert Support.objects.filter(proposal=proposal).count() == 0
    assert Proposal.objects.get(pk=proposal.pk).supports_count == 0


def test_production_settings_do_not_offer_the_typed_iin(settings):
    settings.PORTAL_IDENTITY_BACKENDS = [
        "portal.accounts.verification.backends.SignatureBackend",
        "portal.accounts.verification.backends.NationalSignInBackend",
        "portal.accounts.verification.backends.StaffBackend",
    ]
    user, response = _verified_by_form(make_iin(9100))
    assert response.status_code == 403
    assert not IdentityVerification.objects.filter(user=user).exists()


def test_erase_and_return_with_the_same_iin_cannot_support_the_same_proposal_again():
    proposal = ProposalFactory(consultation=ConsultationFactory())
    first, _response = _verified_by_form(IIN)
    assert support_add(user=first, proposal=proposal)
    privacy.account_deletion_request(user=first, requested_by=first, withdraw_content=False)
    User.objects.filter(pk=first.pk).update(deletion_due_at=timezone.now())
    assert privacy.accounts_erase_due() == 1

    returning, response = _verified_by_form(IIN)
    assert response.status_code == 302  # the person may come back and verify again
    assert permissions.is_verified_person(returning)
    with pytest.raises(PermissionDenied, match="already counted"):
        support_add(user=returning, proposal=proposal)
    assert Support.objects.filter(proposal=proposal).count() == 1
    assert Proposal.objects.get(pk=proposal.pk).supports_count == 1
    # The kept fingerprint names no account: it sits beside the proposal only.
    assert list(RetainedSupport.objects.values_list("proposal_id", "identity_hash")) == [
        (proposal.pk, identity_fingerprint(IIN))
    ]
    other = ProposalFactory(consultation=proposal.consultation)
    assert support_add(user=returning, proposal=other)


def test_an_erased_persons_likes_stop_counting_and_a_return_likes_once():
    comment = CommentFactory(proposal=ProposalFactory(consultation=ConsultationFactory()))
    first, _response = _verified_by_form(IIN)
    assert comment_like(comment=comment, user=first)
    privacy.account_deletion_request(user=first, requested_by=first, withdraw_content=False)
    User.objects.filter(pk=first.pk).update(deletion_due_at=timezone.now())
    assert privacy.accounts_erase_due() == 1
    assert Comment.objects.get(pk=comment.pk).likes_count == 0
    assert not CommentLike.objects.filter(user=first).exists()

    returning, _response = _verified_by_form(IIN)
    assert comment_like(comment=comment, user=returning)
    assert Comment.objects.get(pk=comment.pk).likes_count == 1


def test_legacy_fingerprint_counts_again_only_after_reconfirmation():
    user = UserFactory()
    identity_verification_record(user=user, method="iin", identity=IIN, verified_by=None)
    IdentityVerification.objects.filter(user=user).update(needs_reconfirmation=True)
    user = User.objects.get(pk=user.pk)
    assert not permissions.is_verified_person(user)
    proposal = ProposalFactory(consultation=ConsultationFactory())
    with pytest.raises(PermissionDenied):
        support_add(user=user, proposal=proposal)
    client = Client()
    client.force_login(user)
    assert "confirm your identity again" in client.get(URL).content.decode()
    assert client.post(URL, {"iin": IIN}).status_code == 302
    assert permissions.is_verified_person(User.objects.get(pk=user.pk))


@pytest.mark.parametrize(
    ("language", "phrase"),
    [
        ("kk", "Заңды негіз: қоғамдық консультациядағы қолдаулар есебінің тұтастығы."),
        ("ru", "Правовое основание: целостность подсчёта поддержек в публичной консультации."),
        ("en", "Lawful basis: the integrity of the count of supports in a public consultation."),
    ],
)
def test_privacy_notice_explains_the_kept_fingerprint_in_each_language(client, language, phrase):
    assert phrase in client.get(f"/{language}/privacy/").content.decode()


def test_a_staff_check_keeps_the_iin_so_a_second_account_cannot_verify_with_it():
    """The attack: a person verified with an IIN supports; staff record a routine check of the same person,
    which used to replace the IIN's fingerprint with none; a second account then verified with the IIN and
    supported again."""
    proposal = ProposalFactory(consultation=ConsultationFactory())
    first, _response = _verified_by_form(IIN)
    assert support_add(user=first, proposal=proposal)
    admin = UserFactory(is_superuser=True)
    identity_verification_record(user=first, method="staff", identity=None, verified_by=admin, note="ID seen")
    verification = IdentityVerification.objects.get(user=first)
    assert verification.method == "staff"
    assert verification.identity_hash == identity_fingerprint(IIN)

    second, response = _verified_by_form(IIN)
    assert "already verifies another account" in " ".join(response.context["iin_form"].errors["iin"])
    assert not IdentityVerification.objects.filter(user=second).exists()
    with pytest.raises(PermissionDenied):
        support_add(user=second, proposal=proposal)
    assert Proposal.objects.get(pk=proposal.pk).supports_count == 1


def test_verifying_again_with_another_iin_does_not_free_the_first_for_what_it_supported():
    proposal = ProposalFactory(consultation=ConsultationFactory())
    first, _response = _verified_by_form(IIN)
    assert support_add(user=first, proposal=proposal)
    identity_verification_record(user=first, method="iin", identity=make_iin(), verified_by=None)

    second, response = _verified_by_form(IIN)
    assert response.status_code == 302  # the first IIN is no longer that account's
    with pytest.raises(PermissionDenied, match="already counted"):
        support_add(user=second, proposal=proposal)
    assert Proposal.objects.get(pk=proposal.pk).supports_count == 1
    other = ProposalFactory(consultation=proposal.consultation)
    assert support_add(user=second, proposal=other)


def test_a_staff_check_of_a_person_verified_by_staff_only_names_no_iin():
    admin = UserFactory(is_superuser=True)
    person = UserFactory()
    for note in ("ID card seen", "Seen again at the hearing"):
        identity_verification_record(user=person, method="staff", identity=None, verified_by=admin, note=note)
    verification = IdentityVerification.objects.get(user=person)
    assert (verification.identity_hash, verification.note) == (None, "Seen again at the hearing")
