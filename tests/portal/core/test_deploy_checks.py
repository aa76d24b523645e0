"""`check --deploy` still guards CSRF and clickjacking protection now that the middleware is our subclasses
(which Django's own checks, looking for dotted paths, do not see)."""

from django.conf import settings

from portal.core import checks
from portal.core.checks import (
    clickjacking_protection_installed,
    csrf_protection_installed,
    environment_settings,
    pooler_declared,
    preparing_through_pgbouncer,
    proxy_hops_set,
    staff_second_factor_required,
)
from proposals.checks import moderation_policy_known


def _ids(results) -> list[str]:
    return [result.id for result in results]


def test_the_installed_page_middleware_passes(settings):
    settings.CSRF_COOKIE_SECURE = True
    settings.X_FRAME_OPTIONS = "DENY"
    assert _ids(csrf_protection_installed(None)) == []
    assert _ids(clickjacking_protection_installed(None)) == []


def test_taking_the_csrf_middleware_out_or_an_insecure_cookie_is_reported(settings):
    settings.CSRF_COOKIE_SECURE = True
    middleware = list(settings.MIDDLEWARE)
    settings.MIDDLEWARE = [path for path in middleware if "Csrf" not in path]
    assert _ids(csrf_protection_installed(None)) == ["portal.W003"]
    settings.MIDDLEWARE = middleware
    settings.CSRF_COOKIE_SECURE = False
    assert _ids(csrf_protection_installed(None)) == ["portal.W016"]


def test_taking_the_frame_options_middleware_out_or_allowing_frames_is_reported(settings):
    settings.X_FRAME_OPTIONS = "DENY"
    middleware = list(settings.MIDDLEWARE)
    settings.MIDDLEWARE = [path for path in middleware if "XFrame" not in path]
    assert _ids(clickjacking_protection_installed(None)) == ["portal.W002"]
    settings.MIDDLEWARE = middleware
    settings.X_FRAME_OPTIONS = "SAMEORIGIN"
    assert _ids(clickjacking_protection_installed(None)) == ["portal.W019"]


def test_only_the_two_checks_that_look_for_dotted_paths_are_silenced():
    assert sorted(settings.SILENCED_SYSTEM_CHECKS) == ["security.W002", "security.W003"]


def test_a_database_on_pgbouncers_port_that_prepares_statements_is_reported():
    through_pgbouncer = {"ENGINE": "django.db.backends.postgresql", "PORT": "6432"}
    preparing = {**through_pgbouncer, "OPTIONS": {"prepare_threshold": 0}}
    assert preparing_through_pgbouncer({"default": preparing}) == ["default"]
    declared = {**through_pgbouncer, "OPTIONS": {"prepare_threshold": None}}
    assert preparing_through_pgbouncer({"default": declared}) == []
    direct = {**preparing, "PORT": 5432}
    assert preparing_through_pgbouncer({"default": direct, "replica": declared}) == []


def test_the_test_settings_pass_the_pooler_check():
    assert _ids(pooler_declared(None)) == []


# --- settings given in the environment, checked at every start -----------------------------------------


def test_a_mistyped_staff_mfa_value_stops_the_start(settings):
    settings.PORTAL_STAFF_MFA = "requried"
    assert _ids(environment_settings(None)) == ["portal.E040"]
    for value in ("required", "optional"):
        settings.PORTAL_STAFF_MFA = value
        assert _ids(environment_settings(None)) == []


def test_a_mistyped_moderation_policy_stops_the_start(settings):
    settings.PORTAL_MODERATION_POLICY = "review-all"
    assert _ids(moderation_policy_known(None)) == ["portal.E045"]
    for value in ("review_all", "auto_publish_clean"):
        settings.PORTAL_MODERATION_POLICY = value
        assert _ids(moderation_policy_known(None)) == []


def _production(settings, monkeypatch, engine="portal.core.postgresql"):
    settings.PORTAL_PRODUCTION = True
    settings.PORTAL_STAFF_MFA = "required"
    monkeypatch.setattr(checks, "default_database_engine", lambda: engine)
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    settings.SECRET_KEY_FALLBACKS = []
    settings.IDENTITY_HASH_KEY_PINNED = False


def test_production_without_postgresql_or_redis_stops_the_start(settings, monkeypatch):
    _production(settings, monkeypatch)
    assert _ids(environment_settings(None)) == []
    _production(settings, monkeypatch, engine="django.db.backends.sqlite3")
    settings.REDIS_URL = ""
    assert _ids(environment_settings(None)) == ["portal.E041", "portal.E042"]


def test_rotating_the_secret_key_without_pinning_the_identity_key_stops_the_start(settings, monkeypatch):
    _production(settings, monkeypatch)
    settings.SECRET_KEY_FALLBACKS = ["the-previous-key"]
    assert _ids(environment_settings(None)) == ["portal.E043"]
    settings.IDENTITY_HASH_KEY_PINNED = True
    assert _ids(environment_settings(None)) == []


def test_development_and_tests_are_not_held_to_production(settings):
    settings.PORTAL_PRODUCTION = False
    settings.PORTAL_STAFF_MFA = "optional"
    settings.REDIS_URL = ""
    assert _ids(environment_settings(None)) == []
    assert _ids(staff_second_factor_required(None)) == []


def test_production_with_optional_staff_mfa_fails_the_deploy_check(settings, monkeypatch):
    _production(settings, monkeypatch)
    assert _ids(staff_second_factor_required(None)) == []
    settings.PORTAL_STAFF_MFA = "optional"
    assert _ids(staff_second_factor_required(None)) == ["portal.W044"]


def test_production_without_the_proxy_hop_fails_the_deploy_check(settings, monkeypatch):
    """Behind nginx with 0 hops, the portal would count every person as nginx's 127.0.0.1."""
    _production(settings, monkeypatch)
    settings.PORTAL_TRUSTED_PROXY_HOPS = 1
    assert _ids(proxy_hops_set(None)) == []
    settings.PORTAL_TRUSTED_PROXY_HOPS = 0
    assert _ids(proxy_hops_set(None)) == ["portal.W047"]
    settings.PORTAL_PRODUCTION = False  # development serves without a proxy
    assert _ids(proxy_hops_set(None)) == []
