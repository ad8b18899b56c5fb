"""Rehabilitation programmes (cohorts), enrolments and their transitions, therapy sessions, attendance and
confidential notes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from agreements.access import Work, institution_ids_open_to
from agreements.models import Agreement
from assessments.models import Recommendation
from audit.models import AppendOnlyModel, AppendOnlyQuerySet
from inmates.models import Admission, Person
from institutions.models import Agency, Institution, count_subquery
from rehab.consent import ConsentRecord

if TYPE_CHECKING:
    from accounts.models import User


def _delivered_by(user: User) -> Q:
    """Programmes of one of the user's agencies at an institution where *that* agency has an agreement in
    force covering rehabilitation work (each agency paired with its own agreements)."""
    condition = Q(pk__in=[])
    for agency_id in user.scope.agency_ids:
        condition |= Q(
            agency_id=agency_id, institution_id__in=institution_ids_open_to([agency_id], Work.REHABILITATION)
        )
    return condition


class ProgrammeQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> ProgrammeQuerySet:
        scope = user.scope
        if scope.is_national:
            return self
        return self.filter(
            Q(institution_id__in=scope.staff_institution_ids)
            | Q(institution__region_id__in=scope.region_ids)
            | _delivered_by(user)
        )

    def delivered_by(self, user: User) -> ProgrammeQuerySet:
        return self.filter(_delivered_by(user))


class Programme(models.Model):
    """A rehabilitation cohort at one UPT, delivered by a partner under an agreement."""

    class Kind(models.TextChoices):
        MEDICAL = "medical", _("Medical rehabilitation")
        SOCIAL = "social", _("Social rehabilitation / Therapeutic Community")
        AFTERCARE_PREPARATION = "aftercare_prep", _("After-care preparation")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        RUNNING = "running", _("Running")
        ENDED = "ended", _("Ended")

    # The agreement scope each kind needs (issue 5: "must ... cover its kind"). Keyed by the stored value
    # (a str: a row's kind is not a Kind member).
    REQUIRED_SCOPE: dict[str, str] = {
        Kind.MEDICAL: Agreement.Scope.MEDICAL_REHABILITATION,
        Kind.SOCIAL: Agreement.Scope.SOCIAL_REHABILITATION,
        Kind.AFTERCARE_PREPARATION: Agreement.Scope.AFTERCARE,
    }
    # Which approved recommendations fill each kind's waiting list.
    RECOMMENDATIONS: dict[str, tuple[str, ...]] = {
        Kind.MEDICAL: (Recommendation.Kind.MEDICAL, Recommendation.Kind.MEDICAL_THEN_SOCIAL),
        Kind.SOCIAL: (Recommendation.Kind.SOCIAL, Recommendation.Kind.MEDICAL_THEN_SOCIAL),
        Kind.AFTERCARE_PREPARATION: (),
    }

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="programmes", verbose_name=_("institution")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=160, help_text=_("e.g. Rehabilitasi Sosial 2025 Tahap I"))
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="programmes", verbose_name=_("delivering agency")
    )
    agreement = models.ForeignKey(
        Agreement, on_delete=models.PROTECT, related_name="programmes", verbose_name=_("agreement")
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    capacity = models.PositiveIntegerField(_("capacity"))
    target = models.PositiveIntegerField(
        _("target number"), help_text=_("Participants the programme aims for.")
    )
    required_sessions = models.PositiveIntegerField(
        _("sessions required for completion"), null=True, blank=True
    )
    required_hours = models.DecimalField(
        _("hours required for completion"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, editable=False
    )

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="%(app_label)s_%(class)s_ends_after_start",
                violation_error_message=_("The programme cannot end before it starts."),
            ),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="%(app_label)s_%(class)s_has_capacity"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("rehab:programme-detail", args=[self.pk])

    def status_on(self, day: dt.date) -> str:
        if day < self.starts_on:
            return self.Status.PLANNED
        return self.Status.RUNNING if day <= self.ends_on else self.Status.ENDED

    @property
    def status(self) -> str:
        return self.status_on(timezone.localdate())

    def get_status_display(self) -> str:
        return str(self.Status(self.status).label)


class Enrolment(ConsentRecord):
    # What other apps said when the service saved it (inmates.hooks), for the page to show; not a column.
    notices: list[str]

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        ACTIVE = "active", pgettext_lazy("enrolment status", "Active")
        COMPLETED = "completed", _("Completed")
        DROPPED_OUT = "dropped_out", _("Dropped out")
        TRANSFERRED = "transferred", _("Transferred")
        RELEASED = "released", _("Released")

    OPEN = (Status.WAITING, Status.ACTIVE)
    # Every legal step; anything else is refused (services.enrolment_move).
    TRANSITIONS: dict[str, tuple[str, ...]] = {
        Status.WAITING: (Status.ACTIVE, Status.DROPPED_OUT, Status.TRANSFERRED, Status.RELEASED),
        Status.ACTIVE: (Status.COMPLETED, Status.DROPPED_OUT, Status.TRANSFERRED, Status.RELEASED),
    }

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("programme")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("person")
    )
    admission = models.ForeignKey(
        Admission, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("custody spell")
    )
    # A copy of the programme's kind, so the database can hold "one active enrolment per kind".
    kind = models.CharField(
        _("programme kind"), max_length=20, choices=Programme.Kind.choices, editable=False
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.WAITING)
    recommendation = models.ForeignKey(
        Recommendation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enrolments",
        verbose_name=_("from recommendation"),
    )
    direct_reason = models.TextField(
        _("reason for direct enrolment"),
        blank=True,
        help_text=_("Needed when there is no approved recommendation."),
    )
    created_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)

    class Meta:
        ordering = ["person__full_name"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            *ConsentRecord.consent_constraints("rehab_enrolment"),
            models.UniqueConstraint(
                fields=["person", "kind"],
                condition=Q(status="active"),
                name="%(app_label)s_%(class)s_one_active_per_kind",
                violation_error_message=_("This person is already active in a programme of this kind."),
            ),
            models.UniqueConstraint(
                fields=["person", "programme"],
                condition=Q(status__in=["waiting", "active"]),
                name="%(app_label)s_%(class)s_once_per_programme",
                violation_error_message=_("This person is already enrolled in this programme."),
            ),
            models.CheckConstraint(
                condition=Q(recommendation__isnull=False) | ~Q(direct_reason=""),
                name="%(app_label)s_%(class)s_has_grounds",
                violation_error_message=_("Enrol from an approved recommendation, or give the reason."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.programme}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class LeaveReason(models.TextChoices):
    """Why someone left a programme (issue 20): the reports break completions and drop-outs down by it."""

    COMPLETED = "completed", _("Completed")
    DISCIPLINARY = "disciplinary", _("Disciplinary")
    VOLUNTARY = "voluntary", _("Voluntary withdrawal")
    HEALTH = "health", _("Health")
    TRANSFERRED = "transferred", _("Transferred")
    RELEASED = "released", _("Released")
    DEATH = "death", _("Death")
    OTHER = "other", _("Other (give the reason)")


# The reasons a person may drop out for; the others follow from the step itself (completed, transferred,
# released) or from the custody change that closed the enrolment (a release by death).
DROP_OUT_REASONS = (
    LeaveReason.DISCIPLINARY,
    LeaveReason.VOLUNTARY,
    LeaveReason.HEALTH,
    LeaveReason.DEATH,
    LeaveReason.OTHER,
)


class EnrolmentTransition(models.Model):
    """One step in an enrolment's life: from, to, who, when, why. Never changed afterwards."""

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("enrolment")
    )
    from_status = models.CharField(_("from"), max_length=12, choices=Enrolment.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=Enrolment.Status.choices)
    on = models.DateField(_("date"))
    at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    reason = models.TextField(_("reason"), blank=True)
    # Set on every step out of a programme; blank on the steps into one.
    leave_reason = models.CharField(
        _("reason for leaving"), max_length=12, choices=LeaveReason.choices, blank=True, db_default=""
    )

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("enrolment transition")
        verbose_name_plural = _("enrolment transitions")

    def __str__(self) -> str:
        return f"{self.from_status or '—'} → {self.to_status}"


class ProgrammePhase(models.Model):
    """A phase of a programme (issue 20: the stages of the Therapeutic Community), in the programme's order.
    The programme names it; its `stage` is one of a fixed list so that counts per stage add up across UPTs."""

    class Stage(models.TextChoices):
        INDUCTION = "induction", _("Induction / orientation")
        PRIMARY = "primary", _("Primary")
        REENTRY = "reentry", _("Re-entry")
        OTHER = "other", _("Other")

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="phases", verbose_name=_("programme")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices)
    name = models.CharField(
        _("name"), max_length=120, help_text=_("As the programme calls it, e.g. Younger Member")
    )
    planned_weeks = models.PositiveSmallIntegerField(_("planned weeks"), null=True, blank=True)

    class Meta:
        ordering = ["programme", "position"]
        verbose_name = _("programme phase")
        verbose_name_plural = _("programme phases")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "position"],
                name="%(app_label)s_%(class)s_one_per_position",
                violation_error_message=_("The programme already has a phase at this position."),
            ),
            models.CheckConstraint(condition=Q(position__gt=0), name="%(app_label)s_%(class)s_position_set"),
        ]

    def __str__(self) -> str:
        return self.name


class PhaseMoveQuerySet(AppendOnlyQuerySet):
    def as_of(self, day: dt.date, known_at: dt.datetime) -> PhaseMoveQuerySet:
        """The moves that had taken effect by `day`, as recorded by `known_at`: an enrolment's phase then is
        its latest one (by `on`, ties by pk: PhaseMove.LATEST_FIRST)."""
        return self.filter(on__lte=day, at__lte=known_at)


class PhaseMove(AppendOnlyModel):
    """A participant entering a phase of their programme on a day (`on`), recorded at `at`. Never changed
    afterwards: a month's counts per stage read the moves as recorded by the month's end, so a move typed
    late (even dated back) does not rewrite a past month."""

    LATEST_FIRST = ("-on", "-pk")

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, related_name="phase_moves", verbose_name=_("enrolment")
    )
    phase = models.ForeignKey(
        ProgrammePhase, on_delete=models.PROTECT, related_name="moves", verbose_name=_("phase")
    )
    on = models.DateField(_("date"))
    at = models.DateTimeField(_("recorded at"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )

    objects = PhaseMoveQuerySet.as_manager()

    class Meta:
        ordering = ["on", "pk"]
        verbose_name = _("phase move")
        verbose_name_plural = _("phase moves")
        indexes = [
            # An enrolment's phase on a day (the programme page, rehab.phases.people_by_stage).
            models.Index(fields=["enrolment", "on"], name="rehab_phasemove_enrol_on_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id} → {self.phase_id} ({self.on})"


# WHOQOL-BREF's domains (assessments.instruments.whoqol_bref.DOMAINS, a test holds them equal): a column each.
QOL_DOMAINS = ("physical", "psychological", "social", "environment")


class QualityOfLifeQuerySet(AppendOnlyQuerySet):
    def visible_to(self, user: User) -> QualityOfLifeQuerySet:
        """As the enrolments: those of programmes the user may see."""
        if user.scope.is_national:
            return self
        return self.filter(enrolment__programme__in=Programme.objects.visible_to(user).values("pk"))


class QualityOfLife(AppendOnlyModel):
    """A WHOQOL-BREF taken at the start or at the end of an enrolment (issue 20): the answers, the instrument
    version they were given in, and the four domain scores on 0–100 as that version computed them (None where
    too few of a domain's items were answered). Never changed afterwards: the monthly report reads the records
    made by its cut-off (rehab.quality_of_life.changes_by_upt)."""

    class Timing(models.TextChoices):
        START = "start", _("Programme start")
        END = "end", _("Programme end")

    DOMAINS = QOL_DOMAINS

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, related_name="quality_of_life", verbose_name=_("enrolment")
    )
    timing = models.CharField(_("taken at"), max_length=5, choices=Timing.choices)
    version = models.CharField(_("instrument version"), max_length=20)
    answers = models.JSONField(_("answers"))
    # Floats of the instrument's exact fractions (each a multiple of 1/840): the sums read them back exactly.
    physical = models.FloatField(_("physical health"), null=True)
    psychological = models.FloatField(_("psychological"), null=True)
    social = models.FloatField(_("social relationships"), null=True)
    environment = models.FloatField(_("environment"), null=True)
    taken_on = models.DateField(_("taken on"))
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )

    objects = QualityOfLifeQuerySet.as_manager()

    class Meta:
        ordering = ["enrolment", "taken_on", "pk"]
        verbose_name = _("quality of life (WHOQOL-BREF)")
        verbose_name_plural = _("quality of life (WHOQOL-BREF)")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "timing"],
                name="%(app_label)s_%(class)s_once_per_timing",
                violation_error_message=_("This questionnaire has already been taken for this enrolment."),
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{domain}__isnull": True})
                    | Q(**{f"{domain}__gte": 0, f"{domain}__lte": 100}),
                    name=f"%(app_label)s_%(class)s_{domain}_0_100",
                )
                for domain in QOL_DOMAINS
            ),
        ]
        indexes = [
            # The monthly report: the end records taken in the month (rehab.quality_of_life.changes_by_upt).
            models.Index(fields=["timing", "taken_on"], name="rehab_qol_timing_day_idx"),
        ]

    def __str__(self) -> str:
        return f"WHOQOL-BREF {self.timing} {self.enrolment_id} {self.taken_on}"

    def scores(self) -> dict[str, float | None]:
        return {domain: getattr(self, domain) for domain in self.DOMAINS}


class SessionSeries(models.Model):
    """How a recurring series was made: weekdays, local times, until a date or N times."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="series")
    weekdays = models.JSONField(_("weekdays"))  # Monday = 0
    start_time = models.TimeField(_("starts at (local time)"))
    end_time = models.TimeField(_("ends at (local time)"))
    first_day = models.DateField(_("from"))
    until = models.DateField(_("until"), null=True, blank=True)
    count = models.PositiveIntegerField(_("number of sessions"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("session series")
        verbose_name_plural = _("session series")

    def __str__(self) -> str:
        return f"{self.programme}: {self.weekdays} {self.start_time:%H:%M}"


class SessionQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> SessionQuerySet:
        if user.scope.is_national:
            return self
        return self.filter(programme__in=Programme.objects.visible_to(user).values("pk"))

    def not_cancelled(self) -> SessionQuerySet:
        return self.exclude(status=Session.Status.CANCELLED)

    def overlapping(self, start: dt.datetime, end: dt.datetime) -> SessionQuerySet:
        return self.not_cancelled().filter(starts_at__lt=end, ends_at__gt=start)

    def with_attendance_gap(self) -> SessionQuerySet:
        """Held (or over and never marked held), but someone's attendance was never recorded."""
        missing = Attendance.objects.filter(session=OuterRef("pk"), status=Attendance.Status.NOT_RECORDED)
        over = Q(status=Session.Status.HELD) | Q(status=Session.Status.PLANNED, ends_at__lt=timezone.now())
        return self.filter(over).filter(Exists(missing))


class Session(models.Model):
    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("Individual counselling")
        GROUP = "group", _("Group therapy")
        TC_MORNING_MEETING = "tc_morning", _("TC morning meeting")
        SEMINAR = "seminar", _("Seminar / education")
        FAMILY = "family", _("Family session")
        SKILLS = "skills", _("Skills training")
        MEDICAL_CHECK = "medical_check", _("Medical check")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("programme")
    )
    # Copied from the programme: the room rule ("a room cannot hold two") is per institution.
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+", editable=False)
    series = models.ForeignKey(
        SessionSeries, on_delete=models.SET_NULL, null=True, blank=True, related_name="sessions"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    topic = models.CharField(_("topic"), max_length=200)
    room = models.CharField(_("room or place"), max_length=100)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    facilitators: models.ManyToManyField[User, Facilitation] = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Facilitation", related_name="facilitated_sessions"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="%(app_label)s_%(class)s_ends_after_start",
                violation_error_message=_("A session must end after it starts."),
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""),
                name="%(app_label)s_%(class)s_cancel_has_reason",
            ),
        ]
        indexes = [
            # Calendar pages: sessions of an institution in a week or month.
            models.Index(fields=["institution", "starts_at"], name="rehab_session_inst_start_idx"),
            models.Index(fields=["programme", "starts_at"], name="rehab_session_prog_start_idx"),
            # A counsellor's or a region's week: the country's sessions that week (4,000 of 330,000) found
            # by time, then narrowed to the programmes in reach (a scan of every session took 50 ms).
            models.Index(fields=["starts_at"], name="rehab_session_start_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.topic}"

    def get_absolute_url(self) -> str:
        return reverse("rehab:session-detail", args=[self.pk])

    @property
    def hours(self) -> Decimal:
        return Decimal((self.ends_at - self.starts_at).total_seconds()) / Decimal(3600)


class Facilitation(models.Model):
    """A counsellor facilitating a session. Carries the session's times so PostgreSQL can refuse double
    booking with an exclusion constraint (migration 0002); `active` is false once the session is cancelled."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="facilitations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="facilitations")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="%(app_label)s_%(class)s_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.session_id}"


class Attendance(models.Model):
    """A participant of a session and, once taken, whether they attended."""

    class Status(models.TextChoices):
        NOT_RECORDED = "", _("Not recorded")
        PRESENT = "present", _("Present")
        LATE = "late", _("Late")
        EXCUSED = "excused", _("Absent with an acceptable reason")
        ABSENT = "absent", _("Absent without an acceptable reason")

    class Reason(models.TextChoices):
        SICK = "sick", _("Sick")
        COURT = "court", _("Court")
        VISIT = "visit", _("Visit")
        TRANSFER = "transfer", _("Transfer")
        LOCKDOWN = "lockdown", _("Lockdown")

    ATTENDED = (Status.PRESENT, Status.LATE)

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="attendances")
    status = models.CharField(_("attendance"), max_length=10, choices=Status.choices, blank=True)
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices, blank=True)
    recorded_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["enrolment__person__full_name"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["session", "enrolment"], name="%(app_label)s_%(class)s_once"),
            models.CheckConstraint(
                condition=Q(status="excused", reason__gt="") | (~Q(status="excused") & Q(reason="")),
                name="%(app_label)s_%(class)s_reason_iff_excused",
                violation_error_message=_("An excused absence needs its reason, and only it."),
            ),
        ]
        indexes = [
            # "Attendance not recorded" (SessionQuerySet.with_attendance_gap: the home page's counts and the
            # gap list): 97,000 such rows among 3 million nationally, found without reading the rest.
            models.Index(fields=["session"], condition=Q(status=""), name="rehab_attendance_unrecorded"),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id} @ {self.session_id}: {self.status or '-'}"


class SessionChange(AppendOnlyModel):
    """Each state a session has had: made, changed or moved, cancelled, held; who, when and why. Never
    changed afterwards. A month's figures read each session as it stood at the month's end, so a session
    moved or cancelled later stays where it was in the reports already made (DESIGN.md: statuses are rows)."""

    class Kind(models.TextChoices):
        MADE = "made", _("Scheduled")
        CHANGED = "changed", _("Changed or moved")
        CANCELLED = "cancelled", _("Cancelled")
        HELD = "held", _("Held")

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="changes")
    kind = models.CharField(_("change"), max_length=10, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Session.Status.choices)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    at = models.DateTimeField(_("recorded at"), default=timezone.now, db_index=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    reason = models.TextField(_("reason"), blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("session change")
        verbose_name_plural = _("session changes")
        indexes = [
            models.Index(fields=["session", "at"], name="rehab_sessionchange_idx"),
            # The month's figures find the month's sessions by the start of their states (reports.figures).
            models.Index(fields=["starts_at"], name="rehab_sessionchange_start"),
        ]

    def __str__(self) -> str:
        return f"{self.session_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class AttendanceMark(AppendOnlyModel):
    """Each state of one person on one session's roster: put on it (status empty), marked, corrected, or
    taken off it (withdrawn). Never changed afterwards: a month's attendance figures read the marks as they
    stood at the month's end, so attendance recorded or withdrawn later does not rewrite a past month."""

    WITHDRAWN = "withdrawn"

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="marks")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="marks")
    status = models.CharField(_("attendance"), max_length=10, blank=True)  # Attendance.Status or WITHDRAWN
    at = models.DateTimeField(_("recorded at"), default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("attendance mark")
        verbose_name_plural = _("attendance marks")
        indexes = [models.Index(fields=["session", "enrolment", "at"], name="rehab_attendancemark_idx")]

    def __str__(self) -> str:
        return f"{self.enrolment_id} @ {self.session_id}: {self.status or '-'} ({self.at:%Y-%m-%d})"


class NoteQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> NoteQuerySet:
        """Counsellors of the delivering agency only: not UPT staff, not regional or national officers."""
        return self.filter(session__programme__in=Programme.objects.delivered_by(user).values("pk"))


class Note(models.Model):
    """A confidential counselling note on a session, or on one participant in it."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="notes")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("about")
    )
    text = models.TextField(_("note"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = NoteQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("confidential note")
        verbose_name_plural = _("confidential notes")

    def __str__(self) -> str:
        return f"Note {self.pk}"


# --- After-care -----------------------------------------------------------------------------------------


def plans_visible(user: User, via: str = "") -> Q:
    """The after-care plans (reached through `via`, e.g. "plan__") the user may see:
    AftercarePlanQuerySet.visible_to's rule as a condition, so follow-ups filter through their own joins
    instead of a list of plans (which the planner took for thousands and scanned every table for)."""
    scope = user.scope
    if scope.is_national:
        return Q()
    condition = Q(**{f"{via}admission__institution_id__in": scope.staff_institution_ids}) | Q(
        **{f"{via}admission__institution__region_id__in": scope.region_ids}
    )
    for agency_id in scope.agency_ids:
        condition |= Q(
            **{
                f"{via}agency_id": agency_id,
                f"{via}admission__institution_id__in": institution_ids_open_to([agency_id], Work.AFTERCARE),
            }
        )
    return condition


class AftercarePlanQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> AftercarePlanQuerySet:
        """UPT staff of the releasing institution, its region's officers, national officers, and counsellors
        of the agency that took over while it has an agreement there covering after-care."""
        if user.scope.is_national:
            return self
        return self.filter(plans_visible(user))

    def with_follow_up_counts(self, day: dt.date) -> AftercarePlanQuerySet:
        """Annotate each plan shown with its follow-ups done, still due, overdue on `day`, and the next one
        due: counted per plan (subqueries), not over the nation's follow-ups before the page is chosen."""
        follow_ups = FollowUp.objects.filter(plan=OuterRef("pk")).values("plan")
        due = follow_ups.filter(done_on__isnull=True, cancelled=False)
        return self.annotate(
            follow_ups_done=count_subquery(follow_ups.filter(done_on__isnull=False)),
            follow_ups_due=count_subquery(due),
            follow_ups_overdue=count_subquery(due.filter(due_on__lt=day)),
            next_due_on=Subquery(due.order_by("due_on").values("due_on")[:1]),
        )

    def with_follow_ups_due(self) -> AftercarePlanQuerySet:
        return self.filter(Exists(FollowUp.objects.pending().filter(plan=OuterRef("pk"))))

    def with_nothing_due(self) -> AftercarePlanQuerySet:
        """Every follow-up done or called off: nothing more to do on the plan."""
        return self.exclude(Exists(FollowUp.objects.pending().filter(plan=OuterRef("pk"))))

    def with_overdue(self, day: dt.date) -> AftercarePlanQuerySet:
        return self.filter(Exists(FollowUp.objects.overdue(day).filter(plan=OuterRef("pk"))))


class AftercarePlan(ConsentRecord):
    """Keeping in touch after release: who takes over, the contact, and the follow-ups due."""

    admission = models.OneToOneField(
        Admission, on_delete=models.PROTECT, related_name="aftercare_plan", verbose_name=_("custody spell")
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="aftercare_plans")
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="aftercare_plans",
        verbose_name=_("agency that takes over"),
        help_text=_("BNNK, IPWL or Bapas. Empty until someone is assigned."),
    )
    contact_name = models.CharField(_("contact person"), max_length=160, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    released_on = models.DateField(_("released on"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = AftercarePlanQuerySet.as_manager()

    class Meta:
        ordering = ["-released_on"]
        verbose_name = _("after-care plan")
        verbose_name_plural = _("after-care plans")
        constraints = ConsentRecord.consent_constraints("rehab_aftercareplan")
        indexes = [
            # The list of all after-care plans: the latest releases first.
            models.Index(fields=["-released_on", "-id"], name="rehab_plan_released_idx")
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.released_on})"

    def get_absolute_url(self) -> str:
        return reverse("rehab:aftercare-detail", args=[self.pk])


class FollowUpQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> FollowUpQuerySet:
        return self.filter(plans_visible(user, via="plan__"))

    def pending(self) -> FollowUpQuerySet:
        return self.filter(done_on__isnull=True, cancelled=False)

    def overdue(self, day: dt.date) -> FollowUpQuerySet:
        return self.pending().filter(due_on__lt=day)

    def due_within(self, day: dt.date, days: int = 7) -> FollowUpQuerySet:
        return self.pending().filter(due_on__gte=day, due_on__lte=day + dt.timedelta(days=days))


class FollowUp(models.Model):
    """A contact due (and, once done, recorded) at a set time after release."""

    class Method(models.TextChoices):
        VISIT = "visit", _("Home visit")
        PHONE = "phone", _("Phone")
        AT_AGENCY = "at_agency", _("At the agency")
        OTHER = "other", _("Other")

    class Outcome(models.TextChoices):
        ABSTINENT = "abstinent", _("Abstinent")
        RELAPSED = "relapsed", _("Relapsed")
        IN_TREATMENT = "in_treatment", _("In treatment")
        REARRESTED = "rearrested", _("Rearrested")
        REINCARCERATED = "reincarcerated", _("Reincarcerated")
        UNREACHABLE = "unreachable", _("Unreachable")
        DECEASED = "deceased", _("Deceased")

    class CalledOff(models.TextChoices):
        RETURN = "return", _("Returned to custody")
        DEATH = "death", _("Died")
        CONSENT = "consent", _("Consent withdrawn")

    plan = models.ForeignKey(AftercarePlan, on_delete=models.CASCADE, related_name="follow_ups")
    months_after = models.PositiveSmallIntegerField(_("months after release"))
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    method = models.CharField(_("method"), max_length=12, choices=Method.choices, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    urine_panel = models.CharField(
        _("urine test panel"), max_length=80, blank=True, help_text=_("e.g. 6-parameter")
    )
    urine_results = models.JSONField(
        _("urine results"), default=dict, blank=True
    )  # {substance: "positive"|"negative"}
    # Any substance positive: kept as a column so reports can count it in the database.
    urine_positive = models.BooleanField(_("urine test positive"), default=False)
    notes = models.TextField(_("confidential notes"), blank=True)
    cancelled = models.BooleanField(default=False)  # no longer due: the person returned to custody or died
    # The return to custody that called it off, so that undoing an admission registered by mistake brings it
    # back (inmates.services.registration_link_undo).
    called_off_by = models.ForeignKey(
        "inmates.Admission", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # When, why and by whom it was called off: a past month's figures read it as it stood then.
    called_off_at = models.DateTimeField(_("called off at"), null=True, blank=True)
    called_off_why = models.CharField(
        _("called off because"), max_length=10, choices=CalledOff.choices, blank=True
    )
    called_off_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # When the contact was recorded (done_on says when it took place): one typed late does not rewrite a
    # month already reported.
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    # The agency in charge when it was recorded: its counsellors, and only they, read the notes.
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        constraints = [
            models.CheckConstraint(
                condition=Q(done_on__isnull=True) | (~Q(method="") & ~Q(outcome="")),
                name="%(app_label)s_%(class)s_done_has_method_and_outcome",
            ),
        ]
        indexes = [models.Index(fields=["due_on", "done_on"], name="rehab_followup_due_idx")]  # work lists

    def __str__(self) -> str:
        return f"{self.plan_id} +{self.months_after}m"
