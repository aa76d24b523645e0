"""Access matrix: every URL pattern of the project × anonymous, citizen (owner), other citizen, moderator,
Commission member, admin and auditor.

The auditor reads the staff pages of record (the staff area's front page, the audit log and its export, the
moderation queue and cases, the Commission's queue and work pages, staff roles, a person's page) and is
answered everywhere else, and on every POST, as a citizen who owns nothing.

GET is asked of every pattern; POST of every state-changing one, the refused roles first so that a refusal is
seen on the untouched object. A URL pattern without a row fails `test_every_url_pattern_has_a_row`.

Words: "200" and other numbers are status codes; "login": sent to log in; "deny": 403 or 404; "refused": sent
back with an error message and nothing changed; "redirect": done (or shown elsewhere).

One more role, staff without a second factor (a moderator, a Commission member, an admin and an auditor whose
session has not passed TOTP, or passed it with an authenticator removed since, under PORTAL_STAFF_MFA=required),
holds no staff power anywhere: every pattern answers them as it answers a citizen who owns nothing, except staff
pages, which send them to set up the second factor.

Seen to fail once against a broken variant: with the permission check of `portal/core/views/audit.py` disabled,
`staff_audit_log` answered `login 200 200 200 200 200` instead of `login deny deny deny deny 200` (both
languages). An empty POST cannot show an owner check (the empty form is refused first): the owner checks of
comments and proposals are covered with real data in tests/proposals.
"""

import pytest
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.test import Client
from django.utils import translation

from portal.accounts import services as account_services
from portal.core.models import AuditEntry
from portal.core.roles import Role
from tests.conftest import give_totp
from tests.factories import UserFactory
from tests.security.matrix_support import ROLES, outcome, resolve_url, url_patterns
from tests.security.world import build_world

pytestmark = pytest.mark.django_db

# name: "anonymous citizen other_citizen moderator commissioner admin_user auditor"
GET = {
    "healthz": "200 200 200 200 200 200 200",
    "healthz_workers": "200 200 200 200 200 200 200",
    "livez": "200 200 200 200 200 200 200",
    "api-v1:openapi-json": "200 200 200 200 200 200 200",
    "api-v1:list_proposals": "200 200 200 200 200 200 200",
    "api-v1:create_proposal": "200 200 200 200 200 200 200",
    "api-v1:get_proposal": "200 200 200 200 200 200 200",
    "api-v1:support": "405 405 405 405 405 405 405",
    "api-v1:withdraw_support": "405 405 405 405 405 405 405",
    "api-v1:list_hearings": "200 200 200 200 200 200 200",
    "api-v1:get_hearing": "200 200 200 200 200 200 200",
    "api-v1:stats": "200 200 200 200 200 200 200",
    "api-v1:list_topics": "200 200 200 200 200 200 200",
    "api-v1:list_consultations": "200 200 200 200 200 200 200",
    "api-v1:get_consultation": "200 200 200 200 200 200 200",
    "api-v1:get_document": "200 200 200 200 200 200 200",
    "api-v1:list_versions": "200 200 200 200 200 200 200",
    "api-v1:list_articles": "200 200 200 200 200 200 200",
    "api-v1:get_article": "200 200 200 200 200 200 200",
    "api-v1:diff_summary": "422 422 422 422 422 422 422",
    "api-v1:api-root": "deny deny deny deny deny deny deny",
    "^api/v1/": "deny deny deny deny deny deny deny",
    "hearings_ics": "200 200 200 200 200 200 200",
    "open_data_csv": "200 200 200 200 200 200 200",
    "open_data_json": "200 200 200 200 200 200 200",
    "open_data_commitments_csv": "200 200 200 200 200 200 200",
    "open_data_commitments_json": "200 200 200 200 200 200 200",
    "open_data_updates_csv": "200 200 200 200 200 200 200",
    "open_data_updates_json": "200 200 200 200 200 200 200",
    "open_data_moderation_csv": "200 200 200 200 200 200 200",
    "open_data_moderation_json": "200 200 200 200 200 200 200",
    "open_data_moderation_statements_csv": "200 200 200 200 200 200 200",
    "open_data_moderation_statements_json": "200 200 200 200 200 200 200",
    "api-v1:list_commitments": "200 200 200 200 200 200 200",
    "api-v1:get_commitment": "200 200 200 200 200 200 200",
    "implementation_tracker": "200 200 200 200 200 200 200",
    "implementation_overdue": "200 200 200 200 200 200 200",
    "commitment_detail": "200 200 200 200 200 200 200",
    "commitment_follow": "login 405 405 405 405 405 405",
    "body_follow": "login 405 405 405 405 405 405",
    "staff_implementation": "login deny deny deny 200 200 deny",
    "staff_commitment_create": "login deny deny deny 200 200 deny",
    "staff_commitment": "login deny deny deny 200 200 deny",
    "staff_commitment_update_post": "login 405 405 405 405 405 405",
    "staff_commitment_update_approve": "login 405 405 405 405 405 405",
    "staff_commitment_update_decline": "login 405 405 405 405 405 405",
    "open_data_datapackage": "200 200 200 200 200 200 200",
    "robots_txt": "200 200 200 200 200 200 200",
    "security_txt": "200 200 200 200 200 200 200",
    "sitemap": "200 200 200 200 200 200 200",
    "sitemap_section": "200 200 200 200 200 200 200",
    "feed_answers": "200 200 200 200 200 200 200",
    "feed_implementation": "200 200 200 200 200 200 200",
    "feed_hearings": "200 200 200 200 200 200 200",
    "consultation_feed_answers": "200 200 200 200 200 200 200",
    "consultation_feed_implementation": "200 200 200 200 200 200 200",
    "favicon": "redirect redirect redirect redirect redirect redirect redirect",
    "open_data": "200 200 200 200 200 200 200",
    "account_profile": "login 200 200 200 200 200 200",
    "account_identity": "login 200 200 200 200 200 200",
    "account_identity_signature": "login 405 405 405 405 405 405",
    # National sign-in verifies signed-in accounts only; allauth's third-party account pages come with it.
    "openid_connect_login": "deny deny deny deny deny deny deny",
    "openid_connect_callback": "deny deny deny deny deny deny deny",
    "socialaccount_login_cancelled": "200 200 200 200 200 200 200",
    "socialaccount_login_error": "401 401 401 401 401 401 401",
    "socialaccount_signup": "login login login login login login login",
    "socialaccount_connections": "login 200 200 200 200 200 200",
    "social/login/cancelled/": "redirect redirect redirect redirect redirect redirect redirect",
    "social/login/error/": "redirect redirect redirect redirect redirect redirect redirect",
    "social/signup/": "redirect redirect redirect redirect redirect redirect redirect",
    "social/connections/": "redirect redirect redirect redirect redirect redirect redirect",
    "account_api_tokens": "login 200 200 200 200 200 200",
    "account_api_token_revoke": "login 405 405 405 405 405 405",
    "organisation_register": "login 200 200 200 200 200 200",
    "organisation_detail": "200 200 200 200 200 200 200",
    "organisation_leave": "login 405 405 405 405 405 405",
    # The world's organisation has `citizen` as a plain member: only an admin manages its members.
    "organisation_members": "login deny deny deny deny 200 deny",
    "organisation_member_update": "login 405 405 405 405 405 405",
    "organisation_edit": "login 405 405 405 405 405 405",
    "organisation_member_remove": "login 405 405 405 405 405 405",
    "organisation_invitation_withdraw": "login 405 405 405 405 405 405",
    # A link the portal did not sign names no invitation, for everyone alike.
    "organisation_invitation": "deny deny deny deny deny deny deny",
    "account_login": "200 redirect redirect redirect redirect redirect redirect",
    "account_logout": "redirect 200 200 200 200 200 200",
    "account_inactive": "200 200 200 200 200 200 200",
    "account_signup": "200 redirect redirect redirect redirect redirect redirect",
    "account_reauthenticate": "login 200 200 200 200 200 200",
    "account_email": "login 200 200 200 200 200 200",
    "account_email_verification_sent": "200 200 200 200 200 200 200",
    "account_change_password": "login 200 200 200 200 200 200",
    "account_set_password": "login redirect redirect redirect redirect redirect redirect",
    "account_reset_password": "200 200 200 200 200 200 200",
    "account_confirm_login_code": "login redirect redirect redirect redirect redirect redirect",
    "account_confirm_email": "200 200 200 200 200 200 200",
    "account_reset_password_from_key_done": "200 200 200 200 200 200 200",
    "account_reset_password_from_key": "200 200 200 200 200 200 200",
    "account_reset_password_done": "200 200 200 200 200 200 200",
    "mfa_index": "login 200 200 200 200 200 200",
    "mfa_authenticate": "login redirect redirect redirect redirect redirect redirect",
    "mfa_reauthenticate": "login redirect redirect 200 200 200 200",
    "mfa_activate_totp": "login redirect redirect redirect redirect redirect redirect",
    "mfa_deactivate_totp": "login deny deny redirect redirect redirect redirect",
    "mfa_view_recovery_codes": "login deny deny deny deny deny deny",
    "mfa_generate_recovery_codes": "login redirect redirect redirect redirect redirect redirect",
    "mfa_download_recovery_codes": "login deny deny deny deny deny deny",
    "notifications_centre": "login 200 200 200 200 200 200",
    "notifications_mark_read": "login 405 405 405 405 405 405",
    "notifications_open": "login redirect deny deny deny deny deny",
    "notifications_preferences": "login 200 200 200 200 200 200",
    "notifications_unsubscribe": "200 200 200 200 200 200 200",
    "staff_dashboard": "login deny deny 200 200 200 200",
    "staff_audit_log": "login deny deny deny deny 200 200",
    "staff_audit_log_csv": "login deny deny deny deny 200 200",
    "privacy_notice": "200 200 200 200 200 200 200",
    "account_privacy": "login 200 200 200 200 200 200",
    "account_privacy_consent": "login redirect redirect redirect redirect redirect redirect",
    "account_data_export": "login 405 405 405 405 405 405",
    "account_data_export_status": "login deny deny deny deny deny deny",
    "account_data_export_download": "login 405 405 405 405 405 405",
    "account_delete": "login 405 405 405 405 405 405",
    "staff_person": "login deny deny 200 200 200 200",
    "staff_person_reveal": "login 405 405 405 405 405 405",
    "staff_person_verify": "login 405 405 405 405 405 405",
    "staff_organisation_verify": "login 405 405 405 405 405 405",
    "staff_organisation_refuse": "login 405 405 405 405 405 405",
    # The Django admin is for superusers only: an Administrator works from the staff area.
    "admin:index": "redirect redirect redirect redirect redirect redirect redirect",
    "home": "200 200 200 200 200 200 200",
    "consultation_list": "200 200 200 200 200 200 200",
    "consultation_detail": "200 200 200 200 200 200 200",
    "consultation_outcome": "200 200 200 200 200 200 200",
    "consultation_outcome_report_pdf": "deny deny deny deny deny 202 deny",
    "consultation_outcome_report_docx": "deny deny deny deny deny 202 deny",
    "consultation_overdue": "200 200 200 200 200 200 200",
    "document_detail": "200 200 200 200 200 200 200",
    "document_compare": "200 200 200 200 200 200 200",
    "version_akn": "200 200 200 200 200 200 200",
    "article_detail": "200 200 200 200 200 200 200",
    "participation": "login 200 200 200 200 200 200",
    "proposal_list": "200 200 200 200 200 200 200",
    "proposal_write": "login 200 200 200 200 200 200",
    "proposal_detail": "200 200 200 200 200 200 200",
    "proposal_edit": "login 200 deny deny deny deny deny",
    "proposal_compare": "login 200 deny deny deny deny deny",
    "proposal_preview": "login 200 deny deny deny deny deny",
    "proposal_submit": "login 405 405 405 405 405 405",
    "proposal_withdraw": "login 405 405 405 405 405 405",
    "support": "login 405 405 405 405 405 405",
    "support_withdraw": "login 405 405 405 405 405 405",
    "proposal_follow": "login 405 405 405 405 405 405",
    "comment_create": "login 405 405 405 405 405 405",
    "comment_edit": "login 405 405 405 405 405 405",
    "comment_delete": "login 405 405 405 405 405 405",
    "comment_like": "login 405 405 405 405 405 405",
    "comment_report": "login 405 405 405 405 405 405",
    "comment_appeal": "login 405 405 405 405 405 405",
    "proposal_report": "login 405 405 405 405 405 405",
    "target_follow": "login 405 405 405 405 405 405",
    "proposal_appeal": "login 405 405 405 405 405 405",
    "moderation_queue": "login deny deny 200 deny 200 200",
    "moderation_case": "login deny deny 200 deny 200 200",
    "moderation_case_claim": "login 405 405 405 405 405 405",
    "moderation_case_decide": "login 405 405 405 405 405 405",
    "moderation_account_block": "login 405 405 405 405 405 405",
    "moderation_case_bulk": "login 405 405 405 405 405 405",
    "moderation_content_act": "login 405 405 405 405 405 405",
    "moderation_transparency": "200 200 200 200 200 200 200",
    "staff_consultation_list": "login deny deny deny deny 200 deny",
    "staff_consultation_create": "login deny deny deny deny 200 deny",
    "staff_consultation": "login deny deny deny deny 200 deny",
    "staff_consultation_document_create": "login 405 405 405 405 405 405",
    "staff_consultation_publish": "login 405 405 405 405 405 405",
    "staff_consultation_intake_open": "login 405 405 405 405 405 405",
    "staff_consultation_intake_close": "login 405 405 405 405 405 405",
    "staff_consultation_outcome_publish": "login 405 405 405 405 405 405",
    "staff_consultation_archive": "login 405 405 405 405 405 405",
    "staff_document_import": "login deny deny deny deny 200 deny",
    "staff_document_matches": "login deny deny deny deny 200 deny",
    "staff_article_match_edit": "login deny deny deny deny 200 deny",
    "staff_version_publish": "login 405 405 405 405 405 405",
    "staff_version_discard": "login 405 405 405 405 405 405",
    "staff_answer_template_list": "login deny deny deny deny 200 deny",
    "staff_answer_template_create": "login deny deny deny deny 200 deny",
    "staff_answer_template_edit": "login deny deny deny deny 200 deny",
    "staff_obligation_list": "login deny deny deny deny 200 deny",
    "staff_obligation_create": "login deny deny deny deny 200 deny",
    "staff_obligation_edit": "login deny deny deny deny 200 deny",
    "staff_topic_list": "login deny deny deny deny 200 deny",
    "staff_topic_create": "login deny deny deny deny 200 deny",
    "staff_topic_edit": "login deny deny deny deny 200 deny",
    "staff_responsible_body_list": "login deny deny deny 200 200 deny",
    "staff_responsible_body_create": "login deny deny deny 200 200 deny",
    "staff_responsible_body_edit": "login deny deny deny 200 200 deny",
    "staff_site_switches": "login deny deny deny deny 200 deny",
    "staff_roles": "login deny deny deny deny 200 200",
    "staff_role_revoke": "login 405 405 405 405 405 405",
    "staff_person_unblock": "login 405 405 405 405 405 405",
    "staff_article_match_confirm": "login 405 405 405 405 405 405",
    "commission_queue": "login deny deny deny 200 200 200",
    "commission_work": "login deny deny deny 200 200 200",
    "commission_assign": "login 405 405 405 405 405 405",
    "commission_assign_me": "login 405 405 405 405 405 405",
    "commission_assign_bulk": "login 405 405 405 405 405 405",
    "commission_note_add": "login 405 405 405 405 405 405",
    "commission_response_save": "login 405 405 405 405 405 405",
    "commission_response_submit": "login 405 405 405 405 405 405",
    "commission_response_recall": "login 405 405 405 405 405 405",
    "commission_response_approve": "login 405 405 405 405 405 405",
    "commission_response_return": "login 405 405 405 405 405 405",
    "commission_response_correct": "login 405 405 405 405 405 405",
    "attachment_download": "200 200 200 200 200 200 200",
    "hearing_list": "200 200 200 200 200 200 200",
    "hearing_detail": "200 200 200 200 200 200 200",
    "hearing_ics": "200 200 200 200 200 200 200",
    "hearing_register": "login 405 405 405 405 405 405",
    "hearing_unregister": "login 405 405 405 405 405 405",
    "hearing_speaker_request": "login 405 405 405 405 405 405",
    "hearing_cancel_link": "200 200 200 200 200 200 200",
    "staff_hearing_list": "login deny deny deny 200 200 deny",
    "staff_hearing_create": "login deny deny deny 200 200 deny",
    "staff_hearing_edit": "login deny deny deny 200 200 deny",
    "staff_agenda_item_add": "login 405 405 405 405 405 405",
    "staff_hearing_status": "login 405 405 405 405 405 405",
    "staff_hearing_outcome": "login 405 405 405 405 405 405",
    "staff_hearing_registrations": "login deny deny deny 200 200 deny",
    "staff_agenda_item_delete": "login 405 405 405 405 405 405",
    "staff_speaker_request_decide": "login 405 405 405 405 405 405",
}

# State-changing URLs, POST with an empty form.
POST = {
    "account_identity_signature": "login deny deny deny deny deny deny",
    "api-v1:support": "401 401 401 401 401 401 401",
    "api-v1:withdraw_support": "401 401 401 401 401 401 401",
    "account_api_token_revoke": "login redirect deny deny deny deny deny",
    "organisation_leave": "login redirect deny deny deny deny deny",
    "organisation_members": "login deny deny deny deny 400 deny",
    "organisation_member_update": "login deny deny deny deny refused deny",
    "organisation_edit": "login deny deny deny deny refused deny",
    # The member is not the admin, nor the only representative (it has none): removed.
    "organisation_member_remove": "login deny deny deny deny redirect deny",
    # The world's invitation waits for an answer: withdrawn.
    "organisation_invitation_withdraw": "login deny deny deny deny redirect deny",
    "organisation_invitation": "deny deny deny deny deny deny deny",
    "notifications_mark_read": "login redirect redirect redirect redirect redirect redirect",
    "staff_person_verify": "login deny deny deny deny refused deny",
    "account_data_export": "login redirect redirect redirect redirect redirect redirect",
    "account_data_export_download": "login deny deny deny deny deny deny",
    "account_delete": "login refused refused refused refused refused refused",
    "staff_person_reveal": "login deny deny deny deny 400 deny",
    "staff_organisation_verify": "login deny deny deny deny redirect deny",
    "staff_organisation_refuse": "login deny deny deny deny refused deny",
    "proposal_submit": "login redirect deny deny deny deny deny",
    "proposal_withdraw": "login refused deny deny deny deny deny",
    "support": "login refused refused refused refused refused refused",
    "support_withdraw": "login redirect redirect redirect redirect redirect redirect",
    "proposal_follow": "login redirect redirect redirect redirect redirect redirect",
    "comment_create": "login refused refused refused refused refused refused",
    "comment_edit": "login refused refused refused refused refused refused",
    "comment_delete": "login redirect refused refused refused refused refused",
    # The comment was deleted by its author just above: liking or reporting it is not found.
    "comment_like": "login deny deny deny deny deny deny",
    "comment_report": "login deny deny deny deny deny deny",
    "comment_appeal": "login refused deny deny deny deny deny",
    "proposal_report": "login refused refused refused refused refused refused",
    "target_follow": "login redirect redirect redirect redirect redirect redirect",
    "proposal_appeal": "login refused deny deny deny deny deny",
    "moderation_case_claim": "login deny deny redirect deny refused deny",
    "moderation_case_decide": "login deny deny 400 deny 400 deny",
    "moderation_account_block": "login deny deny 400 deny 400 deny",
    "moderation_case_bulk": "login deny deny refused deny refused deny",
    # The form is shown again on a page of its own, with what is missing (400).
    "moderation_content_act": "login deny deny 400 deny 400 deny",
    # The world's version is published: its articles keep their identities, publishing again and discarding
    # are refused with the reason.
    "staff_article_match_confirm": "login deny deny deny deny refused deny",
    # An empty form names the missing choice and reason beside its fields (400).
    "staff_article_match_edit": "login deny deny deny deny 400 deny",
    "staff_version_publish": "login deny deny deny deny refused deny",
    "staff_version_discard": "login deny deny deny deny refused deny",
    "staff_answer_template_create": "login deny deny deny deny 400 deny",
    "staff_answer_template_edit": "login deny deny deny deny 400 deny",
    "staff_obligation_create": "login deny deny deny deny 400 deny",
    "staff_obligation_edit": "login deny deny deny deny 400 deny",
    "staff_topic_create": "login deny deny deny deny 400 deny",
    "staff_topic_edit": "login deny deny deny deny 400 deny",
    "staff_responsible_body_create": "login deny deny deny 400 400 deny",
    "staff_responsible_body_edit": "login deny deny deny 400 400 deny",
    # An empty form sets every switch off and the banner empty: a valid choice.
    "staff_site_switches": "login deny deny deny deny redirect deny",
    "staff_roles": "login deny deny deny deny 400 deny",
    # The author holds no staff role and no block: revoking is a harmless no-op, lifting is refused.
    "staff_role_revoke": "login deny deny deny deny redirect deny",
    "staff_person_unblock": "login deny deny refused deny refused deny",
    "staff_consultation_document_create": "login deny deny deny deny 400 deny",
    "staff_consultation_publish": "login deny deny deny deny refused deny",
    # The reason stays beside the form on the page (400), with what was typed.
    "staff_consultation_intake_open": "login deny deny deny deny 400 deny",
    "staff_consultation_intake_close": "login deny deny deny deny redirect deny",
    "staff_consultation_outcome_publish": "login deny deny deny deny 400 deny",
    # Archiving cannot be undone: without the ticked confirmation the page asks for it (400).
    "staff_consultation_archive": "login deny deny deny deny 400 deny",
    "commission_assign": "login deny deny deny refused refused deny",
    # The world's published proposal is not a member's own: each member takes it in turn.
    "commission_assign_me": "login deny deny deny redirect redirect deny",
    # Nothing selected: refused with the reason, back on the queue.
    "commission_assign_bulk": "login deny deny deny refused refused deny",
    "commission_note_add": "login deny deny deny 400 400 deny",
    "commission_response_save": "login deny deny deny 400 400 deny",
    "commission_response_submit": "login deny deny deny deny deny deny",
    "commission_response_recall": "login deny deny deny deny deny deny",
    "commission_response_approve": "login deny deny deny deny deny deny",
    "commission_response_return": "login deny deny deny deny deny deny",
    "commission_response_correct": "login deny deny deny deny deny deny",
    "hearing_register": "login redirect redirect redirect redirect redirect redirect",
    "hearing_unregister": "login redirect redirect redirect redirect redirect redirect",
    "hearing_speaker_request": "login refused refused refused refused refused refused",
    # An empty agenda item or status change stays beside its form on the hearing's page (400), as does the
    # record of the world's hearing, which has not taken place yet.
    "staff_agenda_item_add": "login deny deny deny 400 400 deny",
    "staff_hearing_status": "login deny deny deny 400 400 deny",
    "staff_hearing_outcome": "login deny deny deny 400 400 deny",
    "staff_agenda_item_delete": "login deny deny deny redirect deny deny",
    "staff_speaker_request_decide": "login deny deny deny redirect redirect deny",
    "commitment_follow": "login redirect redirect redirect redirect redirect redirect",
    "body_follow": "login redirect redirect redirect redirect redirect redirect",
    # An empty update is refused with the form; the first member approves the pending "done", after which
    # there is nothing left to approve.
    "staff_commitment_update_post": "login deny deny deny 400 400 deny",
    "staff_commitment_update_approve": "login deny deny deny redirect refused deny",
    "staff_commitment_update_decline": "login deny deny deny refused refused deny",
}
# The order POSTs are made in: refusals before anything the allowed roles change.
POST_ORDER = ("anonymous", "auditor", "other_citizen", "citizen", "commissioner", "moderator", "admin_user")


@pytest.fixture
def clients(citizen, other_citizen, moderator, commissioner, admin_user, auditor):
    """A logged-in client per role; staff have the second factor staff pages ask for."""
    users = {
        "citizen": citizen,
        "other_citizen": other_citizen,
        "moderator": moderator,
        "commissioner": commissioner,
        "admin_user": admin_user,
        "auditor": auditor,
    }
    clients = {"anonymous": Client()}
    for role, user in users.items():
        if role in ("moderator", "commissioner", "admin_user", "auditor"):
            give_totp(user)
        clients[role] = Client()
        clients[role].force_login(user)
    return clients


@pytest.fixture
def world(citizen, other_citizen):
    return build_world(citizen=citizen, other_citizen=other_citizen)


def _project_patterns():
    """Every pattern except the Django admin's, which one rule covers (test_admin_site_is_for_superusers_only)."""
    return {name: route for name, route in url_patterns() if not name.startswith("admin:")} | {
        "admin:index": "admin/"
    }


def test_every_url_pattern_has_a_row():
    patterns = set(_project_patterns())
    assert patterns - set(GET) == set(), "new URL patterns need a row in the access matrix"
    assert set(GET) - patterns == set(), "rows for URL patterns that no longer exist"
    assert set(POST) <= set(GET)
    state_changing = {name for name, row in GET.items() if "405" in row.split()}
    assert state_changing - set(POST) == set(), "POST-only URL patterns need a POST row"


@pytest.mark.parametrize("language", ["en", "kk"])
def test_get_answers_each_role_as_the_matrix_says(clients, world, language):
    routes = _project_patterns()
    wrong = []
    with translation.override(language):
        for name, expected in GET.items():
            url = resolve_url(name, routes[name], world, language=language)
            got = " ".join(outcome(clients[role].get(url)) for role in ROLES)
            if got != expected:
                wrong.append(f"{name} {url}: expected {expected!r}, got {got!r}")
    assert wrong == [], "\n".join(wrong)


def test_post_answers_each_role_as_the_matrix_says(clients, world):
    routes = _project_patterns()
    wrong = []
    for name, expected in POST.items():
        url = resolve_url(name, routes[name], world)
        got = {role: outcome(clients[role].post(url, {})) for role in POST_ORDER}
        got = " ".join(got[role] for role in ROLES)
        if got != expected:
            wrong.append(f"{name} {url}: expected {expected!r}, got {got!r}")
    assert wrong == [], "\n".join(wrong)


def test_admin_site_is_for_superusers_only(clients, world):
    """Every page of the Django admin sends everyone but superusers to log in, Administrators included (they
    do everything from the staff area); a superuser with a second factor gets in."""
    superuser = UserFactory(is_superuser=True, is_staff=True)
    give_totp(superuser)
    clients = {**clients, "superuser": Client()}
    clients["superuser"].force_login(superuser)
    wrong = []
    for name, route in url_patterns():
        if not name.startswith("admin:") or name in ("admin:login", "admin:logout", "admin:jsi18n"):
            continue
        url = resolve_url(name, route, world)
        for role in (*ROLES, "superuser"):
            response = clients[role].get(url)
            refused = response.status_code == 302 and "/login/" in response["Location"]
            if refused != (role != "superuser") or response.status_code >= 500:
                wrong.append(f"{name} {url} {role}: {response.status_code}")
    assert wrong == [], "\n".join(wrong)


def _is_staff_path(url: str) -> bool:
    path = url.split("/", 2)[2] if url.count("/") >= 2 else url
    return ("/" + path).startswith(tuple(settings.PORTAL_STAFF_PATHS))


@pytest.fixture
def staff_without_second_factor(db):
    """Staff whose sessions hold no second factor, one client per role and way: none was ever set up, or the
    session passed one whose authenticator was removed since (turned off, or a lost phone reset). The second
    way for the administrator, whose roles cover the moderator's and the Commission's powers, and the auditor."""
    ways = {role: ["never set up"] for role in Role}
    for role in (Role.ADMIN, Role.AUDITOR):
        ways[role].append("removed after passing it")
    clients = {}
    for role in Role:
        for way in ways[role]:
            user = UserFactory()
            account_services.user_grant_role(user=user, role=role, granted_by=None)
            if way != "never set up":
                give_totp(user)
            clients[f"{role} ({way})"] = Client()
            clients[f"{role} ({way})"].force_login(user)
            Authenticator.objects.filter(user=user).delete()
    return clients


def test_staff_without_a_second_factor_hold_no_staff_power_anywhere(
    staff_without_second_factor, other_citizen, world, settings
):
    """GET and POST of every pattern: as a citizen who owns nothing, or sent to set up the second factor."""
    settings.PORTAL_STAFF_MFA = "required"
    citizen_client = Client()
    citizen_client.force_login(other_citizen)
    routes = _project_patterns()
    wrong = []
    for method, names in (("get", GET), ("post", POST)):
        for name in names:
            url = resolve_url(name, routes[name], world)
            expected = "mfa" if _is_staff_path(url) else outcome(getattr(citizen_client, method)(url, {}))
            for role, client in staff_without_second_factor.items():
                got = outcome(getattr(client, method)(url, {}))
                if got != expected:
                    wrong.append(f"{method.upper()} {name} {url} {role}: expected {expected!r}, got {got!r}")
    assert wrong == [], "\n".join(wrong)


# The staff area as documented (CONTRACT: PORTAL_STAFF_MFA), written out rather than read from the settings.
STAFF_AREA = ("staff/", "admin/", "moderation/", "commission/")


@pytest.mark.parametrize("language", ["en", "kk"])
def test_every_staff_page_sends_staff_without_a_second_factor_to_set_one_up(
    moderator, commissioner, admin_user, auditor, world, language, settings
):
    """The matrix's staff have a second factor; here every staff route, read and write, is asked by staff
    without one, so that a page left out of the gate shows."""
    settings.PORTAL_STAFF_MFA = "required"
    routes = {
        name: route
        for name, route in _project_patterns().items()
        if route.removeprefix(f"{translation.get_language()}/").startswith(STAFF_AREA)
    }
    assert {"staff_dashboard", "moderation_queue", "commission_queue", "admin:index"} <= set(routes)
    wrong = []
    for user in (moderator, commissioner, admin_user, auditor):
        client = Client()
        client.force_login(user)
        for name, route in routes.items():
            url = resolve_url(name, route, world, language=language)
            for method in (client.get, client.post):
                response = method(url)
                if response.status_code != 302 or "/2fa/totp/activate/" not in response["Location"]:
                    wrong.append(
                        f"{method.__name__.upper()} {url} as {user.display_name}: {response.status_code}"
                    )
    assert wrong == [], "\n".join(wrong)


def test_an_auditor_changes_nothing_through_any_staff_route(clients, world):
    """Every staff route, read pages included, walked from the resolver rather than from the matrix's rows:
    a POST by an auditor is refused (403, 404 or 405) and leaves no audit entry, the trace of every staff
    write."""
    routes = {
        name: route
        for name, route in _project_patterns().items()
        if route.removeprefix(f"{translation.get_language()}/").startswith(STAFF_AREA)
        and not name.startswith("admin:")
    }
    assert {"staff_roles", "moderation_case_decide", "commission_response_approve"} <= set(routes)
    entries = AuditEntry.objects.count()
    wrong = []
    for name, route in routes.items():
        url = resolve_url(name, route, world)
        for data in ({}, {"email": "timur@example.test", "role": "auditor", "decision": "hide"}):
            status = clients["auditor"].post(url, data).status_code
            if status not in (403, 404, 405):
                wrong.append(f"POST {name} {url}: {status}")
    assert wrong == [], "\n".join(wrong)
    assert AuditEntry.objects.count() == entries
