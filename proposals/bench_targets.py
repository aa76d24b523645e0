"""The pages `bench/http_pages.py` measures, with real ids from the seeded database."""

from .models import ArticleIdentity, Consultation, Proposal
from .models.proposal import PUBLIC_STATUSES


def bench_paths() -> dict[str, str]:
    hot = Proposal.objects.filter(status__in=PUBLIC_STATUSES).order_by("-supports_count").first()
    article = ArticleIdentity.objects.select_related("document__consultation").order_by("pk").first()
    paths = {
        "proposal list": "/en/proposals/",
        "proposal list, most supported": "/en/proposals/?ordering=-supports",
    }
    if hot is not None:
        paths["proposal detail (most supported)"] = f"/en/proposals/{hot.pk}/"
    if article is not None:
        paths["article page"] = article.get_absolute_url().replace("/kk/", "/en/", 1)
    consultation = Consultation.objects.order_by("pk").first()
    if consultation is not None:
        paths["outcome page"] = f"/en/consultations/{consultation.slug}/outcome/"
    paths["API list"] = "/api/v1/proposals"
    paths["API list, most supported"] = "/api/v1/proposals?ordering=-supports"
    return paths
