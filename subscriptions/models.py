"""Who wants an email when a place's monthly report is ready (Subscription), and each email owed for a
report (Delivery): its status, attempts and last error, which the report's page shows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from institutions.models import Institution, Region
from reports.models import Report, place_key, place_matches_scope

if TYPE_CHECKING:
    from accounts.models import User


class SubscriptionQuerySet(models.QuerySet):
    def of_place(
        self, *, scope: str, institution_id: int | None, region_id: int | None
    ) -> SubscriptionQuerySet:
        """The subscriptions to one place, compared per scope as Report's editions are (NULL never equals
        NULL in SQL)."""
        if scope == Report.Scope.INSTITUTION:
            return self.filter(scope=scope, institution_id=institution_id)
        if scope == Report.Scope.REGION:
            return self.filter(scope=scope, region_id=region_id)
        return self.filter(scope=Report.Scope.NATIONAL)

    def of_report(self, report: Report) -> SubscriptionQuerySet:
        return self.of_place(
            scope=report.scope, institution_id=report.institution_id, region_id=report.region_id
        )

    def of_user(self, user: User) -> SubscriptionQuerySet:
        """A user's own subscriptions: nobody reads or ends another's."""
        return self.filter(user=user)


class Subscription(models.Model):
    """A user asks to be emailed when the monthly report of a place (a UPT, a region, the nation) is ready.
    The email is written in the user's language as it stands when it is sent (User.language)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    scope = models.CharField(_("scope"), max_length=12, choices=Report.Scope.choices)
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("subscribed at"), auto_now_add=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["scope", "pk"]
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            place_matches_scope(),
            # Once per user and place: a second click finds the first.
            models.UniqueConstraint(
                fields=["user", "institution"],
                condition=Q(scope="institution"),
                name="%(app_label)s_%(class)s_once_per_upt",
            ),
            models.UniqueConstraint(
                fields=["user", "region"],
                condition=Q(scope="region"),
                name="%(app_label)s_%(class)s_once_per_region",
            ),
            models.UniqueConstraint(
                fields=["user"], condition=Q(scope="national"), name="%(app_label)s_%(class)s_once_national"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.place_key}"

    @property
    def place_key(self) -> str:
        """The place as reports.views.report_places names it ("national", "region:1", "institution:1")."""
        return place_key(self)

    @property
    def place_name(self) -> str:
        # The place is set exactly as the scope says (the place_matches_scope constraint).
        if self.institution is not None:
            return self.institution.name
        return self.region.name if self.region is not None else str(_("Indonesia (national)"))


class DeliveryQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> DeliveryQuerySet:
        """The deliveries of the reports the user may see."""
        return self.filter(report__in=Report.objects.visible_to(user).values("pk"))


class Delivery(models.Model):
    """One email owed to one subscriber for one report. Queued when the report is ready, then sent, or
    failed once the mail server has refused every attempt (a manager may queue it again)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="+", verbose_name=_("report"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("recipient")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            # One email per report and user: a report rendered twice, or its signal handled twice, owes one.
            models.UniqueConstraint(fields=["report", "user"], name="%(app_label)s_%(class)s_once"),
        ]
        indexes = [
            # The report page's "Delivery" section counts by status and lists the failed ones.
            models.Index(fields=["report", "status"], name="subscriptions_delivery_status"),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} → {self.user_id}: {self.status}"
