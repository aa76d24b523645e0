from django.db import migrations, models


def removed_in_from_versions(apps, schema_editor):
    """An article the latest published version of its document leaves out is marked with the published
    version that first left it out after its last appearance."""
    Article = apps.get_model("proposals", "Article")
    ArticleIdentity = apps.get_model("proposals", "ArticleIdentity")
    DocumentVersion = apps.get_model("proposals", "DocumentVersion")
    published = {}
    for document_id, position in (
        DocumentVersion.objects.filter(published_at__isnull=False)
        .order_by("position")
        .values_list("document_id", "position")
    ):
        published.setdefault(document_id, []).append(position)
    last_seen = {}
    for identity_id, position in Article.objects.filter(version__published_at__isnull=False).values_list(
        "identity_id", "version__position"
    ):
        last_seen[identity_id] = max(position, last_seen.get(identity_id, 0))
    for identity in ArticleIdentity.objects.filter(pk__in=list(last_seen)):
        later = [p for p in published.get(identity.document_id, []) if p > last_seen[identity.pk]]
        if later:
            identity.removed_in = later[0]
            identity.save(update_fields=["removed_in"])


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0015_appeal_grounds_off_the_timeline"),
    ]

    operations = [
        migrations.AddField(
            model_name="articleidentity",
            name="removed_in",
            field=models.PositiveIntegerField(
                blank=True, editable=False, null=True, verbose_name="removed in version"
            ),
        ),
        migrations.RunPython(removed_in_from_versions, migrations.RunPython.noop),
    ]
