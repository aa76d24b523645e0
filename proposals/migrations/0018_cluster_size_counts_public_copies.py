"""A campaign's count is of the members the public reads (and its representative): members were counted from
submission, so copies held by screening, rejected, hidden or withdrawn were counted too."""

from django.db import migrations
from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

PUBLIC_STATUSES = ("published", "under_review", "responded")


def recount(apps, schema_editor):
    Proposal = apps.get_model("proposals", "Proposal")
    public_members = (
        Proposal.objects.filter(cluster_of=OuterRef("pk"), status__in=PUBLIC_STATUSES)
        .order_by()
        .values("cluster_of")
        .annotate(n=Count("pk"))
        .values("n")
    )
    Proposal.objects.filter(cluster_of__isnull=True, cluster_size__gt=1).update(
        cluster_size=Coalesce(Subquery(public_members), Value(0)) + 1
    )


class Migration(migrations.Migration):
    dependencies = [("proposals", "0017_article_names")]

    operations = [migrations.RunPython(recount, migrations.RunPython.noop)]
