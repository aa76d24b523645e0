"""Existing supports take the level of their supporter's verification (self-declared when the account is gone)."""

from django.db import migrations

LEVEL_OF_METHOD = {"iin": "self_declared", "staff": "staff"}


def fill_levels(apps, schema_editor):
    Support = apps.get_model("proposals", "Support")
    IdentityVerification = apps.get_model("accounts", "IdentityVerification")
    for method, level in LEVEL_OF_METHOD.items():
        verified = IdentityVerification.objects.filter(method=method).values("user_id")
        Support.objects.filter(user_id__in=verified).update(level=level)


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0006_identity_levels"),
        ("accounts", "0005_flag_noncanonical_fingerprints"),
    ]

    operations = [migrations.RunPython(fill_levels, migrations.RunPython.noop)]
