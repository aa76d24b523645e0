from django.urls import path

from .views import (
    commission,
    consultation,
    home,
    moderation,
    outcome,
    participation,
    proposal,
    staff_documents,
    submission,
)

urlpatterns = [
    path("", home.home, name="home"),
    path("consultations/<slug:slug>/", consultation.consultation_detail, name="consultation_detail"),
    path("consultations/<slug:slug>/outcome/", outcome.consultation_outcome, name="consultation_outcome"),
    path("consultations/<slug:slug>/overdue/", outcome.consultation_overdue, name="consultation_overdue"),
    path("consultations/<slug:slug>/<slug:document>/", consultation.document_detail, name="document_detail"),
    path(
        "consultations/<slug:slug>/<slug:document>/compare/",
        consultation.document_compare,
        name="document_compare",
    ),
    path(
        "consultations/<slug:slug>/<slug:document>/versions/<int:position>/akn.xml",
        consultation.version_akn,
        name="version_akn",
    ),
    path(
        "consultations/<slug:slug>/<slug:document>/articles/<slug:key>/",
        consultation.article_detail,
        name="article_detail",
    ),
    path("proposals/", proposal.proposal_list, name="proposal_list"),
    path("proposals/new/", submission.proposal_write, name="proposal_write"),
    path("proposals/<int:pk>/", proposal.proposal_detail, name="proposal_detail"),
    path("proposals/<int:pk>/edit/", submission.proposal_edit, name="proposal_edit"),
    path("proposals/<int:pk>/compare/", submission.proposal_compare, name="proposal_compare"),
    path("proposals/<int:pk>/preview/", submission.proposal_preview, name="proposal_preview"),
    path("proposals/<int:pk>/submit/", submission.proposal_submit, name="proposal_submit"),
    path("proposals/<int:pk>/withdraw/", submission.proposal_withdraw, name="proposal_withdraw"),
    path("proposals/<int:pk>/support/", participation.support, name="support"),
    path("proposals/<int:pk>/support/withdraw/", participation.support_withdraw, name="support_withdraw"),
    path("proposals/<int:pk>/follow/", participation.proposal_follow, name="proposal_follow"),
    path("proposals/<int:pk>/comments/", participation.comment_create, name="comment_create"),
    path("comments/<int:comment_pk>/edit/", participation.comment_edit, name="comment_edit"),
    path("comments/<int:comment_pk>/delete/", participation.comment_delete, name="comment_delete"),
    path("comments/<int:comment_pk>/like/", participation.comment_like, name="comment_like"),
    path("comments/<int:comment_pk>/report/", participation.comment_report, name="comment_report"),
    path("follow/<str:kind>/<int:pk>/", participation.target_follow, name="target_follow"),
    path("proposals/<int:pk>/appeal/", moderation.proposal_appeal, name="proposal_appeal"),
    # Staff pages: under /staff/ and /moderation/, so the second-factor gate covers them.
    path("moderation/", moderation.queue, name="moderation_queue"),
    path("moderation/cases/<int:pk>/", moderation.case_detail, name="moderation_case"),
    path("moderation/cases/<int:pk>/claim/", moderation.case_claim, name="moderation_case_claim"),
    path("moderation/cases/<int:pk>/decide/", moderation.case_decide, name="moderation_case_decide"),
    path("staff/documents/<int:pk>/import/", staff_documents.document_import, name="staff_document_import"),
    path(
        "staff/documents/<int:pk>/matches/", staff_documents.document_matches, name="staff_document_matches"
    ),
    path(
        "staff/articles/<int:pk>/confirm-match/",
        staff_documents.article_match_confirm,
        name="staff_article_match_confirm",
    ),
    path("staff/commission/", commission.queue, name="commission_queue"),
    path("staff/commission/proposals/<int:pk>/", commission.work, name="commission_work"),
    path("staff/commission/proposals/<int:pk>/assign/", commission.assign, name="commission_assign"),
    path("staff/commission/proposals/<int:pk>/notes/", commission.note_add, name="commission_note_add"),
    path(
        "staff/commission/proposals/<int:pk>/response/",
        commission.response_save,
        name="commission_response_save",
    ),
    path(
        "staff/commission/proposals/<int:pk>/response/submit/",
        commission.response_submit,
        name="commission_response_submit",
    ),
    path(
        "staff/commission/proposals/<int:pk>/response/approve/",
        commission.response_approve,
        name="commission_response_approve",
    ),
    path(
        "staff/commission/proposals/<int:pk>/response/return/",
        commission.response_return,
        name="commission_response_return",
    ),
    path("attachments/<int:pk>/", proposal.attachment_download, name="attachment_download"),
]
