"""A programme's participants and its attendance as CSV or XLSX: the programme page's scope and the people
it names, times in the institution's zone, audited, safe in a spreadsheet, in a fixed number of queries."""

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from audit.exports import FORMULA_TRIGGERS
from audit.models import AuditEvent
from inmates import services as inmates_services
from rehab import services
from rehab.models import Attendance, Programme
from tests.factories import PersonFactory, admit, export_file
from tests.rehab.conftest import make_enrolment, plan
from tests.rehab.test_services import local

pytestmark = pytest.mark.django_db

EXPORTS = ("rehab:participant-export", "rehab:attendance-export")
PARTICIPANT_HEADER = [
    "Full name",
    "Register number",
    "UPT",
    "Enrolled on",
    "Status",
    "Status since",
    "Left on",
    "Reason for leaving",
    "Sessions attended",
    "Sessions held",
]
ATTENDANCE_HEADER = [
    "Date",
    "Starts at",
    "Ends at",
    "Time zone",
    "Kind of session",
    "Topic",
    "Session status",
    "Full name",
    "Register number",
    "Attendance",
    "Reason for absence",
]


def export_url(name, programme, fmt="csv"):
    path = reverse(name, args=[programme.pk])
    return f"{path}?format=xlsx" if fmt == "xlsx" else path


def read(response) -> list[list[str]]:
    """The rows of a CSV or XLSX export, every cell as the text a spreadsheet shows."""
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "attachment" in response["Content-Disposition"]
    if response["Content-Type"].startswith("text/csv"):
        assert response["Content-Disposition"].endswith('.csv"')
        body = b"".join(response.streaming_content).decode("utf-8")
        assert body.startswith("\ufeff")
        return list(csv.reader(io.StringIO(body[1:])))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = []
    for cells in sheet.iter_rows():
        assert all(cell.data_type in ("s", "inlineStr") for cell in cells)  # text, never a formula or number
        # Text that starts like a formula has Excel's quote prefix: shown as typed, kept as text if edited.
        assert all(cell.quotePrefix == str(cell.value or "").startswith(FORMULA_TRIGGERS) for cell in cells)
        rows.append(["" if cell.value is None else cell.value for cell in cells])
    return rows


def as_text(value: str, fmt: str) -> str:
    """A cell that starts like a formula as the file holds it: after an apostrophe in a CSV (which has no
    types), as it is in an XLSX (typed as text, with the quote prefix: read())."""
    return "'" + value if fmt == "csv" else value


def release(staff, person, on):
    admission = person.admissions.get(released_on__isnull=True)
    inmates_services.admission_release(by=staff, admission=admission, on=on, release_type="sentence_expiry")


@pytest.fixture
def held(staff, facilitator, programme, members):
    """A group session on Friday 27 February, 09:00–11:00 WITA, attendance taken: one present, one excused."""
    session = services.sessions_schedule(
        by=staff,
        programme=programme,
        plan=plan([facilitator], members, topic="Kelompok dukungan"),
        times=[(local(dt.date(2026, 2, 27), 9), local(dt.date(2026, 2, 27), 11))],
    )[0]
    rows = {row.enrolment_id: row.pk for row in session.attendances.all()}
    services.attendance_record(
        by=facilitator,
        session=session,
        marks={
            rows[members[0].pk]: (Attendance.Status.PRESENT, ""),
            rows[members[1].pk]: (Attendance.Status.EXCUSED, Attendance.Reason.COURT),
        },
    )
    return session


@pytest.fixture
def to_come(staff, facilitator, programme, members):
    """A group session on Thursday 5 March, 14:30–16:00 WITA: attendance not recorded yet."""
    return services.sessions_schedule(
        by=staff,
        programme=programme,
        plan=plan([facilitator], members, topic="Pencegahan kambuh"),
        times=[(local(dt.date(2026, 3, 5), 14, minute=30), local(dt.date(2026, 3, 5), 16))],
    )[0]


# --- Who may export: exactly who may open the programme page ----------------------------------------------


@pytest.mark.parametrize("name", EXPORTS)
@pytest.mark.parametrize(
    ("user_fixture", "expected"),
    [
        ("staff", 200),
        ("facilitator", 200),
        ("regional", 200),  # read-only, and may see the page
        ("national", 200),
        ("outsider", 404),  # staff of another region's UPT
        ("sister_staff", 404),
        ("other_regional", 404),
    ],
)
def test_the_exports_answer_as_the_programme_page_does(
    login, request, programme, members, held, name, user_fixture, expected
):
    client = login(request.getfixturevalue(user_fixture))
    assert client.get(programme.get_absolute_url()).status_code == expected
    for fmt in ("csv", "xlsx"):
        url = export_url(name, programme, fmt)
        assert client.get(url).status_code == expected
        sent = client.post(url, {"recipient": "Kanwil", "purpose": "Check"})
        assert sent.status_code == (302 if expected == 200 else expected)
    exports = list(AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT))
    assert len(exports) == (2 if expected == 200 else 0)  # a refusal exports, and so records, nothing
    assert all(event.details["programme"] == programme.pk for event in exports)


@pytest.mark.parametrize("name", EXPORTS)
def test_a_programme_that_does_not_exist_is_404(login, staff, programme, name):
    assert login(staff).get(reverse(name, args=[programme.pk + 999])).status_code == 404


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize(
    ("name", "what"), [(EXPORTS[0], "programme_participants"), (EXPORTS[1], "programme_attendance")]
)
def test_every_export_is_audited_with_the_programme(
    login, regional, programme, members, held, fmt, name, what
):
    read(export_file(login(regional), export_url(name, programme, fmt)))
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.actor == regional
    assert event.details["export"] == what
    assert event.details["programme"] == programme.pk
    assert event.details["format"] == fmt


# --- Participants -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_participants_one_row_per_enrolment_with_its_dose(
    login, staff, programme, members, held, person, fmt
):
    other = members[1].person
    elsewhere = make_enrolment(_another_programme(programme))
    rows = read(export_file(login(staff), export_url("rehab:participant-export", programme, fmt)))
    assert rows[0] == PARTICIPANT_HEADER
    upt = "Lapas Kelas IIB Amuntai"
    # Enrolled directly by the factory (no step recorded): on the day the row was made, in WITA.
    assert rows[1:] == [
        ["Ahmad Fauzan", "B.I 017/2025", upt, "2026-03-02", "Active", "", "", "", "1", "1"],
        # Excused: a session held for them, not one attended.
        [other.full_name, f"B.I {other.pk:04d}/2025", upt, "2026-03-02", "Active", "", "", "", "0", "1"],
    ]
    assert elsewhere.person.full_name not in str(rows)  # another programme's participant


def _another_programme(programme):
    """A medical programme at the same UPT, by the same agency."""
    return Programme.objects.create(
        institution=programme.institution,
        kind=Programme.Kind.MEDICAL,
        name="Rehabilitasi Medis 2026",
        agency=programme.agency,
        agreement=programme.agreement,
        starts_on=programme.starts_on,
        ends_on=programme.ends_on,
        capacity=3,
        target=3,
    )


def test_participants_carry_their_steps_the_day_they_left_and_why(login, staff, facilitator, programme):
    staying = PersonFactory(full_name="Citra Lestari")
    leaving = PersonFactory(full_name="Dedi Kurniawan")
    for someone in (staying, leaving):
        admit(someone, programme.institution)
        services.enrolment_create(
            by=staff, programme=programme, person=someone, reason="Rujukan langsung", on=dt.date(2026, 2, 10)
        )
    for enrolment in programme.enrolments.all():
        services.enrolment_move(by=staff, enrolment=enrolment, to="active", on=dt.date(2026, 2, 12))
    dropping = programme.enrolments.get(person=leaving)
    services.enrolment_move(
        by=facilitator, enrolment=dropping, to="dropped_out", on=dt.date(2026, 2, 25), reason="Menolak ikut"
    )
    rows = read(export_file(login(staff), export_url("rehab:participant-export", programme)))
    by_name = {row[0]: row[3:8] for row in rows[1:]}
    assert by_name == {
        "Citra Lestari": ["2026-02-10", "Active", "2026-02-12", "", ""],
        "Dedi Kurniawan": ["2026-02-10", "Dropped out", "2026-02-25", "2026-02-25", "Menolak ikut"],
    }


def test_participants_named_are_those_the_programme_page_names(
    login, staff, facilitator, programme, members, held, person
):
    """A counsellor whose access to a participant ended (released; no after-care scope) exports the others
    only, as the page names only them; the UPT's staff still export the released participant, with the day."""
    release(staff, person, dt.date(2026, 3, 1))
    for user, named in ((facilitator, False), (staff, True)):
        client = login(user)
        page = client.get(programme.get_absolute_url())
        rows = read(export_file(client, export_url("rehab:participant-export", programme)))
        assert sorted(row[0] for row in rows[1:]) == sorted(
            e.person.full_name for e, _s, _h in page.context["enrolments"]
        )
        assert ("Ahmad Fauzan" in [row[0] for row in rows]) is named
        assert members[1].person.full_name in [row[0] for row in rows]
    released = next(row for row in rows if row[0] == "Ahmad Fauzan")
    assert released[4:8] == ["Released", "2026-03-01", "2026-03-01", "Custody change"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_participant_named_as_a_formula_is_exported_as_text(login, staff, programme, fmt):
    make_enrolment(programme, PersonFactory(full_name="=1+1"))
    make_enrolment(programme, PersonFactory(full_name='@HYPERLINK("http://evil.example","klik")'))
    rows = read(export_file(login(staff), export_url("rehab:participant-export", programme, fmt)))
    assert sorted(row[0] for row in rows[1:]) == [
        as_text("=1+1", fmt),
        as_text('@HYPERLINK("http://evil.example","klik")', fmt),
    ]


# --- Attendance -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_attendance_one_row_per_record_in_the_institutions_zone(
    login, regional, programme, members, held, to_come, person, fmt
):
    other = members[1].person
    rows = read(export_file(login(regional), export_url("rehab:attendance-export", programme, fmt)))
    assert rows[0] == ATTENDANCE_HEADER
    zone = "WITA (UTC+8, Asia/Makassar)"
    past = ["2026-02-27", "09:00", "11:00", zone, "Group therapy", "Kelompok dukungan", "Held"]
    future = ["2026-03-05", "14:30", "16:00", zone, "Group therapy", "Pencegahan kambuh", "Planned"]
    assert rows[1:] == sorted(
        [
            [*past, "Ahmad Fauzan", "B.I 017/2025", "Present", ""],
            [*past, other.full_name, f"B.I {other.pk:04d}/2025", "Absent with an acceptable reason", "Court"],
            [*future, "Ahmad Fauzan", "B.I 017/2025", "Not recorded", ""],
            [*future, other.full_name, f"B.I {other.pk:04d}/2025", "Not recorded", ""],
        ],
        key=lambda row: (row[0], row[7]),
    )


def test_attendance_of_another_programme_is_not_exported(login, staff, facilitator, programme, held):
    twin = _another_programme(programme)
    stranger = make_enrolment(twin, PersonFactory(full_name="Eko Prasetyo"))
    services.sessions_schedule(
        by=staff,
        programme=twin,
        plan=plan([facilitator], [stranger], room="Klinik", topic="Cek"),
        times=[(local(dt.date(2026, 2, 27), 13), local(dt.date(2026, 2, 27), 14))],
    )
    rows = read(export_file(login(staff), export_url("rehab:attendance-export", programme)))
    assert len(rows) == 3 and "Eko Prasetyo" not in str(rows)


def test_attendance_names_as_the_session_pages_do(login, staff, facilitator, programme, members, held):
    """A session that has started keeps every name, the record of the work done; one still to come names only
    people the counsellor may reach now (session_detail's rule)."""
    future = services.sessions_schedule(
        by=staff,
        programme=programme,
        plan=plan([facilitator], members, topic="Pencegahan kambuh"),
        times=[(local(dt.date(2026, 3, 5), 9), local(dt.date(2026, 3, 5), 11))],
    )[0]
    person = members[0].person
    # Released in the register without the roster being touched (as an import of a late release would).
    person.admissions.update(released_on=dt.date(2026, 3, 1), release_type="sentence_expiry")
    rows = read(export_file(login(facilitator), export_url("rehab:attendance-export", programme)))
    names = {(row[5], row[7]) for row in rows[1:]}
    assert names == {
        ("Kelompok dukungan", person.full_name),
        ("Kelompok dukungan", members[1].person.full_name),
        ("Pencegahan kambuh", members[1].person.full_name),
    }
    session_page = login(facilitator).get(future.get_absolute_url()).content.decode()
    assert person.full_name not in session_page
    staff_rows = read(export_file(login(staff), export_url("rehab:attendance-export", programme)))
    assert ("Pencegahan kambuh", person.full_name) in {(row[5], row[7]) for row in staff_rows[1:]}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_attendee_or_topic_typed_as_a_formula_is_exported_as_text(
    login, staff, facilitator, programme, fmt
):
    sly = make_enrolment(programme, PersonFactory(full_name="=1+1"))
    services.sessions_schedule(
        by=staff,
        programme=programme,
        plan=plan([facilitator], [sly], topic="+62 812 555"),
        times=[(local(dt.date(2026, 2, 27), 9), local(dt.date(2026, 2, 27), 11))],
    )
    rows = read(export_file(login(staff), export_url("rehab:attendance-export", programme, fmt)))
    assert [(row[5], row[7]) for row in rows[1:]] == [(as_text("+62 812 555", fmt), as_text("=1+1", fmt))]


# --- The page offers them -------------------------------------------------------------------------------


@pytest.mark.parametrize("user_fixture", ["staff", "facilitator", "regional"])
def test_the_programme_page_offers_both_exports_in_both_formats(login, request, programme, user_fixture):
    page = login(request.getfixturevalue(user_fixture)).get(programme.get_absolute_url()).content.decode()
    for name, label in ((EXPORTS[0], "Export participants (CSV)"), (EXPORTS[1], "Export attendance (CSV)")):
        path = reverse(name, args=[programme.pk])
        assert f'href="{path}">{label}</a>' in page
        assert f'href="{path}?format=xlsx"' in page


# --- A fixed number of queries, whatever the size --------------------------------------------------------


def _cohort(staff, facilitator, programme, size):
    """`size` active participants, each on the roster of two sessions: one held (present), one to come."""
    enrolments = [make_enrolment(programme, PersonFactory(full_name=f"Peserta {n:02d}")) for n in range(size)]
    sessions = [
        services.sessions_schedule(
            by=staff,
            programme=programme,
            plan=plan([facilitator], enrolments, topic=topic),
            times=[(local(day, 9), local(day, 11))],
        )[0]
        for topic, day in (("Lalu", dt.date(2026, 2, 27)), ("Nanti", dt.date(2026, 3, 5)))
    ]
    past = sessions[0]
    services.attendance_record(
        by=staff, session=past, marks={row.pk: ("present", "") for row in past.attendances.all()}
    )


# The signed-in session, the user, their memberships, the programme, the audit event and the rows (the people
# the user may reach, the dose and the steps are subqueries of that one query): 6 for 1 or 30 participants,
# in either format.
# The page's own reads, the people counted for the form, the rows, the hand-over and its audit event.
BOUNDS = {"rehab:participant-export": 8, "rehab:attendance-export": 8}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("name", EXPORTS)
@pytest.mark.parametrize("size", [1, 30])
@pytest.mark.parametrize("user_fixture", ["staff", "facilitator"])
def test_the_exports_take_a_fixed_number_of_queries(
    login,
    request,
    staff,
    facilitator,
    programme,
    django_assert_max_num_queries,
    size,
    name,
    fmt,
    user_fixture,
):
    _cohort(staff, facilitator, programme, size)
    client = login(request.getfixturevalue(user_fixture))
    with django_assert_max_num_queries(BOUNDS[name]):  # the file written, whatever the number of rows
        sent = client.post(
            export_url(name, programme, fmt), {"recipient": "Kanwil", "purpose": "Check", "reason": "All"}
        )
    assert sent.status_code == 302
    rows = read(client.get(sent["Location"]))
    per_participant = 1 if name == EXPORTS[0] else 2
    assert len(rows) == 1 + size * per_participant
    assert rows[1][0 if name == EXPORTS[0] else 7] == "Peserta 00"
    if name == EXPORTS[0]:
        assert rows[1][8:] == ["1", "1"]
