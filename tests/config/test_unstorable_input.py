"""Input no database can store (NUL, lone surrogates) is handled once, before any view: ignored in a query,
refused with a clear page in a form, dropped from cookies and stored headers. These run on PostgreSQL in CI,
where such input used to answer 500."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from inmates.models import Person

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query", ["q=%00", "q=a%00b", "status=%00&q=Ahmad", "q%00=1"])
def test_a_filter_with_a_nul_is_ignored_and_the_page_says_so(login, staff, person, query):
    response = login(staff).get(reverse("inmates:admission-list"), QUERY_STRING=query)
    assert response.status_code == 200
    assert "Ahmad Fauzan" in response.content.decode()
    assert "held characters that cannot be used" in response.content.decode()


@pytest.mark.parametrize("query", ["q=%ED%A0%80", "q=%ZZ%", "q=%E0%A4", "q=" + "x" * 5000])
def test_undecodable_or_overlong_searches_find_nothing_without_an_error(login, staff, person, query):
    response = login(staff).get(reverse("inmates:admission-list"), QUERY_STRING=query)
    assert response.status_code == 200
    assert "Ahmad Fauzan" not in response.content.decode()


def test_the_csv_export_with_a_nul_filter_answers_and_audits_what_was_used(login, staff, person):
    client = login(staff)
    url = reverse("inmates:admission-export") + "?q=%00&status=x"
    assert client.get(url).status_code == 200
    sent = client.post(url, {"recipient": "Kanwil", "purpose": "Check"})
    assert sent.status_code == 302
    response = client.get(sent["Location"])
    assert response.status_code == 200
    assert "Ahmad Fauzan" in b"".join(response.streaming_content).decode()
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert "\x00" not in str(event.details)
    assert "q" not in event.details["filters"]


@pytest.mark.parametrize(
    "page", ["audit-events", "institutions:institution-list", "institutions:region-list"]
)
def test_officers_search_and_filters_with_a_nul_answer(login, national, page):
    response = login(national).get(reverse(page), QUERY_STRING="q=%00&user=%00&since=%00&page=%00")
    assert response.status_code == 200


def test_a_form_with_a_nul_is_refused_in_both_languages_and_nothing_is_saved(login, staff, institution):
    before = Person.objects.count()
    response = login(staff).post(
        reverse("inmates:person-create"),
        {"person-full_name": "Budi\x00Santoso", "person-sex": "M", "admission-institution": institution.pk},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Tidak ada yang disimpan" in text and "Nothing was saved" in text
    assert Person.objects.count() == before


def test_an_uploaded_file_name_with_a_nul_is_refused(rf):
    from config.input_guard import UnstorableInputMiddleware

    request = rf.post("/perjanjian/baru/", {"number": "1"})
    request.FILES.appendlist("document", SimpleUploadedFile("mou\x00.pdf", b"%PDF-1.4", "application/pdf"))
    response = UnstorableInputMiddleware(lambda request: pytest.fail("the view must not run"))(request)
    assert response.status_code == 400


def test_a_nul_in_the_browser_name_is_dropped_from_the_audit_trail(login, staff, person):
    response = login(staff).get(person.get_absolute_url(), HTTP_USER_AGENT="Mozilla\x00/5.0")
    assert response.status_code == 200
    event = AuditEvent.objects.filter(person_id=person.pk, action=AuditEvent.Action.VIEW).latest("pk")
    assert event.user_agent == "Mozilla/5.0"


def test_a_forged_session_cookie_with_a_nul_is_no_session(db):
    client = Client()
    client.cookies["sessionid"] = "abcdefgh\x00ijkl"
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_path_with_a_nul_is_not_a_page(login, staff):
    assert login(staff).get("/wbp/%00/").status_code == 404


def test_a_login_with_a_nul_is_refused_without_a_server_error(db):
    response = Client().post(reverse("accounts:login"), {"username": "a\x00b", "password": "x\x00y"})
    assert response.status_code == 400
