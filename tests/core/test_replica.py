"""The read replica (core.replica): the dashboards, the report figures and the exports read from it, and never
write to it. The "replica" here is a second connection to the test database whose transactions are read-only
(tests/conftest.py), so any write the router let stray there would fail. The tests run outside a wrapping
transaction (transaction=True): the replica's connection sees only committed rows, as a real replica does.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import uuid
from contextlib import nullcontext

import pytest
import time_machine
from django.db import DEFAULT_DB_ALIAS, InternalError, connection, connections, router, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from audit.models import AuditEvent
from core.replica import reads_from_replica, replica_alias
from inmates.models import Admission
from institutions.models import Region
from privacy.models import HandOver
from rehab.models import Enrolment, Programme
from reports.cohorts import cohorts_and_survival
from reports.models import FigureSet, Report
from reports.tasks import render_report, report_for
from reports.views import _outcomes_source
from tests.factories import PersonFactory, admit, export_file, make_agreement, release
from tests.reports.test_monthly import IN_OCTOBER, screen
from tests.workers import free_port

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: the replica is a connection read-only by default_transaction_read_only",
    ),
    pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, "replica"]),
]
NOVEMBER = dt.datetime(2026, 11, 3, 2, 0, tzinfo=dt.UTC)  # October is over: its final report can be made
OCTOBER = dt.date(2026, 10, 1)


@pytest.fixture(autouse=True)
def _replica_configured(settings):
    settings.READ_REPLICA = "replica"


@pytest.fixture
def replica_queries():
    with CaptureQueriesContext(connections["replica"]) as queries:
        yield queries


def test_the_replica_refuses_writes_and_sees_committed_rows(region):
    assert Region.objects.using("replica").filter(pk=region.pk).exists()
    with pytest.raises(InternalError, match="read-only transaction"):
        Region.objects.using("replica").create(code="x", name="X", province="X")


def test_only_reads_inside_the_context_go_to_the_replica(region):
    assert router.db_for_read(Region) == DEFAULT_DB_ALIAS
    with reads_from_replica():
        assert router.db_for_read(Region) == "replica"
        assert router.db_for_write(Region) == DEFAULT_DB_ALIAS
        # A write inside the context lands on the primary (the replica would refuse it).
        made = Region.objects.create(code="sulsel", name="Kanwil Sulsel", province="Sulawesi Selatan")
        region.name = "Kanwil Kalsel (renamed)"
        region.save()
        # get_or_create reads where it writes: the primary.
        Region.objects.get_or_create(code="sulsel", defaults={"name": "-", "province": "-"})
        with transaction.atomic():  # begun inside: reads its own writes, so from the primary
            assert replica_alias() is None
            Region.objects.filter(pk=made.pk).update(name="Kanwil Sulawesi Selatan")
            assert Region.objects.get(pk=made.pk).name == "Kanwil Sulawesi Selatan"
        assert Region.objects.get(pk=made.pk).name == "Kanwil Sulawesi Selatan"  # committed: the replica too
    assert Region.objects.count() == 2
    assert replica_alias() is None


def test_a_transaction_open_before_the_context_keeps_reading_the_replica(region):
    """figure_set_for computes under its row lock: the caller asked for the replica there."""
    with transaction.atomic(), reads_from_replica():
        assert router.db_for_read(Region) == "replica"
        with transaction.atomic():
            assert router.db_for_read(Region) == DEFAULT_DB_ALIAS


def test_without_a_replica_configured_the_context_changes_nothing(settings, region):
    settings.READ_REPLICA = ""
    with reads_from_replica():
        assert router.db_for_read(Region) == DEFAULT_DB_ALIAS


def test_a_decorated_function_reads_from_the_replica_each_call(region):
    @reads_from_replica()
    def where():
        return router.db_for_read(Region)

    assert [where(), where()] == ["replica", "replica"]
    assert router.db_for_read(Region) == DEFAULT_DB_ALIAS


@pytest.fixture
def october(institution, staff):
    with time_machine.travel(IN_OCTOBER, tick=False):
        for n, risk in enumerate(["moderate"] * 6 + ["high"] * 3):
            person = PersonFactory(full_name=f"Rahasia Nama {n}", nik=f"63080000000000{n:02d}")
            admit(person, institution, on=dt.date(2026, 1, 1))
            screen(person, institution, staff, risk)


def test_a_monthly_report_computes_its_figures_on_the_replica_and_saves_on_the_primary(
    october, institution, replica_queries
):
    with time_machine.travel(NOVEMBER, tick=False):
        report = report_for(scope=Report.Scope.INSTITUTION, institution=institution, month=OCTOBER)
        render_report(report.pk)  # the worker's task, run here
    report.refresh_from_db()
    assert report.status == Report.Status.DONE, report.error
    assert report.snapshot["screening"]["screened"] == 9
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(report.pdf.read())).pages)
    assert "Rahasia" not in text
    assert FigureSet.objects.get(month=OCTOBER).ready  # kept on the primary, under its row lock
    assert any("rehab_" in query["sql"] or "assessments_" in query["sql"] for query in replica_queries)
    writes = ("INSERT", "UPDATE", "DELETE")
    assert not any(query["sql"].lstrip().upper().startswith(writes) for query in replica_queries)


def test_release_outcomes_count_alike_on_the_replica_without_temporary_tables(institution, replica_queries):
    """A replica can create nothing, temporary tables included: there the releases' next admission and death
    are joined in CTEs (reports.outcomes.kept_with_outcomes), and must count as the primary's tables do."""
    for n in range(6):
        person = PersonFactory(full_name=f"Dilepas {n}")
        release(person, institution, admitted=dt.date(2024, 1, 5), released=dt.date(2024, 5 + n, 3))
        if n % 2:
            admit(person, institution, on=dt.date(2025, 1 + n, 1))

    def counted():
        return cohorts_and_survival(
            Admission.objects.all(), cutoff=dt.date(2026, 10, 31), period="quarter", breakdown="none"
        )

    on_primary = counted()
    with reads_from_replica():
        on_replica = counted()
    assert on_replica == on_primary
    assert sum(row["size"] for row in on_primary[0]) == 6
    assert sum(row["returned_12"] for row in on_primary[0]) == 3  # the three back within a year
    assert any("WITH kept_base_" in query["sql"] for query in replica_queries)
    assert not any("TEMPORARY" in query["sql"] for query in replica_queries)


def test_the_dashboards_read_from_the_replica(login, regional, national, october, replica_queries):
    with time_machine.travel(NOVEMBER, tick=False):
        for user, url in [
            (national, "/laporan/partisipasi/"),
            (regional, "/laporan/residivisme/"),
            (regional, "/"),
        ]:
            before = len(replica_queries)
            response = login(user).get(url)
            assert response.status_code == 200, url
            assert len(replica_queries) > before, f"{url} read nothing from the replica"


def test_the_recidivism_figures_wait_for_the_replica_to_hold_the_build(regional, institution):
    from reports import release_outcomes

    built = release_outcomes.refresh()
    assert isinstance(_outcomes_source(built), reads_from_replica)
    built.generation = uuid.uuid4()  # a rebuild the replica has not received yet
    assert isinstance(_outcomes_source(built), nullcontext)


def test_the_wbp_list_export_reads_from_the_replica_and_records_on_the_primary(
    login, staff, person, replica_queries
):
    response = export_file(login(staff), reverse("inmates:admission-export"))
    body = b"".join(response.streaming_content).decode("utf-8")
    assert "Ahmad Fauzan" in body
    assert any("inmates_admission" in query["sql"] for query in replica_queries)
    assert HandOver.objects.count() == 1
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).count() == 1


def test_the_programme_exports_read_from_the_replica(
    login, institution, agency, staff, person, replica_queries
):
    agreement = make_agreement(
        institutions=[institution],
        agencies=[agency],
        valid_from=dt.date(2025, 1, 1),
        valid_until=dt.date(2099, 12, 31),
        scopes=["social_rehabilitation"],
    )
    programme = Programme.objects.create(
        institution=institution,
        kind=Programme.Kind.SOCIAL,
        name="Rehabilitasi Sosial",
        agency=agency,
        agreement=agreement,
        starts_on=dt.date(2026, 2, 1),
        ends_on=dt.date(2026, 7, 31),
        capacity=3,
        target=3,
        required_sessions=2,
    )
    Enrolment.objects.create(
        programme=programme,
        person=person,
        admission=person.admissions.get(),
        kind=programme.kind,
        status=Enrolment.Status.ACTIVE,
        direct_reason="Langsung",
    )
    participants = export_file(login(staff), reverse("rehab:participant-export", args=[programme.pk]))
    assert "Ahmad Fauzan" in b"".join(participants.streaming_content).decode("utf-8")
    assert any("rehab_enrolment" in query["sql"] for query in replica_queries)
    before = len(replica_queries)
    attendance = export_file(login(staff), reverse("rehab:attendance-export", args=[programme.pk]))
    assert attendance.status_code == 200
    assert any("rehab_attendance" in query["sql"] for query in replica_queries[before:])
    assert HandOver.objects.count() == 2


@pytest.fixture
def replica_down():
    """The replica's connection pointed at a port nobody listens on, for one test."""
    replica = connections["replica"]
    replica.close()
    kept = copy.deepcopy(replica.settings_dict)
    replica.settings_dict.update(HOST="127.0.0.1", PORT=str(free_port()))
    replica.settings_dict["OPTIONS"] = {**kept["OPTIONS"], "connect_timeout": 2}
    yield
    replica.close()
    replica.settings_dict.clear()
    replica.settings_dict.update(kept)


def test_a_replica_that_cannot_be_reached_is_passed_over_for_the_primary(
    replica_down, login, regional, october, caplog
):
    with reads_from_replica():
        assert router.db_for_read(Region) == DEFAULT_DB_ALIAS
    assert "read replica cannot be reached" in caplog.text
    response = login(regional).get(reverse("dashboard:participation"))
    assert response.status_code == 200
    assert "Kanwil" in response.content.decode()


def test_migrations_run_on_a_named_database_but_never_on_the_replica():
    """generate_national and restore migrate a database of their own (`migrate --database`): the router
    once allowed only the default one, and generate_national found no tables."""
    assert router.allow_migrate("national", "inmates")
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "inmates")
    assert not router.allow_migrate("replica", "inmates")
