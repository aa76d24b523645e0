"""The outcome report officials work from: one file per consultation, language and format, built in the
background and rebuilt when what it reports on has changed."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "DOCX"


class ReportState(models.TextChoices):
    PENDING = "pending", _("Waiting to start")
    RUNNING = "running", _("Being written")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class OutcomeReport(models.Model):
    consultation = models.ForeignKey(
        "proposals.Consultation", on_delete=models.CASCADE, related_name="outcome_reports"
    )
    language = models.CharField(max_length=2)
    file_format = models.CharField(max_length=4, choices=ReportFormat.choices)
    state = models.CharField(max_length=8, choices=ReportState.choices, default=ReportState.PENDING)
    # Articles written so far out of `total`, for the progress shown while a large report is built.
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    # What the report was built from (latest answer, version and outcome); a different stamp means stale.
    source_stamp = models.CharField(max_length=200, blank=True)
    file = models.FileField(upload_to="reports/", blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "language", "file_format"], name="outcome_report_once_per_kind"
            )
        ]

    def __str__(self):
        return f"{self.consultation_id} {self.language}.{self.file_format} ({self.state})"

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0
