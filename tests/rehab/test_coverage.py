"""Sessions and programmes past the end of the agreement they rest on: found (a renewal that continues the
coverage is no gap), named in words in the institution's zone, and saved only once the user goes ahead."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from rehab import coverage, services
from rehab.models import Programme, Session
from rehab.recurrence import occurrences
from tests.factories import AgencyFactory, make_agreement
from tests.rehab.conftest import make_enrolment, plan
from tests.rehab.test_services import local
from tests.rehab.test_views import session_data, url

D = dt.date
REHAB = ["social_rehabilitation", "medical_rehabilitation", "counselling"]


@pytest.fixture
def until_june(institution, agency):
    """The MoU the programme rests on: its last day is Tuesday 30 June 2026."""
    return make_agreement(
        institutions=[institution],
        agencies=[agency],
        valid_from=D(2025, 7, 1),
        valid_until=D(2026, 6, 30),
        scopes=REHAB,
        number="W.17.PAS-0115",
    )


@pytest.fixture
def programme(institution, agency, until_june):
    """Runs to 31 July 2026, a month past its agreement (made directly, as if before this check existed)."""
    return Programme.objects.create(
        institution=institution,
        kind=Programme.Kind.SOCIAL,
        name="TC 2026",
        agency=agency,
        agreement=until_june,
        starts_on=D(2026, 2, 1),
        ends_on=D(2026, 7, 31),
        capacity=5,
        target=5,
        required_sessions=2,
    )


@pytest.fixture
def members(programme, person):
    return [make_enrolment(programme, person), make_enrolment(programme)]


def mondays(first, count, hour=9):
    return [
        (local(day, hour), local(day, hour + 2))
        for day in (first + dt.timedelta(weeks=n) for n in range(count))
    ]


def schedule(by, programme, counsellor, members, times, **kwargs):
    return services.sessions_schedule(
        by=by, programme=programme, plan=plan([counsellor], members), times=times, **kwargs
    )


# --- The rule, on its own -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spans", "expected"),
    [
        ([(D(2026, 1, 1), D(2026, 12, 31))], []),
        ([(D(2026, 1, 1), None)], []),
        ([(D(2026, 1, 1), D(2026, 6, 30))], [(D(2026, 7, 1), D(2026, 7, 31))]),
        # A renewal from the day after: coverage continues.
        ([(D(2026, 1, 1), D(2026, 6, 30)), (D(2026, 7, 1), D(2027, 6, 30))], []),
        # A renewal that starts a fortnight later: the fortnight is the gap.
        ([(D(2026, 1, 1), D(2026, 6, 30)), (D(2026, 7, 15), None)], [(D(2026, 7, 1), D(2026, 7, 14))]),
        ([(D(2026, 3, 1), D(2026, 12, 31))], [(D(2026, 2, 1), D(2026, 2, 28))]),
        ([], [(D(2026, 2, 1), D(2026, 7, 31))]),
        ([(D(2020, 1, 1), D(2021, 1, 1)), (D(2027, 1, 1), None)], [(D(2026, 2, 1), D(2026, 7, 31))]),
    ],
)
def test_gaps_are_the_days_no_agreement_covers(spans, expected):
    assert coverage.gaps(D(2026, 2, 1), D(2026, 7, 31), spans) == expected


def test_gaps_survive_the_ends_of_the_calendar():
    assert coverage.gaps(D.min, D.max, [(D(2026, 1, 1), D.max)]) == [(D.min, D(2025, 12, 31))]
    assert coverage.gaps(D.min, D.max, [(D.min, None)]) == []


# --- Sessions ---------------------------------------------------------------------------------------------


def test_a_series_past_the_agreements_end_is_refused_and_names_the_sessions_after_it(
    staff, counsellor, programme, members
):
    times = mondays(D(2026, 6, 22), 4)  # 22 and 29 June, 6 and 13 July
    with pytest.raises(coverage.BeyondAgreement) as caught:
        schedule(staff, programme, counsellor, members, times)
    gap = caught.value.gap
    assert gap.sessions == [times[2][0], times[3][0]]
    assert gap.periods == [(D(2026, 7, 1), D(2026, 7, 13))]
    assert gap.after_its_end
    assert gap.sessions_in_words() == ["Monday, 6 July 2026 09:00 WITA", "Monday, 13 July 2026 09:00 WITA"]
    assert "W.17.PAS-0115 that this programme rests on ends on Tuesday, 30 June 2026" in gap.headline()
    assert not Session.objects.exists()
    # Warned and going ahead: all four are booked.
    assert len(schedule(staff, programme, counsellor, members, times, beyond_agreement=True)) == 4


def test_sessions_up_to_the_last_day_are_not_flagged(staff, counsellor, programme, members):
    # 30 June 23:00 WITA is 15:00 UTC: still the agreement's last day where the session is held.
    late = (local(D(2026, 6, 30), 22), local(D(2026, 6, 30), 23))
    assert coverage.sessions_gap(programme, [late[0]]) is None
    assert schedule(staff, programme, counsellor, members, [late])


def test_a_signed_renewal_that_continues_the_agreement_means_no_warning(
    staff, counsellor, programme, members, until_june, institution, agency
):
    make_agreement(
        institutions=[institution],
        agencies=[agency],
        valid_from=D(2026, 7, 1),
        valid_until=D(2028, 6, 30),
        scopes=REHAB,
        replaces=until_june,
    )
    assert len(schedule(staff, programme, counsellor, members, mondays(D(2026, 6, 22), 4))) == 4


def test_a_renewal_not_signed_yet_does_not_cover_and_the_warning_says_so(
    staff, counsellor, programme, members, until_june, institution, agency
):
    make_agreement(
        institutions=[institution],
        agencies=[agency],
        valid_from=D(2026, 7, 1),
        signed_on=None,
        scopes=REHAB,
        number="W.17.PAS-0116",
        replaces=until_june,
    )
    with pytest.raises(coverage.BeyondAgreement) as caught:
        schedule(staff, programme, counsellor, members, mondays(D(2026, 6, 29), 2))
    assert "Its renewal W.17.PAS-0116 does not cover these days" in caught.value.gap.headline()


@pytest.mark.parametrize(
    "other",
    [
        {"scopes": ["aftercare"]},  # the same parties, but not this kind of work
        {"agencies": "another"},  # this kind of work, but another agency's agreement
    ],
    ids=["other scope", "other agency"],
)
def test_an_agreement_that_does_not_cover_this_work_is_no_renewal(
    staff, counsellor, programme, members, institution, agency, other
):
    agencies = [AgencyFactory(code="ipwl-lain")] if other.get("agencies") else [agency]
    make_agreement(
        institutions=[institution],
        agencies=agencies,
        valid_from=D(2026, 7, 1),
        valid_until=None,
        scopes=other.get("scopes", REHAB),
    )
    with pytest.raises(coverage.BeyondAgreement):
        schedule(staff, programme, counsellor, members, mondays(D(2026, 6, 29), 2))


def test_a_termination_ends_the_coverage_early(staff, counsellor, programme, members, until_june):
    until_june.terminated_on, until_june.termination_reason = D(2026, 5, 31), "Diakhiri"
    until_june.save()
    with pytest.raises(coverage.BeyondAgreement) as caught:
        schedule(staff, programme, counsellor, members, mondays(D(2026, 5, 25), 2))
    assert caught.value.gap.sessions_in_words() == ["Monday, 1 June 2026 09:00 WITA"]
    assert "ends on Sunday, 31 May 2026" in caught.value.gap.headline()


def test_moving_a_session_past_the_end_asks_too(staff, counsellor, programme, members):
    session = schedule(staff, programme, counsellor, members, mondays(D(2026, 6, 22), 1))[0]
    change = {"start_time": dt.time(9), "end_time": dt.time(11), "day": D(2026, 7, 6)}
    with pytest.raises(coverage.BeyondAgreement):
        services.sessions_update(by=staff, session=session, plan=plan([counsellor]), **change)
    services.sessions_update(
        by=staff, session=session, plan=plan([counsellor]), beyond_agreement=True, **change
    )
    session.refresh_from_db()
    assert session.starts_at == local(D(2026, 7, 6), 9)


def test_other_problems_are_reported_before_the_agreement_is_asked_about(
    staff, counsellor, programme, members
):
    with pytest.raises(ValidationError) as caught:
        services.sessions_schedule(
            by=staff, programme=programme, plan=plan([], members), times=mondays(D(2026, 7, 6), 1)
        )
    assert not isinstance(caught.value, coverage.BeyondAgreement)
    assert "Choose at least one facilitator." in caught.value.messages


def test_a_long_series_lists_twenty_sessions_and_counts_the_rest(programme):
    times = [local(D(2026, 7, 1) + dt.timedelta(days=n), 9) for n in range(25)]
    gap = coverage.sessions_gap(programme, times)
    assert len(gap.sessions_in_words()) == 20
    assert gap.more() == "… and 5 more sessions, the last on Saturday, 25 July 2026 09:00 WITA."


# --- Programmes -------------------------------------------------------------------------------------------


def programme_values(agreement, **overrides):
    values = {
        "institution": agreement.institutions.get(),
        "kind": Programme.Kind.SOCIAL,
        "name": "TC Tahap II",
        "agency": agreement.agencies.get(),
        "agreement": agreement,
        "starts_on": D(2026, 4, 1),
        "ends_on": D(2026, 9, 30),
        "capacity": 10,
        "target": 10,
        "required_sessions": 24,
    }
    values.update(overrides)
    return values


def test_setting_up_a_programme_that_outlasts_its_agreement_needs_going_ahead(staff, until_june):
    with pytest.raises(coverage.BeyondAgreement) as caught:
        services.programme_create(by=staff, programme=Programme(**programme_values(until_june)))
    assert caught.value.gap.periods == [(D(2026, 7, 1), D(2026, 9, 30))]
    assert not Programme.objects.filter(name="TC Tahap II").exists()
    services.programme_create(
        by=staff, programme=Programme(**programme_values(until_june)), beyond_agreement=True
    )
    assert Programme.objects.filter(name="TC Tahap II").exists()
    within = programme_values(until_june, name="Singkat", ends_on=D(2026, 6, 30))
    assert services.programme_create(by=staff, programme=Programme(**within)).pk


def test_a_programme_gap_lists_its_sessions_after_the_end_and_leaves_out_cancelled_ones(
    staff, counsellor, programme, members
):
    booked = schedule(
        staff, programme, counsellor, members, mondays(D(2026, 6, 29), 3), beyond_agreement=True
    )
    services.sessions_cancel(by=staff, session=booked[2], reason="Libur")
    gap = coverage.programme_gap(programme)
    assert gap.periods == [(D(2026, 7, 1), D(2026, 7, 31))]
    assert gap.sessions == [booked[1].starts_at]


def test_editing_onto_the_renewal_clears_the_warning(staff, counsellor, programme, members, until_june):
    renewal = make_agreement(
        institutions=[programme.institution],
        agencies=[programme.agency],
        valid_from=D(2026, 7, 1),
        valid_until=D(2026, 7, 20),  # renewed, but only until 20 July
        scopes=REHAB,
        replaces=until_june,
    )
    schedule(staff, programme, counsellor, members, mondays(D(2026, 7, 20), 2), beyond_agreement=True)
    programme.name = "TC 2026 (diperpanjang)"
    with pytest.raises(coverage.BeyondAgreement) as caught:
        services.programme_update(by=staff, programme=programme)
    assert caught.value.gap.periods == [(D(2026, 7, 21), D(2026, 7, 31))]
    assert caught.value.gap.sessions_in_words() == ["Monday, 27 July 2026 09:00 WITA"]
    assert caught.value.gap.headline().endswith(
        "ends on Tuesday, 30 June 2026; the agreements after it cover this work at Lapas Kelas IIB Amuntai"
        " only until Monday, 20 July 2026."
    )
    programme.ends_on = D(2026, 7, 20)
    with pytest.raises(ValidationError, match="1 session falls outside these dates"):
        services.programme_update(by=staff, programme=programme)
    programme.ends_on, programme.agreement = D(2026, 7, 31), renewal
    services.programme_update(by=staff, programme=programme, beyond_agreement=True)
    programme.refresh_from_db()
    assert programme.agreement == renewal and programme.name == "TC 2026 (diperpanjang)"


# --- Through the pages ------------------------------------------------------------------------------------


def test_scheduling_page_warns_lists_in_words_and_books_once_the_user_goes_ahead(
    login, staff, counsellor, programme, members
):
    client = login(staff)
    data = session_data(counsellor, day="2026-06-22", weekdays=["0"], count="4")
    response = client.post(url("session-create", programme.pk), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Not saved yet: these dates fall outside the agreement" in page
    assert "2 sessions fall after the agreement's last day" in page
    assert (
        "<li>Monday, 6 July 2026 09:00 WITA</li>" in page
        and "<li>Monday, 13 July 2026 09:00 WITA</li>" in page
    )
    assert "Schedule anyway" in page
    assert not Session.objects.exists()
    key = response.context["gap"].key
    # Ticked, but for a longer series than the one warned of: asked again, nothing saved.
    longer = {**data, "count": "5", "beyond_agreement": "on", "beyond_agreement_key": key}
    again = client.post(url("session-create", programme.pk), longer)
    assert "3 sessions fall after" in again.content.decode() and not Session.objects.exists()
    # Ticked for what was shown: booked.
    confirmed = {**data, "beyond_agreement": "on", "beyond_agreement_key": key}
    assert client.post(url("session-create", programme.pk), confirmed).status_code == 302
    assert Session.objects.count() == 4


def test_the_warning_reads_in_indonesian(client, staff, counsellor, programme, members):
    client.force_login(staff)
    data = session_data(counsellor, day="2026-07-06", weekdays=[])
    page = client.post(url("session-create", programme.pk), data).content.decode()
    assert "Senin, 6 Juli 2026 09:00 WITA" in page
    assert "Selasa, 30 Juni 2026" in page


def test_programme_pages_warn_and_the_programme_page_keeps_saying_so(
    login, staff, counsellor, programme, members, until_june
):
    client = login(staff)
    page = client.get(programme.get_absolute_url()).content.decode()
    assert "Beyond the agreement" in page and "Wednesday, 1 July 2026 – Friday, 31 July 2026" in page
    data = {
        **{k: v.pk if hasattr(v, "pk") else v for k, v in programme_values(until_june).items()},
        "starts_on": "2026-04-01",
        "ends_on": "2026-09-30",
    }
    response = client.post(url("programme-create"), data)
    assert "Set it up anyway" in response.content.decode()
    assert not Programme.objects.filter(name="TC Tahap II").exists()
    key = response.context["gap"].key
    created = client.post(
        url("programme-create"), {**data, "beyond_agreement": "on", "beyond_agreement_key": key}
    )
    assert created.status_code == 302


def test_a_covered_programme_page_says_nothing_of_it(login, staff, programme, until_june):
    until_june.valid_until = D(2027, 12, 31)
    until_june.save()
    assert "Beyond the agreement" not in login(staff).get(programme.get_absolute_url()).content.decode()


def edit_data(programme, **overrides):
    data = {
        "name": programme.name,
        "agreement": programme.agreement_id,
        "starts_on": programme.starts_on.isoformat(),
        "ends_on": programme.ends_on.isoformat(),
        "capacity": programme.capacity,
        "target": programme.target,
        "required_sessions": programme.required_sessions or "",
        "required_hours": programme.required_hours or "",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("user_fixture", "expected"),
    [("staff", 200), ("counsellor", 403), ("regional", 403), ("national", 403), ("outsider", 404)],
)
def test_who_may_open_the_programme_edit_page(login, request, programme, user_fixture, expected):
    response = login(request.getfixturevalue(user_fixture)).get(url("programme-edit", programme.pk))
    assert response.status_code == expected
    if expected == 200:
        assert response.context["form"]["name"].value() == "TC 2026"


@pytest.mark.parametrize(("user_fixture", "expected"), [("regional", 403), ("outsider", 404)])
def test_read_only_users_and_outsiders_cannot_change_a_programme(
    login, request, programme, user_fixture, expected
):
    client = login(request.getfixturevalue(user_fixture))
    assert (
        client.post(url("programme-edit", programme.pk), edit_data(programme, name="Lain")).status_code
        == expected
    )
    programme.refresh_from_db()
    assert programme.name == "TC 2026"


def test_programme_edit_page_warns_then_saves_and_refuses_bad_input(
    login, staff, counsellor, programme, members, until_june
):
    client = login(staff)
    response = client.post(url("programme-edit", programme.pk), edit_data(programme, name="TC 2026 baru"))
    assert "Save anyway" in response.content.decode()
    programme.refresh_from_db()
    assert programme.name == "TC 2026"
    key = response.context["gap"].key
    saved = client.post(
        url("programme-edit", programme.pk),
        edit_data(programme, name="TC 2026 baru", beyond_agreement="on", beyond_agreement_key=key),
    )
    assert saved.status_code == 302
    programme.refresh_from_db()
    assert programme.name == "TC 2026 baru"
    # Within its agreement: saved without a question. Fewer places than active members: refused.
    assert (
        client.post(
            url("programme-edit", programme.pk), edit_data(programme, ends_on="2026-06-30")
        ).status_code
        == 302
    )
    refused = client.post(url("programme-edit", programme.pk), edit_data(programme, capacity="1"))
    assert "2 participants are active" in refused.content.decode()
    far = client.post(url("programme-edit", programme.pk), edit_data(programme, ends_on="9999-12-31"))
    assert "Check the year" in far.content.decode()
    programme.refresh_from_db()
    assert (programme.capacity, programme.ends_on) == (5, D(2026, 6, 30))


def test_a_new_series_from_recurrence_matches_what_the_page_books(programme):
    # The page builds a series with recurrence.occurrences: the gap reads its starts the same way.
    starts = [
        start
        for start, _end in occurrences(
            weekdays={0},
            start_time=dt.time(9),
            end_time=dt.time(11),
            first_day=D(2026, 6, 29),
            count=2,
            time_zone=programme.institution.time_zone,
        )
    ]
    assert coverage.sessions_gap(programme, starts).sessions == [starts[1]]
