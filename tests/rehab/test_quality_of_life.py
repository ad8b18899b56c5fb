"""WHOQOL-BREF at programme start and end (issue 20): recorded through the instrument (its refusals item by
item, nothing saved), one start and one end per enrolment, the pages and who reaches them, and the monthly
report's change per domain and UPT as it stood at a moment."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from assessments import instruments
from assessments.instruments import whoqol_bref
from audit.models import AuditEvent
from rehab.models import QOL_DOMAINS, Programme, QualityOfLife
from rehab.quality_of_life import changes_by_upt, quality_of_life_record
from tests.factories import InstitutionFactory
from tests.rehab.conftest import make_enrolment

ITEMS = [f"q{n}" for n in range(1, 27)]
START, END = QualityOfLife.Timing.START, QualityOfLife.Timing.END


def answers(value: int = 3, **given) -> dict:
    return {**dict.fromkeys(ITEMS, value), **given}


def form_data(timing="start", taken_on="2026-02-20", **given) -> dict:
    return {"timing": timing, "taken_on": taken_on, **{code: str(v) for code, v in answers(**given).items()}}


def test_the_columns_are_the_instruments_domains():
    assert tuple(whoqol_bref.DOMAINS) == QOL_DOMAINS


# --- Recording -----------------------------------------------------------------------------------------


@pytest.fixture
def enrolment(programme, person):
    return make_enrolment(programme, person)


def test_the_scores_stored_are_the_instruments(enrolment, staff):
    record = quality_of_life_record(
        by=staff, enrolment=enrolment, timing=START, taken_on=dt.date(2026, 2, 20), answers=answers(5)
    )
    record.refresh_from_db()
    assert record.version == "1996-12"
    assert record.answers == answers(5)
    expected = instruments.score("WHOQOL-BREF", answers(5)).domains
    assert record.scores() == {d: float(expected[d].transformed) for d in QOL_DOMAINS}
    assert record.physical == pytest.approx(500 / 7) and record.social == 100
    assert AuditEvent.objects.filter(action="create", person_id=enrolment.person_id).exists()


def test_unanswered_items_are_kept_and_a_domain_with_too_few_is_none(enrolment, staff):
    given = answers(4, q20=None, q21=None)
    record = quality_of_life_record(
        by=staff, enrolment=enrolment, timing=START, taken_on=dt.date(2026, 2, 20), answers=given
    )
    assert record.social is None and record.physical is not None
    assert record.answers["q20"] is None


@pytest.mark.parametrize(
    ("given", "items"),
    [
        (dict.fromkeys(ITEMS[:6]), set(ITEMS[:6])),  # 6 of 26 unanswered: discarded
        ({"q3": 7}, {"q3"}),
        ({"q4": "abc", "q9": 0}, {"q4", "q9"}),
    ],
)
def test_answers_the_instrument_refuses_are_named_item_by_item_and_nothing_is_saved(
    enrolment, staff, given, items
):
    with pytest.raises(ValidationError) as refused:
        quality_of_life_record(
            by=staff,
            enrolment=enrolment,
            timing=START,
            taken_on=dt.date(2026, 2, 20),
            answers=answers(3, **given),
        )
    assert set(refused.value.message_dict) == items
    assert not QualityOfLife.objects.exists()


def test_one_start_and_one_end_and_the_end_never_before_the_start(enrolment, staff):
    take = lambda timing, day: quality_of_life_record(  # noqa: E731
        by=staff, enrolment=enrolment, timing=timing, taken_on=day, answers=answers()
    )
    take(START, dt.date(2026, 2, 10))
    with pytest.raises(ValidationError, match="already been taken"):
        take(START, dt.date(2026, 2, 11))
    with pytest.raises(ValidationError, match="before the start"):
        take(END, dt.date(2026, 2, 9))
    with pytest.raises(ValidationError, match="future"):
        take(END, dt.date(2026, 3, 3))
    take(END, dt.date(2026, 2, 10))  # the same day is allowed
    assert QualityOfLife.objects.count() == 2


def test_a_start_typed_after_the_end_must_come_before_it(enrolment, staff):
    quality_of_life_record(
        by=staff, enrolment=enrolment, timing=END, taken_on=dt.date(2026, 2, 10), answers=answers()
    )
    with pytest.raises(ValidationError, match="after the end"):
        quality_of_life_record(
            by=staff, enrolment=enrolment, timing=START, taken_on=dt.date(2026, 2, 11), answers=answers()
        )


def test_the_database_holds_one_per_timing(enrolment, staff):
    row = {"enrolment": enrolment, "timing": START, "version": "1996-12", "answers": {}}
    row["taken_on"] = dt.date(2026, 2, 1)
    QualityOfLife.objects.create(created_by=staff, **row)
    with pytest.raises(IntegrityError), transaction.atomic():
        QualityOfLife.objects.create(created_by=staff, **row)


def test_a_regional_officer_cannot_record(enrolment, regional):
    with pytest.raises(PermissionDenied):
        quality_of_life_record(
            by=regional, enrolment=enrolment, timing=START, taken_on=dt.date(2026, 2, 20), answers=answers()
        )


# --- Pages ----------------------------------------------------------------------------------------------


def _take(enrolment):
    return reverse("rehab:quality-of-life-take", args=[enrolment.pk])


def _detail(enrolment):
    return reverse("rehab:quality-of-life", args=[enrolment.pk])


def test_staff_take_it_from_the_programme_page_and_see_the_result(login, staff, enrolment, programme):
    client = login(staff)
    assert _detail(enrolment) in client.get(programme.get_absolute_url()).content.decode()
    form = client.get(_take(enrolment)).content.decode()
    assert "Pain and discomfort" in form and "Negative feelings" in form  # the facets, not WHO's wording
    response = client.post(_take(enrolment), form_data(q20=""))
    assert response.status_code == 302 and response.url == _detail(enrolment)
    page = client.get(_detail(enrolment)).content.decode()
    assert "50.0" in page and "Programme start" in page
    person_page = client.get(enrolment.person.get_absolute_url()).content.decode()
    assert "WHOQOL-BREF" in person_page and "50.0" in person_page
    # The end: the change shown on both pages.
    client.post(_take(enrolment), form_data(timing="end", taken_on="2026-03-01", value=4, q3=2, q4=2, q26=2))
    page = client.get(_detail(enrolment)).content.decode()
    assert "+25.0" in page
    assert "+25.0" in client.get(enrolment.person.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("given", "items"),
    [
        ({"q3": "7"}, {"q3"}),
        (dict.fromkeys(ITEMS[10:16], ""), set(ITEMS[10:16])),  # 6 unanswered: each named
    ],
)
def test_refused_answers_come_back_item_by_item(login, staff, enrolment, given, items):
    response = login(staff).post(_take(enrolment), form_data(**given))
    assert response.status_code == 400
    assert set(response.context["form"].errors) == items
    page = response.content.decode()
    assert page.count('class="small text-danger"') == len(items)
    assert not QualityOfLife.objects.exists()


def test_garbage_never_breaks_the_form(login, staff, enrolment):
    for junk in ("²", "\x00", "9" * 40, "-1", "3.0"):
        response = login(staff).post(_take(enrolment), form_data(q5=junk))
        assert response.status_code == 400, junk
    assert not QualityOfLife.objects.exists()


def test_who_reaches_the_pages(login, enrolment, regional, outsider, staff):
    assert login(regional).get(_detail(enrolment)).status_code == 200
    assert login(regional).get(_take(enrolment)).status_code == 403
    assert login(regional).post(_take(enrolment), form_data()).status_code == 403
    assert login(outsider).get(_detail(enrolment)).status_code == 404
    assert login(outsider).post(_take(enrolment), form_data()).status_code == 404
    assert not QualityOfLife.objects.exists()


# --- The monthly report's counts ----------------------------------------------------------------------


TYPED = dt.datetime(2026, 2, 28, 4, 0, tzinfo=dt.UTC)  # before the cut-off below


def record(enrolment, timing, day, given, by, at=TYPED):
    """A record as the service makes it, without its checks (the counting is tested here), typed `at`."""
    result = instruments.score("WHOQOL-BREF", given)
    scores = {d: None if s is None else float(s.transformed) for d, s in result.domains.items()}
    return QualityOfLife.objects.create(
        enrolment=enrolment,
        timing=timing,
        version="1996-12",
        answers=given,
        taken_on=day,
        created_by=by,
        created_at=at,
        **scores,
    )


def _programme_at(institution, programme) -> Programme:
    return Programme.objects.create(
        institution=institution,
        kind=programme.kind,
        name=f"Program {institution.pk}",
        agency=programme.agency,
        agreement=programme.agreement,
        starts_on=programme.starts_on,
        ends_on=programme.ends_on,
        capacity=50,
        target=10,
    )


FIRST, LAST = dt.date(2026, 2, 1), dt.date(2026, 2, 28)
KNOWN_AT = dt.datetime(2026, 3, 1, 0, 0, tzinfo=dt.UTC)


def test_changes_are_counted_per_upt_exactly_for_those_with_both(programme, staff, sister_institution):
    here = [make_enrolment(programme) for _ in range(4)]
    there = make_enrolment(_programme_at(sister_institution, programme))
    for enrolment in here[:3]:
        record(enrolment, START, dt.date(2026, 1, 5), answers(3), staff)
        record(enrolment, END, dt.date(2026, 2, 20), answers(5), staff)
    record(here[3], END, dt.date(2026, 2, 20), answers(5), staff)  # no start: not counted
    record(there, START, dt.date(2026, 1, 5), answers(3, q20=None, q21=None), staff)  # social not computed
    record(there, END, dt.date(2026, 2, 27), answers(4), staff)
    counted = changes_by_upt([programme.institution_id, sister_institution.pk], FIRST, LAST, KNOWN_AT)
    physical = Fraction(500, 7) - 50  # every item 5 (items 3, 4, 26 reversed to 1), against every item 3
    assert counted[programme.institution_id] == {
        "people": 3,
        "n": dict.fromkeys(QOL_DOMAINS, 3),
        "sums": {
            "physical": round(float(3 * physical), 6),
            "psychological": round(float(3 * (Fraction(250, 3) - 50)), 6),
            "social": 150.0,
            "environment": 150.0,
        },
    }
    assert counted[sister_institution.pk]["people"] == 1
    assert counted[sister_institution.pk]["n"] == {
        "physical": 1,
        "psychological": 1,
        "social": 0,
        "environment": 1,
    }
    assert counted[sister_institution.pk]["sums"]["social"] == 0.0


def test_only_ends_in_the_period_and_records_made_by_the_moment_count(programme, staff):
    early, late, typed_late, start_late = (make_enrolment(programme) for _ in range(4))
    for enrolment in (early, late, typed_late, start_late):
        if enrolment is not start_late:
            record(enrolment, START, dt.date(2026, 1, 5), answers(3), staff)
    record(early, END, dt.date(2026, 1, 31), answers(4), staff)  # the month before
    record(late, END, dt.date(2026, 2, 28), answers(4), staff)  # the last day counts
    after = KNOWN_AT + dt.timedelta(minutes=1)
    record(typed_late, END, dt.date(2026, 2, 10), answers(4), staff, at=after)  # typed after the cut-off
    record(start_late, START, dt.date(2026, 1, 5), answers(3), staff, at=after)  # its start typed late
    record(start_late, END, dt.date(2026, 2, 10), answers(4), staff)
    counted = changes_by_upt([programme.institution_id], FIRST, LAST, KNOWN_AT)
    assert counted[programme.institution_id]["people"] == 1
    later = changes_by_upt([programme.institution_id], FIRST, LAST, dt.datetime(2026, 3, 2, tzinfo=dt.UTC))
    assert later[programme.institution_id]["people"] == 3


def test_one_person_ending_two_programmes_counts_once_by_the_later(programme, staff, person):
    other = Programme.objects.create(
        **{
            f.name: getattr(programme, f.name)
            for f in Programme._meta.concrete_fields
            if f.name not in ("id", "created_at")
        }
        | {"kind": Programme.Kind.MEDICAL, "name": "Medis"}
    )
    first, second = make_enrolment(programme, person), make_enrolment(other, person)
    for enrolment in (first, second):
        record(enrolment, START, dt.date(2026, 1, 5), answers(3), staff)
    record(first, END, dt.date(2026, 2, 10), answers(4), staff)
    record(second, END, dt.date(2026, 2, 12), answers(5), staff)
    counted = changes_by_upt([programme.institution_id], FIRST, LAST, KNOWN_AT)[programme.institution_id]
    assert counted["people"] == 1 and counted["sums"]["social"] == 50.0


def test_a_fixed_number_of_queries_for_one_upt_and_many(
    programme, staff, region, django_assert_max_num_queries
):
    places = [programme.institution] + [InstitutionFactory(region=region) for _ in range(5)]
    for place in places:
        at = programme if place == programme.institution else _programme_at(place, programme)
        for _ in range(3):
            enrolment = make_enrolment(at)
            record(enrolment, START, dt.date(2026, 1, 5), answers(3), staff)
            record(enrolment, END, dt.date(2026, 2, 5), answers(4), staff)
    with django_assert_max_num_queries(1):
        one = changes_by_upt([programme.institution_id], FIRST, LAST, KNOWN_AT)
    with django_assert_max_num_queries(1):
        many = changes_by_upt([p.pk for p in places], FIRST, LAST, KNOWN_AT)
    assert len(one) == 1 and len(many) == 6
    assert all(figures["people"] == 3 for figures in many.values())
