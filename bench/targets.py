"""The pages `bench/http_pages.py` measures, with real ids from the seeded database."""

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.middleware.csrf import _get_new_csrf_string

from portal.accounts.models import User
from portal.accounts.privacy import current_notice_version
from proposals.models import ArticleIdentity, Consultation, Proposal
from proposals.models.proposal import PUBLIC_STATUSES


def bench_paths() -> dict[str, str]:
    hot = Proposal.objects.filter(status__in=PUBLIC_STATUSES).order_by("-supports_count").first()
    article = ArticleIdentity.objects.select_related("document__consultation").order_by("pk").first()
    paths = {
        "proposal list": "/en/proposals/",
        "proposal list, most supported": "/en/proposals/?ordering=-supports",
    }
    if hot is not None:
        paths["proposal detail (most supported)"] = f"/en/proposals/{hot.pk}/"
    # Publication day: readers spread over many proposals' pages (paths in turn, separated by spaces).
    many = Proposal.objects.filter(status__in=PUBLIC_STATUSES).order_by("-supports_count", "pk")[:100]
    if many:
        paths["proposal pages, 100 most supported in turn"] = " ".join(f"/en/proposals/{p.pk}/" for p in many)
    if article is not None:
        paths["article page"] = article.get_absolute_url().replace("/kk/", "/en/", 1)
    consultation = Consultation.objects.order_by("pk").first()
    if consultation is not None:
        paths["outcome page"] = f"/en/consultations/{consultation.slug}/outcome/"
    if connection.vendor == "postgresql":
        paths["proposal list, search for a common word"] = f"/en/proposals/?q={common_word()}"
    paths["API list"] = "/api/v1/proposals"
    paths["API list, most supported"] = "/api/v1/proposals?ordering=-supports"
    return paths


def common_word() -> str:
    """The most common word of the listed proposals' titles and summaries (of a sample of 5,000)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT word FROM ts_stat($$SELECT to_tsvector('simple', title || ' ' || summary) FROM "
            "proposals_proposal WHERE status = 'published' LIMIT 5000$$) "
            "WHERE length(word) >= 4 AND word ~ '^[[:alpha:]]+$' ORDER BY ndoc DESC LIMIT 1"
        )
        return cursor.fetchone()[0]


def signed_in_sessions(count: int) -> list[str]:
    """The cookies (a `Cookie` header's value) of `count` different citizens of the bench database, signed in
    as the portal signs people in, who have accepted the privacy notice in force (else every page would send
    them to accept it). Each also has its CSRF cookie, as a browser has from the sign-in form on."""
    people = list(
        User.objects.filter(is_active=True, is_staff=False, is_superuser=False).order_by("pk")[:count]
    )
    User.objects.filter(pk__in=[p.pk for p in people]).update(privacy_notice_version=current_notice_version())
    keys = []
    for person in people:
        session = SessionStore()
        session[SESSION_KEY] = str(person.pk)
        session[BACKEND_SESSION_KEY] = "portal.accounts.backends.AccountBackend"
        session[HASH_SESSION_KEY] = person.get_session_auth_hash()
        session.create()
        keys.append(
            f"{settings.SESSION_COOKIE_NAME}={session.session_key}; "
            f"{settings.CSRF_COOKIE_NAME}={_get_new_csrf_string()}"
        )
    return keys
