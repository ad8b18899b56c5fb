"""Which UPT each row of an export belongs to, and whether the import covers it.

An import covers an area: one UPT (the file is that UPT's list), or every UPT of a region or of the country
(the file names each row's UPT in its UPT column, by code or by name). A row of a UPT outside the area is
rejected: the user chose, and is allowed, only that area.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.utils.translation import gettext_lazy as _

from exchange.sdp.columns import normalised
from exchange.sdp.rows import RowProblem, RowResult
from institutions.models import Institution, Region


@dataclass(frozen=True)
class Area:
    institution: Institution | None = None
    region: Region | None = None

    @property
    def is_single_upt(self) -> bool:
        return self.institution is not None

    @property
    def key(self) -> str:
        """How a column profile names the area."""
        if self.institution is not None:
            return f"upt:{self.institution.pk}"
        if self.region is not None:
            return f"region:{self.region.pk}"
        return "national"

    def covers(self, institution: Institution) -> bool:
        if self.institution is not None:
            return institution.pk == self.institution.pk
        if self.region is not None:
            return institution.region_id == self.region.pk
        return True

    def institutions(self):
        places = Institution.objects.all()
        if self.institution is not None:
            return places.filter(pk=self.institution.pk)
        if self.region is not None:
            return places.filter(region=self.region)
        return places


class PlaceResolver:
    """Looks the UPT column up among every UPT (a few hundred, read once), by code or by name."""

    def __init__(self, area: Area):
        self.area = area
        self.by_ref: dict[str, Institution] = {}
        for place in Institution.objects.only("pk", "code", "name", "region_id"):
            self.by_ref.setdefault(place.code.casefold(), place)
            self.by_ref.setdefault(normalised(place.name), place)

    def place_of(self, result: RowResult) -> RowResult:
        row = result.row
        if row is None:
            return result
        if not row.institution_ref:
            if self.area.is_single_upt:
                return replace(result, row=replace(row, institution_id=self.area.institution.pk))
            return self._rejected(result, _("The UPT is empty."))
        place = self.by_ref.get(row.institution_ref.casefold()) or self.by_ref.get(
            normalised(row.institution_ref)
        )
        if place is None:
            return self._rejected(result, _("No UPT with this code or name."))
        if not self.area.covers(place):
            return self._rejected(
                result, _("Belongs to %(upt)s, which this import does not cover.") % {"upt": place.name}
            )
        return replace(result, row=replace(row, institution_id=place.pk))

    @staticmethod
    def _rejected(result: RowResult, reason) -> RowResult:
        return RowResult(result.line, result.cells, None, (RowProblem(result.line, "institution", reason),))
