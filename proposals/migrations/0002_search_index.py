from django.db import migrations


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS proposal_search_vector_gin ON proposals_proposal USING gin (search_vector)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS proposal_search_vector_gin")


class Migration(migrations.Migration):
    """GIN index for full-text search; PostgreSQL only (SQLite searches by substring)."""

    dependencies = [("proposals", "0001_initial")]
    operations = [migrations.RunPython(create_index, drop_index)]
