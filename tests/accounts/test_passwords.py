"""Strong passwords: Django's validators at 12 characters, plus the words everyone here would guess first."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEvent

pytestmark = pytest.mark.django_db

CHANGE = reverse("accounts:password-change")


@pytest.mark.parametrize(
    "weak",
    [
        "short-pw1",  # under 12 characters
        "123456789012345",  # digits only
        "password1234",  # a common password
        "rahasia12345!",  # Indonesian for "secret", dressed up
        "Lapas-Rehab-2025",  # only words of this system
        "BNNK.narkoba.99",
    ],
)
def test_weak_passwords_are_refused(weak, staff):
    with pytest.raises(ValidationError):
        validate_password(weak, user=staff)


def test_the_name_of_ones_own_office_is_a_guessable_word(staff):
    # staff work at "lapas-amuntai"; "Amuntai" alone is no common word for anybody else.
    with translation.override("en"), pytest.raises(ValidationError, match="easy to guess"):
        validate_password("Amuntai-Lapas-2025!", user=staff)
    validate_password("Amuntai-kopi-hitam-pagi", user=staff)


@pytest.mark.parametrize(
    "strong", ["kopi hitam di pagi hari", "Sungai-Tabalong-7-berliku", "correct horse battery"]
)
def test_long_passphrases_are_accepted(strong, staff):
    validate_password(strong, user=staff)


def test_a_user_changes_their_password_and_stays_signed_in(login, staff, password):
    client = login(staff)
    response = client.post(
        CHANGE,
        {
            "old_password": password,
            "new_password1": "kopi hitam di pagi hari",
            "new_password2": "kopi hitam di pagi hari",
        },
    )
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.check_password("kopi hitam di pagi hari")
    assert client.get(reverse("home")).status_code == 200  # still signed in here
    event = AuditEvent.objects.get(action=AuditEvent.Action.CHANGE, object_type="accounts.user")
    assert event.details == {"password": "changed"}
    assert "kopi" not in str(event.details) + event.object_repr


def test_a_weak_new_password_is_refused_with_a_message_and_nothing_changes(login, staff, password):
    response = login(staff).post(
        CHANGE, {"old_password": password, "new_password1": "rahasia12345!", "new_password2": "rahasia12345!"}
    )
    assert response.status_code == 200
    assert "easy to guess" in response.content.decode()
    staff.refresh_from_db()
    assert staff.check_password(password)


def test_the_old_password_must_be_right(login, staff, password):
    response = login(staff).post(
        CHANGE,
        {
            "old_password": "not-it",
            "new_password1": "kopi hitam di pagi hari",
            "new_password2": "kopi hitam di pagi hari",
        },
    )
    assert response.status_code == 200
    staff.refresh_from_db()
    assert staff.check_password(password)


def test_the_form_is_in_indonesian_by_default(client, staff):
    client.force_login(staff)
    page = client.get(CHANGE).content.decode()
    assert "Ubah kata sandi" in page
