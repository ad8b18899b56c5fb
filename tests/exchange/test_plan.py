"""The preview of an SDP import: who is new, who comes back, what changed, who left according to SDP, and
what needs a person to decide. Computed before anything is written."""

import datetime as dt
from dataclasses import replace

import pytest

from exchange.sdp.places import Area
from exchange.sdp.plan import plan_import
from exchange.sdp.rows import SdpRow
from inmates import services
from inmates.models import Admission
from tests.factories import PersonFactory, admit

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 5)


def plan_for(rows, *, institution, **kwargs):
    """Plan rows of one UPT's list (their UPT resolved, as the reader does)."""
    placed = [replace(each, institution_id=institution.pk) for each in rows]
    return plan_import(placed, area=Area(institution=institution), today=TODAY, **kwargs)


def row(line=2, **overrides) -> SdpRow:
    values = {
        "line": line,
        "full_name": "Ahmad Fauzan",
        "register_number": "B.I 017/2025",
        "nik": "6308011705900001",
        "sex": "male",
        "birth_place": "Amuntai",
        "birth_date": dt.date(1990, 5, 17),
        "admitted_on": dt.date(2025, 1, 10),
        "register_category": "B.I",
        "offence": "narcotics_user",
        "sentence_months": None,
        "expected_release": None,
        "institution_ref": "",
    }
    values.update(overrides)
    return SdpRow(**values)


def test_someone_unknown_is_a_new_person(institution):
    plan = plan_for([row(nik="6308011705900077", full_name="Orang Baru")], institution=institution)
    assert plan.counts["new_people"] == 1 and plan.counts["left"] == 0


def test_the_same_file_again_changes_nothing(institution, person):
    admission = person.admissions.get()
    same = row(register_category=admission.register_category, offence=admission.offence)
    plan = plan_for([same], institution=institution)
    assert plan.counts == {**dict.fromkeys(plan.counts, 0), "unchanged": 1}


def test_a_verdict_moves_the_register_category(institution, person):
    admission = person.admissions.get()
    Admission.objects.filter(pk=admission.pk).update(register_category="A.III")
    plan = plan_for([row(register_category="B.I", sentence_months=18)], institution=institution)
    [changed] = plan.changed
    assert {(c.field, c.before, c.after) for c in changed.changes} == {
        ("register_category", "A.III", "B.I"),
        ("sentence_months", None, 18),
    }


def test_someone_in_custody_here_but_not_in_the_file_has_left_according_to_sdp(institution, person):
    other = PersonFactory(full_name="Budi Santoso", nik="6308011705900002")
    admit(other, institution)
    plan = plan_for([row()], institution=institution)
    assert [admission.person for admission in plan.left] == [other]


def test_someone_released_and_back_is_a_return_to_custody(institution, person, staff):
    services.admission_release(
        by=staff, admission=person.admissions.get(), on=dt.date(2026, 6, 1), release_type="parole"
    )
    plan = plan_for([row(admitted_on=dt.date(2026, 11, 1))], institution=institution)
    assert [planned.person for planned in plan.returns] == [person]


def test_someone_held_at_another_upt_is_an_inferred_transfer(institution, sister_institution):
    elsewhere = PersonFactory(full_name="Rudi Hartono", nik="6308011705900003")
    admit(elsewhere, sister_institution)
    plan = plan_for([row(nik="6308011705900003", full_name="Rudi Hartono")], institution=institution)
    [transfer] = plan.transfers_in
    assert transfer.person == elsewhere and transfer.held_at == sister_institution


def test_the_register_number_here_matches_without_a_nik(institution, person):
    plan = plan_for([row(nik=None, full_name="A. Fauzan")], institution=institution)
    assert [planned.person for planned in plan.unchanged + plan.changed] == [person]


def test_two_people_with_the_same_name_and_birth_date_go_to_review(institution):
    twins = [
        PersonFactory(full_name="Siti Aminah", birth_date=dt.date(1991, 1, 1), nik=None) for _ in range(2)
    ]
    plan = plan_for(
        [
            row(
                nik=None,
                full_name="Siti Aminah",
                birth_date=dt.date(1991, 1, 1),
                register_number="B.I 9/2026",
            )
        ],
        institution=institution,
    )
    [review] = plan.review
    assert set(review.candidates) == set(twins)


def test_a_similar_name_is_only_a_suggestion(institution):
    known = PersonFactory(full_name="Muhammad Rizki", birth_date=dt.date(1992, 2, 2), nik=None)
    plan = plan_for(
        [
            row(
                nik=None,
                full_name="Muhamad Rizky",
                birth_date=dt.date(1992, 2, 2),
                register_number="B.I 10/2026",
            )
        ],
        institution=institution,
    )
    assert [r.candidates for r in plan.review] == [[known]] and not plan.new_people


def test_a_register_number_held_here_by_someone_with_another_nik_is_refused(institution, person):
    # A typo on one side, or someone else's number: neither a new spell nor a link can take it.
    plan = plan_for([row(nik="6308011705900099")], institution=institution)
    [refused] = plan.refused
    assert "already used here by Ahmad Fauzan" in refused.refusal and not plan.review and not plan.new_people
    assert plan.counts == {**dict.fromkeys(plan.counts, 0), "left": 1}  # refused rows are not counted


def test_a_released_holders_number_with_another_nik_goes_to_review(institution, person, staff):
    services.admission_release(
        by=staff, admission=person.admissions.get(), on=dt.date(2026, 6, 1), release_type="parole"
    )
    plan = plan_for([row(nik="6308011705900099", admitted_on=dt.date(2026, 11, 1))], institution=institution)
    assert [r.candidates for r in plan.review] == [[person]] and not plan.refused


def test_a_new_person_with_a_number_held_here_is_refused(institution, person):
    plan = plan_for(
        [row(nik="6308011705900077", full_name="Orang Baru", register_number="b.i 017/2025")],
        institution=institution,
    )
    assert [r.row.full_name for r in plan.refused] == ["Orang Baru"] and not plan.new_people


def test_a_return_to_custody_with_a_number_held_here_is_refused(institution, person, staff):
    back = PersonFactory(full_name="Budi Kembali", nik="6308011705900005")
    services.admission_release(
        by=staff,
        admission=admit(back, institution, number="B.I 5/2024"),
        on=dt.date(2026, 6, 1),
        release_type="parole",
    )
    plan = plan_for(
        [row(nik="6308011705900005", full_name="Budi Kembali", admitted_on=dt.date(2026, 11, 1))],
        institution=institution,
    )
    assert [r.row.full_name for r in plan.refused] == ["Budi Kembali"] and not plan.returns


def test_a_register_number_changed_to_one_held_here_is_refused(institution, person):
    other = PersonFactory(full_name="Budi Santoso", nik="6308011705900002")
    admit(other, institution, number="B.I 2/2025")
    admission = person.admissions.get()
    plan = plan_for(
        [
            row(register_number="B.I 2/2025", register_category=admission.register_category),
            row(line=3, nik=other.nik, full_name="Budi Santoso", register_number="B.I 3/2025"),
        ],
        institution=institution,
    )
    assert [r.row.line for r in plan.refused] == [2]
    # A number of one's own, changed only in its letters' case, is one's own.
    [changed] = plan.changed
    assert changed.person == other
    plan = plan_for([row(register_number="b.i 017/2025")], institution=institution)
    assert not plan.refused and [c.field for c in plan.changed[0].changes] == ["register_number"]


def test_a_number_free_at_this_upt_is_taken_whoever_holds_it_elsewhere(institution, sister_institution):
    admit(PersonFactory(full_name="Di Barabai"), sister_institution, number="B.I 017/2025")
    plan = plan_for([row(nik="6308011705900077", full_name="Orang Baru")], institution=institution)
    assert plan.counts["new_people"] == 1 and not plan.refused


def test_matching_costs_a_few_queries_per_thousand_rows(institution, django_assert_max_num_queries):
    rows = [row(line=n, nik=f"63080117059{n:05d}", register_number=f"B.I {n}/2026") for n in range(2, 2502)]
    with django_assert_max_num_queries(25):
        plan = plan_for(rows, institution=institution)
    assert plan.counts["new_people"] == 2500
