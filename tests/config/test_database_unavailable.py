"""PostgreSQL gone for a moment: a request answers 503 with a page saying so, in the visitor's language,
rendered without a query; the next request, once the database is back, works. A write request whose session
ends in the middle of its transaction leaves no row behind."""

import sys

import pytest
from django.conf import settings
from django.db import OperationalError, close_old_connections, connection
from django.test import Client, RequestFactory
from django.urls import reverse

from config.unavailable import server_error_or_unavailable
from tests.inmates.test_nik import registration
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


def rows_per_table(other) -> dict[str, int]:
    """Every table's row count, read on `other` (a session of its own)."""
    tables = sorted(other.introspection.django_table_names(only_existing=True, include_views=False))
    quote = other.ops.quote_name
    counts = " UNION ALL ".join(f"SELECT %s, count(*) FROM {quote(table)}" for table in tables)
    with other.cursor() as cursor:
        cursor.execute(counts, tables)
        return dict(cursor.fetchall())


WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.mark.django_db(transaction=True)
def test_a_registration_whose_session_ends_at_any_of_its_writes_leaves_no_row_and_the_next_one_works(
    postgres, client_of, institution
):
    """The request's own PostgreSQL session is ended (pg_terminate_backend, from another session) just before
    its k-th write inside its transaction, for k = 1, 2, ... until a request makes fewer writes than k: each
    of those answers 503 and leaves every table as it was; the request that is let through registers the
    person whole, on a new connection."""
    data = registration(institution, decision="new")
    other = connection.copy()
    kill_at, writes, killed, outside = 0, 0, [], set()

    def end_the_session_at_the_chosen_write(execute, sql, params, many, context):
        nonlocal writes
        statement = " ".join(sql.split()[:3])  # INSERT INTO "inmates_person", UPDATE "..." SET
        is_write = statement.upper().startswith(WRITES)
        if is_write and not connection.in_atomic_block:
            outside.add(statement)
        elif is_write:
            writes += 1
            if writes == kill_at:
                pid = context["connection"].connection.info.backend_pid
                with other.cursor() as cursor:  # waits (up to 5 s) until the backend has gone
                    cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])
                    assert cursor.fetchone() == (True,)
                killed.append(statement)
        return execute(sql, params, many, context)

    try:
        before = rows_per_table(other)
        with connection.execute_wrapper(end_the_session_at_the_chosen_write):
            for kill_at in range(1, 60):
                writes = 0
                response = client_of.post(reverse("inmates:person-create"), data)
                if len(killed) < kill_at:  # fewer writes than kill_at: this one was let through
                    break
                assert response.status_code == 503, (killed[-1], response.status_code)
                assert UNAVAILABLE_EN in response.content.decode()
                after = rows_per_table(other)
                assert after == before, (killed[-1], {t: n for t, n in after.items() if n != before[t]})
                close_old_connections()  # as Django does at the end of every request (see above)
        after = rows_per_table(other)
    finally:
        other.close()
    assert response.status_code == 302, response.content.decode()[:2000]
    # Several rows in several tables, each of whose writes was the one the session ended at once.
    written = {table for table, count in after.items() if count != before[table]}
    assert {"inmates_person", "inmates_admission", "inmates_movement", "audit_auditevent"} <= written
    assert len(killed) == writes >= 4, killed
    assert not outside  # every write is in the transaction: the ends above cover them all
