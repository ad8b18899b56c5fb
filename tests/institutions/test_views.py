"""Regions, institutions and agencies: list and detail pages in scope, with bounded queries."""

import pytest
from django.urls import reverse

from institutions.models import Institution
from tests.factories import AgencyFactory, InstitutionFactory, PersonFactory, admit


def listed(response) -> list[str]:
    return [obj.code for obj in response.context["page_obj"].object_list]


def test_region_pages_scope(
    login, regional, other_regional, national, staff, counsellor, region, other_region
):
    assert listed(login(national).get(reverse("institutions:region-list"))) == ["jatim", "kalsel"]
    assert listed(login(regional).get(reverse("institutions:region-list"))) == ["kalsel"]
    assert login(regional).get(region.get_absolute_url()).status_code == 200
    assert login(other_regional).get(region.get_absolute_url()).status_code == 404
    # UPT staff see the region their institution belongs to (read-only), and no other.
    assert login(staff).get(region.get_absolute_url()).status_code == 200
    assert login(staff).get(other_region.get_absolute_url()).status_code == 404
    # Counsellors see no region (its pages carry custody counts).
    assert login(counsellor).get(region.get_absolute_url()).status_code == 404


def test_institution_pages_scope(login, staff, sister_staff, regional, other_regional, national, institution):
    url = institution.get_absolute_url()
    assert login(staff).get(url).status_code == 200  # allowed
    assert login(regional).get(url).status_code == 200  # read-only
    assert login(national).get(url).status_code == 200
    assert login(sister_staff).get(url).status_code == 404  # outsider in the same region
    assert login(other_regional).get(url).status_code == 404  # outsider region


def test_institution_counts_wbp_in_custody_and_narcotics_cases(login, regional, institution):
    admit(PersonFactory(), institution, offence="narcotics_user")
    admit(PersonFactory(), institution, offence="narcotics_other")
    released = admit(PersonFactory(), institution, offence="narcotics_user")
    released.released_on, released.release_type = released.admitted_on, "parole"
    released.save()
    admit(PersonFactory(), institution, offence="non_narcotics")
    response = login(regional).get(institution.get_absolute_url())
    assert (response.context["institution"].in_custody, response.context["institution"].narcotics_cases) == (
        3,
        2,
    )


def test_agency_pages_scope(login, counsellor, regional, other_regional, staff, outsider, agency):
    url = agency.get_absolute_url()
    assert login(counsellor).get(url).status_code == 200  # their own agency
    assert login(regional).get(url).status_code == 200
    assert login(staff).get(url).status_code == 200  # a potential partner in the region
    assert login(other_regional).get(url).status_code == 404
    assert login(outsider).get(url).status_code == 404


def test_counsellor_sees_only_their_agency(login, counsellor, agency, region):
    AgencyFactory(code="bnnk-balangan", region=region)
    assert listed(login(counsellor).get(reverse("institutions:agency-list"))) == ["bnnk-hsu"]


def test_search_and_kind_filter(login, national, institution, sister_institution):
    client = login(national)
    assert listed(client.get(reverse("institutions:institution-list"), {"q": "barabai"})) == ["rutan-barabai"]
    assert listed(client.get(reverse("institutions:institution-list"), {"kind": "rutan"})) == [
        "rutan-barabai"
    ]


@pytest.mark.parametrize("rows", [1, 50])
def test_lists_keep_a_fixed_number_of_queries(login, national, region, rows, django_assert_max_num_queries):
    for index in range(rows):
        upt = InstitutionFactory(code=f"upt-{index}", region=region)
        admit(PersonFactory(), upt)
        AgencyFactory(code=f"agency-{index}", region=region)
    client = login(national)
    for name in ("institutions:institution-list", "institutions:region-list", "institutions:agency-list"):
        with django_assert_max_num_queries(6):
            assert client.get(reverse(name)).status_code == 200
    with django_assert_max_num_queries(7):
        assert client.get(region.get_absolute_url()).status_code == 200
    assert Institution.objects.count() == rows


def test_custody_counts_use_the_same_narcotics_offences_as_admissions():
    from inmates.models import Admission
    from institutions.models import NARCOTICS_OFFENCE_CODES

    assert set(NARCOTICS_OFFENCE_CODES) == set(Admission.NARCOTICS_OFFENCES)


def test_the_upt_list_counts_each_upt_apart_with_a_fixed_number_of_queries(
    login, regional, institution, sister_institution, django_assert_max_num_queries
):
    for offence in ("narcotics_user", "non_narcotics"):
        admit(PersonFactory(), institution, offence=offence)
    client = login(regional)
    with django_assert_max_num_queries(8) as before:
        response = client.get(reverse("institutions:institution-list"))
    counts = {row.pk: (row.in_custody, row.narcotics_cases) for row in response.context["object_list"]}
    assert response.status_code == 200
    assert counts[institution.pk] == (2, 1) and counts[sister_institution.pk] == (0, 0)  # none held: 0
    for _ in range(5):
        admit(PersonFactory(), sister_institution)
    with django_assert_max_num_queries(len(before.captured_queries)):
        response = client.get(reverse("institutions:institution-list"))
    assert {row.pk: row.in_custody for row in response.context["object_list"]}[sister_institution.pk] == 5
