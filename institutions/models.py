"""Places: regional offices (Kanwil), correctional units (UPT) and partner agencies."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from accounts.models import User


def validate_time_zone(value: str) -> None:
    if value and value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a known IANA time zone."), params={"value": value})


class TimeZones(models.TextChoices):
    """Indonesia's three zones (see DOMAIN.md, Practicalities)."""

    WIB = "Asia/Jakarta", _("WIB (UTC+7, Asia/Jakarta)")
    WITA = "Asia/Makassar", _("WITA (UTC+8, Asia/Makassar)")
    WIT = "Asia/Jayapura", _("WIT (UTC+9, Asia/Jayapura)")


# The codes of inmates.Admission.NARCOTICS_OFFENCES: this app sits below inmates and cannot import it.
NARCOTICS_OFFENCE_CODES = ("narcotics_user", "narcotics_other")


def count_subquery(rows: models.QuerySet) -> Coalesce:
    """How many `rows` there are for each outer row, as an annotation: `rows` is tied to the outer row by
    OuterRef and reduced to that key with values() (one group). Counted per row shown, where an aggregate
    over a join counts every related row in the country before the page is chosen; 0 where there are none."""
    return Coalesce(Subquery(rows.order_by().annotate(n=Count("pk")).values("n")), 0)


def custody_counts() -> dict[str, Coalesce]:
    """WBP in custody and, of those, narcotics cases, at each UPT of a queryset: counted per UPT shown over
    its open custody spells (index on institution and release), not aggregated over every custody spell (the
    nation's 360,000: 290 ms for a page of UPT). Admissions belong to the inmates app, above this one: the
    model is looked up by name when counting, never imported."""
    held = (
        apps.get_model("inmates", "Admission")
        .objects.filter(institution=OuterRef("pk"), released_on__isnull=True)
        .values("institution")
    )
    return {
        "in_custody": count_subquery(held),
        "narcotics_cases": count_subquery(held.filter(offence__in=NARCOTICS_OFFENCE_CODES)),
    }


class RegionQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> RegionQuerySet:
        scope = user.scope
        if scope.is_national:
            return self
        # Counsellors are not shown regions: region pages carry custody counts, and their access to
        # anything about inmates comes only through agreements.
        return self.filter(pk__in=scope.region_ids | scope.staff_region_ids)

    def with_institution_count(self) -> RegionQuerySet:
        return self.annotate(institution_count=Count("institutions")).order_by("name")


def with_custody_counts(regions: Iterable[Region]) -> list[Region]:
    """The regions given, each with "in_custody" and "narcotics_cases": their open custody spells counted in
    one pass grouped by region (the index on open spells; 40 ms for the nation), not through every spell
    of every UPT (300 ms) nor by a subquery per region (the planner read every open spell once per region:
    3 s). Admissions belong to the inmates app, above this one: the model is looked up by name."""
    regions = list(regions)
    open_spells = (
        apps.get_model("inmates", "Admission")
        .objects.filter(released_on__isnull=True, institution__region__in=[region.pk for region in regions])
        .values("institution__region")
        .annotate(
            in_custody=Count("pk"), narcotics_cases=Count("pk", filter=Q(offence__in=NARCOTICS_OFFENCE_CODES))
        )
        .order_by()
    )
    counts = {row.pop("institution__region"): row for row in open_spells}
    for region in regions:
        row = counts.get(region.pk, {})
        region.in_custody = row.get("in_custody", 0)
        region.narcotics_cases = row.get("narcotics_cases", 0)
    return regions


class Region(models.Model):
    """A Kanwil Ditjenpas: one regional office per province."""

    # Set on the regions with_custody_counts returns (not columns).
    in_custody: int
    narcotics_cases: int

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=120)
    province = models.CharField(_("province"), max_length=80)
    time_zone = models.CharField(
        _("time zone"), max_length=40, choices=TimeZones.choices, default=TimeZones.WIB
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("region (Kanwil)")
        verbose_name_plural = _("regions (Kanwil)")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("institutions:region-detail", args=[self.code])


class InstitutionQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> InstitutionQuerySet:
        scope = user.scope
        if scope.is_national:
            return self
        return self.filter(Q(pk__in=scope.staff_institution_ids) | Q(region_id__in=scope.region_ids))

    def with_custody_counts(self) -> InstitutionQuerySet:
        return self.annotate(**custody_counts()).order_by("name")


class Institution(models.Model):
    """A UPT Pemasyarakatan: a prison (Lapas), remand centre (Rutan) or one of their special kinds."""

    class Kind(models.TextChoices):
        LAPAS = "lapas", _("Lapas (prison)")
        RUTAN = "rutan", _("Rutan (remand centre)")
        LPP = "lpp", _("LPP (women's prison)")
        LPKA = "lpka", _("LPKA (juvenile institution)")
        LAPAS_NARKOTIKA = "lapas_narkotika", _("Lapas Narkotika (narcotics prison)")
        CABANG_RUTAN = "cabang_rutan", _("Cabang Rutan (branch remand centre)")

    class Klass(models.TextChoices):
        I = "I", _("Class I")  # noqa: E741 - the official class name
        IIA = "IIA", _("Class IIA")
        IIB = "IIB", _("Class IIB")
        III = "III", _("Class III")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=160)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    klass = models.CharField(_("class"), max_length=3, choices=Klass.choices)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="institutions", verbose_name=_("region")
    )
    city = models.CharField(_("city / regency"), max_length=120)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    time_zone_override = models.CharField(
        _("time zone (if not the region's)"),
        max_length=40,
        choices=TimeZones.choices,
        blank=True,
        help_text=_("Leave empty to use the region's time zone."),
    )

    objects = InstitutionQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("institution (UPT)")
        verbose_name_plural = _("institutions (UPT)")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("institutions:institution-detail", args=[self.code])

    @property
    def time_zone(self) -> str:
        return self.time_zone_override or self.region.time_zone

    @property
    def is_for_children(self) -> bool:
        """An LPKA: the only kind of UPT where people under 18 are held."""
        return self.kind == self.Kind.LPKA

    @property
    def time_zone_info(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def time_zone_label(self) -> str:
        """How people here name the zone: "WITA (UTC+8, Asia/Makassar)", not only the tz database name."""
        labels = dict(TimeZones.choices)
        return str(labels.get(self.time_zone, self.time_zone))


class AgencyQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> AgencyQuerySet:
        scope = user.scope
        if scope.is_national:
            return self
        # Regional officers see their region's agencies, UPT staff the potential partners in their
        # institution's region, counsellors their own agency.
        return self.filter(
            Q(pk__in=scope.agency_ids) | Q(region_id__in=scope.region_ids | scope.staff_region_ids)
        )


class Agency(models.Model):
    """A partner organisation whose staff work inside prisons under an agreement."""

    class Kind(models.TextChoices):
        BNN = "bnn", _("BNN (National Narcotics Board)")
        BNNP = "bnnp", _("BNNP (provincial narcotics board)")
        BNNK = "bnnk", _("BNNK (district/city narcotics board)")
        IPWL = "ipwl", _("IPWL (licensed rehabilitation provider)")
        DINKES = "dinkes", _("Dinkes (health office)")
        DINSOS = "dinsos", _("Dinsos (social office)")
        IKAI = "ikai", _("IKAI (addiction counsellors' association)")
        BAPAS = "bapas", _("Bapas (probation office)")
        OTHER = "other", _("Other")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="agencies",
        null=True,
        blank=True,
        verbose_name=_("region"),
        help_text=_("Empty for national bodies such as BNN."),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        related_name="children",
        null=True,
        blank=True,
        verbose_name=_("parent agency"),
    )
    city = models.CharField(_("city / regency"), max_length=120, blank=True)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")), name="%(app_label)s_%(class)s_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("institutions:agency-detail", args=[self.code])

    @property
    def time_zone(self) -> str:
        return self.region.time_zone if self.region is not None else TimeZones.WIB
