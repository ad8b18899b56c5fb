"""The signature block of a scope's reports (issue 20): each office sets its own ("Mengetahui," position,
name, NIP); a report carries the block it was made with, in the PDF and the XLSX, whatever changes later."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from reports.models import Report, Signatory
from reports.render import generate
from reports.tasks import claim, report_for
from reports.xlsx import workbook_bytes
from tests.reports.test_publication import MONTH, ON_THE_3RD, pdf_text, screen
from tests.reports.test_xlsx import sheets_of

pytestmark = pytest.mark.django_db

HEAD = {
    "heading": "Mengetahui,",
    "position": "Kepala Lapas Kelas IIB Amuntai",
    "name": "Budi Santoso, A.Md.IP., S.H.",
    "nip": "197901012000031001",
}


def set_block(client, institution, **data):
    return client.post(reverse("reports:signatory-edit", args=[f"institution:{institution.pk}"]), data)


def made(institution) -> Report:
    with time_machine.travel(ON_THE_3RD, tick=False):
        report = report_for(
            scope=Report.Scope.INSTITUTION, institution=institution, month=MONTH, language="en"
        )
        assert claim(report.pk)
        generate(report)
    return report


def test_the_office_sets_the_block_and_its_reports_print_it(login, staff, institution):
    page = login(staff).get(reverse("reports:signatory-list"))
    assert (
        page.status_code == 200 and "Not set: the reports carry no signature block." in page.content.decode()
    )
    assert set_block(login(staff), institution, **HEAD).status_code == 302
    screen(institution, ["moderate"] * 6)
    report = made(institution)
    text = pdf_text(report)
    assert (
        "Mengetahui, Kepala Lapas Kelas IIB Amuntai Budi Santoso, A.Md.IP., S.H. NIP 197901012000031001"
        in text
    )
    cover = {
        row[0]: row[1] if len(row) > 1 else None
        for row in sheets_of(workbook_bytes(report, report.snapshot))["Report"]
    }
    assert cover["Mengetahui,"] == "Kepala Lapas Kelas IIB Amuntai: Budi Santoso, A.Md.IP., S.H."
    assert cover["NIP"] == "197901012000031001"
    # A new head later: the report made before keeps its block, rendered again from its snapshot.
    assert (
        set_block(login(staff), institution, **{**HEAD, "name": "Siti Aminah", "nip": ""}).status_code == 302
    )
    report.status = Report.Status.QUEUED
    generate(report)
    again = pdf_text(Report.objects.get(pk=report.pk))
    assert "Budi Santoso" in again and "Siti Aminah" not in again
    assert Signatory.objects.get().name == "Siti Aminah"


@pytest.mark.parametrize("nip", ["1979 0101 2000 03 1 001", "12345", "19790101200003100X", "1" * 19])
def test_a_nip_that_is_not_18_digits_is_refused_and_nothing_saved(login, staff, institution, nip):
    response = set_block(login(staff), institution, **{**HEAD, "nip": nip})
    assert response.status_code == 200
    assert "A NIP has 18 digits, without spaces or dots." in response.content.decode()
    assert not Signatory.objects.exists()


def test_position_and_name_are_needed(login, staff, institution):
    response = set_block(login(staff), institution, heading="Mengetahui,", position="", name="", nip="")
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    assert not Signatory.objects.exists()


def test_only_the_office_itself_sets_its_block(login, institution, regional, national, sister_institution):
    from accounts.models import Role
    from tests.factories import UserFactory, membership

    sister_staff = membership(UserFactory(), Role.UPT_STAFF, sister_institution)
    for outsider in (sister_staff, regional, national):
        assert set_block(login(outsider), institution, **HEAD).status_code == 404
    assert not Signatory.objects.exists()
    for garbage in ("institution:x", "institution:99999999999999999999", "planet:1", "national"):
        response = login(sister_staff).get(reverse("reports:signatory-edit", args=[garbage]))
        assert response.status_code == 404
    # The regional office sets its region's block, the national office the nation's.
    region_key = f"region:{institution.region_id}"
    assert login(regional).post(reverse("reports:signatory-edit", args=[region_key]), HEAD).status_code == 302
    assert login(national).post(reverse("reports:signatory-edit", args=["national"]), HEAD).status_code == 302
    assert {s.scope for s in Signatory.objects.all()} == {"region", "national"}
