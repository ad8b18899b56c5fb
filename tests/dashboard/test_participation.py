"""The participation dashboard: what it shows is what the months' final figure sets publish, computed here by
the real figure computation (reports.publication.figure_set_for) over a small world made through the services,
and compared with counts worked out independently from the records; withheld cells stay withheld and their
rates too; the comparison table sorts on the server; a fixed number of queries; officers only."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Role
from assessments import services as assessment_services
from dashboard.participation import COLUMNS, SMALL_RANK, Rate, Row, rate, sort_rows
from inmates import services as inmates_services
from inmates.models import Admission
from rehab import aftercare
from rehab import services as rehab_services
from rehab.models import Attendance, Enrolment, FollowUp, Programme
from reports.models import FigureSet
from reports.publication import figure_set_for, final_cutoff
from tests.assessments.test_views import MODERATE_CANNABIS
from tests.factories import InstitutionFactory, PersonFactory, RegionFactory, UserFactory, admit, membership
from tests.factories import make_agreement as agreement_between
from tests.rehab.conftest import plan
from tests.rehab.test_services import local

NOW = dt.datetime(2026, 12, 2, 3, 0, tzinfo=dt.UTC)  # Wednesday 2 December 2026, 11:00 WITA
SEPTEMBER, OCTOBER, NOVEMBER = dt.date(2026, 9, 1), dt.date(2026, 10, 1), dt.date(2026, 11, 1)
URL = "/laporan/partisipasi/"
INDEX = {column.key: index for index, column in enumerate(COLUMNS)}


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


def at(day: dt.date, hour_utc: int = 3):
    """Travel to a day (11:00 WITA by default), so the records carry the time they were typed."""
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, hour_utc, tzinfo=dt.UTC), tick=False)


def upt_world(
    institution, staff, counsellor, agency, *, held: int, screened: int, enrolled: int, released: int
):
    """At one UPT: `held` narcotics WBP admitted on 1 September, `enrolled` of them in a programme (target 20,
    capacity 25) from 5 September; `released` of those released on 1 October (their after-care plans open,
    the first follow-up due on 1 November); `screened` of those still held screened on 15 October. In
    November three sessions with the six first participants: all present, then two absent, then three (13 of
    18 present: enough present and absent for the rate to be published);
    the released people's first follow-up done, half on the day it was due, half late."""
    people = []
    with at(SEPTEMBER):
        for n in range(held):
            person = PersonFactory(full_name=f"Rahasia {institution.code} {n}")
            admit(person, institution, on=SEPTEMBER)
            people.append(person)
        if enrolled:
            agreement = agreement_between(
                institutions=[institution], agencies=[agency], valid_from=dt.date(2026, 1, 1)
            )
            programme = Programme.objects.create(
                institution=institution,
                kind=Programme.Kind.SOCIAL,
                name="TC 2026",
                agency=agency,
                agreement=agreement,
                starts_on=SEPTEMBER,
                ends_on=dt.date(2026, 12, 31),
                target=20,
                capacity=25,
            )
    enrolments = []
    with at(dt.date(2026, 9, 5)):
        for person in people[:enrolled]:
            enrolment = rehab_services.enrolment_create(
                by=staff, programme=programme, person=person, reason="Rujukan tim", on=dt.date(2026, 9, 5)
            )
            enrolments.append(
                rehab_services.enrolment_move(
                    by=staff, enrolment=enrolment, to="active", on=dt.date(2026, 9, 5)
                )
            )
    with at(OCTOBER):
        for person in people[:released]:
            inmates_services.admission_release(
                by=staff, admission=person.admissions.get(), on=OCTOBER, release_type="parole"
            )
    still_held = people[released:]
    with at(dt.date(2026, 10, 15)):
        for person in still_held[:screened]:
            assessment_services.screening_record(
                by=staff,
                person=person,
                instrument="ASSIST",
                answers={"substances": {"cannabis": MODERATE_CANNABIS}, "q8": "no_never"},
                screened_on=dt.date(2026, 10, 15),
            )
    group = [e for e in enrolments if e.person in still_held][:6]
    for day, absent in ((dt.date(2026, 11, 10), 0), (dt.date(2026, 11, 17), 2), (dt.date(2026, 11, 24), 3)):
        if not group:
            break
        with at(dt.date(2026, 11, 1)):
            session = rehab_services.sessions_schedule(
                by=staff,
                programme=programme,
                plan=plan([counsellor], group, room=f"Aula {day.day}"),
                times=[(local(day, 9), local(day, 11))],
            )[0]
        with at(day, 4):  # 12:00 WITA, after the session
            rows = list(session.attendances.order_by("pk"))
            marks = {row.pk: ("absent" if i < absent else "present", "") for i, row in enumerate(rows)}
            rehab_services.attendance_record(by=staff, session=session, marks=marks)
    follow_ups = FollowUp.objects.filter(
        plan__admission__institution=institution, due_on=NOVEMBER, done_on__isnull=True
    ).order_by("pk")
    for n, follow_up in enumerate(follow_ups):
        done_on = NOVEMBER if n % 2 == 0 else dt.date(2026, 11, 10)
        with at(done_on, 5):
            aftercare.follow_up_record(
                by=staff, follow_up=follow_up, done_on=done_on, method="visit", outcome="abstinent"
            )


def compute_months(*months):
    """The months' final figure sets, as the monthly reports compute them after each month has ended."""
    with at(dt.date(2026, 12, 1), 5):
        for month in months:
            figure_set_for(month, cutoff=final_cutoff(month))


def counted(institutions, month: dt.date) -> dict[str, int]:
    """The month's counts for these UPTs, worked out here straight from the records (the world has no later
    corrections, so today's records are the month's)."""
    last = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    held = [
        a
        for a in Admission.objects.filter(
            institution__in=institutions, offence__in=Admission.NARCOTICS_OFFENCES
        )
        if a.admitted_on <= last and (a.released_on is None or a.released_on > last)
    ]
    screened = [
        a
        for a in held
        if a.person.screenings.filter(screened_on__gte=a.admitted_on, screened_on__lte=last).exists()
    ]
    active = [
        e
        for e in Enrolment.objects.filter(programme__institution__in=institutions)
        if e.transitions.filter(on__lte=last).order_by("-on", "-pk").first().to_status == "active"
    ]
    marks = Attendance.objects.filter(
        session__institution__in=institutions, session__starts_at__date__range=(month, last)
    ).exclude(status="")
    done = FollowUp.objects.filter(
        plan__admission__institution__in=institutions, done_on__range=(month, last)
    )
    programmes = Programme.objects.filter(
        institution__in=institutions, starts_on__lte=last, ends_on__gte=month
    )
    return {
        "narcotics": len(held),
        "screened": len(screened),
        "people": len({e.person_id for e in active}),
        "enrolments": len(active),
        "target": sum(p.target for p in programmes),
        "capacity": sum(p.capacity for p in programmes),
        "attended": marks.filter(status__in=("present", "late")).count(),
        "expected": marks.exclude(status="excused").count(),
        "followups": done.count(),
        "on_time": sum(1 for f in done if f.done_on <= f.due_on),
    }


def percent(numerator: int, denominator: int) -> str:
    return f"{100 * numerator / denominator:.0f}%"


@pytest.fixture
def kalsel(region, institution, sister_institution, staff, sister_staff, counsellor, agency):
    """Amuntai: 22 narcotics WBP, 16 enrolled, 10 released with after-care; Barabai: 10 held, none screened
    or enrolled. Every count is 0 or at least 5 at every scope, and no rate's difference is small: nothing is
    withheld, so every figure can be compared exactly."""
    upt_world(institution, staff, counsellor, agency, held=22, screened=6, enrolled=16, released=10)
    upt_world(
        sister_institution, sister_staff, counsellor, agency, held=10, screened=0, enrolled=0, released=0
    )
    compute_months(SEPTEMBER, OCTOBER, NOVEMBER)
    return {"amuntai": institution, "barabai": sister_institution}


def page_text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_regional_officer_sees_each_upt_as_counted_from_the_records(login, regional, kalsel):
    amuntai = counted([kalsel["amuntai"]], NOVEMBER)
    # The world as built: what each figure below rests on.
    assert amuntai == {
        "narcotics": 12,
        "screened": 6,
        "people": 6,
        "enrolments": 6,
        "target": 20,
        "capacity": 25,
        "attended": 13,
        "expected": 18,
        "followups": 10,
        "on_time": 5,
    }
    assert not FigureSet.objects.get(month=NOVEMBER).withheld  # nothing small: every figure is published
    response = login(regional).get(URL)
    assert response.status_code == 200
    rows = {row.name: row.cells for row in response.context["rows"]}
    cells = rows[kalsel["amuntai"].name]
    assert (
        cells[INDEX["narcotics"]] == amuntai["narcotics"] and cells[INDEX["screened"]] == amuntai["screened"]
    )
    assert cells[INDEX["coverage"]].text == percent(amuntai["screened"], amuntai["narcotics"]) == "50%"
    assert cells[INDEX["people"]] == amuntai["people"] and cells[INDEX["enrolments"]] == amuntai["enrolments"]
    assert cells[INDEX["of_target"]].text == percent(amuntai["enrolments"], amuntai["target"]) == "30%"
    assert cells[INDEX["of_capacity"]].text == percent(amuntai["enrolments"], amuntai["capacity"]) == "24%"
    assert cells[INDEX["attendance"]].text == percent(amuntai["attended"], amuntai["expected"]) == "72%"
    assert cells[INDEX["followups"]] == 10 and cells[INDEX["on_time"]] == 5
    assert cells[INDEX["on_time_rate"]].text == percent(amuntai["on_time"], amuntai["followups"]) == "50%"
    barabai = rows[kalsel["barabai"].name]
    assert barabai[INDEX["narcotics"]] == counted([kalsel["barabai"]], NOVEMBER)["narcotics"] == 10
    assert barabai[INDEX["coverage"]].text == "0%"  # 0 of 10: shown, it reveals nobody
    assert barabai[INDEX["of_target"]].text == barabai[INDEX["attendance"]].text == "—"  # no programme there
    # The region's own row: both UPTs together.
    both = counted(list(kalsel.values()), NOVEMBER)
    total = response.context["figures"].total
    assert total[INDEX["narcotics"]] == both["narcotics"] == 22
    assert total[INDEX["coverage"]].text == percent(both["screened"], both["narcotics"]) == "27%"
    text = page_text(response)
    assert "UPT compared: November 2026" in text and "Rahasia" not in text
    assert '<td class="text-end">72%</td>' in response.content.decode()


def test_twelve_months_with_gaps_where_no_figures_exist(login, regional, kalsel):
    response = login(regional).get(URL)
    figures = response.context["figures"]
    assert figures.trend[0][0] == dt.date(2025, 12, 1)
    by_month = dict(figures.trend)
    assert by_month[dt.date(2026, 8, 1)] is None  # no figure set: a gap, shown "—", never a zero
    september = counted(list(kalsel.values()), SEPTEMBER)
    assert september["enrolments"] == 16 and september["screened"] == 0
    cells = by_month[SEPTEMBER]
    assert cells[INDEX["of_target"]].text == percent(16, 20) == "80%"
    assert cells[INDEX["coverage"]].text == "0%"
    assert cells[INDEX["attendance"]].text == "—"  # no session held in September: a rate over nothing
    # The charts' lines: a gap (None) for months without figures, the rate where it is shown.
    assert figures.series("coverage")[-3:] == [0.0, 6 / 22, 6 / 22]
    assert figures.series("coverage")[:9] == [None] * 9
    assert figures.series("people")[-3:] == [16, 6, 6]
    assert len(response.context["charts"]) == 5
    assert all(chart["url"].startswith("data:image/svg+xml;base64,") for chart in response.context["charts"])
    assert "<script" not in response.content.decode().split("<main", 1)[-1]


def test_national_officer_sees_regions_and_may_pick_one(login, national, kalsel, region, other_region):
    response = login(national).get(URL)
    assert response.status_code == 200
    rows = {row.name: row for row in response.context["rows"]}
    assert set(rows) == {region.name, other_region.name}
    assert rows[region.name].cells[INDEX["narcotics"]] == 22
    assert rows[region.name].url == f"?region={region.pk}"
    assert rows[other_region.name].cells[INDEX["coverage"]].text == "—"  # nobody held there
    picked = login(national).get(URL, {"region": region.pk})
    assert picked.status_code == 200
    assert [row.name for row in picked.context["rows"]] == [kalsel["amuntai"].name, kalsel["barabai"].name]
    assert login(national).get(URL, {"region": 10**30}).status_code == 404
    assert login(national).get(URL, {"region": "Kalsel"}).status_code == 404
    # A NUL byte never reaches the view (config.input_guard): the parameter is ignored, the nation shown.
    ignored = login(national).get(URL, {"region": "a\x00b"})
    assert ignored.status_code == 200 and ignored.context["region"] is None


@pytest.fixture
def kalsel_with_a_small_cell(
    region, institution, sister_institution, staff, sister_staff, counsellor, agency
):
    """As `kalsel`, but 3 of Barabai's 10 are screened, and a third UPT holds nobody."""
    upt_world(institution, staff, counsellor, agency, held=22, screened=6, enrolled=16, released=10)
    upt_world(
        sister_institution, sister_staff, counsellor, agency, held=10, screened=3, enrolled=0, released=0
    )
    empty = InstitutionFactory(code="lapas-banjarmasin", name="Lapas Kelas IIA Banjarmasin", region=region)
    compute_months(NOVEMBER)
    return {"amuntai": institution, "barabai": sister_institution, "banjarmasin": empty}


def test_a_withheld_count_shows_as_published_and_its_rate_is_withheld(
    login, regional, kalsel_with_a_small_cell
):
    places = kalsel_with_a_small_cell
    assert counted([places["barabai"]], NOVEMBER)["screened"] == 3
    response = login(regional).get(URL)
    rows = {row.name: row.cells for row in response.context["rows"]}
    barabai = rows[places["barabai"].name]
    assert barabai[INDEX["screened"]] == "<5"
    assert barabai[INDEX["coverage"]].text == "×"  # 3 of 10 would tell the 3
    text = response.content.decode()
    assert "&lt;5" in text and 3 not in barabai
    # Whatever else the protection withholds to keep the 3 hidden shows "×", and its rate too; every figure
    # shown is the one counted here.
    amuntai, total = rows[places["amuntai"].name], response.context["figures"].total
    for cells, counts in (
        (amuntai, counted([places["amuntai"]], NOVEMBER)),
        (total, counted(list(places.values()), NOVEMBER)),
    ):
        for key in ("narcotics", "screened"):
            assert cells[INDEX[key]] in (counts[key], "×")
        if "×" in (cells[INDEX["narcotics"]], cells[INDEX["screened"]]):
            assert cells[INDEX["coverage"]].text == "×"
        else:
            assert cells[INDEX["coverage"]].text == percent(counts["screened"], counts["narcotics"])
    assert "×" in (amuntai[INDEX["screened"]], total[INDEX["screened"]], amuntai[INDEX["narcotics"]])


def names(response) -> list[str]:
    return [row.name for row in response.context["rows"]]


def test_the_table_sorts_by_a_column_numbers_first_then_withheld_then_missing(
    login, regional, kalsel_with_a_small_cell
):
    places = {key: place.name for key, place in kalsel_with_a_small_cell.items()}
    client = login(regional)
    # Coverage: Amuntai a number (or × if withheld), Barabai ×, Banjarmasin — (nobody held): either way round,
    # the numbers come first and "—" last.
    ascending = client.get(URL, {"sort": "coverage", "dir": "asc"})
    descending = client.get(URL, {"sort": "coverage", "dir": "desc"})
    assert (
        names(ascending) == names(descending) == [places["amuntai"], places["barabai"], places["banjarmasin"]]
    )
    # Held: 12, 10, 0.
    assert names(client.get(URL, {"sort": "narcotics", "dir": "desc"})) == [
        places["amuntai"],
        places["barabai"],
        places["banjarmasin"],
    ]
    assert names(client.get(URL, {"sort": "narcotics", "dir": "asc"})) == [
        places["banjarmasin"],
        places["barabai"],
        places["amuntai"],
    ]
    by_name = sorted(places.values())
    assert names(client.get(URL)) == by_name
    assert names(client.get(URL, {"sort": "name", "dir": "desc"})) == by_name[::-1]
    # The head of the current column links to the other direction, and says its order.
    page = ascending.content.decode()
    assert (
        'aria-sort="ascending"><a class="sort-link" href="?sort=coverage&amp;dir=desc"'
        ' title="Screening coverage">Coverage ▲</a>'
    ) in page
    assert 'aria-sort="none"><a class="sort-link" href="?sort=narcotics&amp;dir=asc"' in page


@pytest.mark.parametrize(
    "query", [{"sort": "x'; --"}, {"sort": "coverage", "dir": "sideways"}, {"sort": "9" * 40}]
)
def test_an_order_not_offered_falls_back_to_names_and_says_so(
    login, regional, kalsel_with_a_small_cell, query
):
    response = login(regional).get(URL, query)
    assert response.status_code == 200
    assert names(response) == sorted(place.name for place in kalsel_with_a_small_cell.values())
    assert "That order is not offered" in response.content.decode()


def row(name: str, pk: int, **values) -> Row:
    return Row(pk=pk, name=name, url="", cells=tuple(values.get(column.key) for column in COLUMNS))


@pytest.mark.parametrize("key", [column.key for column in COLUMNS])
def test_every_column_sorts_both_ways_with_withheld_and_missing_after_numbers(key):
    """Each column, with a number, a bigger number, "<5" (a count) or a withheld rate, "×" and "—"."""
    is_rate = next(column.ratio for column in COLUMNS if column.key == key) is not None
    if is_rate:
        cells = {
            "A": rate(5, 10),
            "B": rate(9, 10, people_denominator=False),
            "C": rate("<5", 10),
            "D": rate(None, 10),
            "E": rate(0, 10),
        }
        ascending, descending = ["E", "A", "B", "C", "D"], ["B", "A", "E", "C", "D"]
    else:
        cells = {"A": 5, "B": 9, "C": "×", "D": None, "E": "<5", "F": 0}
        ascending, descending = ["F", "E", "A", "B", "C", "D"], ["B", "A", "E", "F", "C", "D"]
    rows = [row(name, pk, **{key: cell}) for pk, (name, cell) in enumerate(reversed(cells.items()))]
    assert [r.name for r in sort_rows(rows, key, descending=False)] == ascending
    assert [r.name for r in sort_rows(rows, key, descending=True)] == descending


def test_ties_keep_the_names_order_in_both_directions():
    rows = [row("Rutan B", 2, people=7), row("Lapas A", 1, people=7), row("Lapas C", 3, people=9)]
    assert [r.name for r in sort_rows(rows, "people", descending=True)] == ["Lapas C", "Lapas A", "Rutan B"]
    assert [r.name for r in sort_rows(rows, "people", descending=False)] == ["Lapas A", "Rutan B", "Lapas C"]


def test_a_rate_is_shown_only_beside_published_numbers():
    assert rate(6, 12) == Rate("50%", 0.5)
    assert rate("<5", 12).text == rate(6, "×").text == "×"
    assert rate(None, 12).text == rate(6, None).text == "—"
    assert rate(3, 20, people_denominator=False).text == "×"  # the numerator is a small count of people
    assert rate(8, 10).text == "×"  # 8 of 10 tells that 2 did not
    assert (
        rate(8, 10, people_denominator=False).text == "80%"
    )  # a target is nobody: its difference tells nothing
    assert 0 < SMALL_RANK < 5


def test_queries_do_not_grow_with_the_number_of_upts(login, regional, region, django_assert_max_num_queries):
    """One UPT, then fifteen: the same number of queries (the figures are read from one figure set)."""
    institution = InstitutionFactory(code="lapas-amuntai", name="Lapas Kelas IIB Amuntai", region=region)
    with at(SEPTEMBER):
        for n in range(6):
            admit(PersonFactory(full_name=f"P{n}"), institution, on=SEPTEMBER)
    compute_months(NOVEMBER)
    client = login(regional)
    client.get(URL)  # the session and the charts' cache warmed
    with django_assert_max_num_queries(12) as one:
        response = client.get(URL)
    assert response.status_code == 200 and response.context["rows"][0].cells[INDEX["narcotics"]] == 6
    for n in range(14):
        InstitutionFactory(code=f"upt-{n}", name=f"UPT {n:02d}", region=region)
    FigureSet.objects.all().delete()
    compute_months(NOVEMBER)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(URL, {"sort": "narcotics", "dir": "desc"})
    assert response.status_code == 200 and len(response.context["rows"]) == 15
    assert response.context["rows"][0].cells[INDEX["narcotics"]] == 6
    assert "UPT 13" in response.content.decode()


def test_officers_only(login, staff, counsellor, regional, other_regional, national, region, other_region):
    assert login(regional).get(URL).status_code == 200
    assert login(national).get(URL).status_code == 200
    assert login(staff).get(URL).status_code == 403  # UPT staff: not their dashboard
    assert login(counsellor).get(URL).status_code == 403
    dpo = membership(UserFactory(username="dpo.pusat"), Role.DPO)
    assert login(dpo).get(URL).status_code == 403
    assert login(other_regional).get(URL, {"region": region.pk}).status_code == 404  # another region's UPT
    assert login(regional).get(URL, {"region": region.pk}).status_code == 200


def test_without_figures_the_page_says_when_they_come(login, regional, institution):
    response = login(regional).get(URL)
    assert response.status_code == 200 and response.context["charts"] == []
    assert "No monthly figures yet" in response.content.decode()


def test_linked_from_the_reports_page_for_officers_only(login, regional, staff):
    link = reverse("dashboard:participation")
    assert link == URL
    assert f'href="{link}"' in login(regional).get(reverse("reports:report-list")).content.decode()
    assert f'href="{link}"' not in login(staff).get(reverse("reports:report-list")).content.decode()


def test_a_region_with_more_regions_in_scope_picks_its_first_by_name(login, region):
    second = RegionFactory(code="kalteng", name="Kanwil Ditjenpas Kalimantan Tengah", province="Kalteng")
    officer = membership(UserFactory(username="kanwil.dua"), Role.REGIONAL, second)
    membership(officer, Role.REGIONAL, region)
    response = login(officer).get(URL)
    assert response.context["region"] == min((region, second), key=lambda r: r.name)
    assert login(officer).get(URL, {"region": second.pk}).context["region"] == second
