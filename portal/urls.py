from allauth.account.decorators import secure_admin_login
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path

from portal.accounts import views as account_views
from portal.core.views import health
from proposals.api import api, api_not_found
from proposals.views import hearing as hearing_views
from proposals.views import open_data

# Django admin logs in through allauth, so its second factor cannot be skipped.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    # Unprefixed: machines call these, and they answer the same in every language.
    path("healthz", health.healthz, name="healthz"),
    path("livez", health.livez, name="livez"),
    path("api/v1/", api.urls),
    # A path under the API that no operation matches (e.g. `/api/v1/proposals/abc`) answers in JSON too.
    re_path(r"^api/v1/", api_not_found),
    path("hearings.ics", hearing_views.hearings_ics, name="hearings_ics"),
    path("open-data/proposals.csv", open_data.proposals_csv, name="open_data_csv"),
    path("open-data/proposals.json", open_data.proposals_json, name="open_data_json"),
]

urlpatterns += i18n_patterns(
    path("privacy/", account_views.privacy_notice, name="privacy_notice"),
    path("accounts/", include("portal.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("notifications/", include("portal.notifications.urls")),
    path("staff/", include("portal.core.urls")),
    path("admin/", admin.site.urls),
    path("", include("proposals.urls")),
    prefix_default_language=True,
)
