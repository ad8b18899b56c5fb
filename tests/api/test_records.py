"""The API's resources (issue 19): screenings created from answers and scored by the instruments exactly as
the form's, the other records read through their own `visible_to`, attendance recorded for a whole session,
and what every resource shares: problem details in the caller's language, ETags, throttling, audited reads,
never a note."""

import datetime as dt
import json

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from api.models import ApiToken
from assessments import instruments
from assessments.models import Recommendation, Screening
from audit.models import AuditEvent
from rehab import aftercare, services
from rehab.models import Attendance, FollowUp, Session
from tests.api.conftest import bearer, partner_key, personal_key
from tests.assessments.test_instruments import ROWS, assist_answers, audit_answers, dast
from tests.assessments.test_views import assist_post
from tests.factories import PersonFactory, UserFactory, admit, make_agreement, membership
from tests.rehab.conftest import make_enrolment, plan
from tests.rehab.test_services import local

NOW = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)  # Monday 2 March 2026, 09:00 WITA
SCREENINGS = "/api/v1/screenings/"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


def _post(client, path, key, body, **headers):
    return client.post(path, json.dumps(body), content_type="application/json", **bearer(key), **headers)


# --- Screenings ---------------------------------------------------------------------------------------------

VECTORS = [
    *[("ASSIST", assist_answers(alcohol=row)) for row in ROWS.values()],
    *[("ASSIST", assist_answers(opioids=row)) for row in ROWS.values()],
    *[("DAST-10", dast(points)) for points in range(11)],
    *[("AUDIT", audit_answers(total)) for total in (0, 7, 8, 15, 16, 19, 20, 28)],
]


@pytest.mark.parametrize(("instrument", "answers"), VECTORS)
def test_a_screening_sent_through_the_api_scores_as_the_instrument_does(
    client, staff, person, instrument, answers
):
    response = _post(
        client,
        SCREENINGS,
        personal_key(staff),
        {"person": person.pk, "instrument": instrument, "screened_on": "2026-03-01", "answers": answers},
    )
    assert response.status_code == 201, response.content
    expected = instruments.score(instrument, answers)
    screening = Screening.objects.get()
    body = response.json()
    assert (screening.answers, screening.version, body["version"]) == (
        answers,
        expected.version,
        expected.version,
    )
    if instrument == "ASSIST":
        assert body["risk"] == screening.risk == expected.highest_risk
        assert body["result"]["substances"] == {
            code: {"score": row.score, "risk": row.risk}
            for code, row in expected.substances.items()
            if row.used_ever
        }
    else:
        assert body["risk"] == screening.risk == expected.band
        assert (body["result"]["score"], body["result"]["band"]) == (expected.score, expected.band)
    event = AuditEvent.objects.get(action="create", object_type="assessments.screening")
    assert event.actor == staff and event.person_id == person.pk


def _form_data(instrument: str, answers: dict) -> dict:
    """The same answers as the page's form sends them."""
    if instrument == "ASSIST":
        data = assist_post(**answers["substances"])
        return {**data, "q8": answers["q8"], "screened_on": "2026-03-01"}
    return {
        **{
            key: ("true" if value is True else "false" if value is False else str(value))
            for key, value in answers.items()
        },
        "screened_on": "2026-03-01",
    }


@pytest.mark.parametrize(("instrument", "answers"), VECTORS[::3])
def test_the_api_and_the_form_record_the_same_screening(client, login, staff, person, instrument, answers):
    path = reverse("assessments:screening-create", args=[person.pk, instrument.lower()])
    assert login(staff).post(path, _form_data(instrument, answers)).status_code == 302
    body = {"person": person.pk, "instrument": instrument, "screened_on": "2026-03-01", "answers": answers}
    assert _post(client, SCREENINGS, personal_key(staff), body).status_code == 201
    by_form, by_api = Screening.objects.order_by("pk")
    assert (by_form.risk, by_form.version) == (by_api.risk, by_api.version)
    assert by_form.result() == by_api.result()


def test_answers_that_cannot_be_scored_are_refused_naming_them_and_nothing_is_saved(client, staff, person):
    response = _post(
        client,
        SCREENINGS,
        personal_key(staff),
        {"person": person.pk, "instrument": "DAST-10", "screened_on": "2026-03-01", "answers": {"d1": True}},
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 400 and problem["type"].endswith("/invalid")
    assert "d2" in json.dumps(problem["errors"]) and not Screening.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"screened_on": "2026-03-03"}, "screened_on"),  # tomorrow
        ({"person": 2**63 - 1}, "person"),
        ({"person": 2**70}, "person"),
        ({"instrument": "ASI"}, "instrument"),
        ({"answers": "not a mapping"}, "non_field_errors"),
        ({"screened_on": "1 March"}, "screened_on"),
    ],
)
def test_bad_values_answer_400_with_the_field_named(client, staff, person, change, field):
    body = {"person": person.pk, "instrument": "DAST-10", "screened_on": "2026-03-01", "answers": dast(2)}
    response = _post(client, SCREENINGS, personal_key(staff), {**body, **change})
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"] and not Screening.objects.exists()


def test_nul_bytes_and_broken_json_never_reach_the_database(client, staff, person):
    key = personal_key(staff)
    broken = client.post(SCREENINGS, b'{"person": ', content_type="application/json", **bearer(key))
    assert broken.status_code == 400 and broken["Content-Type"] == "application/problem+json"
    nul = {
        "person": person.pk,
        "instrument": "DAST-10",
        "screened_on": "2026-03-01",
        "answers": {"d1\x00": 1},
    }
    assert _post(client, SCREENINGS, key, nul).status_code == 400
    assert not Screening.objects.exists()


def test_only_those_who_may_screen_can(client, regional, outsider, person):
    body = {"person": person.pk, "instrument": "DAST-10", "screened_on": "2026-03-01", "answers": dast(2)}
    refused = _post(client, SCREENINGS, personal_key(regional), body)
    assert refused.status_code == 403 and "staff of the institution" in refused.json()["detail"]
    assert "person" in _post(client, SCREENINGS, personal_key(outsider), body).json()["errors"]
    assert not Screening.objects.exists()


@pytest.mark.parametrize("path", ["/api/v1/screenings/", "/api/v1/assessments/", "/api/v1/recommendations/"])
def test_a_filter_by_person_never_tells_whether_someone_exists(client, outsider, person, path):
    key = personal_key(outsider)
    for pk in (person.pk, person.pk + 10_000, 2**63 - 1):
        answer = client.get(f"{path}?person={pk}", **bearer(key))
        assert answer.status_code == 200 and answer.json()["results"] == [], pk
    assert client.get(f"{path}?person={2**64}", **bearer(key)).status_code == 400


def test_a_moment_with_any_offset_iso_allows_filters_sessions(client, staff, session):
    key = personal_key(staff)
    for moment in ("2026-02-28T00:00:00-17:28", "1497-03-30T03:53:29+23:59", "2026-03-01T23:59:00Z"):
        answer = client.get("/api/v1/sessions/", {"starts_from": moment}, **bearer(key))
        assert answer.status_code == 200 and [row["id"] for row in answer.json()["results"]] == [session.pk]
    assert (
        client.get("/api/v1/sessions/", {"starts_from": "2026-03-01T20:00+25:00"}, **bearer(key)).status_code
        == 400
    )


def test_problems_speak_the_callers_language(client, staff):
    key = personal_key(staff)
    indonesian = client.get("/api/v1/persons/999999/", **{**bearer(key), "HTTP_ACCEPT_LANGUAGE": "id"})
    english = client.get("/api/v1/persons/999999/", **bearer(key))
    assert indonesian.status_code == english.status_code == 404
    assert english.json()["title"] == "Not found"
    assert indonesian.json()["title"] == "Tidak ditemukan" and indonesian["Content-Language"] == "id"
    nowhere = client.get("/api/v1/nowhere/", **bearer(key))
    assert nowhere.status_code == 404 and nowhere["Content-Type"] == "application/problem+json"
    not_fhir = client.get("/api/v1/fhir/Patient/-1/$everything", **bearer(key))
    assert not_fhir.status_code == 404 and not_fhir["Content-Type"] == "application/fhir+json"
    assert not_fhir.json()["resourceType"] == "OperationOutcome"


# --- What every resource shares -----------------------------------------------------------------------------


def test_reads_carry_an_etag_and_answer_304_when_nothing_changed(client, staff, person):
    key = personal_key(staff)
    first = client.get(f"/api/v1/persons/{person.pk}/", **bearer(key))
    assert first.status_code == 200 and first["ETag"] and "private" in first["Cache-Control"]
    same = client.get(f"/api/v1/persons/{person.pk}/", HTTP_IF_NONE_MATCH=first["ETag"], **bearer(key))
    assert same.status_code == 304 and same.content == b"" and same["ETag"] == first["ETag"]
    person.full_name = "Renamed Person"
    person.save()
    changed = client.get(f"/api/v1/persons/{person.pk}/", HTTP_IF_NONE_MATCH=first["ETag"], **bearer(key))
    assert changed.status_code == 200 and changed.json()["full_name"] == "Renamed Person"


def test_the_fhir_bundle_keeps_its_etag_while_the_record_is_unchanged(client, staff, person):
    key = personal_key(staff)
    path = reverse("api:fhir-everything", args=[person.pk])
    first = client.get(path, **bearer(key))
    with time_machine.travel(NOW + dt.timedelta(minutes=5), tick=False):
        again = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"], **bearer(key))
    assert first.status_code == 200 and again.status_code == 304


def test_a_weakened_tag_or_a_star_also_answers_304(client, staff, person):
    key = personal_key(staff)
    path = f"/api/v1/persons/{person.pk}/"
    tag = client.get(path, **bearer(key))["ETag"]
    assert client.get(path, HTTP_IF_NONE_MATCH=f"W/{tag}", **bearer(key)).status_code == 304
    assert client.get(path, HTTP_IF_NONE_MATCH="*", **bearer(key)).status_code == 304
    assert client.get(path, HTTP_IF_NONE_MATCH='"other"', **bearer(key)).status_code == 200


def test_a_head_request_shows_nothing_and_so_records_no_view(client, staff, person):
    answer = client.head(f"/api/v1/persons/{person.pk}/", **bearer(personal_key(staff)))
    assert answer.status_code == 200 and answer.content == b""
    assert not AuditEvent.objects.filter(action="view").exists()


@pytest.mark.parametrize("cursor", ["cD1hYmM=", "cD0=", "cD0xLjU=", "cD0tMQ==", "bm9uc2Vuc2U"])
def test_a_made_up_cursor_is_a_404_problem(client, staff, person, cursor):
    answer = client.get(f"/api/v1/persons/?cursor={cursor}", **bearer(personal_key(staff)))
    assert answer.status_code in (400, 404) and answer["Content-Type"] == "application/problem+json"


def test_bodies_too_deep_or_too_large_are_refused_plainly(client, staff, settings):
    key = personal_key(staff)
    deep = client.post(SCREENINGS, b"[" * 100_000, content_type="application/json", **bearer(key))
    assert deep.status_code == 400 and deep["Content-Type"] == "application/problem+json"
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    large = client.post(
        SCREENINGS, json.dumps({"answers": "x" * 2000}), content_type="application/json", **bearer(key)
    )
    assert large.status_code == 413 and large.json()["status"] == 413
    assert not Screening.objects.exists()


def test_every_read_and_write_names_the_token_in_the_audit_trail(client, staff, person):
    key = personal_key(staff)
    client.get(f"/api/v1/persons/{person.pk}/", **bearer(key))
    event = AuditEvent.objects.get(action="view")
    assert event.details == {"api": True, "token": ApiToken.objects.get().prefix}


def test_a_new_password_ends_the_users_tokens(client, staff, person):
    key = personal_key(staff)
    assert client.get("/api/v1/persons/", **bearer(key)).status_code == 200
    staff.set_password("a-new-long-passphrase-2026")
    staff.save()
    assert client.get("/api/v1/persons/", **bearer(key)).status_code == 401
    assert ApiToken.objects.get().revoked_at is not None
    fresh = personal_key(staff)
    staff.first_name = "Renamed"
    staff.save()  # anything else saved leaves the tokens be
    assert client.get("/api/v1/persons/", **bearer(fresh)).status_code == 200


def test_each_token_has_its_own_budget_of_calls(client, staff, settings):
    from django.core.cache import cache

    cache.clear()
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "3/min"},
    }
    from rest_framework.settings import api_settings

    api_settings.reload()
    try:
        from api.throttling import PerTokenThrottle

        PerTokenThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
        key, other = personal_key(staff), personal_key(staff)
        codes = [client.get("/api/v1/persons/", **bearer(key)).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        limited = client.get("/api/v1/persons/", **bearer(key))
        assert limited["Retry-After"] and limited.json()["status"] == 429
        assert client.get("/api/v1/persons/", **bearer(other)).status_code == 200
    finally:
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": "600/min"}}
        api_settings.reload()
        PerTokenThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
        cache.clear()


def test_a_key_never_reaches_the_audit_trail_or_the_log(client, staff, person, caplog):
    key = personal_key(staff)
    with caplog.at_level("DEBUG"):
        client.get(f"/api/v1/persons/{person.pk}/", **bearer(key))
        client.get("/api/v1/persons/", **bearer(key + "x"))
    assert key not in caplog.text
    stored = json.dumps(list(AuditEvent.objects.values("details", "object_repr", "user_agent")))
    assert key not in stored and key[3:] not in json.dumps(list(ApiToken.objects.values()), default=str)


# --- Sessions and attendance --------------------------------------------------------------------------------


@pytest.fixture
def session(staff, counsellor, programme, person):
    members = [make_enrolment(programme, person), make_enrolment(programme)]
    return services.sessions_schedule(
        by=staff,
        programme=programme,
        plan=plan([counsellor], members),
        times=[(local(dt.date(2026, 3, 2), 8), local(dt.date(2026, 3, 2), 10))],
    )[0]


def test_a_counsellor_records_a_whole_sessions_attendance(client, counsellor, session, person):
    other = session.attendances.exclude(enrolment__person=person).get().enrolment.person
    response = _post(
        client,
        f"/api/v1/sessions/{session.pk}/attendance/",
        personal_key(counsellor),
        {
            "marks": [
                {"person": person.pk, "status": "present"},
                {"person": other.pk, "status": "excused", "reason": "sick"},
            ]
        },
    )
    assert response.status_code == 200, response.content
    marks = {row["person"]: (row["status"], row["reason"]) for row in response.json()["attendance"]}
    assert marks == {person.pk: ("present", ""), other.pk: ("excused", "sick")}
    session.refresh_from_db()
    assert session.status == Session.Status.HELD
    assert AuditEvent.objects.filter(action="change", object_type="rehab.session", actor=counsellor).exists()


def test_attendance_refused_names_why_and_saves_nothing(client, counsellor, regional, session, person):
    key = personal_key(counsellor)
    path = f"/api/v1/sessions/{session.pk}/attendance/"
    stranger = PersonFactory()
    unknown = _post(client, path, key, {"marks": [{"person": stranger.pk, "status": "present"}]})
    assert unknown.status_code == 400 and str(stranger.pk) in json.dumps(unknown.json()["errors"])
    excused = _post(client, path, key, {"marks": [{"person": person.pk, "status": "excused"}]})
    assert excused.status_code == 400 and "reason" in excused.json()["detail"] + json.dumps(excused.json())
    assert _post(client, path, key, {"marks": []}).status_code == 400
    assert (
        _post(
            client, path, personal_key(regional), {"marks": [{"person": person.pk, "status": "present"}]}
        ).status_code
        == 403
    )
    assert not Attendance.objects.exclude(status="").exists()


def test_a_session_read_is_a_view_of_each_participants_record(client, staff, outsider, session, person):
    key = personal_key(staff)
    response = client.get(f"/api/v1/sessions/{session.pk}/", **bearer(key))
    assert response.status_code == 200 and len(response.json()["attendance"]) == 2
    viewed = set(AuditEvent.objects.filter(action="view", actor=staff).values_list("person_id", flat=True))
    assert person.pk in viewed and len(viewed) == 2
    assert client.get(f"/api/v1/sessions/{session.pk}/", **bearer(personal_key(outsider))).status_code == 404


# --- Partner scopes -----------------------------------------------------------------------------------------


def test_a_client_without_the_scope_is_refused_with_403(client, agency, institution, person):
    make_agreement(institutions=[institution], agencies=[agency])
    key = partner_key(client, agency, scopes=["aftercare"])
    refused = client.get(SCREENINGS, **bearer(key))
    assert refused.status_code == 403 and refused["Content-Type"] == "application/problem+json"
    assert client.get("/api/v1/aftercare-plans/", **bearer(key)).status_code == 200
    assert client.get("/api/v1/persons/", **bearer(key)).status_code == 200


def test_a_partner_screens_under_its_agencys_agreement(client, agency, institution, person):
    make_agreement(institutions=[institution], agencies=[agency], scopes=["screening_assessment"])
    key = partner_key(client, agency, scopes=["assessment"])
    body = {"person": person.pk, "instrument": "DAST-10", "screened_on": "2026-03-01", "answers": dast(4)}
    created = _post(client, SCREENINGS, key, body)
    assert created.status_code == 201 and created.json()["risk"] == "moderate"
    assert Screening.objects.get().screened_by.partner_client.agency == agency


# --- After-care: never the notes ----------------------------------------------------------------------------


def test_follow_ups_never_carry_their_notes(
    client, staff, counsellor, programme, person, agency, institution
):
    make_agreement(institutions=[institution], agencies=[agency], scopes=["aftercare"])
    from inmates.services import admission_release

    enrolment = make_enrolment(programme, person)
    admission_release(by=staff, admission=enrolment.admission, on=dt.date(2025, 12, 1), release_type="parole")
    follow_up = FollowUp.objects.get(months_after=1)
    counsellor.__dict__.pop("scope", None)
    aftercare.follow_up_record(
        by=counsellor,
        follow_up=follow_up,
        done_on=dt.date(2026, 1, 2),
        method="phone",
        outcome="abstinent",
        notes="SECRET-NOTE-MARKER",
    )
    response = client.get("/api/v1/aftercare-plans/", **bearer(personal_key(counsellor)))
    assert response.status_code == 200
    assert "SECRET-NOTE-MARKER" not in response.content.decode()
    [plan_row] = response.json()["results"]
    assert plan_row["follow_ups"][0]["outcome"] == "abstinent"


# --- Lists stay at a fixed number of queries ----------------------------------------------------------------


def _add_people(programme, count: int, staff, counsellor, *, hour: int) -> None:
    """`count` more of everything a list shows: people in the programme, each screened and assessed with a
    recommendation, in a session together; and as many released into after-care with the agency."""
    from inmates.services import admission_release
    from tests.assessments.test_views import assess

    people = [make_enrolment(programme) for _ in range(count)]
    services.sessions_schedule(
        by=staff,
        programme=programme,
        plan=plan([counsellor], people),
        times=[(local(dt.date(2026, 3, 2), hour), local(dt.date(2026, 3, 2), hour + 1))],
    )
    for enrolment in people:
        Screening.objects.create(
            person=enrolment.person,
            institution=programme.institution,
            instrument="DAST-10",
            version=instruments.current_version("DAST-10"),
            answers=dast(3),
            risk="moderate",
            screened_on=dt.date(2026, 2, 1),
            screened_by=staff,
        )
        Recommendation.objects.create(
            assessment=assess(enrolment.person, staff, on=dt.date(2026, 2, 3)),
            kind=Recommendation.Kind.SOCIAL,
            reasons="Tim asesmen terpadu",
            decided_on=dt.date(2026, 2, 4),
            decided_by=staff,
        )
    for _ in range(count):
        leaving = make_enrolment(programme)
        admission_release(
            by=staff, admission=leaving.admission, on=dt.date(2026, 2, 20), release_type="parole"
        )


def _queries(client, path: str, user) -> tuple[int, int]:
    key = personal_key(user)  # a new key each time: its first use is recorded, in every measure alike
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **bearer(key))
    assert response.status_code == 200, response.content
    return len(queries), len(response.json()["results"])


@pytest.mark.parametrize(
    ("path", "rows_per_person"),
    [
        ("/api/v1/screenings/", 1),
        ("/api/v1/custody/", 1),
        ("/api/v1/persons/", 2),  # those in the programme and those released
        ("/api/v1/assessments/", 1),
        ("/api/v1/recommendations/", 1),
        ("/api/v1/aftercare-plans/", 1),
        ("/api/v1/sessions/", 0),  # one session each time
        ("/api/v1/programmes/", 0),
        ("/api/v1/agreements/", 0),
        ("/api/v1/institutions/", 0),
    ],
)
def test_lists_take_the_same_number_of_queries_for_one_row_and_many(
    client, staff, counsellor, programme, agency, institution, path, rows_per_person
):
    make_agreement(institutions=[institution], agencies=[agency], scopes=["aftercare"])
    _add_people(programme, 1, staff, counsellor, hour=8)
    few, shown = _queries(client, path, staff)
    _add_people(programme, 11, staff, counsellor, hour=10)
    many, shown_many = _queries(client, path, staff)
    assert shown >= 1 and shown_many == (12 * rows_per_person or shown_many)
    assert shown_many > shown or not rows_per_person
    assert few == many <= 12, (few, many)


def test_a_national_officer_reads_everything_and_a_dpo_nothing(client, person, staff, national):
    dpo = membership(UserFactory(username="dpo"), Role.DPO)
    admit(PersonFactory(), person.admissions.get().institution)
    assert len(client.get("/api/v1/persons/", **bearer(personal_key(national))).json()["results"]) == 2
    assert client.get("/api/v1/persons/", **bearer(personal_key(dpo))).json()["results"] == []
