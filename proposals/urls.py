from django.urls import include, path

from .views import (
    actions,
    commission,
    consultation,
    feeds,
    hearing,
    home,
    implementation,
    me,
    moderation,
    outcome,
    proposal,
    staff_answer_templates,
    staff_consultations,
    staff_documents,
    staff_hearings,
    staff_implementation,
    staff_settings,
    submission,
)


def _staff_list_routes(key: str, views) -> list:
    """A list the secretariat keeps, to include under its prefix: the list, a new item at `new/` and an item
    at `<pk>/`, named `staff_<key>_list`, `_create` and `_edit` after the views `<key>_list`, `_create` and
    `_edit`."""
    return [
        path("", getattr(views, f"{key}_list"), name=f"staff_{key}_list"),
        path("new/", getattr(views, f"{key}_create"), name=f"staff_{key}_create"),
        path("<int:pk>/", getattr(views, f"{key}_edit"), name=f"staff_{key}_edit"),
    ]


def _actions(prefix: str, views, key: str, verbs: tuple[str, ...], *, name: str = "") -> list:
    """Routes of one thing that follow one naming rule: `<prefix><action>/` runs the view `<key>_<action>`
    and is named `<name>_<action>` (`name` defaults to `key`); a two-word action such as `intake/open` stands
    as `intake_open` in both. The table then says each route once instead of three times."""
    routes = []
    for action in verbs:
        suffix = action.replace("/", "_")
        routes.append(
            path(f"{prefix}{action}/", getattr(views, f"{key}_{suffix}"), name=f"{name or key}_{suffix}")
        )
    return routes


# Under consultations/<slug>/. The outcome and implementation pages come before the document pattern, which
# would take "outcome" or "implementation" for a document slug.
_consultation_routes = [
    path("", consultation.consultation_detail, name="consultation_detail"),
    path("outcome/", outcome.consultation_outcome, name="consultation_outcome"),
    path(
        "outcome/report.pdf",
        outcome.outcome_report,
        {"file_format": "pdf"},
        name="consultation_outcome_report_pdf",
    ),
    path(
        "outcome/report.docx",
        outcome.outcome_report,
        {"file_format": "docx"},
        name="consultation_outcome_report_docx",
    ),
    path("outcome/answers.atom", feeds.answers_feed, name="consultation_feed_answers"),
    path("overdue/", outcome.consultation_overdue, name="consultation_overdue"),
    path("implementation/", implementation.implementation_tracker, name="implementation_tracker"),
    path("implementation/updates.atom", feeds.implementation_feed, name="consultation_feed_implementation"),
    path("implementation/overdue/", implementation.implementation_overdue, name="implementation_overdue"),
    path("implementation/<int:pk>/", implementation.commitment_detail, name="commitment_detail"),
    path("<slug:document>/", consultation.document_detail, name="document_detail"),
    path("<slug:document>/compare/", consultation.document_compare, name="document_compare"),
    path("<slug:document>/versions/<int:position>/akn.xml", consultation.version_akn, name="version_akn"),
    path("<slug:document>/articles/<slug:key>/", consultation.article_detail, name="article_detail"),
]

# Under staff/consultations/.
_staff_consultation_routes = [
    path("", staff_consultations.consultation_staff_list, name="staff_consultation_list"),
    path("new/", staff_consultations.consultation_create, name="staff_consultation_create"),
    path("<int:pk>/", staff_consultations.consultation_edit, name="staff_consultation"),
    path(
        "<int:pk>/documents/", staff_consultations.document_create, name="staff_consultation_document_create"
    ),
    *_actions(
        "<int:pk>/",
        staff_consultations,
        "consultation",
        ("publish", "intake/open", "intake/close", "archive"),
        name="staff_consultation",
    ),
    path(
        "<int:pk>/outcome/",
        staff_consultations.consultation_outcome_publish,
        name="staff_consultation_outcome_publish",
    ),
]

# Under staff/commission/.
_commission_routes = [
    path("", commission.queue, name="commission_queue"),
    path("proposals/<int:pk>/", commission.work, name="commission_work"),
    path("assign/", commission.assign_bulk, name="commission_assign_bulk"),
    path("proposals/<int:pk>/assign/", commission.assign, name="commission_assign"),
    path("proposals/<int:pk>/assign/me/", commission.assign_me, name="commission_assign_me"),
    path("proposals/<int:pk>/notes/", commission.note_add, name="commission_note_add"),
    path("proposals/<int:pk>/response/", commission.response_save, name="commission_response_save"),
    *_actions(
        "proposals/<int:pk>/response/",
        commission,
        "response",
        ("submit", "recall", "approve", "return", "correct"),
        name="commission_response",
    ),
]

# Under staff/implementation/.
_staff_implementation_routes = [
    path("", staff_implementation.implementation_home, name="staff_implementation"),
    path("new/<slug:slug>/", staff_implementation.commitment_create, name="staff_commitment_create"),
    path("<int:pk>/", staff_implementation.commitment_staff, name="staff_commitment"),
    path(
        "<int:pk>/updates/", staff_implementation.commitment_update_post, name="staff_commitment_update_post"
    ),
    *_actions(
        "updates/<int:pk>/",
        staff_implementation,
        "commitment_update",
        ("approve", "decline"),
        name="staff_commitment_update",
    ),
]

# Under staff/hearings/.
_staff_hearing_routes = [
    *_staff_list_routes("hearing", staff_hearings),
    path("<int:pk>/agenda/", staff_hearings.agenda_item_add, name="staff_agenda_item_add"),
    *_actions(
        "<int:pk>/", staff_hearings, "hearing", ("status", "outcome", "registrations"), name="staff_hearing"
    ),
]

# Under staff/: the second-factor gate covers it, as it covers moderation/.
_staff_routes = [
    path("consultations/", include(_staff_consultation_routes)),
    path("documents/<int:pk>/import/", staff_documents.document_import, name="staff_document_import"),
    *_actions("versions/<int:pk>/", staff_documents, "version", ("publish", "discard"), name="staff_version"),
    path("obligations/", include(_staff_list_routes("obligation", staff_settings))),
    path("topics/", include(_staff_list_routes("topic", staff_settings))),
    path("responsible-bodies/", include(_staff_list_routes("responsible_body", staff_settings))),
    path("answer-templates/", include(_staff_list_routes("answer_template", staff_answer_templates))),
    path("documents/<int:pk>/matches/", staff_documents.document_matches, name="staff_document_matches"),
    path(
        "articles/<int:pk>/confirm-match/",
        staff_documents.article_match_confirm,
        name="staff_article_match_confirm",
    ),
    path("articles/<int:pk>/match/", staff_documents.article_match_edit, name="staff_article_match_edit"),
    path("commission/", include(_commission_routes)),
    path("implementation/", include(_staff_implementation_routes)),
    path("hearings/", include(_staff_hearing_routes)),
    path("agenda-items/<int:pk>/delete/", staff_hearings.agenda_item_delete, name="staff_agenda_item_delete"),
    path(
        "speaker-requests/<int:pk>/decide/",
        staff_hearings.speaker_request_decide,
        name="staff_speaker_request_decide",
    ),
]

urlpatterns = [
    path("", home.home, name="home"),
    path("consultations/", home.consultation_list, name="consultation_list"),
    path("consultations/<slug:slug>/", include(_consultation_routes)),
    path("me/", me.participation, name="participation"),
    path("proposals/", proposal.proposal_list, name="proposal_list"),
    path("proposals/new/", submission.proposal_write, name="proposal_write"),
    path("proposals/<int:pk>/", proposal.proposal_detail, name="proposal_detail"),
    *_actions(
        "proposals/<int:pk>/", submission, "proposal", ("edit", "compare", "preview", "submit", "withdraw")
    ),
    path("proposals/<int:pk>/support/", actions.support, name="support"),
    path("proposals/<int:pk>/support/withdraw/", actions.support_withdraw, name="support_withdraw"),
    path("proposals/<int:pk>/follow/", actions.proposal_follow, name="proposal_follow"),
    path("proposals/<int:pk>/comments/", actions.comment_create, name="comment_create"),
    path("proposals/<int:pk>/report/", moderation.proposal_report, name="proposal_report"),
    path("proposals/<int:pk>/appeal/", moderation.proposal_appeal, name="proposal_appeal"),
    *_actions("comments/<int:comment_pk>/", actions, "comment", ("edit", "delete", "like")),
    path("comments/<int:comment_pk>/report/", moderation.comment_report, name="comment_report"),
    path("comments/<int:comment_pk>/appeal/", moderation.comment_appeal, name="comment_appeal"),
    path("follow/<str:kind>/<int:pk>/", actions.target_follow, name="target_follow"),
    path("moderation/", moderation.queue, name="moderation_queue"),
    path("moderation/cases/<int:pk>/", moderation.case_detail, name="moderation_case"),
    *_actions("moderation/cases/<int:pk>/", moderation, "case", ("claim", "decide"), name="moderation_case"),
    path("moderation/cases/<int:pk>/block/", moderation.account_block, name="moderation_account_block"),
    path("moderation/cases/bulk/", moderation.case_bulk, name="moderation_case_bulk"),
    path("moderation/proposals/<int:pk>/act/", moderation.content_act, name="moderation_content_act"),
    path("transparency/moderation/", moderation.transparency, name="moderation_transparency"),
    path(
        "implementation/commitments/<int:pk>/follow/",
        implementation.commitment_follow,
        name="commitment_follow",
    ),
    path("implementation/bodies/<int:pk>/follow/", implementation.body_follow, name="body_follow"),
    path("attachments/<int:pk>/", proposal.attachment_download, name="attachment_download"),
    # Atom feeds of what the Commission does, for readers without an account; per consultation above.
    path("feeds/answers.atom", feeds.answers_feed, name="feed_answers"),
    path("feeds/implementation.atom", feeds.implementation_feed, name="feed_implementation"),
    path("feeds/hearings.atom", feeds.hearings_feed, name="feed_hearings"),
    path("hearings/", hearing.hearing_list, name="hearing_list"),
    path("hearings/<int:pk>/", hearing.hearing_detail, name="hearing_detail"),
    path("hearings/<int:pk>.ics", hearing.hearing_ics, name="hearing_ics"),
    *_actions("hearings/<int:pk>/", hearing, "hearing", ("register", "unregister")),
    path("hearings/<int:pk>/speak/", hearing.speaker_request, name="hearing_speaker_request"),
    path("hearings/cancel/<str:token>/", hearing.hearing_cancel_link, name="hearing_cancel_link"),
    path("staff/", include(_staff_routes)),
]
