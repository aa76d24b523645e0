"""Digital-signature verification against a test PKI made here and a real `openssl ocsp` responder process.

Each refusal names the check that failed; none records a verification."""

import datetime as dt
import shutil

import pytest
from django.core.exceptions import ValidationError

from portal.accounts.models import IdentityLevel, IdentityVerification
from portal.accounts.verification.services import identity_fingerprint
from portal.accounts.verification.signature import (
    MESSAGES,
    challenge_content,
    signature_challenge_issue,
    signature_verify,
)
from tests.identity import make_iin
from tests.portal.accounts.pki import NOW, NationalPki, OcspResponder, person, sign_cms

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl program (Debian: openssl)"),
]

ALICE_IIN = make_iin(7001)
REVOKED_IIN = make_iin(7002)


@pytest.fixture(scope="module")
def pki():
    return NationalPki()


@pytest.fixture(scope="module")
def people(pki):
    return {
        "alice": person(pki.intermediate, ALICE_IIN),
        "revoked": person(pki.intermediate, REVOKED_IIN),
        "expired": person(
            pki.intermediate,
            make_iin(7003),
            not_before=NOW - dt.timedelta(days=400),
            not_after=NOW - dt.timedelta(days=35),
        ),
        "foreign": person(pki.foreign_root, make_iin(7004)),
        "signing_key": person(pki.intermediate, make_iin(7005), authentication=False),
        "no_iin": person(pki.intermediate, None),
    }


@pytest.fixture(scope="module")
def responder(pki, people, tmp_path_factory):
    good = [people[name] for name in ("alice", "expired", "signing_key", "no_iin")]
    process = OcspResponder(tmp_path_factory.mktemp("ocsp"), pki, good=good, revoked=[people["revoked"]])
    process.start()
    yield process
    process.stop()


@pytest.fixture
def eds(settings, pki, responder, tmp_path):
    settings.IDENTITY_EDS_TRUST_STORE = str(pki.trust_store(tmp_path / "trust"))
    settings.IDENTITY_EDS_OCSP_URL = responder.url
    return settings


def _signed(user, signer, *, content=None, include_certificate=True):
    challenge = signature_challenge_issue(user=user)
    der = sign_cms(
        signer, content or challenge_content(challenge.nonce), include_certificate=include_certificate
    )
    return challenge.nonce, der


def _refusal(user, nonce, der) -> str:
    with pytest.raises(ValidationError) as refused:
        signature_verify(user=user, nonce=nonce, cms_der=der)
    assert not IdentityVerification.objects.filter(user=user).exists()
    return refused.value.code


def test_valid_signature_verifies_the_account_with_the_certificates_iin(eds, citizen, people):
    nonce, der = _signed(citizen, people["alice"])
    verification = signature_verify(user=citizen, nonce=nonce, cms_der=der)
    assert verification.method == "signature"
    assert verification.level == IdentityLevel.SIGNATURE
    assert verification.identity_hash == identity_fingerprint(ALICE_IIN)


@pytest.mark.parametrize(
    ("signer", "code"),
    [
        ("foreign", "untrusted"),
        ("expired", "expired"),
        ("revoked", "revoked"),
        ("signing_key", "not_authentication"),
        ("no_iin", "no_iin"),
    ],
)
def test_certificate_problems_are_refused_with_their_own_message(eds, citizen, people, signer, code):
    nonce, der = _signed(citizen, people[signer])
    assert _refusal(citizen, nonce, der) == code


def test_signature_over_another_challenge_is_refused(eds, citizen, people):
    nonce, _der = _signed(citizen, people["alice"])
    _other_nonce, other_der = _signed(citizen, people["alice"])
    assert _refusal(citizen, nonce, other_der) == "wrong_challenge"


def test_replayed_challenge_is_refused(eds, citizen, other_citizen, people):
    nonce, der = _signed(citizen, people["alice"])
    signature_verify(user=citizen, nonce=nonce, cms_der=der)
    IdentityVerification.objects.filter(user=citizen).delete()
    assert _refusal(citizen, nonce, der) == "replayed"


def test_challenge_of_another_account_is_refused(eds, citizen, other_citizen, people):
    nonce, der = _signed(citizen, people["alice"])
    assert _refusal(other_citizen, nonce, der) == "unknown_challenge"


def test_expired_challenge_is_refused(eds, citizen, people):
    nonce, der = _signed(citizen, people["alice"])
    type(signature_challenge_issue(user=citizen)).objects.filter(nonce=nonce).update(expires_at=NOW)
    assert _refusal(citizen, nonce, der) == "challenge_expired"


def test_signature_without_the_signers_certificate_is_refused(eds, citizen, people):
    nonce, der = _signed(citizen, people["alice"], include_certificate=False)
    assert _refusal(citizen, nonce, der) == "no_certificate"


def test_garbage_is_refused_as_unreadable(eds, citizen):
    challenge = signature_challenge_issue(user=citizen)
    assert _refusal(citizen, challenge.nonce, b"\x30\x03\x02\x01\x01") == "unreadable"


def test_tampered_signature_is_refused(eds, citizen, people):
    nonce, der = _signed(citizen, people["alice"])
    tampered = bytearray(der)
    tampered[-10] ^= 0xFF  # inside the signature value, at the end of the SignerInfo
    assert _refusal(citizen, nonce, bytes(tampered)) == "bad_signature"


def test_responder_down_refuses_with_cannot_check_revocation_and_records_nothing(
    settings, pki, people, citizen, tmp_path
):
    down = OcspResponder(tmp_path / "down", pki, good=[people["alice"]], revoked=[]).start()
    settings.IDENTITY_EDS_TRUST_STORE = str(pki.trust_store(tmp_path / "trust"))
    settings.IDENTITY_EDS_OCSP_URL = down.url
    down.stop()
    nonce, der = _signed(citizen, people["alice"])
    assert _refusal(citizen, nonce, der) == "ocsp_unavailable"
    assert "Cannot check revocation now" in str(MESSAGES["ocsp_unavailable"])


def test_one_certificate_verifies_one_account(eds, citizen, other_citizen, people):
    nonce, der = _signed(citizen, people["alice"])
    signature_verify(user=citizen, nonce=nonce, cms_der=der)
    nonce, der = _signed(other_citizen, people["alice"])
    with pytest.raises(ValidationError, match="already verifies another account"):
        signature_verify(user=other_citizen, nonce=nonce, cms_der=der)
    assert not IdentityVerification.objects.filter(user=other_citizen).exists()


def test_each_refusal_has_a_distinct_message():
    texts = [str(message) for message in MESSAGES.values()]
    assert len(set(texts)) == len(texts)
