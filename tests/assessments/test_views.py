"""Screening, assessment and recommendation pages: who may do what (allowed, read-only, outsider), the ASSIST
grid's skip rules without JavaScript, bad input saving nothing, audit, work lists and query bounds."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Membership, Role
from assessments import instruments
from assessments.models import Assessment, Recommendation, Screening
from audit.models import AuditEvent
from tests.factories import AgencyFactory, PersonFactory, UserFactory, admit, make_agreement, membership

TODAY = dt.date(2026, 11, 22)
SUBSTANCES = [
    "tobacco",
    "alcohol",
    "cannabis",
    "cocaine",
    "amphetamine_type_stimulants",
    "inhalants",
    "sedatives",
    "hallucinogens",
    "opioids",
    "other",
]
DOMAINS = ["medical", "employment", "alcohol", "drug", "legal", "family_social", "psychiatric"]


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 11, 22, 3, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def head(institution):
    user = UserFactory(username="kalapas.amuntai")
    Membership.objects.create(user=user, role=Role.UPT_STAFF, institution=institution, is_head=True)
    return user


@pytest.fixture
def assessor(agency, institution):
    """A BNNK counsellor under an agreement covering screening and assessment at the institution."""
    make_agreement(institutions=[institution], agencies=[agency], scopes=["screening_assessment"])
    return membership(UserFactory(username="asesor.bnnk"), Role.COUNSELLOR, agency)


def url(name, *args):
    return reverse(f"assessments:{name}", args=args)


def assist_post(**rows):
    """Form data: Q1 "no" for every substance except those given as {question: answer}."""
    data = {"q8": "no_never", "screened_on": "2026-11-20"}
    for substance in SUBSTANCES:
        for question, answer in rows.get(substance, {"q1": "no"}).items():
            data[f"{substance}-{question}"] = answer
    return data


MODERATE_CANNABIS = {
    "q1": "yes",
    "q2": "weekly",
    "q3": "never",
    "q4": "never",
    "q5": "never",
    "q6": "no_never",
    "q7": "no_never",
}
HIGH_METH = {
    "q1": "yes",
    "q2": "daily_or_almost_daily",
    "q3": "daily_or_almost_daily",
    "q4": "daily_or_almost_daily",
    "q5": "daily_or_almost_daily",
    "q6": "no_never",
    "q7": "no_never",
}


def asi_post(**overrides):
    data = {
        "assessed_on": "2026-11-21",
        "team": "dr. Rina — dokter\nAgus — psikolog",
        "summary": "Kooperatif.",
    }
    for domain in DOMAINS:
        data.update({f"{domain}-troubled": "2", f"{domain}-importance": "3", f"{domain}-severity": "5"})
    data.update(overrides)
    return data


def screen(person, by, instrument="ASSIST", answers=None, risk="moderate", on=dt.date(2026, 11, 1)):
    answers = answers or {"substances": {"cannabis": MODERATE_CANNABIS}, "q8": "no_never"}
    return Screening.objects.create(
        person=person,
        institution=person.admissions.get().institution,
        instrument=instrument,
        version=instruments.current_version(instrument),
        answers=answers,
        risk=risk,
        screened_on=on,
        screened_by=by,
    )


def assess(person, by, on=dt.date(2026, 11, 5)):
    answers = {domain: {"troubled": 2, "importance": 3, "severity": 5} for domain in DOMAINS}
    return Assessment.objects.create(
        person=person,
        institution=person.admissions.get().institution,
        assessed_on=on,
        interviewer=by,
        team="Tim",
        version="5-lite",
        answers=answers,
    )


# --- Screening with ASSIST


def test_staff_screen_with_assist_and_see_each_substances_risk(login, staff, person):
    client = login(staff)
    assert client.get(url("screening-create", person.pk, "assist")).status_code == 200
    response = client.post(
        url("screening-create", person.pk, "assist"),
        assist_post(cannabis=MODERATE_CANNABIS, amphetamine_type_stimulants=HIGH_METH),
    )
    screening = Screening.objects.get()
    assert response.status_code == 302 and response.url == screening.get_absolute_url()
    assert (screening.instrument, screening.version, screening.risk) == ("ASSIST", "3.1", "high")
    result = client.get(screening.get_absolute_url())
    rows = {row["label"]: (row["score"], row["risk"]) for row in result.context["rows"]}
    assert rows["Cannabis"] == (4, "moderate")
    assert rows["Amphetamine-type stimulants (speed, ecstasy, …)"] == (27, "high")
    assert "Brief intervention and referral for assessment and intensive treatment" in result.content.decode()
    events = AuditEvent.objects.filter(person_id=person.pk).values_list("action", flat=True)
    assert {"create", "view"} <= set(events)


def test_without_javascript_answers_to_skipped_questions_are_ignored(login, staff, person):
    skipped = {"q1": "no", "q2": "daily_or_almost_daily", "q6": "yes_past_3_months"}
    never = {**MODERATE_CANNABIS, "q2": "never", "q3": "daily_or_almost_daily", "q6": "yes_not_past_3_months"}
    tobacco = {**MODERATE_CANNABIS, "q5": "daily_or_almost_daily"}  # tobacco has no Q5 field at all
    login(staff).post(
        url("screening-create", person.pk, "assist"),
        assist_post(opioids=skipped, cannabis=never, tobacco=tobacco),
    )
    result = Screening.objects.get().result()
    assert result.substances["opioids"].score == 0
    assert result.substances["cannabis"].score == 3  # only Q6
    assert result.substances["tobacco"].score == 4


def test_missing_answers_are_marked_and_what_was_typed_is_kept(login, staff, person):
    partial = {"q1": "yes", "q2": "weekly", "q3": "monthly"}  # Q4, Q5, Q6, Q7 missing
    data = assist_post(cannabis=partial)
    del data["alcohol-q1"]
    response = login(staff).post(url("screening-create", person.pk, "assist"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"alcohol-q1", "cannabis-q4", "cannabis-q5", "cannabis-q6", "cannabis-q7"}
    assert errors["cannabis-q4"] == ["Answer this question."]
    assert '<option value="monthly" selected>' in response.content.decode()
    assert not Screening.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("cannabis-q2", "sometimes"),
        ("q8", "perhaps"),
        ("q8_days_per_month", "40"),
        ("screened_on", "2026-12-01"),
    ],
)
def test_bad_answers_are_refused_and_nothing_saved(login, staff, person, field, value):
    data = assist_post(cannabis=MODERATE_CANNABIS)
    if field == "q8_days_per_month":
        data["q8"] = "yes_past_3_months"
    data[field] = value
    response = login(staff).post(url("screening-create", person.pk, "assist"), data)
    assert field in response.context["form"].errors
    assert not Screening.objects.exists()


def test_screening_before_admission_is_refused(login, staff, person):
    data = {**assist_post(), "screened_on": "2020-01-01"}
    response = login(staff).post(url("screening-create", person.pk, "assist"), data)
    assert response.context["form"].errors["screened_on"] == ["This date is before the person's admission."]


def test_injecting_days_decide_the_advice(login, staff, person):
    data = {**assist_post(), "q8": "yes_past_3_months", "q8_days_per_month": "6"}
    login(staff).post(url("screening-create", person.pk, "assist"), data)
    screening = Screening.objects.get()
    assert screening.answers["q8_days_per_month"] == 6
    page = login(staff).get(screening.get_absolute_url()).content.decode()
    assert "more intensive treatment" in page


@pytest.mark.parametrize(
    ("instrument", "data", "score", "band"),
    [
        (
            "dast-10",
            {**{f"d{n}": "false" for n in range(1, 11)}, "d1": "true", "d2": "true", "d3": "false"},
            3,
            "moderate",
        ),
        ("audit", {**{f"a{n}": "0" for n in range(1, 11)}, "a1": "4", "a3": "4", "a9": "2"}, 12, "II"),
    ],
)
def test_optional_dast10_and_audit_screens(login, staff, person, instrument, data, score, band):
    response = login(staff).post(
        url("screening-create", person.pk, instrument), {**data, "screened_on": "2026-11-20"}
    )
    screening = Screening.objects.get()
    assert response.status_code == 302
    assert (screening.result().score, screening.risk) == (score, band)


def test_items_form_marks_missing_items(login, staff, person):
    response = login(staff).post(
        url("screening-create", person.pk, "audit"), {"a1": "9", "screened_on": "2026-11-20"}
    )
    errors = response.context["form"].errors
    assert errors["a1"] == ["Choose one of the listed answers."] and errors["a2"] == ["Answer this question."]
    assert not Screening.objects.exists()


def test_unknown_instrument_is_404(login, staff, person):
    assert login(staff).get(url("screening-create", person.pk, "cage")).status_code == 404


# --- Who may do what


def test_allowed_read_only_and_outsider(login, staff, assessor, regional, outsider, person):
    screening = screen(person, staff)
    create = url("screening-create", person.pk, "assist")
    assert login(assessor).get(create).status_code == 200  # counsellor under a screening agreement
    assert login(regional).get(create).status_code == 403  # read-only
    assert login(regional).get(screening.get_absolute_url()).status_code == 200
    assert login(outsider).get(create).status_code == 404
    assert login(outsider).get(screening.get_absolute_url()).status_code == 404


def test_counsellor_whose_agreement_does_not_cover_screening_gets_404(login, institution, person, staff):
    agency = AgencyFactory(code="ipwl-rehab")
    make_agreement(institutions=[institution], agencies=[agency], scopes=["social_rehabilitation"])
    counsellor = membership(UserFactory(username="konselor.rehab"), Role.COUNSELLOR, agency)
    screening = screen(person, staff)
    client = login(counsellor)
    assert client.get(person.get_absolute_url()).status_code == 200  # they work here, on rehabilitation
    assert client.get(url("screening-create", person.pk, "assist")).status_code == 404
    assert client.get(screening.get_absolute_url()).status_code == 404
    assert "Screening and assessment" not in client.get(person.get_absolute_url()).content.decode()


def test_people_no_longer_in_custody_cannot_be_screened(login, staff, person):
    admission = person.admissions.get()
    admission.released_on, admission.release_type = dt.date(2026, 10, 1), "parole"
    admission.save()
    assert login(staff).get(url("screening-create", person.pk, "assist")).status_code == 403


# --- Assessment, recommendation, approval


def test_assessment_recommendation_and_approval(login, staff, head, person):
    screen(person, staff)
    client = login(staff)
    response = client.post(url("assessment-create", person.pk), asi_post(**{"drug-notes": "Sabu sejak 2019"}))
    assessment = Assessment.objects.get()
    assert response.url == assessment.get_absolute_url()
    assert assessment.screening is not None and assessment.team_members == [
        "dr. Rina — dokter",
        "Agus — psikolog",
    ]
    assert assessment.domain_notes == {"drug": "Sabu sejak 2019"}
    detail = client.get(assessment.get_absolute_url())
    assert detail.context["can_recommend"] and not detail.context["can_approve"]
    client.post(
        url("recommendation-create", assessment.pk),
        {"kind": "medical_then_social", "reasons": "ASSIST tinggi, severity 5", "decided_on": "2026-11-21"},
    )
    recommendation = Recommendation.objects.get()
    assert not recommendation.is_approved
    assert client.get(url("recommendation-approve", recommendation.pk)).status_code == 403  # not the head
    head_client = login(head)
    assert head_client.get(assessment.get_absolute_url()).context["can_approve"]
    response = head_client.post(
        url("recommendation-approve", recommendation.pk),
        {"decree_number": "W17.PAS.5-PK.01/2026", "approved_on": "2026-11-22"},
    )
    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.is_approved and recommendation.approved_by == head
    assert Recommendation.objects.approved().filter(kind="medical_then_social").count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("drug-severity", "10", "Choose one of the listed answers."),
        ("legal-troubled", "", "Answer this question."),
        ("assessed_on", "2026-11-23", "This date is in the future."),
        ("team", "", "This field is required."),
    ],
)
def test_assessment_bad_input(login, staff, person, field, value, message):
    response = login(staff).post(url("assessment-create", person.pk), asi_post(**{field: value}))
    assert message in response.context["form"].errors[field]
    assert not Assessment.objects.exists()


def test_recommendation_bad_input_and_only_one_per_assessment(login, staff, head, person):
    assessment = assess(person, staff)
    client = login(staff)
    bad = client.post(
        url("recommendation-create", assessment.pk),
        {"kind": "holiday", "reasons": "", "decided_on": "2026-11-01"},
    )
    assert set(bad.context["form"].errors) == {"kind", "reasons"}
    early = client.post(
        url("recommendation-create", assessment.pk),
        {"kind": "social", "reasons": "x", "decided_on": "2026-11-01"},
    )
    assert "before the assessment" in str(early.context["form"].errors)
    assert not Recommendation.objects.exists()
    client.post(
        url("recommendation-create", assessment.pk),
        {"kind": "social", "reasons": "x", "decided_on": "2026-11-06"},
    )
    assert client.get(url("recommendation-create", assessment.pk)).status_code == 302
    approve = login(head).post(
        url("recommendation-approve", Recommendation.objects.get().pk),
        {"decree_number": "SK 1", "approved_on": "2026-11-05"},
    )
    assert "cannot be dated before the recommendation" in str(approve.context["form"].errors)


# --- Work lists, person page, versions


def test_work_lists(login, staff, head, person, institution):
    calm = PersonFactory(full_name="Tenang")
    admit(calm, institution)
    screen(calm, staff, risk="lower")
    screen(person, staff, risk="high")
    client = login(staff)
    to_assess = client.get(url("worklist"))
    assert [s.person.full_name for s in to_assess.context["page_obj"]] == ["Ahmad Fauzan"]
    assessment = assess(person, staff, on=dt.date(2026, 11, 2))
    assert list(client.get(url("worklist")).context["page_obj"]) == []
    Recommendation.objects.create(
        assessment=assessment, kind="social", reasons="x", decided_on=dt.date(2026, 11, 3), decided_by=staff
    )
    to_approve = client.get(url("worklist"), {"list": "to-approve"})
    assert [r.assessment.person.full_name for r in to_approve.context["page_obj"]] == ["Ahmad Fauzan"]
    assert to_approve.context["counts"] == {"to_approve": 1}  # the people to assess are counted on their tab
    assert client.get(url("worklist")).context["counts"] == {"to_assess": 0, "to_approve": 1}


def test_the_work_list_reads_each_persons_latest_assist_only(login, staff, person, institution):
    """Re-screened lower since: off the list; moderate, then high on the same day: the later one, once;
    a DAST-10 after the ASSIST does not hide it; high again after an assessment: back on the list."""
    screen(person, staff, risk="high", on=dt.date(2026, 10, 1))
    screen(person, staff, risk="lower", on=dt.date(2026, 10, 20))
    twice = PersonFactory(full_name="Budi Dua Kali")
    admit(twice, institution)
    screen(twice, staff, risk="moderate", on=dt.date(2026, 10, 5))
    same_day_later = screen(twice, staff, risk="high", on=dt.date(2026, 10, 5))
    screen(twice, staff, instrument="DAST-10", risk="low", on=dt.date(2026, 10, 9))
    client = login(staff)
    rows = list(client.get(url("worklist")).context["page_obj"])
    assert [(row.person.full_name, row.pk) for row in rows] == [("Budi Dua Kali", same_day_later.pk)]
    assess(twice, staff, on=dt.date(2026, 10, 10))
    again = screen(twice, staff, risk="high", on=dt.date(2026, 11, 1))
    response = client.get(url("worklist"))
    assert [row.pk for row in response.context["page_obj"]] == [again.pk]
    assert response.context["counts"]["to_assess"] == 1
    assert url("screening-detail", again.pk) in response.content.decode()


def test_a_long_work_list_shows_its_first_rows_and_says_more_are_waiting(
    login, staff, person, institution, monkeypatch
):
    import institutions.paging

    monkeypatch.setattr(institutions.paging, "CAP", 1)
    other = PersonFactory(full_name="Budi Kedua")
    admit(other, institution)
    first = screen(person, staff, risk="high", on=dt.date(2026, 10, 1))
    screen(other, staff, risk="moderate", on=dt.date(2026, 10, 2))
    response = login(staff).get(url("worklist"))
    assert response.status_code == 200
    assert [row.pk for row in response.context["page_obj"]] == [first.pk]  # the longest waiting first
    assert response.context["counts"]["to_assess"] == 1 and response.context["capped"]
    assert "1+</span>" in response.content.decode()


def test_work_lists_are_scoped(login, staff, outsider, person):
    screen(person, staff, risk="high")
    assert list(login(outsider).get(url("worklist")).context["page_obj"]) == []


def test_worklist_and_person_page_query_counts_do_not_grow(
    login, staff, institution, django_assert_max_num_queries
):
    client = login(staff)
    first = PersonFactory()
    admit(first, institution)
    screen(first, staff, risk="high")
    with django_assert_max_num_queries(12) as one:
        client.get(url("worklist"))
    for _ in range(30):
        other = PersonFactory()
        admit(other, institution)
        screen(other, staff, risk="moderate")
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(url("worklist"))
    for day in range(1, 20):
        screen(first, staff, risk="high", on=dt.date(2026, 10, day))
        assess(first, staff, on=dt.date(2026, 10, day))
    with django_assert_max_num_queries(22):
        client.get(first.get_absolute_url())


def test_person_page_shows_history_trend_and_when_rescreening_is_due(login, staff, person, settings):
    settings.RESCREENING_INTERVAL_DAYS = 30
    screen(person, staff, risk="moderate", on=dt.date(2026, 9, 1))
    high = {
        "substances": {"cannabis": MODERATE_CANNABIS, "amphetamine_type_stimulants": HIGH_METH},
        "q8": "no_never",
    }
    screen(person, staff, answers=high, risk="high", on=dt.date(2026, 10, 1))
    page = login(staff).get(person.get_absolute_url()).content.decode()
    assert "ASSIST scores over time" in page
    assert "Re-screening overdue" in page and "31 October 2026" in page
    # Released since: no re-screening is flagged (after-care follows people outside).
    admission = person.admissions.get()
    admission.released_on, admission.release_type = dt.date(2026, 11, 1), "parole"
    admission.save()
    page = login(staff).get(person.get_absolute_url()).content.decode()
    assert "ASSIST scores over time" in page
    assert "Re-screening overdue" not in page and "Next ASSIST screening due" not in page


def test_stored_answers_are_rescored_with_their_own_version(staff, person, restore_registry):
    import dataclasses

    screening = screen(person, staff)
    old = instruments.definition("ASSIST")
    q2 = old.item("q2")
    doubled = dataclasses.replace(
        q2, options=tuple(dataclasses.replace(o, points=o.points * 2) for o in q2.options)
    )
    instruments.register(
        dataclasses.replace(
            old, version="9.9", items=tuple(doubled if i.code == "q2" else i for i in old.items)
        ),
        instruments.assist.score,
    )
    assert instruments.score("ASSIST", screening.answers).substances["cannabis"].score == 8
    assert screening.result().substances["cannabis"].score == 4  # still its own version 3.1


@pytest.mark.parametrize(
    ("user_fixture", "expected"),
    [
        ("staff", {"screening": 200, "assessment": 200, "recommend": 302, "approve": 403}),
        ("head", {"screening": 200, "assessment": 200, "recommend": 302, "approve": 200}),
        ("assessor", {"screening": 200, "assessment": 200, "recommend": 302, "approve": 403}),
        ("regional", {"screening": 200, "assessment": 200, "recommend": 403, "approve": 403}),
        ("national", {"screening": 200, "assessment": 200, "recommend": 403, "approve": 403}),
        ("sister_staff", {"screening": 404, "assessment": 404, "recommend": 404, "approve": 404}),
        ("outsider", {"screening": 404, "assessment": 404, "recommend": 404, "approve": 404}),
        ("counsellor", {"screening": 404, "assessment": 404, "recommend": 404, "approve": 404}),
    ],
)
def test_every_record_page_for_every_role(login, request, staff, person, user_fixture, expected):
    user = request.getfixturevalue(user_fixture)
    screening = screen(person, staff)
    assessment = assess(person, staff)
    recommendation = Recommendation.objects.create(
        assessment=assessment, kind="social", reasons="x", decided_on=dt.date(2026, 11, 6), decided_by=staff
    )
    client = login(user)
    pages = {
        "screening": screening.get_absolute_url(),
        "assessment": assessment.get_absolute_url(),
        "recommend": url("recommendation-create", assessment.pk),  # already recommended: back to the page
        "approve": url("recommendation-approve", recommendation.pk),
    }
    assert {name: client.get(page).status_code for name, page in pages.items()} == expected


def test_recent_injecting_needs_the_number_of_days(login, staff, person):
    data = {**assist_post(), "q8": "yes_past_3_months"}
    response = login(staff).post(url("screening-create", person.pk, "assist"), data)
    assert response.context["form"].errors["q8_days_per_month"] == ["Answer this question."]
    assert not Screening.objects.exists()


def test_the_other_substance_is_named(login, staff, person):
    data = {**assist_post(other=MODERATE_CANNABIS), "other-specify": "  kratom "}
    login(staff).post(url("screening-create", person.pk, "assist"), data)
    assert Screening.objects.get().answers["substances"]["other"]["specify"] == "kratom"


def test_audit_non_drinkers_skip_to_items_9_and_10(login, staff, person):
    data = {"a1": "0", "a9": "1", "a10": "0", "screened_on": "2026-11-20"}
    assert login(staff).post(url("screening-create", person.pk, "audit"), data).status_code == 302
    screening = Screening.objects.get()
    assert screening.result().score == 2 and screening.answers["a2"] == 0
    drinker = {"a1": "2", "a9": "0", "a10": "0", "screened_on": "2026-11-20"}
    errors = login(staff).post(url("screening-create", person.pk, "audit"), drinker).context["form"].errors
    assert set(errors) == {"a2", "a3", "a4", "a5", "a6", "a7", "a8"}


def test_assessment_links_the_screening_it_follows_in_this_spell(login, staff, person):
    before = screen(person, staff, on=dt.date(2026, 11, 1))
    screen(person, staff, on=dt.date(2026, 11, 20))  # after the assessment date below
    login(staff).post(url("assessment-create", person.pk), asi_post(assessed_on="2026-11-10"))
    assert Assessment.objects.get().screening == before


def test_a_superseded_assessment_cannot_be_recommended_on_or_approved(login, staff, head, person):
    older = assess(person, staff, on=dt.date(2026, 11, 2))
    recommendation = Recommendation.objects.create(
        assessment=older, kind="social", reasons="x", decided_on=dt.date(2026, 11, 3), decided_by=staff
    )
    newer = assess(person, staff, on=dt.date(2026, 11, 10))
    response = login(head).post(
        url("recommendation-approve", recommendation.pk),
        {"decree_number": "SK 9", "approved_on": "2026-11-11"},
    )
    assert "superseded" in str(response.context["form"].errors)
    recommendation.refresh_from_db()
    assert not recommendation.is_approved
    assert newer.pk != older.pk


def test_read_only_officers_get_no_assess_button(login, regional, staff, person):
    screen(person, staff, risk="high")
    response = login(regional).get(url("worklist"))
    assert [s.person.full_name for s in response.context["page_obj"]] == ["Ahmad Fauzan"]
    assert url("assessment-create", person.pk) not in response.content.decode()


def test_opening_the_approval_page_is_audited(login, staff, head, person):
    assessment = assess(person, staff)
    recommendation = Recommendation.objects.create(
        assessment=assessment, kind="social", reasons="x", decided_on=dt.date(2026, 11, 6), decided_by=staff
    )
    login(head).get(url("recommendation-approve", recommendation.pk))
    assert AuditEvent.objects.filter(action="view", actor=head, person_id=person.pk).exists()


def test_person_page_survives_a_newer_version_with_another_substance(login, staff, person, restore_registry):
    import dataclasses

    screen(person, staff, on=dt.date(2026, 10, 1))
    old = instruments.definition("ASSIST")
    extra = {**old.extra, "substances": (*old.extra["substances"], "kratom")}
    instruments.register(dataclasses.replace(old, version="3.2", extra=extra), instruments.assist.score)
    answers = {"substances": {"kratom": MODERATE_CANNABIS}, "q8": "no_never"}
    screen(person, staff, answers=answers, on=dt.date(2026, 11, 1))
    page = login(staff).get(person.get_absolute_url())
    assert page.status_code == 200
    assert "kratom" in page.content.decode()
