"""The one table of the bottom layer: jobs that could not be handed to the broker (core.jobs)."""

from django.db import models


class UnsentJob(models.Model):
    """A Celery task whose publication failed because the broker could not be reached. The scheduled
    core.tasks.send_unsent_jobs publishes it once the broker is back, then deletes the row. Tasks take
    primary keys only (JSON), and claim their work, so sending one late or twice does no harm."""

    task = models.CharField(max_length=200)  # the task's registered name
    args = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    error = models.TextField(blank=True)  # the broker's error, for an administrator

    class Meta:
        ordering = ["pk"]
        verbose_name = "unsent job"

    def __str__(self) -> str:
        return f"{self.task}{tuple(self.args)}"
