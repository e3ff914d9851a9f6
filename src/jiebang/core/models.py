"""Abstract models shared by the apps."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobRecord(models.Model):
    """What every record of a background job stores (core/jobs.py): its status and progress,
    the message of its outcome, the run that owns it (`attempt`: a retry takes the next
    number), the tasks backend's id of that run's job and its last sign of life."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("processed"), default=0)
    message = models.TextField(_("message"), blank=True)
    attempt = models.PositiveSmallIntegerField(default=0, editable=False)
    job_id = models.CharField(max_length=64, blank=True, editable=False)
    heartbeat = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
