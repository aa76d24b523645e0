"""axe-core (WCAG 2.1 A/AA) on the page types no other accessibility test visits, and a check that every HTML
page type of the access matrix is listed in one of them."""

import pytest
from django.test import Client

from tests.conftest import give_totp
from tests.security.matrix_support import resolve_url, url_patterns
from tests.security.test_access_matrix import GET
from tests.security.world import build_world

from .test_accessibility import axe_violations
from .test_page_gate import NOT_PAGES as GATE_NOT_PAGES

pytestmark = pytest.mark.django_db

# Page types visited by the other accessibility tests (module in the comment).
COVERED_ELSEWHERE = {
    "privacy_notice",  # test_privacy_journey, in three languages
    "account_privacy",
    "account_privacy_consent",
    "home",
    "account_login",
    "account_signup",  # test_accessibility
    "consultation_detail",
    "document_detail",
    "article_detail",
    "document_compare",
    "proposal_list",
    "proposal_detail",  # test_accessibility_pages
    "staff_dashboard",
    "moderation_queue",
    "moderation_case",
    "moderation_transparency",
    "staff_audit_log",
    "staff_document_import",
    "staff_document_matches",
    "notifications_centre",
    "account_profile",  # _staff
    "consultation_outcome",
    "consultation_overdue",
    "commission_queue",
    "commission_work",  # _outcome
    "hearing_list",
    "hearing_detail",  # test_hearing_journey
    "implementation_tracker",
    "implementation_overdue",
    "commitment_detail",
    "staff_implementation",
    "staff_commitment_create",
    "staff_commitment",  # test_accessibility_implementation
}
# Not HTML pages, or pages that are not ours to fix.
NOT_PAGES = GATE_NOT_PAGES | {
    "admin:index",  # Django's own admin, for superusers only
    "consultation_outcome_report_pdf",
    "consultation_outcome_report_docx",
}
# name → the role whose view of it is checked here.
PAGES = {
    "organisation_detail": "anonymous",
    "open_data": "anonymous",
    "account_reset_password": "anonymous",
    "account_reset_password_done": "anonymous",
    "account_reset_password_from_key": "anonymous",
    "account_reset_password_from_key_done": "anonymous",
    "account_email_verification_sent": "anonymous",
    "account_confirm_email": "anonymous",
    "account_inactive": "anonymous",
    "notifications_unsubscribe": "anonymous",
    "hearing_cancel_link": "anonymous",
    "account_identity": "citizen",
    "account_api_tokens": "citizen",
    "organisation_register": "citizen",
    "account_logout": "citizen",
    "account_reauthenticate": "citizen",
    "account_email": "citizen",
    "account_change_password": "citizen",
    "mfa_index": "citizen",
    "notifications_preferences": "citizen",
    "proposal_write": "citizen",
    "proposal_edit": "citizen",
    "proposal_compare": "citizen",
    "proposal_preview": "citizen",
    "mfa_reauthenticate": "moderator",
    "staff_hearing_list": "commissioner",
    "staff_hearing_create": "commissioner",
    "staff_hearing_edit": "commissioner",
    "staff_hearing_registrations": "commissioner",
    "staff_person": "moderator",
    "consultation_list": "anonymous",
    "participation": "citizen",
    "staff_consultation_list": "admin",
    "staff_consultation_create": "admin",
    "staff_consultation": "admin",
    "staff_answer_template_list": "admin",
    "staff_answer_template_create": "admin",
    "staff_answer_template_edit": "admin",
    "staff_obligation_list": "admin",
    "staff_obligation_create": "admin",
    "staff_obligation_edit": "admin",
    "staff_topic_list": "admin",
    "staff_topic_create": "admin",
    "staff_topic_edit": "admin",
    "staff_article_match_edit": "admin",
    "staff_responsible_body_list": "commissioner",
    "staff_responsible_body_create": "commissioner",
    "staff_responsible_body_edit": "commissioner",
    "staff_site_switches": "admin",
    "staff_roles": "admin",
    "organisation_members": "admin",
    "socialaccount_connections": "citizen",
    "socialaccount_login_cancelled": "anonymous",
}


def test_every_html_page_type_is_checked_somewhere():
    html_pages = {
        name for name, row in GET.items() if "200" in row.split() and not name.startswith("api-v1:")
    } - NOT_PAGES
    assert html_pages - COVERED_ELSEWHERE - set(PAGES) == set()
    assert set(PAGES) & COVERED_ELSEWHERE == set()


@pytest.fixture
def bypass_csp():
    return True


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["ru"])  # the other modules cover each language; this keeps CI short
def test_no_wcag_violations_on_every_other_page_type(
    page, live_server, citizen, other_citizen, moderator, commissioner, admin_user, language
):
    from django.conf import settings

    world = build_world(citizen=citizen, other_citizen=other_citizen)
    users = {
        "anonymous": None,
        "citizen": citizen,
        "moderator": moderator,
        "commissioner": commissioner,
        "admin": admin_user,
    }
    routes = dict(url_patterns())
    failures = {}
    for role in ("anonymous", "citizen", "moderator", "commissioner", "admin"):
        page.context.clear_cookies()
        if users[role] is not None:
            if role != "citizen":
                give_totp(users[role])
            client = Client()
            client.force_login(users[role])
            cookie = client.cookies[settings.SESSION_COOKIE_NAME]
            page.context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
            )
        for name in [name for name, who in PAGES.items() if who == role]:
            path = resolve_url(name, routes[name], world, language=language)
            response = page.goto(path)
            assert response.status == 200, f"{name} {path}: {response.status}"
            violations = axe_violations(page)
            if violations:
                failures[path] = violations
    assert failures == {}
