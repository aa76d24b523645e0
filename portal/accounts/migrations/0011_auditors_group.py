from django.db import migrations

# Written out: a migration keeps the name it was written with, whatever roles.py later says.
AUDITORS = "Auditors"


def create_auditors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name=AUDITORS)


def remove_auditors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=AUDITORS).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0010_second_factor")]

    operations = [migrations.RunPython(create_auditors_group, remove_auditors_group)]
