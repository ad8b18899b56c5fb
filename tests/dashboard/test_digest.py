"""The daily to-do email and the user's language preference (issue 17)."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from agreements.reminders import send_expiry_reminders
from audit.models import AuditEvent
from dashboard.digest import send_digests
from dashboard.models import DigestSent
from inmates.models import Admission
from tests.factories import PersonFactory, admit, make_agreement

NOW = dt.datetime(2026, 12, 2, 22, 30, tzinfo=dt.UTC)  # 06:30 WITA on 3 December, the job's morning


@pytest.fixture
def overdue(institution):
    admission = admit(PersonFactory(full_name="Budi Lewat"), institution)
    Admission.objects.filter(pk=admission.pk).update(expected_release=dt.date(2026, 11, 30))
    return admission


@pytest.fixture
def with_email(staff):
    staff.email = "staf@amuntai.example"
    staff.save(update_fields=["email"])
    return staff


def test_the_digest_lists_the_work_waiting_in_the_users_language(with_email, overdue, settings):
    settings.SITE_URL = "https://rehab.example"
    assert send_digests(now=NOW) == 1
    [message] = mail.outbox
    assert message.to == ["staf@amuntai.example"]
    assert "3 Desember 2026" in message.subject  # Indonesian, the default, in the user's zone's day
    assert "https://rehab.example/wbp/?release=overdue" in message.body
    assert "1 WBP" in message.body
    assert "https://rehab.example/akun/#preferences" in message.body
    assert DigestSent.objects.get().day == dt.date(2026, 12, 3)

    with_email.language = "en"
    with_email.save(update_fields=["language"])
    mail.outbox.clear()
    assert send_digests(now=NOW + dt.timedelta(days=1)) == 1
    assert "Your work waiting on 4 December 2026" in mail.outbox[0].subject
    assert "WBP past their expected release date, still in custody" in mail.outbox[0].body


def test_the_digest_is_sent_once_a_day_and_not_when_switched_off_or_nothing_waits(with_email, overdue):
    assert send_digests(now=NOW) == 1
    assert send_digests(now=NOW + dt.timedelta(hours=1)) == 0  # a second run the same morning
    assert len(mail.outbox) == 1
    with_email.daily_digest = False
    with_email.save(update_fields=["daily_digest"])
    assert send_digests(now=NOW + dt.timedelta(days=1)) == 0
    with_email.daily_digest = True
    with_email.save(update_fields=["daily_digest"])
    Admission.objects.filter(pk=overdue.pk).update(expected_release=None)
    assert send_digests(now=NOW + dt.timedelta(days=2)) == 0  # nothing waiting: no mail
    assert len(mail.outbox) == 1


def test_a_refused_mail_is_not_claimed_and_goes_next_run(with_email, overdue, settings, monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr("django.core.mail.message.EmailMessage.send", refuse)
    assert send_digests(now=NOW) == 0
    assert not DigestSent.objects.exists()
    monkeypatch.undo()
    assert send_digests(now=NOW) == 1


def test_preferences_are_saved_audited_and_followed(client, with_email, password):
    client.post(reverse("accounts:login"), {"username": with_email.username, "password": password})
    response = client.post(reverse("accounts:account"), {"language": "en", "daily_digest": ""})
    assert response.status_code == 302
    with_email.refresh_from_db()
    assert (with_email.language, with_email.daily_digest) == ("en", False)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CHANGE, details__preferences__language="en")
    page = client.get(reverse("accounts:account"))
    assert '<html lang="en">' in page.content.decode()
    assert "Your preferences have been saved." in page.content.decode()


def test_a_bad_language_is_refused_and_nothing_saved(login, with_email):
    client = login(with_email)
    response = client.post(reverse("accounts:account"), {"language": "xx", "daily_digest": "on"})
    assert response.status_code == 200
    assert response.context["form"].errors["language"]
    response = client.post(reverse("accounts:account"), {"language": "en\x00", "daily_digest": "on"})
    assert response.status_code == 400  # the input guard: NUL is never stored
    with_email.refresh_from_db()
    assert with_email.language == "id"


def test_a_language_chosen_on_this_browser_is_kept_at_sign_in(client, with_email, password):
    with_email.language = "en"
    with_email.save(update_fields=["language"])
    client.cookies["django_language"] = "id"  # chosen with the switcher on the login page
    response = client.post(reverse("accounts:login"), {"username": with_email.username, "password": password})
    assert "django_language" not in response.cookies
    assert '<html lang="id">' in client.get(reverse("home")).content.decode()


def test_signing_in_applies_the_users_language(client, with_email, password):
    with_email.language = "en"
    with_email.save(update_fields=["language"])
    response = client.post(reverse("accounts:login"), {"username": with_email.username, "password": password})
    assert response.cookies["django_language"].value == "en"
    assert '<html lang="en">' in client.get(reverse("home")).content.decode()


def test_the_language_switcher_keeps_a_signed_in_users_choice(client, with_email, password):
    client.post(reverse("accounts:login"), {"username": with_email.username, "password": password})
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    with_email.refresh_from_db()
    assert with_email.language == "en"
    client.post(reverse("set_language"), {"language": "zz", "next": "/"})  # unknown: ignored
    with_email.refresh_from_db()
    assert with_email.language == "en"


def test_expiry_reminders_are_written_in_each_recipients_language(staff, regional, institution, agency):
    staff.email, staff.language = "staf@amuntai.example", "en"
    staff.save(update_fields=["email", "language"])
    regional.email = "kanwil@kalsel.example"
    regional.save(update_fields=["email"])
    make_agreement(
        institutions=[institution],
        agencies=[agency],
        valid_from=dt.date(2025, 1, 1),
        valid_until=dt.date(2026, 12, 31),
    )
    assert send_expiry_reminders(today=dt.date(2026, 12, 2)) == 1
    by_address = {message.to[0]: message for message in mail.outbox}
    assert "is in force until 31 December 2026" in by_address["staf@amuntai.example"].body
    assert "31 Desember 2026" in by_address["kanwil@kalsel.example"].body


def test_one_users_failure_does_not_stop_the_others(
    with_email, overdue, sister_staff, sister_institution, monkeypatch
):
    import dashboard.digest

    sister_staff.email = "staf@barabai.example"
    sister_staff.save(update_fields=["email"])
    late = admit(PersonFactory(full_name="Dedi Lewat"), sister_institution)
    Admission.objects.filter(pk=late.pk).update(expected_release=dt.date(2026, 11, 1))
    real = dashboard.digest.digest_message

    def broken_for_one(user, today, connection=None):
        if user.pk == with_email.pk:
            raise RuntimeError("a template error for this user only")
        return real(user, today, connection)

    monkeypatch.setattr(dashboard.digest, "digest_message", broken_for_one)
    assert send_digests(now=NOW) == 1
    assert [message.to for message in mail.outbox] == [["staf@barabai.example"]]
    assert not DigestSent.objects.filter(user=with_email).exists()  # still due, for the next run
