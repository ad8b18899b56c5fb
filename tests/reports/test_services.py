"""Asking for a report and reissuing one go through reports.services everywhere (form, command, scheduled
job): no report of a month that has not begun; the running month is provisional, cut at the moment it is
generated, and replaced by the month's final edition; two reissues at once make one edition and a message."""

import datetime as dt
import threading

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from reports import services
from reports.models import FigureSet, Report
from reports.render import generate
from reports.tasks import claim, monthly_reports, render_report
from tests.reports.test_monthly import pdf_text

# 20 November 2026, 10:00 WITA (Kalimantan Selatan): November is the running month.
MID_NOVEMBER = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def mid_november():
    with time_machine.travel(MID_NOVEMBER, tick=False):
        yield


def test_a_month_that_has_not_begun_is_refused_everywhere(mid_november, login, staff, institution, db):
    with pytest.raises(ValidationError, match="has not begun"):
        services.report_request(
            by=staff, scope="institution", institution=institution, month=dt.date(2026, 12, 1)
        )
    page = login(staff).post(
        reverse("reports:report-create"),
        {"place": f"institution:{institution.pk}", "month": "2026-12", "language": "en"},
        follow=True,
    )
    assert page.status_code == 200 and "2026-12 has not begun" in page.content.decode()
    with pytest.raises(CommandError, match="has not begun"):
        call_command("report", "--scope", f"institution:{institution.code}", "--month", "2026-12")
    assert not Report.objects.exists()
    # A record of a future month queued by other means (a bad clock, a hand-made row) is refused by the task.
    future = Report.objects.create(scope="institution", institution=institution, month=dt.date(2027, 1, 1))
    assert render_report.apply(args=[future.pk]).get() == "refused: future month"
    future.refresh_from_db()
    assert future.status == Report.Status.FAILED and not future.pdf


def test_the_running_month_is_provisional_and_says_so_on_every_page(mid_november, staff, institution):
    report = services.report_request(
        by=staff,
        scope="institution",
        institution=institution,
        month=dt.date(2026, 11, 1),
        language="en",
        queue=False,
    )
    assert report.provisional and report.edition == 1
    assert claim(report.pk)
    generate(report)
    report.refresh_from_db()
    assert report.data_cutoff == MID_NOVEMBER
    text = pdf_text(report)
    assert "PROVISIONAL" in text and "data up to 20 Nov 2026 10:00 WITA" in text
    pages = text.count("data up to 20 Nov 2026 10:00")
    assert pages >= 2  # the running header of every page, beside the notice on the first


def test_the_final_edition_replaces_the_provisional_one_when_the_month_is_over(
    mid_november, staff, institution
):
    provisional = services.report_request(
        by=staff, scope="institution", institution=institution, month=dt.date(2026, 11, 1), queue=False
    )
    assert (
        services.report_request(  # asked again during the month: the same provisional report
            by=staff, scope="institution", institution=institution, month=dt.date(2026, 11, 1), queue=False
        )
        == provisional
    )
    with time_machine.travel(dt.datetime(2026, 11, 30, 19, 0, tzinfo=dt.UTC), tick=False):  # 1 Dec, 02:00 WIB
        monthly_reports.apply()
    final = Report.objects.get(
        scope="institution", institution=institution, month=dt.date(2026, 11, 1), edition=2
    )
    assert not final.provisional and final.reissue_reason == "Final report of the month"
    archive = {
        r.edition: r.latest_edition
        for r in Report.objects.with_latest_edition().filter(institution=institution)
    }
    assert archive == {1: 2, 2: 2}  # edition 1 is shown as superseded
    # The fan-out computed the month's figure set before queueing the renders, at the month's end in WIB.
    figure_set = FigureSet.objects.get(month=dt.date(2026, 11, 1))
    assert figure_set.ready
    # And those of the months its reports compare it with: October, and January to October for the year.
    assert FigureSet.objects.filter(ready=True).count() == 11
    assert figure_set.data_cutoff == dt.datetime(2026, 11, 30, 17, 0, tzinfo=dt.UTC)
    assert f"institution:{institution.pk}" in figure_set.figures


def test_the_archive_marks_superseded_and_provisional_editions(mid_november, login, staff, institution):
    report = services.report_request(
        by=staff, scope="institution", institution=institution, month=dt.date(2026, 10, 1), queue=False
    )
    services.report_reissue(by=staff, report=report, reason="Data terlambat dari BNNK")
    services.report_request(
        by=staff, scope="institution", institution=institution, month=dt.date(2026, 11, 1), queue=False
    )
    page = login(staff).get(reverse("reports:report-list"))
    text = page.content.decode()
    assert page.status_code == 200 and text.count("Superseded") == 1 and text.count("Provisional") == 1
    detail = login(staff).get(report.get_absolute_url())
    assert detail.status_code == 200 and "Superseded: edition 2 replaces this one." in detail.content.decode()


def test_a_reissue_needs_a_reason(mid_november, staff, institution):
    report = services.report_request(
        by=staff, scope="institution", institution=institution, month=dt.date(2026, 10, 1), queue=False
    )
    with pytest.raises(ValidationError):
        services.report_reissue(by=staff, report=report, reason="   ")
    assert Report.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_reissues_at_once_make_one_edition_and_a_message(login, staff, institution):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's row locks; CI runs it there")
    report = services.report_request(
        by=staff, scope="institution", institution=institution, month=dt.date(2026, 10, 1), queue=False
    )
    start = threading.Barrier(2)
    outcomes = []

    def reissue():
        try:
            start.wait(10)
            outcomes.append(services.report_reissue(by=staff, report=report, reason="Koreksi data"))
        except ValidationError as error:
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=reissue) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["Report", "ValidationError"]
    assert sorted(Report.objects.values_list("edition", flat=True)) == [1, 2]
    # Through the page too: a second reissue of the same edition is a message, never a 500.
    response = login(staff).post(reverse("reports:report-reissue", args=[report.pk]), {"reason": "Lagi"})
    assert response.status_code == 302
