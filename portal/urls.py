from allauth.account.decorators import secure_admin_login
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path

from portal.accounts.views import privacy as privacy_views
from portal.core.views import health, site
from proposals.api import api, api_not_found
from proposals.views import hearing as hearing_views
from proposals.views import open_data, sitemaps

# Django admin logs in through allauth, so its second factor cannot be skipped.
admin.site.login = secure_admin_login(admin.site.login)


def _csv_and_json(stem: str, view: str, *, name: str) -> list:
    """An open data set is published twice, for spreadsheets and for programs: `open-data/<stem>.csv` and
    `.json`, served by the views `<view>_csv` and `<view>_json` and named `<name>_csv` and `<name>_json`."""
    return [
        path(f"open-data/{stem}.{kind}", getattr(open_data, f"{view}_{kind}"), name=f"{name}_{kind}")
        for kind in ("csv", "json")
    ]


urlpatterns = [
    # Unprefixed: machines call these, and they answer the same in every language.
    path("healthz", health.healthz, name="healthz"),
    path("healthz/workers", health.healthz_workers, name="healthz_workers"),
    path("livez", health.livez, name="livez"),
    path("api/v1/", api.urls),
    # A path under the API that no operation matches (e.g. `/api/v1/proposals/abc`) answers in JSON too.
    re_path(r"^api/v1/", api_not_found),
    path("hearings.ics", hearing_views.hearings_ics, name="hearings_ics"),
    *_csv_and_json("proposals", "proposals", name="open_data"),
    *_csv_and_json("commitments", "commitments", name="open_data_commitments"),
    *_csv_and_json("commitment-updates", "commitment_updates", name="open_data_updates"),
    *_csv_and_json("moderation", "moderation", name="open_data_moderation"),
    *_csv_and_json("moderation-statements", "moderation_statements", name="open_data_moderation_statements"),
    path("open-data/datapackage.json", open_data.datapackage_json, name="open_data_datapackage"),
    path("robots.txt", site.robots_txt, name="robots_txt"),
    path(".well-known/security.txt", site.security_txt, name="security_txt"),
    # For search engines: every public page in kk, ru and en; the index names each section's pages.
    path("sitemap.xml", sitemaps.sitemap_index, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemaps.sitemap_section, name="sitemap_section"),
    path("favicon.ico", site.favicon, name="favicon"),
]

urlpatterns += i18n_patterns(
    path("privacy/", privacy_views.privacy_notice, name="privacy_notice"),
    path("accounts/", include("portal.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("notifications/", include("portal.notifications.urls")),
    path("staff/", include("portal.core.urls")),
    path("staff/", include("portal.accounts.staff_urls")),
    path("admin/", admin.site.urls),
    # `/open-data/` is sent on to the reader's language by LocaleMiddleware, like every page.
    path("open-data/", open_data.open_data_landing, name="open_data"),
    path("", include("proposals.urls")),
    prefix_default_language=True,
)
