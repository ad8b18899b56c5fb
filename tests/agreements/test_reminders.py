"""Expiry reminders at 90, 30 and 7 days: to the right people, once each, whatever happens to the job."""

import datetime as dt

import pytest
import time_machine
from django.core import mail

from agreements.models import ExpiryReminder
from agreements.reminders import send_expiry_reminders
from agreements.tasks import send_expiry_reminders as reminder_task
from tests.factories import make_agreement

END = dt.date(2027, 3, 31)


def days_before(days: int) -> dt.date:
    return END - dt.timedelta(days=days)


@pytest.fixture
def agreement(institution, agency):
    return make_agreement(
        institutions=[institution], agencies=[agency], valid_from=dt.date(2025, 4, 1), valid_until=END
    )


@pytest.fixture
def recipients(staff, regional, counsellor, outsider, other_regional):
    for user in (staff, regional, counsellor, outsider, other_regional):
        user.email = f"{user.username}@example.test"
        user.save()
    return sorted([staff.email, regional.email])


def sent_to() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def test_reminder_goes_to_regional_officers_and_the_institutions_staff_once(agreement, recipients):
    assert send_expiry_reminders(today=days_before(90)) == 1
    assert sent_to() == recipients  # not the counsellor, not other institutions or regions
    assert agreement.number in mail.outbox[0].subject and "90" in mail.outbox[0].subject
    assert "31 Maret 2027" in mail.outbox[0].body  # in Indonesian, the default language
    assert f"/perjanjian/{agreement.pk}/" in mail.outbox[0].body
    assert send_expiry_reminders(today=days_before(90)) == 0
    assert send_expiry_reminders(today=days_before(89)) == 0
    assert len(mail.outbox) == 2


def test_each_threshold_is_sent_once(agreement, recipients):
    for days in range(100, -1, -1):
        send_expiry_reminders(today=days_before(days))
        send_expiry_reminders(today=days_before(days))  # the job running twice the same day
    assert [message.subject.split()[-2] for message in mail.outbox[:: len(recipients)]] == ["90", "30", "7"]
    assert len(mail.outbox) == 3 * len(recipients)


def test_a_job_that_missed_days_sends_only_the_most_urgent_reminder(agreement, recipients):
    send_expiry_reminders(today=days_before(25))
    assert len(mail.outbox) == len(recipients)
    assert "25" in mail.outbox[0].subject
    assert set(ExpiryReminder.objects.values_list("days_before", flat=True)) == {90, 30}
    send_expiry_reminders(today=days_before(6))
    assert len(mail.outbox) == 2 * len(recipients)


def test_extending_the_agreement_makes_new_reminders_due(agreement, recipients):
    send_expiry_reminders(today=days_before(90))
    agreement.valid_until = END + dt.timedelta(days=365)
    agreement.save()
    send_expiry_reminders(today=days_before(90) + dt.timedelta(days=365))
    assert len(mail.outbox) == 2 * len(recipients)


def test_terminated_and_renewed_agreements_are_not_reminded_of(institution, agency, agreement, recipients):
    make_agreement(
        institutions=[institution],
        agencies=[agency],
        valid_from=dt.date(2025, 1, 1),
        valid_until=dt.date(2027, 5, 1),
        terminated_on=dt.date(2026, 12, 31),
    )
    unsigned_renewal = make_agreement(
        institutions=[institution], agencies=[agency], valid_from=END + dt.timedelta(days=1), signed_on=None
    )
    unsigned_renewal.replaces = agreement
    unsigned_renewal.save()
    assert send_expiry_reminders(today=dt.date(2026, 12, 24)) == 0  # terminated on purpose: no nagging
    assert send_expiry_reminders(today=days_before(90)) == 1  # a draft renewal does not count yet
    unsigned_renewal.signed_on = days_before(50)
    unsigned_renewal.save()
    assert send_expiry_reminders(today=days_before(30)) == 0  # signed renewal: nothing left to do
    assert len(mail.outbox) == len(recipients)


def test_expired_drafts_and_distant_agreements_send_nothing(institution, agency, recipients):
    make_agreement(institutions=[institution], agencies=[agency], valid_until=dt.date(2026, 1, 1))
    make_agreement(
        institutions=[institution], agencies=[agency], signed_on=None, valid_until=dt.date(2026, 3, 1)
    )
    make_agreement(institutions=[institution], agencies=[agency], valid_until=None)
    assert send_expiry_reminders(today=dt.date(2026, 1, 15)) == 0
    assert mail.outbox == []


def test_a_failed_send_is_retried_on_the_next_run(agreement, recipients, settings, monkeypatch):
    from django.core.mail.backends.locmem import EmailBackend

    def refuse(self, messages):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    assert send_expiry_reminders(today=days_before(90)) == 0
    assert not ExpiryReminder.objects.exists()
    monkeypatch.undo()
    assert send_expiry_reminders(today=days_before(89)) == 1
    assert len(mail.outbox) == len(recipients)


def test_scheduled_task_uses_todays_date_in_the_schedule_zone(agreement, recipients, settings):
    assert settings.CELERY_BEAT_SCHEDULE["agreement-expiry-reminders"]["task"] == reminder_task.name
    # 06:00 WIB on the 90th day before the end.
    moment = dt.datetime.combine(days_before(90), dt.time(23, 0), tzinfo=dt.UTC) - dt.timedelta(days=1)
    with time_machine.travel(moment, tick=False):
        assert (
            reminder_task.apply().get() == 1
        )  # in-process: a real worker is tested with the reports (issue 7)
    assert sent_to() == recipients
