"""The API keeps its published contract (issue 19): Schemathesis reads the schema the running app serves at
/api/v1/schema/ and calls every operation with data it generates from it, as a UPT's staff and as an agency's
counsellor, over a small real world. No answer is a server error, and every answer's status, content type and
body are those the schema declares."""

import datetime as dt

import pytest
import schemathesis
import time_machine
from django.core.cache import cache
from hypothesis import HealthCheck, given, settings
from schemathesis.core.failures import FailureGroup
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import ignored_auth, negative_data_rejection, positive_data_acceptance

from api.throttling import PerTokenThrottle
from assessments.models import Screening
from assessments.services import recommendation_record, screening_record
from config.wsgi import application
from inmates.services import admission_release
from rehab import services
from rehab.models import AftercarePlan, Programme
from reports.models import Report
from reports.render import generate
from reports.tasks import claim, report_for
from tests.api.conftest import personal_key
from tests.assessments.test_instruments import ROWS, assist_answers, audit_answers, dast
from tests.assessments.test_views import assess
from tests.factories import make_agreement
from tests.rehab.conftest import make_enrolment, plan
from tests.rehab.test_services import local

NOW = dt.datetime(2026, 11, 3, 3, 0, tzinfo=dt.UTC)  # Tuesday 3 November 2026, 11:00 WITA
OCTOBER = dt.date(2026, 10, 1)

# Committed, as a deployed API's writes are: the calls go through Django's own WSGI handler, which checks the
# connection at each request's start and end (inside a test's open transaction it would drop it). The test
# database is emptied afterwards, so nothing a generated call made reaches another test.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def _generous_budget(monkeypatch):
    """Hundreds of calls a minute from one token: more than API_THROTTLE_RATE allows, on purpose. The calls
    counted go with the cache, emptied before and after."""
    monkeypatch.setattr(PerTokenThrottle, "THROTTLE_RATES", {"token": "100000/min"})
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(staff, counsellor, institution, agency, person):
    """A UPT with people in custody, screened and assessed; a programme under an agreement in force with the
    counsellor's agency, a session held with its attendance and one to come; a member released into
    after-care; October's report for the UPT, ready."""
    agreement = make_agreement(institutions=[institution], agencies=[agency])
    programme = Programme.objects.create(
        institution=institution,
        kind=Programme.Kind.SOCIAL,
        name="Rehabilitasi Sosial 2026 Tahap II",
        agency=agency,
        agreement=agreement,
        starts_on=dt.date(2026, 10, 1),
        ends_on=dt.date(2027, 3, 31),
        capacity=5,
        target=5,
        required_sessions=2,
    )
    members = [make_enrolment(programme, person), make_enrolment(programme), make_enrolment(programme)]
    screened = dt.date(2026, 10, 6)
    for enrolment, (instrument, answers) in zip(
        members,
        [
            ("ASSIST", assist_answers(cannabis=ROWS[11])),
            ("DAST-10", dast(4)),
            ("AUDIT", audit_answers(16)),
        ],
        strict=True,
    ):
        screening_record(
            by=staff, person=enrolment.person, instrument=instrument, answers=answers, screened_on=screened
        )
    assessment = assess(person, staff, on=dt.date(2026, 10, 8))
    recommendation_record(
        by=staff,
        assessment=assessment,
        kind="social",
        reasons="Pengguna ganja",
        decided_on=dt.date(2026, 10, 9),
    )
    held, _to_come = services.sessions_schedule(
        by=staff,
        programme=programme,
        plan=plan([counsellor], members),
        times=[
            (local(dt.date(2026, 10, 26), 8), local(dt.date(2026, 10, 26), 10)),
            (local(dt.date(2026, 11, 9), 8), local(dt.date(2026, 11, 9), 10)),
        ],
    )
    services.attendance_record(
        by=counsellor,
        session=held,
        marks={row.pk: ("present", "") for row in held.attendances.all()},
    )
    admission_release(
        by=staff, admission=members[2].admission, on=dt.date(2026, 10, 30), release_type="parole"
    )
    report = report_for(scope=Report.Scope.INSTITUTION, institution=institution, month=OCTOBER, language="en")
    assert claim(report.pk)
    generate(report)
    return {
        "persons": person.pk,
        "fhir": person.pk,  # /fhir/Patient/{id}/$everything
        "custody": members[0].admission.pk,
        "institutions": institution.pk,
        "screenings": Screening.objects.filter(person=person).get().pk,
        "assessments": assessment.pk,
        "recommendations": assessment.recommendation.pk,
        "programmes": programme.pk,
        "sessions": held.pk,
        "aftercare-plans": AftercarePlan.objects.get().pk,
        "agreements": agreement.pk,
        "reports": report.pk,
    }


@pytest.fixture(params=["staff", "counsellor"])
def caller(request, world, _generous_budget) -> dict:
    """The headers of a call by a UPT's staff or by the agency's counsellor, with a personal token."""
    user = request.getfixturevalue(request.param)
    return {"Authorization": f"Bearer {personal_key(user)}", "Accept-Language": "en"}


@pytest.fixture
def api_schema(caller, settings):
    """The schema as the app serves it to this caller; its operations are called through the app's WSGI
    handler."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]  # the host Schemathesis's client names
    return schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application, headers=caller)


# Short and the same on every run: CI reproduces what it reports (derandomize), nothing is kept between runs
# (no example database), and the world is built once per caller, not per example (the fixture health check).
DETAIL_EXAMPLES = 5  # generated calls of a read by a generated id (see the test)
REAL_DETAIL_EXAMPLES = 10  # and of a read by a real record's id
SETTINGS = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Schemathesis's default set of checks, less two that cannot pass here for reasons no schema can state:
# - positive_data_acceptance: a request the schema allows may still be refused with a 400, because ids in
#   filters and bodies must name records that exist (and that the caller may see), a screening's answers
#   must fit its instrument, and its day must fall within the person's custody. OpenAPI can say none of it.
# - negative_data_rejection, for reads only: the lists take their filters as their pages do, where an empty
#   or (for custody, agreements and after-care) a wrong value drops that filter, and DRF's cursor pages fall
#   back to the default size for a page_size that is not a positive number. The writes keep the check: a
#   body the schema refuses must be refused.
# One more, ignored_auth, runs as Schemathesis's own runner runs it (see `_auth_enforced_once`), not per call.
EXCLUDED = [positive_data_acceptance, ignored_auth]
EXCLUDED_FOR_READS = [*EXCLUDED, negative_data_rejection]


def _auth_enforced_once(enforced: set[str]):
    """Schemathesis's ignored_auth check, which calls an operation that answered a success again without the
    token and with a wrong one and fails unless both are refused, once per operation: `enforced` holds the
    operations that refused both. Schemathesis's runner keeps that set for its whole run (whether a token is
    required does not depend on the call's data); its pytest API keeps none, so every successful call would be
    sent again, without the token and with a wrong one."""

    def ignored_auth_once(ctx, response, case):
        ctx.auth_enforced_operations = enforced
        return ignored_auth(ctx, response, case)

    return ignored_auth_once


def _run(
    operation,
    headers: dict,
    mode: GenerationMode,
    enforced: set[str],
    *,
    succeeds: bool = False,
    examples: int | None = None,
    **fixed,
) -> str | None:
    """The operation called with generated data (some parts `fixed`) until a check fails: the smallest such
    call, described, or None. With `succeeds`, every answer must also be a success. Whether the operation
    refuses a call without its token, or with a wrong one, is checked until it is shown, once (`enforced`)."""
    excluded = EXCLUDED_FOR_READS if operation.method.upper() == "GET" else EXCLUDED
    auth_enforced = _auth_enforced_once(enforced)

    @given(case=operation.as_strategy(generation_mode=mode, **fixed))
    @settings(SETTINGS, **({"max_examples": examples} if examples else {}))
    def calls(case):
        response = case.call_and_validate(
            headers=headers, excluded_checks=excluded, additional_checks=[auth_enforced]
        )
        # 304: the generated If-None-Match was "*", which matches any current answer.
        assert not succeeds or response.status_code in (200, 201, 304), response.text

    try:
        calls()
    except (AssertionError, FailureGroup) as exc:
        return f"{operation.label} ({mode.value} data{', ' + str(fixed) if fixed else ''}): {exc}"
    return None


def _real(operation, world: dict) -> dict:
    """The parts of a call that name real records: the id of one the world holds, and a body the write takes
    (a screening of a person in custody, the attendance of a session's participant)."""
    parts = {}
    if "{id}" in operation.path:
        parts["path_parameters"] = {"id": world[operation.path.split("/")[3]]}
    if operation.label == "POST /api/v1/screenings/":
        parts["body"] = {
            "person": world["persons"],
            "instrument": "DAST-10",
            "screened_on": "2026-11-02",
            "answers": dast(2),
        }
    elif operation.label == "POST /api/v1/sessions/{id}/attendance/":
        parts["body"] = {"marks": [{"person": world["persons"], "status": "present"}]}
    return parts


def test_every_operation_answers_as_the_schema_says(api_schema, caller, world, request):
    """Each operation with data that fits its schema and with data that does not; then with real records'
    ids and bodies, so that full answers are checked too, not only the problems."""
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) == 25  # the 11 resources' lists and details, the two writes, the FHIR Bundle
    counsellor = "counsellor" in request.node.callspec.id
    failures, enforced = [], set()
    for operation in operations:
        # Data that does not fit tests how a read parses its filters and pages, whoever calls: the staff's
        # run covers it for both. A write validates its body only once the caller may write there, so the
        # counsellor (who takes attendance) sends both kinds of bodies too. What a caller is answered
        # depends on their scope: each caller reads every list with fitting filters, and every record (below).
        if not counsellor or operation.method.upper() != "GET":
            modes = list(GenerationMode)
        else:
            modes = [] if "{id}" in operation.path else [GenerationMode.POSITIVE]
        # A generated id names no record: a read of one takes the same path (a 404 problem) whatever the id,
        # so a few calls show it; the record's own answer is checked with a real id below.
        by_id = "{id}" in operation.path and operation.method.upper() == "GET"
        for mode in modes:
            failures.append(
                _run(operation, caller, mode, enforced, examples=DETAIL_EXAMPLES if by_id else None)
            )
        real = _real(operation, world)
        if real:
            # The counsellor's agency is in no report's archive: theirs answers 404 (checked all the same).
            succeeds = not (counsellor and operation.path.startswith("/api/v1/reports/"))
            # A read of a real record varies only in its optional headers and parameters: fewer calls.
            examples = REAL_DETAIL_EXAMPLES if by_id else None
            failures.append(
                _run(
                    operation,
                    caller,
                    GenerationMode.POSITIVE,
                    enforced,
                    succeeds=succeeds,
                    examples=examples,
                    **real,
                )
            )
    failures = [failure for failure in failures if failure]
    assert not failures, "\n\n".join(failures)
