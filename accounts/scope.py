"""A user's reach, derived from their memberships once per request.

Querysets' ``visible_to(user)`` read it; views never filter by hand. Later issues extend what counsellors
reach (through agreements); the shape of this object stays the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from accounts.models import Membership, Role


@dataclass(frozen=True)
class Scope:
    roles: frozenset[str] = frozenset()
    # Institutions whose WBP the user works with (UPT staff); they may write there.
    staff_institution_ids: frozenset[int] = frozenset()
    # Regions the user oversees read-only (regional officers).
    region_ids: frozenset[int] = frozenset()
    # The agencies the user belongs to (counsellors).
    agency_ids: frozenset[int] = frozenset()
    # Regions of the user's own institutions (their region's page and partner agencies).
    staff_region_ids: frozenset[int] = frozenset()
    # Institutions the user heads (Kalapas / Karutan): they approve recommendations there.
    head_institution_ids: frozenset[int] = frozenset()
    # Data-protection officers: the regions they watch (never part of region_ids, which reads records), or the
    # whole country.
    dpo_region_ids: frozenset[int] = frozenset()
    is_national_dpo: bool = False
    time_zones: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def for_user(cls, user) -> Scope:
        if not user.is_authenticated or not user.is_active:
            return cls()
        memberships = list(
            Membership.objects.in_effect()
            .filter(user=user)
            .select_related("institution__region", "agency__region", "region")
        )
        roles, staff, regions, agencies, zones = set(), set(), set(), set(), []
        staff_regions, heads, dpo_regions = set(), set(), set()
        for membership in memberships:
            roles.add(membership.role)
            if membership.role == Role.DPO:
                if membership.region_id:
                    dpo_regions.add(membership.region_id)
                    zones.append(membership.region.time_zone)
                continue
            if membership.institution_id:
                staff.add(membership.institution_id)
                staff_regions.add(membership.institution.region_id)
                if membership.is_head:
                    heads.add(membership.institution_id)
                zones.append(membership.institution.time_zone)
            if membership.agency_id:
                agencies.add(membership.agency_id)
                zones.append(membership.agency.time_zone)
            if membership.region_id:
                regions.add(membership.region_id)
                zones.append(membership.region.time_zone)
        return cls(
            roles=frozenset(roles),
            staff_institution_ids=frozenset(staff),
            region_ids=frozenset(regions),
            agency_ids=frozenset(agencies),
            staff_region_ids=frozenset(staff_regions),
            head_institution_ids=frozenset(heads),
            dpo_region_ids=frozenset(dpo_regions),
            is_national_dpo=any(m.role == Role.DPO and not m.region_id for m in memberships),
            time_zones=tuple(zones),
        )

    @property
    def is_national(self) -> bool:
        return Role.NATIONAL in self.roles

    @property
    def is_regional(self) -> bool:
        return Role.REGIONAL in self.roles

    @property
    def is_upt_staff(self) -> bool:
        return Role.UPT_STAFF in self.roles

    @property
    def is_counsellor(self) -> bool:
        return Role.COUNSELLOR in self.roles

    @property
    def is_dpo(self) -> bool:
        return Role.DPO in self.roles

    @property
    def works_with_records(self) -> bool:
        """Any role that reads people's records; a data-protection officer alone reads none."""
        return bool(self.roles - {Role.DPO})

    @property
    def time_zone(self) -> str | None:
        """The zone the user works in: that of their first place, if they have one."""
        return self.time_zones[0] if self.time_zones else None

    def can_write_at(self, institution_id: int) -> bool:
        return institution_id in self.staff_institution_ids

    def may_load_register(self, institution) -> bool:
        """Who may load the national register's data (an SDP import) for a UPT: its staff, its region's
        officers, national officers. What the register cannot decide (a release, a link) stays with staff."""
        return (
            self.is_national
            or institution.pk in self.staff_institution_ids
            or institution.region_id in self.region_ids
        )
