from django.db import migrations

# PostgreSQL sorts nulls first in a descending index; "recently answered" lists the unanswered last, so its
# index must say NULLS LAST to be walked in the list's order. SQLite puts nulls last in a descending order
# already, and cannot declare it in an index.
INDEX = "proposal_responded_idx"
COLUMNS = {
    "postgresql": "responded_at DESC NULLS LAST, id DESC",
    "sqlite": "responded_at DESC, id DESC",
}


def create_index(apps, schema_editor):
    columns = COLUMNS.get(schema_editor.connection.vendor)
    if columns:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON proposals_proposal ({columns})")


def drop_index(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("proposals", "0009_report_network_fingerprint")]
    operations = [
        migrations.RemoveIndex(model_name="proposal", name=INDEX),
        migrations.RunPython(create_index, drop_index),
    ]
