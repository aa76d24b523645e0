from django.conf import settings
from django.db import migrations

ROLE_GROUPS = ["Moderators", "Commission members", "Administrators"]


def create_groups_and_site(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLE_GROUPS:
        Group.objects.get_or_create(name=name)
    Site = apps.get_model("sites", "Site")
    domain = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0]
    Site.objects.update_or_create(pk=settings.SITE_ID, defaults={"domain": domain, "name": "Qatysu"})


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("sites", "0002_alter_domain_unique"),
    ]

    operations = [migrations.RunPython(create_groups_and_site, migrations.RunPython.noop)]
