"""A person's share of the participation domain, for their "download my data" archive: one part per kind of
row they own, named as the archive's files are."""

from portal.core.exports import at, rows_export

from ..models import (
    Comment,
    CommentLike,
    Follow,
    HearingRegistration,
    Proposal,
    Report,
    SpeakerRequest,
    Support,
)

EXPORTS = {
    "proposals": rows_export(
        lambda user: Proposal.objects.filter(author=user),
        {
            "id": "pk",
            "title": "title",
            "summary": "summary",
            "body": "body",
            "status": "status",
            "created_at": at("created_at"),
            "supports_count": "supports_count",
        },
    ),
    "comments": rows_export(
        lambda user: Comment.objects.filter(author=user),
        {
            "id": "pk",
            "proposal": "proposal_id",
            "body": "body",
            "created_at": at("created_at"),
            "deleted": lambda comment: comment.deleted_at is not None,
        },
    ),
    "supports": rows_export(
        lambda user: Support.objects.filter(user=user),
        {"proposal": "proposal_id", "created_at": at("created_at")},
    ),
    "reports": rows_export(
        lambda user: Report.objects.filter(reporter=user),
        {
            "proposal": "proposal_id",
            "comment": "comment_id",
            "kind": "kind",
            "details": "details",
            # Kept for PRIVACY_IP_RETENTION_DAYS: a keyed fingerprint of the network, not the address.
            "network_fingerprint": lambda report: report.network or None,
        },
    ),
    "follows": rows_export(
        lambda user: Follow.objects.filter(user=user),
        {
            "proposal": "proposal_id",
            "article": "article_id",
            "topic": "topic_id",
            "created_at": at("created_at"),
        },
    ),
    "hearing_registrations": rows_export(
        lambda user: HearingRegistration.objects.filter(user=user),
        {"hearing": "hearing_id", "status": "status", "created_at": at("created_at")},
    ),
    "comment_likes": rows_export(
        lambda user: CommentLike.objects.filter(user=user),
        {"comment": "comment_id", "created_at": at("created_at")},
    ),
    "speaker_requests": rows_export(
        lambda user: SpeakerRequest.objects.filter(user=user),
        {"hearing": "hearing_id", "proposal": "proposal_id", "message": "message", "status": "status"},
    ),
}
