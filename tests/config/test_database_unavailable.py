"""PostgreSQL gone for a moment: a request answers 503 with a page saying so, in the visitor's language,
rendered without a query; the next request, once the database is back, works."""

import sys

import pytest
from django.conf import settings
from django.db import OperationalError, close_old_connections, connection
from django.test import Client, RequestFactory
from django.urls import reverse

from config.unavailable import server_error_or_unavailable
from tests.workers import free_port

UNAVAILABLE_EN = "Service briefly unavailable"


def answer_to(exception: Exception, request):
    """handler500 as Django calls it: while the exception is being handled."""
    try:
        raise exception
    except Exception:
        assert sys.exc_info()[1] is exception
        return server_error_or_unavailable(request)


@pytest.mark.django_db
def test_the_page_for_a_database_gone_is_503_in_the_chosen_language_without_a_query(
    django_assert_num_queries,
):
    request = RequestFactory().get("/wbp/")
    request.COOKIES[settings.LANGUAGE_COOKIE_NAME] = "en"
    with django_assert_num_queries(0):
        response = answer_to(OperationalError("server closed the connection unexpectedly"), request)
    text = response.content.decode()
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert UNAVAILABLE_EN in text and "Nothing was saved halfway" in text and 'lang="en"' in text

    in_indonesian = answer_to(OperationalError("gone"), RequestFactory().get("/wbp/"))
    assert in_indonesian.status_code == 503 and 'lang="id"' in in_indonesian.content.decode()


def test_other_errors_stay_server_errors():
    assert answer_to(ValueError("a bug"), RequestFactory().get("/")).status_code == 500


@pytest.mark.django_db
def test_the_api_answers_a_problem_document():
    response = answer_to(OperationalError("gone"), RequestFactory().get("/api/v1/people/"))
    assert response.status_code == 503 and response["Content-Type"] == "application/problem+json"


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        pytest.skip("ends a PostgreSQL session or points at a closed PostgreSQL port; CI runs it there")


@pytest.fixture
def client_of(staff):
    """A signed-in browser; a server error is answered as a page, not raised into the test."""
    client = Client(raise_request_exception=False)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(staff)
    return client


@pytest.mark.django_db(transaction=True)
def test_a_request_whose_database_session_was_ended_answers_503_and_the_next_one_works(postgres, client_of):
    assert client_of.get(reverse("home")).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    other = connection.copy()  # as a restart or a fail-over would: this session ends under the server
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()
    response = client_of.get(reverse("home"))
    assert response.status_code == 503 and UNAVAILABLE_EN in response.content.decode()
    # What Django does at the end of every request, which the test client leaves out: a connection that
    # failed is closed, so the next request opens a new one.
    close_old_connections()
    assert client_of.get(reverse("home")).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_request_while_the_database_refuses_connections_answers_503_then_works_again(postgres, client_of):
    port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = str(free_port())  # nothing listens there: the database is down
    try:
        response = client_of.get(reverse("home"))
    finally:
        connection.close()
        connection.settings_dict["PORT"] = port
    assert response.status_code == 503 and UNAVAILABLE_EN in response.content.decode()
    assert client_of.get(reverse("home")).status_code == 200
