from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DigestSent(models.Model):
    """A user's daily to-do email of one day, claimed before it is sent (dashboard.digest): the job can run
    twice, or twice at once, and still mails nobody twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    items = models.PositiveSmallIntegerField(_("kinds of work waiting"), default=0)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("daily digest sent")
        verbose_name_plural = _("daily digests sent")
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="%(app_label)s_%(class)s_once")]

    def __str__(self) -> str:
        return f"{self.user} {self.day}"
