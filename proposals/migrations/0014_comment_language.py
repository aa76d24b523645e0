from django.db import migrations, models

from proposals.language import detect_language

BATCH = 2000


def guess_existing(apps, schema_editor):
    # Comments written before this migration get the guess new ones get when written.
    Comment = apps.get_model("proposals", "Comment")
    batch = []
    for comment in Comment.objects.only("pk", "body").iterator(chunk_size=BATCH):
        comment.language = detect_language(comment.body, default="")
        batch.append(comment)
        if len(batch) == BATCH:
            Comment.objects.bulk_update(batch, ["language"])
            batch = []
    Comment.objects.bulk_update(batch, ["language"])


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0013_comment_announced"),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="language",
            field=models.CharField(
                blank=True, default="", editable=False, max_length=2, verbose_name="language of the text"
            ),
        ),
        migrations.RunPython(guess_existing, migrations.RunPython.noop, elidable=True),
    ]
