"""The recidivism dashboard: who may open it, what it shows, a fixed number of queries."""

import datetime as dt

import pytest
from django.urls import reverse

from reports import release_outcomes
from tests.factories import PersonFactory, admit, release

URL = reverse("reports:recidivism")


def test_who_may_open_it(login, staff, regional, national, counsellor, outsider):
    for user in (staff, regional, national, outsider):
        assert login(user).get(URL).status_code == 200, user
    assert login(counsellor).get(URL).status_code == 403


def test_regional_officer_sees_the_cohort_table_chart_and_definitions(
    login, regional, institution, other_institution
):
    for n in range(7):
        person = PersonFactory()
        release(
            person,
            institution,
            admitted=dt.date(2022, 1, 1),
            released=dt.date(2024, 1, 5) + dt.timedelta(days=n),
        )
        if n < 2:
            admit(person, institution, on=dt.date(2024, 3, 1))
    stranger = PersonFactory()
    release(stranger, other_institution, admitted=dt.date(2022, 1, 1), released=dt.date(2024, 1, 5))
    response = login(regional).get(URL, {"period": "quarter", "cutoff": "2026-03-01"})
    row = response.context["rows"][0]
    assert row.size.value == 7  # the other region's release is not theirs
    assert str(row.windows[0].returned) == "<5" and row.windows[0].rate is None  # 2 returns: suppressed
    page = response.content.decode()
    assert (
        '<img src="data:image/svg+xml;base64,' in page
        and "Returned within the window" in page
        and "never by outcome" in page
    )


def test_query_count_does_not_grow_with_releases(login, national, institution, django_assert_max_num_queries):
    client = login(national)
    release(PersonFactory(), institution, admitted=dt.date(2022, 1, 1), released=dt.date(2024, 1, 5))
    release_outcomes.refresh()
    with django_assert_max_num_queries(12) as one:
        response = client.get(URL, {"breakdown": "participation"})
    assert response.status_code == 200 and sum(row.size.value for row in response.context["rows"]) == 1
    for n in range(40):
        release(
            PersonFactory(),
            institution,
            admitted=dt.date(2022, 1, 1),
            released=dt.date(2024, 1, 5) + dt.timedelta(days=n),
        )
    release_outcomes.refresh()
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(URL, {"breakdown": "participation"})
    assert response.status_code == 200 and sum(row.size.value for row in response.context["rows"]) == 41


def test_bad_filters_fall_back_to_defaults(login, national):
    response = login(national).get(URL, {"period": "decade", "breakdown": "zodiac", "cutoff": "0001-01-01"})
    assert response.status_code == 200 and response.context["period"] == "quarter"


@pytest.mark.parametrize(
    ("language", "label"), [("id", "Triwulan IV 2025 (Okt–Des)"), ("en", "Quarter IV 2025 (Oct–Dec)")]
)
def test_quarters_read_as_people_say_them(language, label):
    from django.utils import translation

    from reports.templatetags.report_tags import quarter_label

    with translation.override(language):
        assert quarter_label(dt.date(2025, 10, 1)) == label
        assert quarter_label(dt.date(2026, 1, 1)).split(" (")[0].endswith("I 2026")


def test_a_group_s_hidden_count_is_not_the_total_minus_the_others(
    login, regional, institution, sister_institution
):
    """Broken down by UPT, a hidden count must not be the difference between the total (the page without a
    breakdown) and the other UPTs: the smallest other UPT's count is withheld with it, and its total of
    people released beside the table too."""
    for upt, count in ((institution, 3), (sister_institution, 12)):
        for n in range(count):
            release(
                PersonFactory(),
                upt,
                admitted=dt.date(2022, 1, 1),
                released=dt.date(2024, 1, 5) + dt.timedelta(days=n),
            )
    client = login(regional)
    whole = client.get(URL, {"period": "year", "cutoff": "2026-03-01"})
    assert whole.status_code == 200 and str(whole.context["rows"][0].size) == "15"
    split = client.get(URL, {"period": "year", "cutoff": "2026-03-01", "breakdown": "institution"})
    assert split.status_code == 200
    sizes = {row.group: str(row.size) for row in split.context["rows"]}
    assert sizes == {institution.name: "<5", sister_institution.name: "×"}
    released = {row["group"]: str(row["size"]) for row in split.context["estimates"]}
    assert released == {institution.name: "<5", sister_institution.name: "×"}
    assert '<td class="text-end">×</td>' in split.content.decode()


def test_breakdowns_by_place_count_releases_by_year(login, regional, institution):
    release(PersonFactory(), institution, admitted=dt.date(2022, 1, 1), released=dt.date(2024, 1, 5))
    response = login(regional).get(URL, {"breakdown": "institution", "period": "month"})
    assert response.status_code == 200 and response.context["period"] == "year"
    assert "releases are grouped by year" in response.content.decode()
    assert '<option value="year" selected>' in response.content.decode()  # the form says what is shown
    response = login(regional).get(URL, {"breakdown": "participation", "period": "month"})
    assert response.context["period"] == "quarter" and response.context["breakdown"] == "participation"


def test_a_nation_of_upts_is_broken_down_by_region_not_by_upt(login, national, institution, monkeypatch):
    from reports.views import CohortFilterForm

    monkeypatch.setattr(CohortFilterForm, "MAX_UPTS_BROKEN_DOWN", 0)  # this test's nation: one UPT too many
    response = login(national).get(URL, {"breakdown": "institution"})
    assert response.status_code == 200 and response.context["breakdown"] == "none"
    assert "too many to compare on one page: break down by region instead" in response.content.decode()
