from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claims.models.base import TimeStampedModel


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    JSONL = "jsonl", "JSON Lines"
    XLSX = "xlsx", _("Spreadsheet (Excel .xlsx)")


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ExportJob(TimeStampedModel):
    """A claims export prepared in the background: the page polls this row, never Celery."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.CASCADE, related_name="+"
    )
    format = models.CharField(_("format"), max_length=5, choices=ExportFormat, default=ExportFormat.CSV)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    # Headings (spreadsheet) and labels (every format) are in this language.
    language = models.CharField(_("language"), max_length=8, default="fr")
    bom = models.BooleanField(_("UTF-8 with BOM (for Excel)"), default=False)  # CSV only
    status = models.CharField(_("status"), max_length=8, choices=ExportStatus, default=ExportStatus.QUEUED)
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="exports/", blank=True)
    error = models.TextField(_("error"), blank=True)
    # Set each time the job is queued; a message holding an older token is stale.
    token = models.CharField(max_length=32, blank=True, editable=False)
    queued_at = models.DateTimeField(_("queued at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)  # times a worker claimed it

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    def __str__(self) -> str:
        return f"{self.get_format_display()} {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("claims:export-detail", args=[self.pk])

    @property
    def file_name(self) -> str:
        """Where the finished file is stored: one name per job, so a new attempt replaces an old one."""
        return f"exports/claims-{self.pk}.{self.format}"

    @property
    def progress_percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        return round(100 * self.rows_done / self.rows_total) if self.rows_total else 0
