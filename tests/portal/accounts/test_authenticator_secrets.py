"""Authenticator secrets and recovery-code seeds are stored encrypted: a copy of the database does not carry the
staff's second factor. Sign-in with the app still works, a rotation of SECRET_KEY locks nobody out, and what was
stored in clear before is encrypted by the migration."""

import importlib

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.apps import apps

from portal.accounts.adapter import ENCRYPTED_PREFIX, MFAAdapter
from tests.conftest import current_totp_code, give_totp

pytestmark = pytest.mark.django_db

migration = importlib.import_module("portal.accounts.migrations.0009_encrypt_authenticator_secrets")


def _stored(user, kind) -> dict:
    return Authenticator.objects.get(user=user, type=kind).data


def test_the_secret_is_not_in_the_database_and_the_code_still_signs_in(client, moderator, settings):
    settings.PORTAL_STAFF_MFA = "required"
    secret = give_totp(moderator)
    stored = _stored(moderator, Authenticator.Type.TOTP)["secret"]
    assert stored.startswith(ENCRYPTED_PREFIX) and secret not in stored
    client.post("/en/accounts/login/", {"login": moderator.email, "password": "correct-horse-battery"})
    response = client.post("/en/accounts/2fa/authenticate/", {"code": current_totp_code(secret)})
    assert response.status_code == 302
    assert client.get("/en/staff/").status_code == 200


def test_recovery_codes_come_from_an_encrypted_seed(moderator):
    codes = RecoveryCodes.activate(moderator)
    seed = _stored(moderator, Authenticator.Type.RECOVERY_CODES)["seed"]
    assert seed.startswith(ENCRYPTED_PREFIX)
    assert (
        RecoveryCodes(Authenticator.objects.get(pk=codes.instance.pk)).generate_codes()
        == codes.generate_codes()
    )


def test_rotating_the_secret_key_keeps_every_authenticator_readable(moderator, settings):
    settings.IDENTITY_HASH_KEY = "identity:the-first-secret-key"  # pinned before a rotation, as the docs say
    secret = give_totp(moderator)
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-new-secret-key-" + "x" * 40, [settings.SECRET_KEY]
    totp = TOTP(Authenticator.objects.get(user=moderator, type=Authenticator.Type.TOTP))
    assert totp.validate_code(current_totp_code(secret))


def test_the_migration_encrypts_what_was_stored_in_clear(moderator, citizen):
    totp = Authenticator.objects.create(user=moderator, type="totp", data={"secret": "JBSWY3DPEHPK3PXP"})
    codes = Authenticator.objects.create(
        user=citizen,
        type="recovery_codes",
        data={"seed": "ab" * 40, "used_mask": 3, "migrated_codes": ["12345678"]},
    )
    migration.encrypt_stored_secrets(apps, None)
    migration.encrypt_stored_secrets(apps, None)  # a second run changes nothing
    totp.refresh_from_db()
    codes.refresh_from_db()
    assert totp.data["secret"].startswith(ENCRYPTED_PREFIX) and "JBSWY3DPEHPK3PXP" not in totp.data["secret"]
    assert codes.data["used_mask"] == 3
    assert RecoveryCodes(codes).generate_codes() == ["12345678"]
    assert codes.data["seed"].startswith(ENCRYPTED_PREFIX)
    assert MFAAdapter().decrypt(codes.data["seed"]) == "ab" * 40
    assert MFAAdapter().decrypt(totp.data["secret"]) == "JBSWY3DPEHPK3PXP"
