"""`check --deploy` still guards CSRF and clickjacking protection now that the middleware is our subclasses
(which Django's own checks, looking for dotted paths, do not see)."""

from django.conf import settings

from portal.core.checks import (
    clickjacking_protection_installed,
    csrf_protection_installed,
    pooler_declared,
    preparing_through_pgbouncer,
)


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
