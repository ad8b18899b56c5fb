"""Monthly report figures through the API (issue 19): the reports the archive shows the caller, and each ready
report's figures exactly as its PDF prints them — the same snapshot, the same small cells suppressed ("<5")
and the same counts withheld ("×") — read back from the PDF and from the page it is rendered from."""

import datetime as dt
import html

import pytest
import time_machine
from django.urls import reverse

from inmates.services import admission_release
from reports.models import Report
from reports.render import generate, report_html
from reports.tasks import claim, report_for
from tests.api.conftest import bearer, partner_key, personal_key
from tests.factories import PersonFactory, admit
from tests.reports.test_publication import CELL, IN_OCTOBER, MONTH, ON_THE_3RD, pdf_text, screen

LIST = "/api/v1/reports/"


@pytest.fixture(autouse=True)
def _on_the_3rd():
    with time_machine.travel(ON_THE_3RD, tick=False):
        yield


@pytest.fixture
def october(institution, sister_institution, other_institution, staff, sister_staff):
    """Amuntai screened 3 (a small cell), Barabai 9 at moderate and 3 at high risk, Banyuwangi 15: the region
    (Kalsel) minus Barabai would give Amuntai's 3 away, so Barabai's counts are withheld."""
    screen(institution, ["moderate"] * 3)
    screen(sister_institution, ["moderate"] * 9 + ["high"] * 3)
    screen(other_institution, ["moderate"] * 15)
    # Releases for the return-to-custody table and its curve: 22 from Barabai early in 2025, 3 of them back at
    # Amuntai by May, and 2 from Amuntai in 2024 (released through the service, which records the movement).
    with time_machine.travel(IN_OCTOBER, tick=False):
        for n in range(22):
            person = PersonFactory()
            spell = admit(person, sister_institution, on=dt.date(2024, 1, 5))
            admission_release(
                by=sister_staff, admission=spell, on=dt.date(2025, 1, 10 + n), release_type="parole"
            )
            if n < 3:
                admit(person, institution, on=dt.date(2025, 5, 1))
        for _n in range(2):
            spell = admit(PersonFactory(), institution, on=dt.date(2023, 1, 5))
            admission_release(by=staff, admission=spell, on=dt.date(2024, 6, 1), release_type="parole")


def rendered(**place) -> Report:
    report = report_for(month=MONTH, language="en", **place)
    assert claim(report.pk)
    return generate(report)


def detail(report: Report) -> str:
    return reverse("api:report-detail", args=[report.pk])


def text(cell: dict) -> str:
    """What the PDF prints for an API cell: the count, or its mark."""
    return cell["suppressed"] or str(cell["value"])


def rate(cell: dict) -> str:
    if cell["suppressed"]:
        return cell["suppressed"]
    return "—" if cell["percent"] is None else f"{cell['percent']}%"


def api_cells(figures: dict) -> dict[str, str]:
    """The API's counts of people by the PDF's cell path (data-cell), as printed."""
    cells = {}
    for section, values in figures.items():
        if section in ("sessions", "agreements", "recidivism", "places", "trend") or values is None:
            continue
        for name, value in values.items():
            if value is None or "percent" in value or name in ("target", "mean_change"):
                continue  # not printed, a percentage, or a plan value: not a count of people
            if "suppressed" in value:
                cells[f"{section}.{name}"] = text(value)
            else:
                cells.update({f"{section}.{name}.{key}": text(cell) for key, cell in value.items()})
    for place in figures["places"]:  # a region's row per UPT, the nation's per region
        for path, cell in place["counts"].items():
            cells[f"members.{place['place']}.{path}"] = (
                "—" if cell == {"value": None, "suppressed": None} else text(cell)
            )
        cells[f"members.{place['place']}.attendance_rate"] = rate(place["attendance_rate"])
    if figures["sessions"]["excused"] is not None:
        cells["sessions.excused"] = text(figures["sessions"]["excused"])
    recidivism = figures["recidivism"]
    for row in recidivism["release_years"]:
        cells[f"recidivism.{row['year']}.size"] = text(row["released"])
        for window in row["windows"]:
            cells[f"recidivism.{row['year']}.eligible.{window['months']}"] = text(window["eligible"])
            cells[f"recidivism.{row['year']}.returned.{window['months']}"] = text(window["returned"])
    for at_risk in recidivism["at_risk"]:
        path = "recidivism.size" if at_risk["months"] == 0 else f"recidivism.followed.{at_risk['months']}"
        cells[path] = text(at_risk["people"])
    return cells


def printed_cells(report: Report) -> dict[str, str]:
    """Every count of people the report's PDF prints, read from the page it is rendered from."""
    return {path: html.unescape(value) for path, value in CELL.findall(report_html(report, report.snapshot))}


def test_a_region_officer_reads_the_figures_the_pdf_prints(client, october, region, regional):
    report = rendered(scope=Report.Scope.REGION, region=region)
    pdf = pdf_text(report)
    response = client.get(detail(report), **bearer(personal_key(regional)))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["scope"] == "region" and body["place"]["id"] == region.pk and body["month"] == "2026-10"
    assert body["status"] == "done" and body["checksum"] == report.checksum and body["checksum"] in pdf
    figures = body["figures"]
    screening = figures["screening"]
    assert screening["screened"] == {"value": 15, "suppressed": None}
    assert screening["assist_by_risk"]["moderate"] == {"value": 12, "suppressed": None}
    # 3 people at high risk in the region: "<5" in the PDF, and no number here either.
    assert report.snapshot["screening"]["assist_by_risk"]["high"] == 3
    assert screening["assist_by_risk"]["high"] == {"value": None, "suppressed": "<5"}
    rows = {
        "People screened (any instrument)": text(screening["screened"]),
        "ASSIST — Moderate risk": text(screening["assist_by_risk"]["moderate"]),
        "ASSIST — High risk": text(screening["assist_by_risk"]["high"]),
        "Assessments": text(figures["assessment"]["assessed"]),
        "Recommendations approved": text(figures["assessment"]["approved"]),
        "Sessions planned": text(figures["sessions"]["planned"]),
        "Sessions with attendance not recorded": text(figures["sessions"]["without_attendance"]),
        "Attendance rate (attended ÷ expected)": rate(figures["sessions"]["attendance_rate"]),
        "Follow-ups due": text(figures["aftercare"]["due"]),
        "Relapses reported": text(figures["aftercare"]["relapsed"]),
        "Agreements in force": text(figures["agreements"]["active"]),
        "Programme targets (participants)": text(figures["targets"]["target"]),
        "Active participants": text(figures["targets"]["active"]),
        "Achievement against target": rate(figures["targets"]["achievement"]),
    }
    for label, shown in rows.items():
        assert f"{label} {shown}" in pdf, label
    assert "ASSIST — High risk <5" in pdf  # the helpers above say what the PDF says, not just anything
    # The return-to-custody table, row by row, and the numbers at risk under the curve.
    recidivism = figures["recidivism"]
    for row in recidivism["release_years"]:
        windows = [f"{text(w['eligible'])} / {text(w['returned'])}" for w in row["windows"]]
        assert " ".join([str(row["year"]), text(row["released"]), *windows]) in pdf, row["year"]
    assert recidivism["curve_drawn"] and "Months since release 0 6 12 24 36" in pdf
    followed = " ".join(text(at_risk["people"]) for at_risk in recidivism["at_risk"])
    assert f"Still followed (at risk) {followed}" in pdf
    assert [row["year"] for row in recidivism["release_years"]] == [2024, 2025]
    assert recidivism["release_years"][1]["released"] == {"value": None, "suppressed": "×"}
    # Every count of people, cell by cell, as the page the PDF is rendered from prints it.
    assert api_cells(figures) == printed_cells(report)


def test_a_count_withheld_across_scopes_is_withheld_here_too(
    client, october, region, sister_institution, sister_staff
):
    """Barabai's 12 screened would give Amuntai's 3 away (Kalsel's 15 minus 12): "×" in Barabai's PDF, and no
    number in the API, although its snapshot holds the count."""
    rendered(scope=Report.Scope.REGION, region=region)
    report = rendered(scope=Report.Scope.INSTITUTION, institution=sister_institution)
    pdf = pdf_text(report)
    assert "People screened (any instrument) ×" in pdf
    response = client.get(detail(report), **bearer(personal_key(sister_staff)))
    assert response.status_code == 200, response.content
    figures = response.json()["figures"]
    assert report.snapshot["screening"]["screened"] == 12
    assert figures["screening"]["screened"] == {"value": None, "suppressed": "×"}
    assert figures["screening"]["assist_by_risk"]["high"] == {"value": None, "suppressed": "<5"}
    assert api_cells(figures) == printed_cells(report)


@pytest.fixture
def archive(region, institution):
    """Kalsel's October report and Amuntai's, queued (not rendered yet)."""
    return (
        report_for(scope=Report.Scope.REGION, region=region, month=MONTH),
        report_for(scope=Report.Scope.INSTITUTION, institution=institution, month=MONTH),
    )


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_each_caller_sees_the_reports_the_archive_shows_them(
    client, archive, regional, staff, other_regional, national, counsellor
):
    region_report, upt_report = archive
    for user, seen in (
        (regional, [upt_report, region_report]),
        (national, [upt_report, region_report]),
        (staff, [upt_report]),  # a UPT's staff: their UPT's report, not their region's
        (other_regional, []),
        (counsellor, []),
    ):
        key = personal_key(user)
        assert _ids(client.get(LIST, **bearer(key))) == [report.pk for report in seen], user
        for report in (region_report, upt_report):
            answer = client.get(detail(report), **bearer(key))
            assert answer.status_code == (200 if report in seen else 404), (user, report)
            if answer.status_code == 404:
                assert answer["Content-Type"] == "application/problem+json"
    # Not rendered yet: the status, and no figures.
    queued = client.get(detail(region_report), **bearer(personal_key(regional))).json()
    assert queued["status"] == "queued" and queued["figures"] is None


def test_anonymous_callers_get_401(client, archive):
    for path in (LIST, detail(archive[0])):
        response = client.get(path)
        assert response.status_code == 401 and response["WWW-Authenticate"] == "Bearer"


def test_a_partner_client_sees_no_reports(client, archive, agency):
    key = partner_key(client, agency)
    assert _ids(client.get(LIST, **bearer(key))) == []
    assert client.get(detail(archive[0]), **bearer(key)).status_code == 404


def test_the_list_filters_by_scope_month_place_and_language(client, archive, region, institution, regional):
    region_report, upt_report = archive
    september = report_for(scope=Report.Scope.REGION, region=region, month=dt.date(2026, 9, 1), language="en")
    key = personal_key(regional)

    def ids(**query) -> list[int]:
        return _ids(client.get(LIST, query, **bearer(key)))

    assert ids() == [september.pk, upt_report.pk, region_report.pk]
    assert ids(scope="region") == [september.pk, region_report.pk]
    assert ids(month="2026-10") == [upt_report.pk, region_report.pk]
    assert ids(place=f"institution:{institution.pk}") == [upt_report.pk]
    assert ids(place=f"region:{region.pk}", language="en") == [september.pk]
    assert ids(place="national") == []
    refused = client.get(LIST, {"month": "Oktober", "place": "kanwil"}, **bearer(key))
    assert refused.status_code == 400 and refused["Content-Type"] == "application/problem+json"
    assert set(refused.json()["errors"]) == {"month", "place"}


def test_a_superseded_edition_says_so(client, archive, regional):
    region_report, _upt_report = archive
    Report.objects.filter(pk=region_report.pk).update(status=Report.Status.DONE)
    reissued = Report.objects.create(
        scope=region_report.scope, region=region_report.region, month=MONTH, edition=2, reissue_reason="Late"
    )
    rows = {row["id"]: row for row in client.get(LIST, **bearer(personal_key(regional))).json()["results"]}
    assert rows[region_report.pk]["superseded"] is True and rows[reissued.pk]["superseded"] is False


@pytest.mark.parametrize("months", [1, 10])
def test_the_list_takes_a_fixed_number_of_queries(
    client, region, institution, regional, months, django_assert_max_num_queries
):
    made = []
    for month in range(1, months + 1):
        made.append(report_for(scope=Report.Scope.REGION, region=region, month=dt.date(2026, month, 1)))
        made.append(
            report_for(scope=Report.Scope.INSTITUTION, institution=institution, month=dt.date(2026, month, 1))
        )
    key = personal_key(regional)
    # The token (and its last use), the caller's memberships, one page of reports with their places.
    with django_assert_max_num_queries(4):
        response = client.get(LIST, **bearer(key))
    assert _ids(response) == sorted((report.pk for report in made), reverse=True)
    names = {row["place"]["name"] for row in response.json()["results"]}
    assert names == {region.name, institution.name}


def test_the_schema_describes_the_reports(client, staff):
    schema = client.get(reverse("api:schema") + "?format=json", **bearer(personal_key(staff))).json()
    listing, one = schema["paths"][LIST]["get"], schema["paths"]["/api/v1/reports/{id}/"]["get"]
    assert listing["tags"] == ["reports"] and one["tags"] == ["reports"]
    assert {"scope", "month", "place", "language"} <= {
        parameter["name"] for parameter in listing["parameters"]
    }
    assert '"suppressed": "<5"' in one["description"]
    assert "Count" in schema["components"]["schemas"]
