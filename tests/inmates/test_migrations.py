"""Migrations that touch data: what they do to rows that were fine before their rule."""

import datetime as dt

import pytest
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("inmates", "0007_release_type_cmb")]
AFTER = [("inmates", "0008_register_number_open_unique")]


@pytest.mark.django_db
def test_open_spells_sharing_a_register_number_are_marked_before_the_constraint(empty_database):
    """On an empty database of its own, migrated up to the rule: the test database keeps its schema (taking
    it back there and forward again took 40 s of state rendering)."""
    scratch = empty_database.alias
    executor = MigrationExecutor(empty_database)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Region = old.get_model("institutions", "Region")
    Institution = old.get_model("institutions", "Institution")
    Person, Admission = old.get_model("inmates", "Person"), old.get_model("inmates", "Admission")
    region = Region.objects.using(scratch).create(
        code="kalsel", name="Kanwil Kalsel", province="Kalimantan Selatan"
    )
    upt = Institution.objects.using(scratch).create(
        code="lapas", name="Lapas", kind="lapas", klass="IIB", region=region
    )
    other = Institution.objects.using(scratch).create(
        code="rutan", name="Rutan", kind="rutan", klass="IIB", region=region
    )

    def spell(name, number, admitted, *, place=upt, released=None):
        person = Person.objects.using(scratch).create(full_name=name, sex="male")
        return Admission.objects.using(scratch).create(
            person=person,
            institution=place,
            register_number=number,
            register_category="B.I",
            admitted_on=admitted,
            offence="narcotics_user",
            released_on=released,
            release_type="parole" if released else "",
        )

    first = spell("Pertama", "B.I 1/2025", dt.date(2025, 1, 1))
    second = spell("Kedua", "b.i 1/2025", dt.date(2025, 2, 1))
    gone = spell("Bebas", "B.I 1/2025", dt.date(2024, 1, 1), released=dt.date(2024, 6, 1))
    elsewhere = spell("Di Rutan", "B.I 1/2025", dt.date(2025, 3, 1), place=other)

    executor = MigrationExecutor(empty_database)
    executor.migrate(AFTER)

    new = executor.loader.project_state(AFTER).apps
    numbers = dict(
        new.get_model("inmates", "Admission").objects.using(scratch).values_list("pk", "register_number")
    )
    # The earliest admitted keeps the number; the later one is marked for its staff; others untouched.
    assert numbers[first.pk] == "B.I 1/2025" and numbers[second.pk] == f"b.i 1/2025 (duplikat #{second.pk})"
    assert numbers[gone.pk] == numbers[elsewhere.pk] == "B.I 1/2025"
    event = new.get_model("audit", "AuditEvent").objects.using(scratch).get(object_id=str(second.pk))
    assert event.details["register_number"] == ["b.i 1/2025", f"b.i 1/2025 (duplikat #{second.pk})"]
