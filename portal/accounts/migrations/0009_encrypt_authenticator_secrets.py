"""Encrypts the authenticator secrets and recovery-code seeds stored in clear before the adapter encrypted them
(portal/accounts/adapter.py, MFAAdapter.encrypt)."""

from django.db import migrations

from portal.accounts.adapter import ENCRYPTED_PREFIX, MFAAdapter


def _encrypted(value: str) -> str:
    return value if value.startswith(ENCRYPTED_PREFIX) else MFAAdapter().encrypt(value)


def encrypt_stored_secrets(apps, schema_editor):
    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.filter(type__in=("totp", "recovery_codes")).iterator():
        data = dict(authenticator.data)
        for name in ("secret", "seed"):
            if isinstance(data.get(name), str):
                data[name] = _encrypted(data[name])
        if isinstance(data.get("migrated_codes"), list):
            data["migrated_codes"] = [_encrypted(code) for code in data["migrated_codes"]]
        if data != authenticator.data:
            Authenticator.objects.filter(pk=authenticator.pk).update(data=data)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0008_organisation_refusal"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt_stored_secrets, migrations.RunPython.noop)]
