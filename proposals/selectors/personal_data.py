"""A person's share of the participation domain, for their "download my data" archive: one part per kind of
row they own, named as the archive's files are, with the model each part covers."""

from portal.core.exports import at, rows_export
from portal.core.registries import PersonalDataPart

from .. import models


def _owned(name: str, model, owner: str, columns: dict) -> PersonalDataPart:
    """The part exporting the rows of `model` whose `owner` field is the person, in id order."""
    return PersonalDataPart(
        name=name,
        models=(model,),
        export=rows_export(lambda user: model.objects.filter(**{owner: user}), columns),
    )


PARTS = [
    _owned(
        "proposals",
        models.Proposal,
        "author",
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
    _owned(
        "comments",
        models.Comment,
        "author",
        {
            "id": "pk",
            "proposal": "proposal_id",
            "body": "body",
            "created_at": at("created_at"),
            "deleted": lambda comment: comment.deleted_at is not None,
        },
    ),
    _owned("supports", models.Support, "user", {"proposal": "proposal_id", "created_at": at("created_at")}),
    _owned(
        "reports",
        models.Report,
        "reporter",
        {
            "proposal": "proposal_id",
            "comment": "comment_id",
            "kind": "kind",
            "details": "details",
            # Kept for PRIVACY_IP_RETENTION_DAYS: a keyed fingerprint of the network, not the address.
            "network_fingerprint": lambda report: report.network or None,
        },
    ),
    _owned(
        "follows",
        models.Follow,
        "user",
        {
            "proposal": "proposal_id",
            "article": "article_id",
            "topic": "topic_id",
            "created_at": at("created_at"),
        },
    ),
    _owned(
        "hearing_registrations",
        models.HearingRegistration,
        "user",
        {"hearing": "hearing_id", "status": "status", "created_at": at("created_at")},
    ),
    _owned(
        "comment_likes", models.CommentLike, "user", {"comment": "comment_id", "created_at": at("created_at")}
    ),
    _owned(
        "speaker_requests",
        models.SpeakerRequest,
        "user",
        {"hearing": "hearing_id", "proposal": "proposal_id", "message": "message", "status": "status"},
    ),
    _owned(
        "commitment_follows",
        models.CommitmentFollow,
        "user",
        {"commitment": "commitment_id", "responsible_body": "body_id", "created_at": at("created_at")},
    ),
]
