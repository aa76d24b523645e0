"""Fingerprints taken before IINs were canonicalised may hash a fullwidth or Arabic-Indic spelling of a number
that already verifies another account. A keyed hash cannot be read back to tell which, so every self-declared
IIN fingerprint of that time is flagged: it counts again once the person types the IIN once more (and is
refused if the canonical number verifies another account). Signature and national sign-in did not exist yet."""

from django.db import migrations


def flag(apps, schema_editor):
    IdentityVerification = apps.get_model("accounts", "IdentityVerification")
    IdentityVerification.objects.filter(method="iin", identity_hash__isnull=False).update(
        needs_reconfirmation=True
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_identity_levels")]

    operations = [migrations.RunPython(flag, migrations.RunPython.noop)]
