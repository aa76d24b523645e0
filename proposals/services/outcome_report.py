"""Building the outcome report in the background: requested from the outcome page, written article by
article with the progress saved, rebuilt only when what it reports on has changed."""

from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation

from portal.core.queue import enqueue_on_commit

from ..models import Consultation, OutcomeReport, ReportState
from ..reports.writers import LAYOUT, WRITERS
from ..selectors.outcome_report import report_article, report_identities, report_stamp, report_unplaced

# Progress is saved after this many articles, so a large report shows it moving without a write per article.
PROGRESS_EVERY = 10
# A build that has not moved for this long died with its worker and is queued again.
STUCK_AFTER = timedelta(minutes=10)


def _stamp(consultation: Consultation) -> str:
    """What the file was written from, and how: a file written by older writers is rebuilt too."""
    return f"{LAYOUT}|{report_stamp(consultation)}"


def outcome_report_is_current(report: OutcomeReport) -> bool:
    return report.state == ReportState.READY and report.source_stamp == _stamp(report.consultation)


@transaction.atomic
def outcome_report_request(*, consultation: Consultation, language: str, file_format: str) -> OutcomeReport:
    """The report of this kind; when missing, stale or failed, it is queued to be (re)built once."""
    # Imported here: the task module imports this one.
    report, _created = OutcomeReport.objects.select_for_update().get_or_create(
        consultation=consultation, language=language, file_format=file_format
    )
    in_progress = report.state in (ReportState.PENDING, ReportState.RUNNING)
    if outcome_report_is_current(report) or (
        in_progress and not _created and report.updated_at > timezone.now() - STUCK_AFTER
    ):
        return report
    report.state, report.done, report.total = ReportState.PENDING, 0, 0
    report.save(update_fields=["state", "done", "total", "updated_at"])
    # Without a broker the file is built in the request: the page shows it ready at once.
    enqueue_on_commit(
        "proposals.tasks.build_outcome_report",
        report.pk,
        on_failure=lambda pk: outcome_report_build(report_id=pk),
    )
    return report


def outcome_report_build(*, report_id: int) -> OutcomeReport:
    """Writes the file; safe to run twice (a current report is left alone)."""
    report = OutcomeReport.objects.select_related("consultation").get(pk=report_id)
    if outcome_report_is_current(report):
        return report
    consultation = report.consultation
    stamp = _stamp(consultation)
    identities = report_identities(consultation)
    OutcomeReport.objects.filter(pk=report.pk).update(
        state=ReportState.RUNNING, done=0, total=len(identities)
    )
    try:
        with translation.override(report.language):
            writer = WRITERS[report.file_format](
                title=consultation.translated("title", report.language),
                summary=consultation.translated("outcome_summary", report.language),
                language=report.language,
                moment=timezone.now(),
            )
            for done, identity in enumerate(identities, start=1):
                writer.add(report_article(identity, language=report.language))
                if done % PROGRESS_EVERY == 0:
                    OutcomeReport.objects.filter(pk=report.pk).update(done=done)
            unplaced = report_unplaced(consultation, language=report.language)
            if unplaced:
                writer.add_unplaced(unplaced)
            content = writer.finish()
    except Exception:
        OutcomeReport.objects.filter(pk=report.pk).update(state=ReportState.FAILED)
        raise
    if report.file:
        report.file.delete(save=False)
    report.file.save(
        f"{consultation.slug}-{report.language}.{report.file_format}", ContentFile(content), save=False
    )
    report.state, report.done, report.total, report.source_stamp = (
        ReportState.READY,
        len(identities),
        len(identities),
        stamp,
    )
    report.save()
    return report
