from django.db import migrations


def grounds_off_the_timeline(apps, schema_editor):
    # Only an appeal moves a rejected proposal back to moderation; its step carried the author's grounds as
    # its public reason. The grounds stay on the appeal's moderation case.
    apps.get_model("proposals", "ProposalTransition").objects.filter(
        from_status="rejected", to_status="in_moderation"
    ).exclude(reason="").update(reason="", internal_note="appeal of a rejection")


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0014_comment_language"),
    ]

    operations = [
        migrations.RunPython(grounds_off_the_timeline, migrations.RunPython.noop, elidable=True),
    ]
