"""People in custody (WBP), their custody spells (admissions) and their movements between institutions."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.expressions import Combinable
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from agreements.access import Work, institution_ids_open_to
from institutions.models import Institution

if TYPE_CHECKING:
    from accounts.models import User

# NIK: the 16-digit national identity number (Nomor Induk Kependudukan).
# [0-9], not \d: \d would also accept Arabic-Indic and other Unicode digits and so dodge the unique check.
nik_validator = RegexValidator(r"^[0-9]{16}\Z", _("A NIK has exactly 16 digits."), code="invalid_nik")


def _movements_in_scope(user: User, **outer):
    """Movements into an institution the user oversees: the staff and regional half of the visibility rule.

    A person is visible to an institution's staff once they have been held there (history stays visible
    after a transfer) and to a region's officers once they have been held anywhere in the region.
    """
    scope = user.scope
    return Movement.objects.filter(
        Q(to_institution_id__in=scope.staff_institution_ids)
        | Q(to_institution__region_id__in=scope.region_ids),
        **outer,
    )


def _admissions_open_to_counsellor(user: User, work: Work, **outer):
    """The counsellor half: a person's latest custody spell at an institution where the counsellor's agency
    has an agreement in force whose scope covers the work (see agreements.access).

    In custody, any covered work gives access. Once released, a person is reached only for after-care, so
    only an agreement with after-care scope gives access to the institution's former WBP.
    Only the latest spell counts, so a person transferred to, or re-admitted at, an institution without an
    agreement drops out of reach; their earlier records stay attributed to whoever wrote them.
    """
    return Admission.objects.filter(_latest_spell_in_reach(user, work), **outer)


def _latest_spell_in_reach(user: User, work: Work) -> Q:
    """The condition of _admissions_open_to_counsellor on an admission row itself: a list of admissions
    tests it on each row directly (the database narrows by institution first) instead of looking each row
    up again in a subquery, which read every custody spell in the country to count a counsellor's list."""
    agencies = user.scope.agency_ids
    later = Admission.objects.filter(
        Q(admitted_on__gt=OuterRef("admitted_on"))
        | Q(admitted_on=OuterRef("admitted_on"), pk__gt=OuterRef("pk")),
        person=OuterRef("person"),
    )
    reach = Q(released_on__isnull=True, institution_id__in=institution_ids_open_to(agencies, work))
    if work in (Work.ANY, Work.AFTERCARE):
        reach |= Q(
            released_on__isnull=False, institution_id__in=institution_ids_open_to(agencies, Work.AFTERCARE)
        )
    # Q & Exists is a Q (Q._combine takes any conditional expression); the stubs say Combinable.
    return reach & ~Exists(later)  # type: ignore[return-value]


def emergency_reach(user: User) -> frozenset[int]:
    """People whose records `user` may open for now through break-glass access (privacy.emergency): a few
    hours, with a reason, audited, reviewed afterwards. Set on the user for the request from the signed-in
    session by privacy.middleware, so asking costs no query; never their notes (those querysets do not
    widen)."""
    return getattr(user, "emergency_person_ids", frozenset())


def _visible(user: User, work: Work, movements: dict, admissions: dict) -> Q | Combinable:
    condition: Q | Combinable = Exists(_movements_in_scope(user, **movements))
    if user.scope.agency_ids:
        condition |= Exists(_admissions_open_to_counsellor(user, work, **admissions))
    return condition


class PersonQuerySet(models.QuerySet):
    def visible_to(self, user: User, work: Work = Work.ANY) -> PersonQuerySet:
        # A record merged into another lives on only to make the merge undoable: nobody works with it.
        people = self.filter(merged_into__isnull=True)
        if user.scope.is_national:
            return people
        condition = _visible(user, work, {"admission__person": OuterRef("pk")}, {"person": OuterRef("pk")})
        granted = emergency_reach(user)
        if granted:
            condition |= Q(pk__in=granted)
        return people.filter(condition)

    def editable_by(self, user: User) -> PersonQuerySet:
        """Identity can be corrected by staff of any institution that has held the person."""
        return self.filter(
            Exists(
                Movement.objects.filter(
                    admission__person=OuterRef("pk"), to_institution_id__in=user.scope.staff_institution_ids
                )
            )
        )


class Person(models.Model):
    """A human being, across every time they are held. Matched across admissions by NIK when known."""

    class Sex(models.TextChoices):
        MALE = "male", _("Male")
        FEMALE = "female", _("Female")

    full_name = models.CharField(_("full name"), max_length=160)
    other_names = models.CharField(
        _("other names (aliases)"), max_length=255, blank=True, help_text=_("Separate with commas.")
    )
    nik = models.CharField(
        _("NIK"),
        max_length=16,
        unique=True,
        null=True,
        blank=True,
        validators=[nik_validator],
        help_text=_("16-digit national identity number. Leave empty if unknown."),
        error_messages={"unique": _("Another person is already registered with this NIK.")},
    )
    sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    birth_place = models.CharField(_("place of birth"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, editable=False
    )
    # Set when the retention schedule anonymised the record (privacy.retention): its identity is gone, what
    # was counted stays.
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("person (WBP)")
        verbose_name_plural = _("persons (WBP)")
        indexes = [
            # WBP list: search by name.
            models.Index(fields=["full_name"], name="inmates_person_name_idx"),
            # Matching the same person (registration, merges, SDP imports): by date of birth.
            models.Index(fields=["birth_date"], name="inmates_person_birth_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("inmates:person-detail", args=[self.pk])


def held_at(user: User, work: Work = Work.ANY, field: str = "institution") -> Q:
    """Rows whose institution (`field`) is one the user works at or oversees: their own UPT, their region's,
    or one their agency's agreements open for `work`. Everything for national officers."""
    scope = user.scope
    if scope.is_national:
        return Q()
    return (
        Q(**{f"{field}_id__in": scope.staff_institution_ids})
        | Q(**{f"{field}__region_id__in": scope.region_ids})
        | Q(**{f"{field}_id__in": institution_ids_open_to(scope.agency_ids, work)})
    )


def held_at_key(user: User, work: Work = Work.ANY) -> str:
    """What held_at(user, work) reaches today, as text (for a cache key): "all" for national officers, else
    their UPT, their regions and the UPT their agencies' agreements open now (read here, one query)."""
    scope = user.scope
    if scope.is_national:
        return "all"
    open_to = institution_ids_open_to(scope.agency_ids, work) if scope.agency_ids else []
    reached = (scope.staff_institution_ids, scope.region_ids, {row["institution_id"] for row in open_to})
    return "|".join(",".join(str(pk) for pk in sorted(ids)) for ids in reached)


class AdmissionQuerySet(models.QuerySet):
    def visible_to(self, user: User, work: Work = Work.ANY) -> AdmissionQuerySet:
        if user.scope.is_national:
            return self
        condition: Q | Combinable = Exists(_movements_in_scope(user, admission=OuterRef("pk")))
        if user.scope.agency_ids:
            condition |= _latest_spell_in_reach(user, work)
        granted = emergency_reach(user)
        if granted:
            condition |= Q(person_id__in=granted)
        return self.filter(condition)

    def held_in_scope(self, user: User, work: Work = Work.ANY) -> AdmissionQuerySet:
        """Spells whose current (or releasing) institution is one the user works at or oversees.

        Unlike visible_to(), this leaves out people who passed through and are now held elsewhere.
        """
        if user.scope.is_national:
            return self
        return self.filter(held_at(user, work))

    def open(self) -> AdmissionQuerySet:
        return self.filter(released_on__isnull=True)

    def holding_register_number(self, institution_id: int, register_number: str) -> AdmissionQuerySet:
        """The open spell at the institution with this register number, as the unique constraint compares
        them (in capitals): at most one."""
        return self.open().filter(
            institution_id=institution_id, register_number__upper=register_number.upper()
        )

    def narcotics(self) -> AdmissionQuerySet:
        return self.filter(offence__in=Admission.NARCOTICS_OFFENCES)

    def past_expected_release(self, today: dt.date) -> AdmissionQuerySet:
        """Still held after the expected release date: a release not recorded, or a date to correct."""
        return self.open().filter(expected_release__lt=today)

    def released_soon(self, today: dt.date, days: int = 30) -> AdmissionQuerySet:
        """Still held, expected out within `days` (today included): time to prepare after-care."""
        return self.open().filter(
            expected_release__gte=today, expected_release__lte=today + dt.timedelta(days=days)
        )

    def expected_release(self, which: str, *, today: dt.date) -> AdmissionQuerySet:
        """The WBP list's "expected release" filter: "overdue" or "soon"."""
        return self.past_expected_release(today) if which == "overdue" else self.released_soon(today)


class Admission(models.Model):
    """One custody spell: from admission to release, possibly across several institutions."""

    # What other apps said when the service saved it (inmates.hooks), for the page to show; not a column.
    notices: list[str]

    class RegisterCategory(models.TextChoices):
        # Register A: remand by authority; register B: sentenced, by sentence length (see DOMAIN.md).
        A_I = "A.I", _("A.I — remand (police)")
        A_II = "A.II", _("A.II — remand (prosecutor)")
        A_III = "A.III", _("A.III — remand (district court)")
        A_IV = "A.IV", _("A.IV — remand (high court)")
        A_V = "A.V", _("A.V — remand (supreme court)")
        B_I = "B.I", _("B.I — sentenced, over 1 year")
        B_IIA = "B.IIa", _("B.IIa — sentenced, 3 months to 1 year")
        B_IIB = "B.IIb", _("B.IIb — sentenced, up to 3 months")
        B_III = "B.III", _("B.III — kurungan (confinement)")

    class Offence(models.TextChoices):
        NARCOTICS_USER = "narcotics_user", _("Narcotics user (UU 35/2009 Art. 127 only)")
        NARCOTICS_OTHER = "narcotics_other", _("Narcotics, other articles")
        NON_NARCOTICS = "non_narcotics", _("Non-narcotics")

    class ReleaseType(models.TextChoices):
        SENTENCE_EXPIRY = "sentence_expiry", _("Sentence expiry")
        PAROLE = "parole", _("Parole (PB)")
        CONDITIONAL_LEAVE = "conditional_leave", _("Conditional leave (CB)")
        # Cuti Menjelang Bebas: leave in the last months of a sentence, one of the integration rights beside
        # PB and CB (Permenkumham 7/2022); the person leaves custody like the others.
        PRE_RELEASE_LEAVE = "pre_release_leave", _("Pre-release leave (CMB)")
        ASSIMILATION = "assimilation", _("Assimilation")
        DEATH = "death", _("Death")
        OTHER = "other", _("Other")

    NARCOTICS_OFFENCES = (Offence.NARCOTICS_USER, Offence.NARCOTICS_OTHER)

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="admissions", verbose_name=_("person")
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="admissions",
        verbose_name=_("institution"),
        help_text=_("Where the person is held now, or was held when released."),
    )
    register_number = models.CharField(
        _("register number"), max_length=60, help_text=_("As written in the register, e.g. B.I 123/2025.")
    )
    register_category = models.CharField(
        _("register category"), max_length=6, choices=RegisterCategory.choices
    )
    admitted_on = models.DateField(_("admitted on"))
    offence = models.CharField(_("offence"), max_length=20, choices=Offence.choices)
    sentence_months = models.PositiveIntegerField(
        _("sentence (months)"), null=True, blank=True, help_text=_("Empty while on remand.")
    )
    expected_release = models.DateField(_("expected release"), null=True, blank=True)
    released_on = models.DateField(_("released on"), null=True, blank=True)
    release_type = models.CharField(_("release type"), max_length=20, choices=ReleaseType.choices, blank=True)
    # Children belong in an LPKA: holding one elsewhere needs a reason (inmates.ages), kept with the spell.
    # Empty in the database too, for writers that leave it out (the national generator's COPY).
    minor_reason = models.TextField(_("why held here while under 18"), blank=True, default="", db_default="")
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, editable=False
    )

    objects = AdmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-admitted_on", "-pk"]
        verbose_name = _("admission")
        verbose_name_plural = _("admissions")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(released_on__isnull=True),
                name="%(app_label)s_%(class)s_one_open_per_person",
                violation_error_message=_("This person already has an open admission."),
            ),
            # A register number names one person among those a UPT holds now (released people's numbers
            # come round again). Compared in capitals: "b.i 17/2025" is the register's "B.I 17/2025". The
            # services check it first, with a message that names the number (open_register_holder).
            models.UniqueConstraint(
                F("institution"),
                Upper("register_number"),
                condition=Q(released_on__isnull=True),
                name="%(app_label)s_%(class)s_register_number_open_unique",
                violation_error_message=_(
                    "Someone else in custody at this institution already has this register number."
                ),
            ),
            models.CheckConstraint(
                condition=Q(released_on__isnull=True) | Q(released_on__gte=F("admitted_on")),
                name="%(app_label)s_%(class)s_release_after_admission",
                violation_error_message=_("The release date cannot be before the admission date."),
            ),
            models.CheckConstraint(
                condition=Q(released_on__isnull=True, release_type="")
                | Q(released_on__isnull=False) & ~Q(release_type=""),
                name="%(app_label)s_%(class)s_release_type_with_date",
                violation_error_message=_("A release needs both a date and a type."),
            ),
        ]
        indexes = [
            # WBP list and dashboards: in custody per institution, newest first.
            models.Index(fields=["institution", "released_on"], name="inmates_adm_inst_released_idx"),
            # WBP list: search by register number.
            models.Index(fields=["register_number"], name="inmates_adm_register_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.register_number} ({self.person_id})"

    @property
    def is_open(self) -> bool:
        return self.released_on is None


def sentence_as_text(months: int | None) -> str:
    """A sentence as SDP writes it ("1 thn 6 bln"), for exports the SDP import reads back."""
    if not months:
        return ""
    years, rest = divmod(months, 12)
    return " ".join(part for part in (f"{years} thn" if years else "", f"{rest} bln" if rest else "") if part)


class Movement(models.Model):
    """A step in a custody spell: arrival, transfer between institutions, or release. Never overwritten."""

    # What other apps said when the service saved it (inmates.hooks), for the page to show; not a column.
    notices: list[str]

    class Kind(models.TextChoices):
        ADMISSION = "admission", _("Admission")
        TRANSFER = "transfer", _("Transfer")
        RELEASE = "release", _("Release")

    admission = models.ForeignKey(
        Admission, on_delete=models.PROTECT, related_name="movements", verbose_name=_("admission")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    on = models.DateField(_("date"))
    from_institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from"),
    )
    to_institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="movements_in",
        verbose_name=_("to"),
    )
    note = models.TextField(_("note"), blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        ordering = ["on", "pk"]
        verbose_name = _("movement")
        verbose_name_plural = _("movements")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="admission", from_institution__isnull=True, to_institution__isnull=False)
                | Q(kind="transfer", from_institution__isnull=False, to_institution__isnull=False)
                | Q(kind="release", from_institution__isnull=False, to_institution__isnull=True),
                name="%(app_label)s_%(class)s_places_match_kind",
            ),
        ]
        indexes = [
            # visible_to(): "was this admission ever at one of these institutions?"
            models.Index(fields=["to_institution", "admission"], name="inmates_mov_to_adm_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on}"

    @property
    def place(self) -> Institution | None:
        """Where it happened: the receiving institution, or for a release the one that let the person go."""
        return self.to_institution or self.from_institution


class PersonMerge(models.Model):
    """Two records found to be one person: everything of `merged` moved to `kept`, recorded so it can be
    moved back (undone). Never deleted."""

    kept = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_kept")
    merged = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_merged")
    moved = models.JSONField(default=dict)  # {"app_label.model.field": [pk, ...]}
    merged_at = models.DateTimeField(auto_now_add=True)
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-merged_at"]
        verbose_name = _("merge of two records")
        verbose_name_plural = _("merges of two records")

    def __str__(self) -> str:
        return f"{self.merged_id} → {self.kept_id}"


class DistinctPeopleQuerySet(models.QuerySet):
    def standing(self) -> DistinctPeopleQuerySet:
        return self.filter(undone_at__isnull=True)

    def of(self, person_id: int) -> DistinctPeopleQuerySet:
        return self.filter(Q(first_id=person_id) | Q(second_id=person_id))

    def others_than(self, person_id: int) -> set[int]:
        """The people recorded (and not undone) as someone other than this person."""
        return {
            first if first != person_id else second
            for first, second in self.standing().of(person_id).values_list("first_id", "second_id")
        }


class DistinctPeople(models.Model):
    """Two records the duplicate check finds alike, recorded as two different people (by someone who checked),
    so it stops offering them as one. The pair is kept with the lower id first; undone, it stays, marked."""

    first = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    second = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("how it was checked"), max_length=500, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = DistinctPeopleQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        verbose_name = _("two records of different people")
        verbose_name_plural = _("records of different people")
        constraints = [
            models.CheckConstraint(
                condition=Q(first__lt=F("second")), name="%(app_label)s_%(class)s_lower_id_first"
            ),
            models.UniqueConstraint(
                fields=["first", "second"],
                condition=Q(undone_at__isnull=True),
                name="%(app_label)s_%(class)s_once",
                violation_error_message=_("These two have already been recorded as different people."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_id} ≠ {self.second_id}"

    def other_than(self, person_id: int) -> int:
        return self.second_id if self.first_id == person_id else self.first_id


class RegistrationLinkQuerySet(models.QuerySet):
    def for_review_by(self, user: User) -> RegistrationLinkQuerySet:
        """The heads of the UPT that held the person before see the links to their records; data-protection
        officers see those of their region (both ends), or all of them nationally. Nobody else."""
        scope = user.scope
        if scope.is_national_dpo:
            return self
        earlier = RegistrationLink.earlier_institutions.through.objects
        condition = Q(pk__in=[])
        if scope.head_institution_ids:
            condition |= Q(
                pk__in=earlier.filter(institution_id__in=scope.head_institution_ids).values(
                    "registrationlink"
                )
            )
        if scope.dpo_region_ids:
            condition |= Q(institution__region_id__in=scope.dpo_region_ids) | Q(
                pk__in=earlier.filter(institution__region_id__in=scope.dpo_region_ids).values(
                    "registrationlink"
                )
            )
        return self.filter(condition)

    def flagged(self) -> RegistrationLinkQuerySet:
        """Undone within a day: the pattern of registering someone only to read their past."""
        return self.filter(
            undone_at__isnull=False, undone_at__lte=F("linked_at") + RegistrationLink.QUICK_UNDO
        )


class RegistrationLink(models.Model):
    """A new custody spell registered on the record of someone already known (matched by NIK, or name and
    birth date). It opens the person's whole history to the new UPT: what a real return to custody needs, and
    also a way for a curious insider to read anyone's past by "registering" them. So each link is kept with
    the reason given, shown to the heads of the UPT that held the person before and to the data-protection
    officer, and one undone within a day is flagged for their review."""

    # What other apps said when the service saved it (inmates.hooks), for the page to show; not a column.
    notices: list[str]

    QUICK_UNDO = dt.timedelta(days=1)

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="registration_links")
    # Gone (null) once the link is undone and the admission registered in error is removed.
    admission = models.ForeignKey(
        "Admission", on_delete=models.SET_NULL, null=True, blank=True, related_name="registration_links"
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="+", verbose_name=_("registered at")
    )
    earlier_institutions = models.ManyToManyField(
        Institution, related_name="+", verbose_name=_("held before at")
    )
    match_reason = models.CharField(_("matched by"), max_length=100)
    reason = models.TextField(_("reason given"))
    linked_at = models.DateTimeField(_("linked at"), auto_now_add=True, db_index=True)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("linked by")
    )
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    undo_reason = models.TextField(_("reason for undoing"), blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_note = models.TextField(_("review note"), blank=True)

    objects = RegistrationLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-linked_at", "-pk"]
        verbose_name = _("registration linked to an existing record")
        verbose_name_plural = _("registrations linked to existing records")

    def __str__(self) -> str:
        return f"{self.person_id} @ {self.institution_id} ({self.linked_at:%Y-%m-%d})"

    @property
    def is_flagged(self) -> bool:
        return self.undone_at is not None and self.undone_at - self.linked_at <= self.QUICK_UNDO
