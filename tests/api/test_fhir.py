"""FHIR export (issue 19): one person's record as an R4 Bundle that validates (fhir.resources R4B models),
through the same visibility rules as the pages, audited, with scores equal to the instruments' own, one
Questionnaire per instrument version, no confidential note ever, and a fixed number of queries."""

import dataclasses
import datetime as dt
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from drf_spectacular.settings import spectacular_settings
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from api.fhir.schema import restore_operation_names
from api.models import ApiToken
from assessments import instruments
from assessments.models import Assessment, Recommendation, Screening
from assessments.services import screening_risk
from audit.models import AuditEvent
from inmates.models import Admission
from rehab.models import (
    AftercarePlan,
    Attendance,
    Enrolment,
    EnrolmentTransition,
    FollowUp,
    Note,
    Programme,
    Session,
)
from tests.factories import AgencyFactory, make_agreement

NOW = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)  # Monday 2 March 2026, 09:00 WITA
WITA = ZoneInfo("Asia/Makassar")
MARKER = "RAHASIA-CATATAN-4417"  # written into every confidential or narrative field
NIK_SYSTEM = "https://fhir.kemkes.go.id/id/nik"

ASSIST = {
    "substances": {
        # 4 + 5 + 0 + 0 + 6 + 3 = 18: moderate
        "amphetamine_type_stimulants": {
            "q1": "yes",
            "q2": "weekly",
            "q3": "weekly",
            "q4": "never",
            "q5": "never",
            "q6": "yes_past_3_months",
            "q7": "yes_not_past_3_months",
        },
        # Q2 "never": Q3-Q5 skipped (an answer left there is ignored), 0 + 3 = 3: lower
        "alcohol": {
            "q1": "yes",
            "q2": "never",
            "q3": "daily_or_almost_daily",
            "q6": "no_never",
            "q7": "yes_not_past_3_months",
        },
        "tobacco": {
            "q1": "yes",
            "q2": "daily_or_almost_daily",
            "q3": "weekly",
            "q4": "never",
            "q6": "no_never",
            "q7": "no_never",
        },
        "other": {"q1": "no", "specify": MARKER},
    },
    "q8": "yes_past_3_months",
    "q8_days_per_month": 6,
}
DAST10 = {f"d{n}": n in (1, 2, 5) for n in range(1, 11)}  # yes to 1, 2, 5; item 3 "no" scores too: 4
AUDIT = {"a1": 4, "a2": 2, "a3": 3, "a4": 2, "a5": 1, "a6": 0, "a7": 1, "a8": 0, "a9": 1, "a10": 0}


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def agreement(institution, agency):
    return make_agreement(institutions=[institution], agencies=[agency])  # every scope, 2025 to 2027


@pytest.fixture
def counsellor_in_force(counsellor, agreement):
    return counsellor


def make_programme(institution, agency, agreement, kind=Programme.Kind.SOCIAL) -> Programme:
    return Programme.objects.create(
        institution=institution,
        kind=kind,
        name=f"Rehabilitasi {kind} 2026 Tahap I",
        agency=agency,
        agreement=agreement,
        starts_on=dt.date(2026, 2, 1),
        ends_on=dt.date(2026, 7, 31),
        capacity=10,
        target=10,
    )


@pytest.fixture
def programme(institution, agency, agreement):
    return make_programme(institution, agency, agreement)


def enrol(programme, person, by, *, recommendation=None, reason="") -> Enrolment:
    enrolment = Enrolment.objects.create(
        programme=programme,
        person=person,
        admission=person.admissions.get(released_on__isnull=True),
        kind=programme.kind,
        status=Enrolment.Status.ACTIVE,
        recommendation=recommendation,
        direct_reason="" if recommendation else "Langsung",
    )
    enrolment.transitions.create(
        to_status=Enrolment.Status.ACTIVE, on=dt.date(2026, 2, 2), by=by, reason=reason
    )
    return enrolment


def attend(enrolment, day: int, status=Attendance.Status.PRESENT) -> Attendance:
    programme = enrolment.programme
    starts = dt.datetime(2026, 2, day, 9, 0, tzinfo=WITA)
    session = Session.objects.create(
        programme=programme,
        institution=programme.institution,
        kind=Session.Kind.GROUP,
        topic="Kelompok",
        room="Aula",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        status=Session.Status.HELD,
    )
    return Attendance.objects.create(session=session, enrolment=enrolment, status=status)


def screen(person, by, instrument: str, answers: dict, on=dt.date(2026, 1, 20)) -> Screening:
    return Screening.objects.create(
        person=person,
        institution=person.admissions.get(released_on__isnull=True).institution,
        instrument=instrument,
        version=instruments.current_version(instrument),
        answers=answers,
        risk=screening_risk(instrument, instruments.score(instrument, answers)),
        screened_on=on,
        screened_by=by,
    )


def recommend(screening, by, *, approved=True, notes="") -> Recommendation:
    assessment = Assessment.objects.create(
        person=screening.person,
        institution=screening.institution,
        screening=screening,
        assessed_on=dt.date(2026, 1, 22),
        interviewer=by,
        team="dr. Rina — dokter",
        version="5-lite",
        answers={},
        summary=notes,
        domain_notes={"drug": notes} if notes else {},
    )
    return Recommendation.objects.create(
        assessment=assessment,
        kind=Recommendation.Kind.SOCIAL,
        reasons=notes or "Moderate risk",
        decided_on=dt.date(2026, 1, 23),
        decided_by=by,
        **(
            {"decree_number": "SK/01/2026", "approved_on": dt.date(2026, 1, 26), "approved_by": by}
            if approved
            else {}
        ),
    )


@pytest.fixture
def record(person, staff, programme):
    """A screened, assessed and enrolled person who attended two sessions (and missed one)."""
    assist = screen(person, staff, "ASSIST", ASSIST)
    dast = screen(person, staff, "DAST-10", DAST10, on=dt.date(2026, 1, 21))
    audit = screen(person, staff, "AUDIT", AUDIT, on=dt.date(2026, 1, 21))
    recommendation = recommend(assist, staff)
    enrolment = enrol(programme, person, staff, recommendation=recommendation)
    attended = [attend(enrolment, 9), attend(enrolment, 12, Attendance.Status.LATE)]
    missed = attend(enrolment, 16, Attendance.Status.ABSENT)
    return {
        "screenings": [assist, dast, audit],
        "recommendation": recommendation,
        "enrolment": enrolment,
        "attended": attended,
        "missed": missed,
    }


def key_for(user) -> str:
    return ApiToken.issue(user=user, name="fhir", days=30)[1]


def url(person) -> str:
    return reverse("api:fhir-everything", args=[person.pk])


def fetch(client, person, user, **headers):
    return client.get(url(person), HTTP_AUTHORIZATION=f"Bearer {key_for(user)}", **headers)


def valid(response) -> dict:
    """The body, after checking it is a FHIR Bundle that the R4B models accept, entry by entry too."""
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/fhir+json")
    data = response.json()
    Bundle.model_validate(data)
    for entry in data["entry"]:
        get_fhir_model_class(entry["resource"]["resourceType"]).model_validate(entry["resource"])
    return data


def of_type(data: dict, resource_type: str) -> list[dict]:
    return [e["resource"] for e in data["entry"] if e["resource"]["resourceType"] == resource_type]


def references(node) -> list[str]:
    if isinstance(node, dict):
        found = [node["reference"]] if isinstance(node.get("reference"), str) else []
        return found + [ref for value in node.values() for ref in references(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in references(value)]
    return []


def test_staff_of_the_institution_get_the_whole_record_as_a_valid_searchset(client, staff, person, record):
    data = valid(fetch(client, person, staff))
    assert (data["type"], data["total"], data["timestamp"]) == ("searchset", 1, NOW.isoformat())
    assert [e["search"]["mode"] for e in data["entry"]][:2] == ["match", "include"]
    counts = {
        kind: len(of_type(data, kind)) for kind in {e["resource"]["resourceType"] for e in data["entry"]}
    }
    # Observations: ten ASSIST substance scores and a risk level, a score and a risk level for DAST and AUDIT.
    assert counts == {
        "Patient": 1,
        "EpisodeOfCare": 1,
        "Encounter": 2,  # the sessions attended (present or late), not the one missed
        "Questionnaire": 3,
        "QuestionnaireResponse": 3,
        "Observation": 15,
        "CarePlan": 1,
    }
    [patient] = of_type(data, "Patient")
    assert patient["identifier"][0] == {"use": "official", "system": NIK_SYSTEM, "value": person.nik}
    assert (patient["name"][0]["text"], patient["gender"], patient["birthDate"]) == (
        "Ahmad Fauzan",
        "male",
        "1990-05-17",
    )
    assert patient["meta"]["profile"] == ["https://fhir.kemkes.go.id/r4/StructureDefinition/Patient"]
    # Every reference points at a resource in the bundle, and every fullUrl is under the FHIR base.
    present = {f"{e['resource']['resourceType']}/{e['resource']['id']}" for e in data["entry"]}
    assert set(references(data["entry"])) <= present
    for entry in data["entry"]:
        resource = entry["resource"]
        assert (
            entry["fullUrl"] == f"http://testserver/api/v1/fhir/{resource['resourceType']}/{resource['id']}"
        )


def test_episode_encounters_and_care_plan_carry_the_records_dates_and_links(client, staff, person, record):
    data = valid(fetch(client, person, staff))
    [episode] = of_type(data, "EpisodeOfCare")
    assert (episode["status"], episode["period"]) == ("active", {"start": "2026-02-02"})
    assert episode["patient"] == {"reference": f"Patient/{person.pk}"}
    assert episode["managingOrganization"]["identifier"]["value"] == "lapas-amuntai"
    encounters = of_type(data, "Encounter")
    assert [e["id"] for e in encounters] == [str(a.pk) for a in record["attended"]]
    # Stored in UTC, given in the institution's own time (Amuntai: WITA).
    assert encounters[0]["period"] == {
        "start": "2026-02-09T09:00:00+08:00",
        "end": "2026-02-09T11:00:00+08:00",
    }
    assert encounters[0]["length"]["value"] == 120
    assert encounters[0]["episodeOfCare"] == [{"reference": f"EpisodeOfCare/{record['enrolment'].pk}"}]
    [plan] = of_type(data, "CarePlan")
    assert (plan["status"], plan["created"], plan["period"]) == (
        "active",
        "2026-01-23",
        {"start": "2026-01-26"},
    )
    assert plan["category"][0]["coding"][0]["code"] == "social"
    assert plan["supportingInfo"] == [{"reference": f"QuestionnaireResponse/{record['screenings'][0].pk}"}]
    assert plan["activity"] == [
        {"outcomeReference": [{"reference": f"EpisodeOfCare/{record['enrolment'].pk}"}]}
    ]


def test_scores_in_observations_equal_the_instruments_scores(client, staff, person, record):
    data = valid(fetch(client, person, staff))
    observations = {o["id"]: o for o in of_type(data, "Observation")}
    assist, dast, audit = record["screenings"]

    def code(observation):
        return observation["valueCodeableConcept"]["coding"][0]["code"]

    expected = instruments.score("ASSIST", assist.answers)
    for substance, found in expected.substances.items():
        observation = observations[f"screening-{assist.pk}-ssis-{substance.replace('_', '-')}"]
        assert observation["valueInteger"] == found.score
        assert observation["interpretation"][0]["coding"][0]["code"] == found.risk
    assert (
        expected.substances["amphetamine_type_stimulants"].score,
        expected.substances["alcohol"].score,
    ) == (18, 3)
    assert (
        code(observations[f"screening-{assist.pk}-risk"])
        == expected.highest_risk
        == assist.risk
        == "moderate"
    )
    for screening in (dast, audit):
        result = instruments.score(screening.instrument, screening.answers)
        score = observations[f"screening-{screening.pk}-score"]
        assert score["valueInteger"] == result.score
        assert code(observations[f"screening-{screening.pk}-risk"]) == result.band == screening.risk
        assert score["derivedFrom"] == [{"reference": f"QuestionnaireResponse/{screening.pk}"}]
    assert observations[f"screening-{dast.pk}-score"]["code"]["coding"][0]["code"] == "82667-7"  # LOINC
    # AUDIT 15 is zone II, but item 4 at 2 calls for zone III's intervention.
    audit_score = observations[f"screening-{audit.pk}-score"]
    assert audit_score["valueInteger"] == 15
    assert audit_score["component"][0]["valueCodeableConcept"]["coding"][0]["code"] == "III"


def test_responses_keep_the_answers_the_skip_rules_asked(client, staff, person, record):
    data = valid(fetch(client, person, staff))
    assist, dast, _audit = record["screenings"]
    responses = {r["id"]: r for r in of_type(data, "QuestionnaireResponse")}
    groups = {item["linkId"]: item for item in responses[str(assist.pk)]["item"]}
    # Alcohol: Q2 "never" skips Q3-Q5, so the Q3 answer left in the stored answers is not exported.
    assert [i["linkId"] for i in groups["alcohol"]["item"]] == [
        "alcohol.q1",
        "alcohol.q2",
        "alcohol.q6",
        "alcohol.q7",
    ]
    assert [i["linkId"] for i in groups["tobacco"]["item"]][:5] == [f"tobacco.q{n}" for n in (1, 2, 3, 4, 6)]
    assert groups["q8_days_per_month"]["answer"] == [{"valueDecimal": 6.0}]
    assert [i["answer"][0]["valueBoolean"] for i in responses[str(dast.pk)]["item"]][:3] == [
        True,
        True,
        False,
    ]
    assert responses[str(assist.pk)]["authored"] == "2026-01-20"


def test_one_questionnaire_per_instrument_version_used(client, staff, person, record):
    screen(person, staff, "ASSIST", ASSIST, on=dt.date(2026, 2, 20))  # a second ASSIST 3.1: no second form
    data = valid(fetch(client, person, staff))
    forms = of_type(data, "Questionnaire")
    assert sorted((q["url"], q["version"]) for q in forms) == [
        ("https://rehab-lapas.id/fhir/Questionnaire/assist", "3.1"),
        ("https://rehab-lapas.id/fhir/Questionnaire/audit", "2001"),
        ("https://rehab-lapas.id/fhir/Questionnaire/dast-10", "1982-10"),
    ]
    published = {f"{q['url']}|{q['version']}" for q in forms}
    assert {r["questionnaire"] for r in of_type(data, "QuestionnaireResponse")} == published
    # The forms are built from the definitions: every item of every version is there, in both languages.
    by_url = {q["url"].rsplit("/", 1)[1]: q for q in forms}
    assert [i["linkId"] for i in by_url["audit"]["item"]] == [f"a{n}" for n in range(1, 11)]
    first = by_url["audit"]["item"][0]
    assert first["text"] == instruments.definition("AUDIT").items[0].text.id
    assert (
        first["_text"]["extension"][0]["extension"][1]["valueString"]
        == "How often do you have a drink containing alcohol?"
    )
    assert [o["extension"][0]["valueDecimal"] for o in by_url["audit"]["item"][8]["answerOption"]] == [
        0,
        2,
        4,
    ]
    tobacco = next(g for g in by_url["assist"]["item"] if g["linkId"] == "tobacco")
    assert "tobacco.q5" not in [i["linkId"] for i in tobacco["item"]]  # Q5 is not asked for tobacco


@pytest.fixture
def restore_registry():
    saved = dict(instruments._REGISTRY), dict(instruments._CURRENT)
    yield
    instruments._REGISTRY.clear()
    instruments._REGISTRY.update(saved[0])
    instruments._CURRENT.clear()
    instruments._CURRENT.update(saved[1])


def test_answers_given_in_another_version_point_at_that_versions_questionnaire(
    client, staff, person, restore_registry
):
    old = screen(person, staff, "ASSIST", ASSIST)
    instruments.register(
        dataclasses.replace(instruments.definition("ASSIST"), version="3.2-test"), instruments.assist.score
    )
    new = screen(person, staff, "ASSIST", ASSIST, on=dt.date(2026, 2, 20))
    data = valid(fetch(client, person, staff))
    assert sorted(q["version"] for q in of_type(data, "Questionnaire")) == ["3.1", "3.2-test"]
    responses = {r["id"]: r["questionnaire"] for r in of_type(data, "QuestionnaireResponse")}
    assert responses == {
        str(old.pk): "https://rehab-lapas.id/fhir/Questionnaire/assist|3.1",
        str(new.pk): "https://rehab-lapas.id/fhir/Questionnaire/assist|3.2-test",
    }


def test_a_counsellor_whose_agency_has_an_agreement_in_force_gets_what_their_agency_may_see(
    client, staff, counsellor_in_force, person, record, institution
):
    other_agency = AgencyFactory(code="ipwl-lain", name="IPWL Lain")
    other = make_programme(
        institution,
        other_agency,
        make_agreement(institutions=[institution], agencies=[other_agency]),
        kind=Programme.Kind.MEDICAL,
    )
    elsewhere = enrol(other, person, staff)
    attend(elsewhere, 10)
    data = valid(fetch(client, person, counsellor_in_force))
    assert [e["id"] for e in of_type(data, "EpisodeOfCare")] == [str(record["enrolment"].pk)]
    assert len(of_type(data, "Encounter")) == 2  # not the session of the other agency's programme
    assert len(of_type(data, "QuestionnaireResponse")) == 3 and len(of_type(data, "CarePlan")) == 1
    # The NIK by the pages' rule: only staff who may correct the record see it, so none here (not masked).
    [patient] = of_type(data, "Patient")
    assert [i["system"] for i in patient["identifier"]] == ["https://rehab-lapas.id/fhir/sid/person"]
    # The institution's staff see both programmes.
    assert len(of_type(valid(fetch(client, person, staff)), "EpisodeOfCare")) == 2


def test_a_counsellor_loses_access_when_the_agreement_expires(client, counsellor_in_force, person, record):
    key = key_for(counsellor_in_force)
    with time_machine.travel(dt.datetime(2028, 1, 2, 1, 0, tzinfo=dt.UTC), tick=False):
        ApiToken.objects.update(expires_at=dt.datetime(2028, 12, 31, tzinfo=dt.UTC))
        response = client.get(url(person), HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 404


def test_an_outsider_gets_404_and_an_anonymous_caller_401(client, outsider, person, record):
    response = fetch(client, person, outsider)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/fhir+json")
    outcome = response.json()
    get_fhir_model_class("OperationOutcome").model_validate(outcome)
    assert outcome["issue"][0]["code"] == "not-found"
    anonymous = client.get(url(person))
    assert anonymous.status_code == 401 and anonymous["WWW-Authenticate"] == "Bearer"
    assert anonymous.json()["issue"][0]["code"] == "login"
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).exists()


def test_a_person_who_does_not_exist_is_404(client, staff, record):
    response = client.get(
        reverse("api:fhir-everything", args=[999999]), HTTP_AUTHORIZATION=f"Bearer {key_for(staff)}"
    )
    assert response.status_code == 404


@pytest.mark.parametrize("reader", ["staff", "counsellor_in_force"])
def test_notes_and_other_narrative_never_leave(
    client, request, reader, staff, counsellor, person, record, institution, agency
):
    counsellor_agency = agency
    session = record["attended"][0].session
    Note.objects.create(session=session, person=person, text=f"Konseling: {MARKER}", author=counsellor)
    Note.objects.create(session=session, text=f"Sesi kelompok: {MARKER}", author=counsellor)
    earlier = Admission.objects.create(  # an earlier custody spell, and the after-care that followed it
        person=person,
        institution=institution,
        register_number="B.I 001/2023",
        register_category=Admission.RegisterCategory.B_I,
        admitted_on=dt.date(2023, 1, 1),
        offence=Admission.Offence.NARCOTICS_USER,
        released_on=dt.date(2024, 1, 10),
        release_type="parole",
    )
    plan = AftercarePlan.objects.create(
        admission=earlier,
        person=person,
        released_on=earlier.released_on,
        agency=counsellor_agency,
        created_by=staff,
    )
    FollowUp.objects.create(
        plan=plan,
        months_after=1,
        due_on=dt.date(2024, 2, 10),
        done_on=dt.date(2024, 2, 9),
        method=FollowUp.Method.VISIT,
        outcome=FollowUp.Outcome.ABSTINENT,
        notes=f"Kunjungan rumah: {MARKER}",
    )
    recommend(record["screenings"][1], staff, notes=f"Ringkasan: {MARKER}")
    EnrolmentTransition.objects.create(
        enrolment=record["enrolment"],
        from_status=Enrolment.Status.ACTIVE,
        to_status=Enrolment.Status.ACTIVE,
        on=dt.date(2026, 2, 20),
        by=staff,
        reason=MARKER,
    )
    user = request.getfixturevalue(reader)
    # The counsellor may read the notes on the pages; the export still leaves them out.
    assert reader != "counsellor_in_force" or Note.objects.visible_to(user).count() == 2
    response = fetch(client, person, user)
    data = valid(response)
    assert len(of_type(data, "CarePlan")) == 2  # the recommendation itself is there, without its reasons
    assert MARKER not in response.content.decode()


def test_the_read_is_audited_as_a_view_of_the_person(client, staff, person, record):
    valid(fetch(client, person, staff))
    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW, person_id=person.pk)
    assert (event.actor, event.object_type, event.object_id) == (staff, "inmates.person", str(person.pk))
    assert event.details == {"api": True, "fhir": True, "token": ApiToken.objects.get(user=staff).prefix}


def test_a_caller_asking_for_plain_json_gets_fhir_json_too(client, staff, person, record):
    response = fetch(client, person, staff, HTTP_ACCEPT="application/json")
    assert valid(response)["resourceType"] == "Bundle"


def test_a_signed_in_browser_session_reads_it_too(login, staff, person, record):
    assert valid(login(staff).get(url(person)))["total"] == 1


def _more(person, staff, programme, record, n: int) -> None:
    """n more of everything that adds resources: sessions attended, screenings, recommendations."""
    for day in range(1, n + 1):
        attend(record["enrolment"], day + 16)
        screen(person, staff, ("ASSIST", "DAST-10", "AUDIT")[day % 3], (ASSIST, DAST10, AUDIT)[day % 3])
    for screening in Screening.objects.filter(assessments__isnull=True)[:n]:
        recommend(screening, staff, approved=False)
    other_kind = make_programme(programme.institution, programme.agency, programme.agreement, kind="medical")
    enrol(other_kind, person, staff)


def test_the_number_of_queries_does_not_grow_with_the_record(client, staff, person, programme, record):
    key = key_for(staff)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url(person), HTTP_AUTHORIZATION=f"Bearer {key}")
        assert response.status_code == 200
        return len(queries)

    client.get(url(person), HTTP_AUTHORIZATION=f"Bearer {key}")  # the token's first use is written once
    one = count()
    _more(person, staff, programme, record, 9)
    many = count()
    data = valid(client.get(url(person), HTTP_AUTHORIZATION=f"Bearer {key}"))
    assert len(of_type(data, "Encounter")) == 11 and len(of_type(data, "QuestionnaireResponse")) == 12
    # Token, memberships, person, enrolments, their steps, attendance, NIK rule, screenings,
    # recommendations, the audit event.
    assert many == one <= 10, (one, many)


def test_the_schema_describes_the_fhir_route_with_its_operation_name(client, staff):
    # As when listed in SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"] (drf-spectacular imports the names).
    hooks = [*spectacular_settings.POSTPROCESSING_HOOKS, restore_operation_names]
    with mock.patch.object(spectacular_settings, "POSTPROCESSING_HOOKS", hooks):
        response = client.get(
            reverse("api:schema") + "?format=json", HTTP_AUTHORIZATION=f"Bearer {key_for(staff)}"
        )
    operation = response.json()["paths"]["/api/v1/fhir/Patient/{id}/$everything"]["get"]
    assert operation["operationId"] == "fhir_patient_everything"
    assert "application/fhir+json" in operation["responses"]["200"]["content"]
    assert "/api/v1/persons/{id}/" in response.json()["paths"]  # the other routes as they were


def test_the_regions_officer_reads_it_with_the_nik_left_out(client, regional, person, record):
    [patient] = of_type(valid(fetch(client, person, regional)), "Patient")
    assert NIK_SYSTEM not in {i["system"] for i in patient["identifier"]}
