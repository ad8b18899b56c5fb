"""Emails when a report is ready (reports.signals.report_ready → subscriptions): once per subscriber who may
see the report, in their language, with the link and nothing else; never for a provisional report; retried
while the mail server refuses, failed after the last attempt."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Membership, Role
from reports.models import Report
from reports.render import generate
from reports.tasks import claim, report_for
from subscriptions import services
from subscriptions.models import Delivery
from subscriptions.tasks import MAX_ATTEMPTS, send_delivery
from tests.factories import UserFactory, membership
from tests.subscriptions.conftest import MONTH, announce, ready_report, subscribe, with_email
from tests.subscriptions.mail_backends import FlakyBackend

pytestmark = pytest.mark.usefixtures("eager", "site")


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = "tests.subscriptions.mail_backends.FlakyBackend"
    FlakyBackend.refusals = 0
    yield FlakyBackend
    FlakyBackend.refusals = 0


def test_each_subscriber_is_mailed_once_in_their_language_with_the_link(
    staff, regional, institution, django_capture_on_commit_callbacks
):
    subscribe(with_email(staff, "id"), institution=institution)
    subscribe(with_email(regional, "en"), institution=institution)
    report = ready_report(institution=institution, snapshot={"screened": 4321}, checksum="c0ffee" * 10)
    with django_capture_on_commit_callbacks(execute=True):
        announce(report)
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {staff.email, regional.email}
    link = f"https://rehab.example/laporan/bulanan/{report.pk}/"
    indonesian, english = by_recipient[staff.email], by_recipient[regional.email]
    assert "Lapas Kelas IIB Amuntai" in indonesian.subject and "Oktober 2026" in indonesian.subject
    assert "Lapas Kelas IIB Amuntai" in english.subject and "October 2026" in english.subject
    assert "Monthly report ready" in english.subject and "\n" not in english.subject
    for message in (indonesian, english):
        assert link in message.body
        assert "https://rehab.example/laporan/langganan/" in message.body  # how to stop it
        assert "4321" not in message.body and "c0ffee" not in message.body  # no figures
    assert set(Delivery.objects.values_list("status", "attempts")) == {("sent", 1)}

    with django_capture_on_commit_callbacks(execute=True):
        announce(report)  # rendered again (a retry of the render): nobody is mailed twice
    assert len(mail.outbox) == 2 and Delivery.objects.count() == 2


def test_the_language_is_the_subscribers_own_when_the_email_is_sent(staff, institution):
    subscribe(with_email(staff, "en"), institution=institution)
    report = ready_report(institution=institution)
    [delivery] = Delivery.objects.bulk_create([Delivery(report=report, user=staff)])
    staff.language = "id"  # changed after the report was ready, before the worker sent it
    staff.save(update_fields=["language"])
    send_delivery.delay(delivery.pk)
    assert "Oktober 2026" in mail.outbox[0].subject


def test_a_subscriber_gets_the_report_in_their_language_if_the_month_has_one(
    staff, regional, institution, django_capture_on_commit_callbacks
):
    subscribe(with_email(staff, "id"), institution=institution)
    subscribe(with_email(regional, "en"), institution=institution)
    indonesian = ready_report(institution=institution, language="id")
    english = ready_report(institution=institution, language="en")
    with django_capture_on_commit_callbacks(execute=True):
        announce(indonesian)
        announce(english)
    assert set(Delivery.objects.values_list("report", "user")) == {
        (indonesian.pk, staff.pk),
        (english.pk, regional.pk),
    }
    assert len(mail.outbox) == 2


def test_without_a_report_in_their_language_a_subscriber_gets_the_one_there_is(
    regional, institution, django_capture_on_commit_callbacks
):
    subscribe(with_email(regional, "en"), institution=institution)
    report = ready_report(institution=institution, language="id")
    with django_capture_on_commit_callbacks(execute=True):
        announce(report)
    [message] = mail.outbox
    assert "October 2026" in message.subject and f"/laporan/bulanan/{report.pk}/" in message.body


def test_nothing_is_sent_for_a_provisional_report(staff, institution, django_capture_on_commit_callbacks):
    subscribe(with_email(staff), institution=institution)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        announce(ready_report(institution=institution, provisional=True))
    assert callbacks == [] and not Delivery.objects.exists() and mail.outbox == []
    assert services.recipients(ready_report(institution=institution, provisional=True, edition=2)) == []


def test_only_subscribers_of_the_reports_place_who_may_see_it_are_mailed(
    staff, sister_staff, regional, national, institution, sister_institution, region,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    subscribe(with_email(staff), institution=institution)
    subscribe(with_email(sister_staff), institution=sister_institution)  # another UPT's report
    subscribe(with_email(regional), region=region)  # the region's report, not its UPT's
    subscribe(with_email(national), institution=institution)
    # Subscribed while at Amuntai, then moved: may no longer see its reports.
    moved = with_email(membership(UserFactory(username="pindah"), Role.UPT_STAFF, institution))
    subscribe(moved, institution=institution)
    Membership.objects.filter(user=moved).update(institution=sister_institution)
    gone = with_email(membership(UserFactory(username="nonaktif"), Role.UPT_STAFF, institution))
    subscribe(gone, institution=institution)
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    no_address = membership(UserFactory(username="tanpa.surel"), Role.UPT_STAFF, institution)
    subscribe(no_address, institution=institution)

    with django_capture_on_commit_callbacks(execute=True):
        announce(ready_report(institution=institution))
    assert sorted(message.to[0] for message in mail.outbox) == sorted([staff.email, national.email])


def test_access_lost_after_queueing_is_checked_again_when_sending(staff, institution):
    subscribe(with_email(staff), institution=institution)
    report = ready_report(institution=institution)
    [delivery] = Delivery.objects.bulk_create([Delivery(report=report, user=staff)])
    Membership.objects.filter(user=staff).delete()
    send_delivery.delay(delivery.pk)
    delivery.refresh_from_db()
    assert mail.outbox == [] and delivery.status == Delivery.Status.FAILED
    assert delivery.last_error == "The recipient may no longer see this report."


def test_a_refusing_mail_server_is_retried_until_the_email_is_sent(
    flaky, staff, institution, django_capture_on_commit_callbacks
):
    subscribe(with_email(staff), institution=institution)
    flaky.refusals = MAX_ATTEMPTS - 1  # every attempt but the last is refused
    with django_capture_on_commit_callbacks(execute=True):
        announce(ready_report(institution=institution))
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.SENT and delivery.attempts == MAX_ATTEMPTS
    assert delivery.last_error == "" and delivery.sent_at is not None
    assert len(mail.outbox) == 1


def test_after_the_last_attempt_the_delivery_is_failed_shown_and_can_be_retried(
    flaky, staff, regional, institution, login, django_capture_on_commit_callbacks
):
    subscribe(with_email(staff), institution=institution)
    flaky.refusals = MAX_ATTEMPTS + 5
    report = ready_report(institution=institution)
    with django_capture_on_commit_callbacks(execute=True):
        announce(report)  # the last attempt's error is logged by the on-commit hook, not raised
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.FAILED and delivery.attempts == MAX_ATTEMPTS
    assert "SMTPException" in delivery.last_error and mail.outbox == []

    page = login(regional).get(report.get_absolute_url())
    text = page.content.decode()
    assert "Emails to subscribers: 0 sent, 0 queued, 1 failed." in text
    assert "Mail server temporarily rejected message" in text
    retry = reverse("subscriptions:delivery-retry", args=[delivery.pk])
    assert f'action="{retry}"' in text

    flaky.refusals = 0
    with django_capture_on_commit_callbacks(execute=True):
        response = login(regional).post(retry)
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT and delivery.attempts == MAX_ATTEMPTS + 1
    assert [message.to for message in mail.outbox] == [[staff.email]]
    # Sent: a second click queues nothing.
    assert login(regional).post(retry).status_code == 302
    assert Delivery.objects.get().status == Delivery.Status.SENT


def test_a_real_render_announces_the_report(staff, institution, django_capture_on_commit_callbacks):
    subscribe(with_email(staff), institution=institution)
    report = report_for(scope=Report.Scope.INSTITUTION, institution=institution, month=MONTH)
    assert claim(report.pk)
    with django_capture_on_commit_callbacks(execute=True):
        generate(report)
    [message] = mail.outbox
    assert f"/laporan/bulanan/{report.pk}/" in message.body
