"""Sortable list columns (issue 17): the WBP list sorts by its columns either way, keeps its filters in the
headers' links, and ignores a sort it does not offer."""

import datetime as dt

from django.test import RequestFactory
from django.urls import reverse

from core.sorting import Sorting
from core.templatetags.sorting import sortable_th
from inmates.models import Admission
from tests.factories import PersonFactory, admit, export_file

COLUMNS = {"name": ("person__full_name",), "admitted": ("admitted_on",)}


def _sorting(query: str) -> Sorting:
    return Sorting.from_request(RequestFactory().get(f"/wbp/?{query}"), COLUMNS)


def test_a_header_sorts_by_its_column_then_the_other_way_keeping_the_filters():
    sorting = _sorting("status=all&sort=name&page=3")
    assert (sorting.key, sorting.descending) == ("name", False)
    assert sorting.link("name") == {"href": "?status=all&sort=-name", "active": True, "state": "ascending"}
    assert sorting.link("admitted")["href"] == "?status=all&sort=admitted"  # the page number is dropped
    assert _sorting("sort=-name").link("name")["href"] == "?sort=name"
    cell = sortable_th(sorting, "name", "<Name>")
    assert 'aria-sort="ascending"' in cell and "&lt;Name&gt;" in cell and "▲" in cell


def test_an_unknown_or_garbage_sort_keeps_the_lists_order():
    for query in ("sort=password", "sort=-", "sort=" + "x" * 500, "sort=%00name"):
        assert _sorting(query).key is None


def test_the_wbp_list_sorts_by_admission_date_either_way(login, staff, institution):
    for name, day in (
        ("Budi", dt.date(2025, 3, 1)),
        ("Agus", dt.date(2025, 5, 1)),
        ("Citra", dt.date(2025, 4, 1)),
    ):
        admit(PersonFactory(full_name=name), institution, on=day)
    client = login(staff)
    url = reverse("inmates:admission-list")

    def names(sort):
        response = client.get(url, {"sort": sort})
        assert response.status_code == 200
        return [row.person.full_name for row in response.context["page_obj"].object_list]

    assert names("admitted") == ["Budi", "Citra", "Agus"]
    assert names("-admitted") == ["Agus", "Citra", "Budi"]
    assert names("-name") == ["Citra", "Budi", "Agus"]
    assert names("nonsense") == ["Agus", "Budi", "Citra"]  # the list's own order: by name
    page = client.get(url, {"sort": "-admitted", "status": "all"}).content.decode()
    assert 'aria-sort="descending"' in page and "?status=all&amp;sort=admitted" in page


def test_the_export_follows_the_chosen_order(login, staff, institution):
    admit(PersonFactory(full_name="Budi"), institution, on=dt.date(2025, 3, 1))
    admit(PersonFactory(full_name="Agus"), institution, on=dt.date(2025, 5, 1))
    response = export_file(login(staff), reverse("inmates:admission-export"), {"sort": "-admitted"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert body.index("Agus") < body.index("Budi")
    assert Admission.objects.count() == 2


def test_the_agreement_list_sorts_by_its_end(login, national, institution, agency):
    from tests.factories import make_agreement

    make_agreement(
        institutions=[institution], agencies=[agency], number="A/1", valid_until=dt.date(2027, 1, 1)
    )
    make_agreement(
        institutions=[institution], agencies=[agency], number="B/2", valid_until=dt.date(2026, 12, 31)
    )
    client = login(national)
    url = reverse("agreements:agreement-list")
    for sort, expected in (("until", ["B/2", "A/1"]), ("-until", ["A/1", "B/2"]), ("number", ["A/1", "B/2"])):
        response = client.get(url, {"sort": sort})
        assert [a.number for a in response.context["page_obj"].object_list] == expected, sort
