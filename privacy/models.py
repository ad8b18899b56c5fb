"""The UU 27/2022 (PDP) duties: rights requests and their answers, and the files handed over with personal
data in them (links that expire)."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements.storage import private_storage
from audit.models import AppendOnlyModel, AppendOnlyQuerySet
from inmates.models import Person
from institutions.models import Institution

# UU 27/2022 Art. 32 and following: a controller answers a data subject's request within 3×24 hours of
# receiving it. Counted in hours from the moment of receipt, shown in the receiving UPT's zone.
ANSWER_WITHIN = dt.timedelta(hours=72)
# Files with personal data are handed over through links that work this long (issue 18).
HAND_OVER_FOR = dt.timedelta(hours=24)


class RightsRequestQuerySet(models.QuerySet):
    def visible_to(self, user) -> RightsRequestQuerySet:
        """The DPO of the nation or of a region, officers read-only, and staff of the receiving UPT."""
        scope = user.scope
        if scope.is_national or scope.is_national_dpo:
            return self.all()
        return self.filter(
            Q(institution__region_id__in=scope.region_ids | scope.dpo_region_ids)
            | Q(institution_id__in=scope.staff_institution_ids)
        )

    def workable_by(self, user) -> RightsRequestQuerySet:
        """Whose progress the user may record: staff of the receiving UPT and the data-protection officer."""
        scope = user.scope
        if scope.is_national_dpo:
            return self.all()
        return self.filter(
            Q(institution__region_id__in=scope.dpo_region_ids)
            | Q(institution_id__in=scope.staff_institution_ids)
        )

    def answerable_by(self, user) -> RightsRequestQuerySet:
        """Whom the user may answer or refuse: the data-protection officer of the nation or the region."""
        scope = user.scope
        if scope.is_national_dpo:
            return self.all()
        return self.filter(institution__region_id__in=scope.dpo_region_ids)

    def open(self) -> RightsRequestQuerySet:
        return self.filter(status__in=RightsRequest.OPEN)

    def overdue(self, now: dt.datetime) -> RightsRequestQuerySet:
        return self.open().filter(due_at__lt=now)


class RightsRequest(models.Model):
    """A data subject's request under UU 27/2022, received at a UPT, with its 3×24-hour deadline."""

    class Kind(models.TextChoices):
        ACCESS = "access", _("Access and portability (a copy of the data)")
        CORRECTION = "correction", _("Correction")
        OBJECTION = "objection", _("Objection to processing")
        CONSENT_WITHDRAWAL = "consent_withdrawal", _("Withdrawal of consent")
        DELETION = "deletion", _("Deletion")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        IN_PROGRESS = "in_progress", _("In progress")
        ANSWERED = "answered", _("Answered")
        REFUSED = "refused", _("Refused")

    OPEN = (Status.RECEIVED, Status.IN_PROGRESS)

    class IdentityCheck(models.TextChoices):
        ID_CARD = "id_card", _("Identity card (KTP) seen")
        IN_CUSTODY = "in_custody", _("Held here: register number and photograph checked by staff")
        FAMILY_CARD = "family_card", _("Family card (KK) and the representative's identity card")
        POWER_OF_ATTORNEY = "power_of_attorney", _("Power of attorney and the representative's identity card")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("person"))
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="+", verbose_name=_("received at")
    )
    kind = models.CharField(_("request"), max_length=20, choices=Kind.choices)
    received_at = models.DateTimeField(_("received at"))
    requested_by = models.CharField(
        _("asked by"),
        max_length=160,
        help_text=_("The person themselves, or the name and relation of their representative."),
    )
    identity_check = models.CharField(_("identity checked by"), max_length=20, choices=IdentityCheck.choices)
    identity_details = models.CharField(
        _("identity check details"),
        max_length=200,
        help_text=_(
            "What was seen, e.g. the last four digits of the card's number. Never a copy of the card."
        ),
    )
    details = models.TextField(_("what is asked"), max_length=4000)
    due_at = models.DateTimeField(_("answer due"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RightsRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("rights request")
        verbose_name_plural = _("rights requests")
        indexes = [models.Index(fields=["status", "due_at"], name="privacy_request_open_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_at__gt=models.F("received_at")), name="privacy_request_due_after_receipt"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.person} ({self.received_at:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        return reverse("privacy:request-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    def is_overdue(self, now: dt.datetime | None = None) -> bool:
        return self.is_open and (now or timezone.now()) > self.due_at


class RightsRequestStep(AppendOnlyModel):
    """Each status a request went through: who, when, why (refused: on which legal ground)."""

    class Ground(models.TextChoices):
        # UU 27/2022 Art. 15(1): the rights may be set aside for these interests, as a law provides.
        LAW_ENFORCEMENT = "law_enforcement", _("The law-enforcement process (UU 27/2022 Art. 15)")
        SECURITY = "security", _("National defence and security (UU 27/2022 Art. 15)")
        PUBLIC_INTEREST = "public_interest", _("Public interest in running the state (UU 27/2022 Art. 15)")
        # Art. 33 (as shared/DOMAIN.md reads it): access refused where it would endanger the person or
        # reveal another person's data.
        ENDANGERS = "endangers", _("It would endanger the person's safety or health (UU 27/2022 Art. 33)")
        OTHERS_DATA = "others_data", _("It would reveal another person's data (UU 27/2022 Art. 33)")
        IDENTITY = "identity", _("The requester's identity could not be verified")
        RETENTION_DUTY = "retention_duty", _("A law requires the data to be kept (medical records: 25 years)")

    request = models.ForeignKey(RightsRequest, on_delete=models.PROTECT, related_name="steps")
    status = models.CharField(_("status"), max_length=20, choices=RightsRequest.Status.choices)
    note = models.TextField(_("note"), max_length=4000, blank=True)
    legal_ground = models.CharField(_("legal ground"), max_length=20, choices=Ground.choices, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("rights request step")
        verbose_name_plural = _("rights request steps")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="refused", legal_ground__gt="")
                | (~Q(status="refused") & Q(legal_ground="")),
                name="privacy_step_ground_iff_refused",
                violation_error_message=_("A refusal needs its legal ground, and only a refusal has one."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.status} ({self.at:%Y-%m-%d %H:%M})"


def _hand_over_path(instance, filename: str) -> str:
    return f"handovers/{timezone.now():%Y/%m}/{secrets.token_hex(8)}-{filename}"


class HandOverQuerySet(models.QuerySet):
    def visible_to(self, user) -> HandOverQuerySet:
        """Who made it, and the data-protection officer of its scope."""
        scope = user.scope
        mine = Q(created_by=user)
        if scope.is_national_dpo:
            return self.all()
        if scope.dpo_region_ids:
            mine |= Q(institution__region_id__in=scope.dpo_region_ids)
        return self.filter(mine)

    def live(self, now: dt.datetime) -> HandOverQuerySet:
        return self.filter(expires_at__gt=now, file__gt="")


class HandOver(models.Model):
    """A file with personal data handed over (a rights request's bundle, a list exported): its link works
    for HAND_OVER_FOR, the recipient and the purpose are recorded, and each download is audited. An expired
    file is deleted by a scheduled job; the record of the hand-over stays."""

    token = models.CharField(max_length=64, unique=True, default=secrets.token_urlsafe, editable=False)
    file = models.FileField(storage=private_storage, upload_to=_hand_over_path, max_length=300, blank=True)
    filename = models.CharField(_("file"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(default=0)
    recipient = models.CharField(_("recipient"), max_length=200)
    purpose = models.CharField(_("purpose"), max_length=300)
    reason = models.TextField(_("reason"), max_length=2000, blank=True)
    people = models.PositiveIntegerField(_("people in the file"), default=0)
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rights_request = models.ForeignKey(
        RightsRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="hand_overs"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("link expires"))
    downloads = models.PositiveIntegerField(default=0)
    last_downloaded_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(_("file deleted"), null=True, blank=True)

    objects = HandOverQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("hand-over")
        verbose_name_plural = _("hand-overs")
        indexes = [models.Index(fields=["expires_at"], name="privacy_handover_expiry_idx")]

    def __str__(self) -> str:
        return f"{self.filename} → {self.recipient}"

    def get_absolute_url(self) -> str:
        return reverse("privacy:hand-over", args=[self.token])

    def is_live(self, now: dt.datetime | None = None) -> bool:
        return bool(self.file) and (now or timezone.now()) < self.expires_at


class AccessDecision(models.Model):
    """What an access bundle left out and why (UU 27/2022 Art. 33): recorded with each bundle produced."""

    rights_request = models.ForeignKey(RightsRequest, on_delete=models.PROTECT, related_name="decisions")
    notes_included = models.BooleanField(_("counselling and follow-up notes included"))
    reason = models.TextField(_("reason"), max_length=2000)
    sections = models.JSONField(_("what the bundle holds"), default=dict)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_at", "-pk"]
        verbose_name = _("access decision")
        verbose_name_plural = _("access decisions")

    def __str__(self) -> str:
        return f"{self.rights_request_id} @ {self.decided_at:%Y-%m-%d}"


# UU 27/2022 Art. 46: a breach is notified in writing to the people affected and to the authority within
# 3×24 hours. Counted from its discovery.
NOTIFY_WITHIN = dt.timedelta(hours=72)


class BreachQuerySet(models.QuerySet):
    def visible_to(self, user) -> BreachQuerySet:
        """The data-protection officer of the nation or the region; national and regional officers read."""
        scope = user.scope
        if scope.is_national or scope.is_national_dpo:
            return self.all()
        regions = scope.region_ids | scope.dpo_region_ids
        return self.filter(Q(region_id__in=regions) | Q(institution__region_id__in=regions))

    def kept_by(self, user) -> BreachQuerySet:
        scope = user.scope
        if scope.is_national_dpo:
            return self.all()
        regions = scope.dpo_region_ids
        return self.filter(Q(region_id__in=regions) | Q(institution__region_id__in=regions))

    def notice_overdue(self, now: dt.datetime) -> BreachQuerySet:
        late = Q(authority_notified_at__isnull=True) | Q(people_notified_at__isnull=True)
        return self.filter(late, notify_by__lt=now)


class Breach(models.Model):
    """An entry of the breach register: what happened, to which data and how many people, what was done,
    and when the authority and the people affected were told (due 3×24 hours after discovery)."""

    class DataKind(models.TextChoices):
        IDENTITY = "identity", _("Identity (name, NIK, date of birth)")
        CUSTODY = "custody", _("Custody records (offence, sentence)")
        HEALTH = "health", _("Health: screenings, assessments, rehabilitation")
        NOTES = "notes", _("Counselling and follow-up notes")
        CHILDREN = "children", _("Children's data (LPKA)")
        DOCUMENTS = "documents", _("Uploaded documents")
        ACCOUNTS = "accounts", _("User accounts and passwords")

    title = models.CharField(_("summary"), max_length=200)
    discovered_at = models.DateTimeField(_("discovered at"))
    occurred = models.CharField(
        _("when it happened"),
        max_length=200,
        blank=True,
        help_text=_("As far as known, e.g. “4–5 March 2026”."),
    )
    what_happened = models.TextField(_("what happened"), max_length=8000)
    data_kinds = models.JSONField(_("kinds of data"), default=list)
    people_affected = models.PositiveIntegerField(_("people affected (number or best estimate)"))
    measures = models.TextField(_("measures taken"), max_length=8000)
    region = models.ForeignKey(
        "institutions.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    notify_by = models.DateTimeField(_("notices due"))
    authority_notified_at = models.DateTimeField(_("authority notified at"), null=True, blank=True)
    people_notified_at = models.DateTimeField(_("people notified at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BreachQuerySet.as_manager()

    class Meta:
        ordering = ["-discovered_at", "-pk"]
        verbose_name = _("data breach")
        verbose_name_plural = _("data breaches")

    def __str__(self) -> str:
        return f"{self.title} ({self.discovered_at:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        return reverse("privacy:breach-detail", args=[self.pk])

    @property
    def notified(self) -> bool:
        return self.authority_notified_at is not None and self.people_notified_at is not None

    def notice_overdue(self, now: dt.datetime | None = None) -> bool:
        return not self.notified and (now or timezone.now()) > self.notify_by

    def get_data_kinds_display(self) -> list[str]:
        labels = dict(self.DataKind.choices)
        return [str(labels.get(kind, kind)) for kind in self.data_kinds]

    @property
    def time_zone(self) -> str:
        if self.institution is not None:
            return self.institution.time_zone
        return self.region.time_zone if self.region is not None else "Asia/Jakarta"


class EmergencyAccessQuerySet(models.QuerySet):
    def reviewable_by(self, user) -> EmergencyAccessQuerySet:
        """The head of the UPT that held the person at the time, and the data-protection officer."""
        scope = user.scope
        if scope.is_national_dpo:
            return self.all()
        return self.filter(
            Q(institution_id__in=scope.head_institution_ids)
            | Q(institution__region_id__in=scope.dpo_region_ids)
        )

    def visible_to(self, user) -> EmergencyAccessQuerySet:
        """Whoever asked, and those who review."""
        return self.filter(Q(user=user) | Q(pk__in=self.reviewable_by(user).values("pk")))

    def awaiting_review(self, now: dt.datetime) -> EmergencyAccessQuerySet:
        return self.filter(expires_at__lte=now, reviewed_at__isnull=True)


class EmergencyAccess(models.Model):
    """Break-glass: a member of staff or a counsellor opens a record outside their scope in an emergency,
    with a reason, for a few hours (never its notes). Shown on every page while it lasts, every page audited,
    reviewed afterwards by the head of the UPT that held the person or the data-protection officer."""

    class Review(models.TextChoices):
        ACCEPTED = "accepted", _("Justified")
        FLAGGED = "flagged", _("Flagged: not justified")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="+", verbose_name=_("held at")
    )
    reason = models.TextField(_("reason"), max_length=2000)
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)
    expires_at = models.DateTimeField(_("ends at"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review = models.CharField(_("review"), max_length=10, choices=Review.choices, blank=True)
    review_note = models.TextField(_("review note"), max_length=2000, blank=True)

    objects = EmergencyAccessQuerySet.as_manager()

    class Meta:
        ordering = ["-granted_at", "-pk"]
        verbose_name = _("emergency access")
        verbose_name_plural = _("emergency accesses")
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("granted_at")), name="privacy_emergency_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(review="", reviewed_at__isnull=True)
                | (~Q(review="") & Q(reviewed_at__isnull=False)),
                name="privacy_emergency_review_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.person} ({self.granted_at:%Y-%m-%d %H:%M})"

    def is_active(self, now: dt.datetime | None = None) -> bool:
        return (now or timezone.now()) < self.expires_at


class RetentionRule(AppendOnlyModel):
    """One change of the retention schedule (privacy.retention): how long a kind of record is kept after it
    is done with. Append-only: the schedule in force is each kind's latest row; the rows are its history."""

    kind = models.CharField(_("kind of record"), max_length=30)
    days = models.PositiveIntegerField(_("kept for (days)"))
    reason = models.CharField(_("reason for the change"), max_length=300)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "-set_at", "-pk"]
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")
        indexes = [models.Index(fields=["kind", "-set_at"], name="privacy_retention_kind_idx")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.days} d"


class RetentionRun(models.Model):
    """A pass of the retention schedule: first a plan (what is due, per kind: how many and which), approved
    by the data-protection officer, then carried out, each record's change audited."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned: waiting for approval")
        APPROVED = "approved", _("Approved: being carried out")
        DONE = "done", _("Carried out")
        SUPERSEDED = "superseded", _("Replaced by a later plan")

    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    planned_at = models.DateTimeField(_("planned at"), default=timezone.now)
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    plan = models.JSONField(_("what is due"), default=dict)  # {kind: {"cutoff": iso, "ids": [...]}}
    # {kind: how many}: what pages show, without reading every id of the plan (deferred there).
    due = models.JSONField(_("how many are due"), default=dict)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    done_at = models.DateTimeField(_("carried out at"), null=True, blank=True)
    result = models.JSONField(_("what was done"), default=dict)  # {kind: count}

    class Meta:
        ordering = ["-planned_at", "-pk"]
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")

    def __str__(self) -> str:
        return f"{self.planned_at:%Y-%m-%d} ({self.status})"

    def counts(self) -> dict[str, int]:
        return dict(self.due)


class ImpactAssessment(AppendOnlyModel):
    """A version of the data-protection impact assessment (UU 27/2022 Art. 34) of this system, kept by the
    data-protection officer: each save is a new version, the earlier ones stay."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    text = models.TextField(_("impact assessment"), max_length=100_000)
    note = models.CharField(_("what changed"), max_length=300)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-version"]
        verbose_name = _("impact assessment")
        verbose_name_plural = _("impact assessments")

    def __str__(self) -> str:
        return f"DPIA v{self.version}"
