"""Load the demo places, people and users. Safe to run again: nothing is created twice."""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Membership, Role, User
from dashboard.trends import last_months
from demo import agreements as demo_agreements
from demo import assessments as demo_assessments
from demo import links as demo_links
from demo import outcomes as demo_outcomes
from demo import people, places
from demo import privacy as demo_privacy
from demo import rehab as demo_rehab
from demo import returns as demo_returns
from demo.backdate import backdate
from inmates.models import Admission, Movement, Person
from institutions.models import Agency, Institution, Region
from reports import release_outcomes
from reports.publication import figure_set_for, final_cutoff

DEFAULT_PASSWORD = "rehab-demo-2025"  # documented in the README; demo accounts only
ADMIN_MODELS = ["region", "institution", "agency", "user", "membership", "report"]


class Command(BaseCommand):
    help = (
        "Load the demo Kanwil, UPT, partner agencies and their agreements, about 300 fictitious WBP "
        "and one user per role."
    )

    def add_arguments(self, parser):
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help="Password for every demo user.")

    @transaction.atomic
    def handle(self, *args, password: str, **options):
        regions = self._regions()
        institutions = self._institutions(regions)
        agencies = self._agencies(regions)
        users = self._users(password, institutions, agencies, regions)
        new_agreements = demo_agreements.load(
            today=timezone.localdate(), institutions=institutions, agencies=agencies, by=users["ditjenpas"]
        )
        created = self._people(institutions, users)
        heads = self._heads(password, institutions)
        staff_by_institution = {
            m.institution_id: m.user
            for m in Membership.objects.filter(role=Role.UPT_STAFF, is_head=False, user__in=users.values())
        }
        today = timezone.localdate()
        screenings = demo_assessments.load(
            today=today, staff_by_institution=staff_by_institution, heads_by_institution=heads
        )
        demo_returns.load(today=today, staff_by_institution=staff_by_institution)
        programmes = demo_rehab.load(
            today=today,
            institutions=institutions,
            agencies=agencies,
            staff_by_institution=staff_by_institution,
        )
        demo_outcomes.load(
            today=today,
            institutions=institutions,
            agencies=agencies,
            staff_by_institution=staff_by_institution,
        )
        demo_links.load(today=today, staff_by_institution=staff_by_institution, institutions=institutions)
        demo_privacy.load(today=today, staff_by_institution=staff_by_institution, institutions=institutions)
        backdate()  # as if each record had been typed on the day it happened
        release_outcomes.refresh()  # the recidivism dashboard's table, as the scheduled job builds it
        for month in last_months(today):
            # The months' final figures, as the monthly reports compute them: the officers' home shows them.
            figure_set_for(month, cutoff=final_cutoff(month))
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready ({created} new WBP, {new_agreements} new agreements, "
                f"{screenings} new screenings, {programmes} new programmes). "
                f"Logins (password: {password}):"
            )
        )
        self._print_logins()

    def _print_logins(self) -> None:
        """The demo users as one aligned table, in the interface's default language."""
        with translation.override(settings.LANGUAGE_CODE):
            rows = [(_("User name"), _("Role"), _("Place"))]
            rows += [
                (username, str(Role(role).label), place or "Ditjenpas")
                for username, _first, _last, role, place in places.USERS
            ]
            rows += [(username, _("Head of UPT"), place) for username, _first, _last, place in places.HEADS]
        widths = [max(len(str(row[column])) for row in rows) for column in range(2)]
        for username, role, place in rows:
            self.stdout.write(f"  {username:{widths[0]}}  {role:{widths[1]}}  {place}")

    def _regions(self) -> dict[str, Region]:
        regions = {}
        for code, name, province, zone in places.REGIONS:
            regions[code], _ = Region.objects.update_or_create(
                code=code, defaults={"name": name, "province": province, "time_zone": zone}
            )
        return regions

    def _institutions(self, regions) -> dict[str, Institution]:
        institutions = {}
        for code, name, kind, klass, region, city in places.INSTITUTIONS:
            institutions[code], _ = Institution.objects.update_or_create(
                code=code,
                defaults={
                    "name": name,
                    "kind": kind,
                    "klass": klass,
                    "region": regions[region],
                    "city": city,
                },
            )
        return institutions

    def _agencies(self, regions) -> dict[str, Agency]:
        agencies: dict[str, Agency] = {}
        for code, name, kind, region, parent, city in places.AGENCIES:
            agencies[code], _ = Agency.objects.update_or_create(
                code=code,
                defaults={
                    "name": name,
                    "kind": kind,
                    "region": regions[region] if region else None,
                    "parent": agencies[parent] if parent else None,
                    "city": city,
                },
            )
        return agencies

    def _users(self, password, institutions, agencies, regions) -> dict[str, User]:
        admin_permissions = Permission.objects.filter(
            content_type__app_label__in=["institutions", "accounts", "reports"],
            content_type__model__in=ADMIN_MODELS,
        )
        users = {}
        for username, first, last, role, place in places.USERS:
            user, _ = User.objects.get_or_create(username=username)
            user.first_name, user.last_name = first, last
            user.email = f"{username}@demo.rehab-lapas.local"
            user.is_staff = role == Role.NATIONAL  # national officers manage reference data in the admin
            user.set_password(password)
            user.save()
            place_field = {
                Role.UPT_STAFF: ("institution", institutions),
                Role.COUNSELLOR: ("agency", agencies),
                Role.REGIONAL: ("region", regions),
                Role.DPO: ("region", regions),
            }.get(role)
            target = {place_field[0]: place_field[1][place]} if place_field and place else {}
            Membership.objects.get_or_create(user=user, role=role, **target)
            if role == Role.NATIONAL:
                user.user_permissions.add(*admin_permissions)
            users[username] = user
        return users

    def _heads(self, password, institutions) -> dict[int, User]:
        heads = {}
        for username, first, last, place in places.HEADS:
            user, _ = User.objects.get_or_create(username=username)
            user.first_name, user.last_name = first, last
            user.email = f"{username}@demo.rehab-lapas.local"
            user.set_password(password)
            user.save()
            Membership.objects.update_or_create(
                user=user, role=Role.UPT_STAFF, institution=institutions[place], defaults={"is_head": True}
            )
            heads[institutions[place].pk] = user
        return heads

    def _people(self, institutions, users) -> int:
        today = timezone.localdate()
        staff_by_institution = {
            membership.institution_id: membership.user
            for membership in Membership.objects.filter(role=Role.UPT_STAFF, user__in=users.values())
        }
        created = 0
        for seed, (code, (count, area)) in enumerate(places.DEMO_POPULATION.items(), start=1):
            institution = institutions[code]
            clerk = staff_by_institution.get(institution.pk)
            transfer_from = (
                "rutan-barabai"
                if code == "lapas-amuntai"
                else ("rutan-palembang" if code in {"lapas-palembang", "lapas-narkotika-palembang"} else None)
            )
            for number, demo in enumerate(
                people.generate(
                    code,
                    count,
                    area,
                    female_only=institution.kind == Institution.Kind.LPP,
                    juvenile=institution.kind == Institution.Kind.LPKA,
                    transfer_from=transfer_from,
                    seed=seed,
                ),
                start=1,
            ):
                if Person.objects.filter(full_name=demo.full_name, birth_date=demo.birth_date).exists():
                    continue
                self._person(demo, institution, institutions, clerk, today, number)
                created += 1
        return created

    def _person(self, demo, institution, institutions, clerk, today, number) -> None:
        person = Person.objects.create(
            full_name=demo.full_name,
            sex=demo.sex,
            birth_date=demo.birth_date,
            birth_place=demo.birth_place,
            nik=demo.nik,
            created_by=clerk,
        )
        admitted_on = today - dt.timedelta(days=demo.admitted_days_ago)
        released_on = today - dt.timedelta(days=demo.released_days_ago) if demo.released_days_ago else None
        first_place = institutions[demo.transferred_from] if demo.transferred_from else institution
        admission = Admission.objects.create(
            person=person,
            institution=institution,
            register_number=f"{demo.register_category} {number:03d}/{admitted_on.year}",
            register_category=demo.register_category,
            admitted_on=admitted_on,
            offence=demo.offence,
            sentence_months=demo.sentence_months,
            expected_release=(
                admitted_on + dt.timedelta(days=30 * demo.sentence_months) if demo.sentence_months else None
            ),
            released_on=released_on,
            release_type=demo.release_type,
            created_by=clerk,
        )
        movement = partial(Movement, admission=admission, recorded_by=clerk)
        movements = [movement(kind=Movement.Kind.ADMISSION, on=admitted_on, to_institution=first_place)]
        if first_place != institution:
            moved_on = admitted_on + dt.timedelta(days=min(45, demo.admitted_days_ago // 2))
            movements.append(
                movement(
                    kind=Movement.Kind.TRANSFER,
                    on=moved_on,
                    from_institution=first_place,
                    to_institution=institution,
                    note="Pindah setelah putusan berkekuatan hukum tetap.",
                )
            )
        if released_on:
            movements.append(
                movement(kind=Movement.Kind.RELEASE, on=released_on, from_institution=institution)
            )
        Movement.objects.bulk_create(movements)
