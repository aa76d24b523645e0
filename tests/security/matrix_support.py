"""Walking the URL resolver, filling each pattern's arguments from the world, and naming what a request got."""

from django.contrib import messages
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

ROLES = ("anonymous", "citizen", "other_citizen", "moderator", "commissioner", "admin_user", "auditor")


def url_patterns(patterns=None, namespace=""):
    """(name, route) of every pattern, namespaced like reverse() wants it; i18n-prefixed ones once each."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            for name, route in url_patterns(pattern.url_patterns, inner):
                yield name, str(pattern.pattern) + route
        elif isinstance(pattern, URLPattern):
            yield namespace + (pattern.name or str(pattern.pattern)), str(pattern.pattern)


def url_kwargs(name: str, world) -> dict:
    """The arguments of URL `name`, by parameter name unless the URL names a different object."""
    specific = {
        "proposal_edit": {"pk": world.draft.pk},
        "proposal_compare": {"pk": world.draft.pk},
        "proposal_preview": {"pk": world.draft.pk},
        "proposal_submit": {"pk": world.draft.pk},
        "proposal_appeal": {"pk": world.rejected.pk},
        # A proposal awaiting an answer whose author is a citizen: any member may take it.
        "commission_assign_me": {"pk": world.published.pk},
        "moderation_case": {"pk": world.case.pk},
        "moderation_case_claim": {"pk": world.case.pk},
        "moderation_case_decide": {"pk": world.case.pk},
        "moderation_account_block": {"pk": world.case.pk},
        "staff_document_import": {"pk": world.document.pk},
        "staff_document_matches": {"pk": world.document.pk},
        "staff_version_publish": {"pk": world.version.pk},
        "staff_version_discard": {"pk": world.version.pk},
        "staff_answer_template_edit": {"pk": world.answer_template.pk},
        "staff_obligation_edit": {"pk": world.obligation.pk},
        "staff_topic_edit": {"pk": world.topic.pk},
        "staff_responsible_body_edit": {"pk": world.body.pk},
        "staff_article_match_confirm": {"pk": world.article.pk},
        "staff_article_match_edit": {"pk": world.article.pk},
        "attachment_download": {"pk": world.attachment.pk},
        "staff_agenda_item_delete": {"pk": world.agenda_item.pk},
        "staff_speaker_request_decide": {"pk": world.speaker_request.pk},
        "staff_organisation_verify": {"pk": world.organisation.pk},
        "staff_organisation_refuse": {"pk": world.organisation.pk},
        "organisation_member_update": {"slug": world.organisation.slug, "pk": world.membership.pk},
        "organisation_edit": {"slug": world.organisation.slug},
        "organisation_member_remove": {"slug": world.organisation.slug, "pk": world.membership.pk},
        "organisation_invitation_withdraw": {"slug": world.organisation.slug, "pk": world.invitation.pk},
        "organisation_invitation": {"token": "not-a-token"},
        "staff_person": {"pk": world.published.author_id},
        "staff_person_reveal": {"pk": world.published.author_id},
        "staff_person_unblock": {"pk": world.published.author_id},
        "staff_role_revoke": {"pk": world.published.author_id, "role": "moderator"},
        "account_data_export_download": {"token": "not-a-token"},
        "account_api_token_revoke": {"pk": world.token.pk},
        "notifications_unsubscribe": {"token": world.unsubscribe},
        "notifications_open": {"pk": world.notification.pk},
        "hearing_cancel_link": {"token": world.cancel},
        "target_follow": {"kind": "article", "pk": world.identity.pk},
        "commitment_detail": {"slug": world.consultation.slug, "pk": world.commitment.pk},
        "commitment_follow": {"pk": world.commitment.pk},
        "body_follow": {"pk": world.body.pk},
        "staff_commitment": {"pk": world.commitment.pk},
        "staff_commitment_update_post": {"pk": world.commitment.pk},
        "staff_commitment_update_approve": {"pk": world.pending_update.pk},
        "staff_commitment_update_decline": {"pk": world.pending_update.pk},
        "api-v1:get_commitment": {"commitment_id": world.commitment.pk},
        "account_confirm_email": {"key": "not-a-key"},
        "account_reset_password_from_key": {"uidb36": "1", "key": "not-a-key"},
        "openid_connect_login": {"provider_id": "national"},
        "sitemap_section": {"section": "proposals"},
        "openid_connect_callback": {"provider_id": "national"},
        "version_akn": {
            "slug": "reform",
            "document": world.document.slug,
            "position": world.version.position,
        },
    }
    if name in specific:
        return specific[name]
    if name.startswith("staff_consultation"):
        return {"pk": world.consultation.pk}
    if name.startswith(("hearing", "staff_hearing", "staff_agenda_item_add", "api-v1:get_hearing")):
        return {"pk": world.hearing.pk, "hearing_id": world.hearing.pk}
    return {
        "pk": world.published.pk,
        "proposal_id": world.published.pk,
        "comment_pk": world.comment.pk,
        "slug": world.organisation.slug
        if name in ("organisation_detail", "organisation_leave", "organisation_members")
        else world.consultation.slug,
        "document": world.document.slug,
        "document_id": world.document.pk,
        "version_id": world.version.pk,
        "key": world.identity.key,
    }


# Patterns without a name, by their route.
UNNAMED = {
    "^api/v1/": "/api/v1/no-such-endpoint",
    # allauth's old addresses of its third-party pages, kept as redirects to the new ones.
    "social/login/cancelled/": "/en/accounts/social/login/cancelled/",
    "social/login/error/": "/en/accounts/social/login/error/",
    "social/signup/": "/en/accounts/social/signup/",
    "social/connections/": "/en/accounts/social/connections/",
}


def resolve_url(name: str, route: str, world, language: str = "en", override: dict | None = None) -> str:
    """A URL in `language` for `name` with its arguments (those in `override` instead of the world's); admin
    object URLs use a placeholder id."""
    import re

    if name in UNNAMED:
        return UNNAMED[name]
    if name.startswith("admin:") and "<" in name:
        return f"/{language}/admin/auth/group/1/"  # the admin's unnamed redirect to an object's change page
    wanted = set(re.findall(r"<(?:\w+:)?(\w+)>", route)) | set(re.findall(r"\(\?P<(\w+)>", route))
    if name.startswith("admin:"):
        values = {"app_label": "proposals", "object_id": "1", "id": "1", "content_type_id": "1", "url": "x"}
    else:
        values = url_kwargs(name, world)
    values = {**values, **(override or {})}
    with translation.override(language):
        return reverse(name, kwargs={key: values[key] for key in wanted})


def outcome(response) -> str:
    """What a request got, in the matrix's words."""
    status = response.status_code
    if status in (301, 302, 303):
        location = response["Location"]
        if "/accounts/login/" in location:
            return "login"
        if "/2fa/" in location:
            return "mfa"
        # Only the messages this request added: earlier ones wait in the session until a page shows them.
        added = messages.get_messages(response.wsgi_request)._queued_messages
        if any(m.level == messages.ERROR for m in added):
            return "refused"  # sent back with the reason, nothing changed
        return "redirect"
    if status in (403, 404):
        return "deny"
    return str(status)
