"""Changes of access made by administrators: a counsellor membership needs a second administrator, passwords
are chosen by their owners from a one-time link, and every change is recorded with before and after, shown
to the account's owner, the heads of the UPT concerned and the data-protection officer."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from accounts.models import AccessChange, Membership, Role
from audit.models import AuditEvent
from tests.factories import UserFactory, make_agreement, membership

pytestmark = pytest.mark.django_db


def administrator(username: str):
    """A national officer managing accounts, as load_demo makes them."""
    user = membership(UserFactory(username=username, is_staff=True), Role.NATIONAL)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="accounts"))
    return user


@pytest.fixture
def first_admin(db):
    return administrator("ditjenpas.satu")


@pytest.fixture
def second_admin(db):
    return administrator("ditjenpas.dua")


@pytest.fixture
def newcomer(db):
    return UserFactory(username="konselor.baru", email="baru@bnnk.example.id")


def _grant_counsellor(client, user, agency):
    return client.post(
        reverse("admin:accounts_membership_add"),
        {"user": user.pk, "role": "counsellor", "agency": agency.pk},
    )


def test_a_counsellor_membership_waits_for_a_second_administrator(
    login, first_admin, second_admin, newcomer, agency
):
    response = _grant_counsellor(login(first_admin), newcomer, agency)
    assert response.status_code == 302
    granted = Membership.objects.get(user=newcomer)
    assert granted.awaiting_confirmation and granted.granted_by == first_admin
    newcomer.__dict__.pop("scope", None)
    assert not newcomer.scope.agency_ids  # no access, no notes, until confirmed

    # The granting administrator cannot confirm it; the recipient could not either.
    action = {"action": "confirm", "_selected_action": [granted.pk]}
    login(first_admin).post(reverse("admin:accounts_membership_changelist"), action)
    granted.refresh_from_db()
    assert granted.awaiting_confirmation

    login(second_admin).post(reverse("admin:accounts_membership_changelist"), action)
    granted.refresh_from_db()
    assert not granted.awaiting_confirmation and granted.confirmed_by == second_admin
    newcomer.__dict__.pop("scope", None)
    assert newcomer.scope.agency_ids == {agency.pk}
    kinds = list(
        AccessChange.objects.filter(user=newcomer).order_by("pk").values_list("kind", "by__username")
    )
    assert kinds == [
        ("membership_granted", "ditjenpas.satu"),
        ("membership_confirmed", "ditjenpas.dua"),
    ]


def test_a_superuser_grants_a_counsellor_membership_at_once(login, newcomer, agency):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    assert _grant_counsellor(login(root), newcomer, agency).status_code == 302
    assert not Membership.objects.get(user=newcomer).awaiting_confirmation


def test_other_memberships_take_effect_at_once_and_are_recorded_with_before_and_after(
    login, first_admin, staff, institution, sister_institution
):
    own = staff.memberships.get()
    response = login(first_admin).post(
        reverse("admin:accounts_membership_change", args=[own.pk]),
        {"user": staff.pk, "role": "upt_staff", "institution": sister_institution.pk},
    )
    assert response.status_code == 302
    change = AccessChange.objects.get(user=staff)
    assert change.kind == "membership_changed" and change.by == first_admin
    assert (
        change.before["institution"] == institution.pk
        and change.after["institution"] == sister_institution.pk
    )
    assert AuditEvent.objects.filter(actor=first_admin, details__access_change=change.pk).exists()


def _link_in(message) -> str:
    return re.search(r"http://\S+/kata-sandi/atur/\S+/", message.body).group(0)


def test_an_administrator_sends_a_link_and_never_learns_the_password(
    login, first_admin, counsellor, password
):
    counsellor.email = "konselor@bnnk.example.id"
    counsellor.save()
    client = login(first_admin)
    page = client.get(reverse("admin:auth_user_password_change", args=[counsellor.pk]))
    assert page.status_code == 200 and "never set or learn" in page.content.decode()
    response = client.post(
        reverse("admin:auth_user_password_change", args=[counsellor.pk]),
        {"password1": "kopi hitam di pagi hari", "password2": "kopi hitam di pagi hari"},
    )
    assert response.status_code == 302
    counsellor.refresh_from_db()
    assert counsellor.check_password(password)  # unchanged: nothing typed by the administrator is used
    assert not counsellor.check_password("kopi hitam di pagi hari")
    [message] = mail.outbox
    assert message.to == ["konselor@bnnk.example.id"]
    assert message.subject.startswith("Pilih kata sandi baru")  # Indonesian first, then English
    assert AccessChange.objects.filter(user=counsellor, kind="password_reset_sent", by=first_admin).exists()

    # The owner chooses the password through the link, once.
    link = _link_in(message).replace("http://localhost:8000", "")
    owner = Client()
    form_page = owner.get(link, follow=True)
    assert form_page.status_code == 200
    new_password = "teh manis sore di teras"
    done = owner.post(
        form_page.request["PATH_INFO"], {"new_password1": new_password, "new_password2": new_password}
    )
    assert done.status_code == 302
    counsellor.refresh_from_db()
    assert counsellor.check_password(new_password)
    assert AccessChange.objects.filter(user=counsellor, kind="password_set").exists()
    again = Client().get(link, follow=True)
    assert (
        "already been used or has expired" in again.content.decode()
        or "sudah dipakai" in again.content.decode()
    )


def test_no_link_for_an_account_without_an_address(login, first_admin, counsellor):
    counsellor.email = ""
    counsellor.save()
    response = login(first_admin).post(reverse("admin:auth_user_password_change", args=[counsellor.pk]))
    assert response.status_code == 200
    assert "has no e-mail address" in response.content.decode()
    assert not mail.outbox


def test_whoever_changed_the_address_cannot_also_send_the_link(login, first_admin, second_admin, counsellor):
    counsellor.email = "konselor@bnnk.example.id"
    counsellor.save()
    client = login(first_admin)
    path = reverse("admin:accounts_user_change", args=[counsellor.pk])
    response = client.post(
        path,
        {
            "username": counsellor.username,
            "first_name": counsellor.first_name,
            "last_name": counsellor.last_name,
            "email": "penyusup@example.com",
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "08:00:00",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "1",
            "memberships-0-id": counsellor.memberships.get().pk,
            "memberships-0-user": counsellor.pk,
            "memberships-0-role": "counsellor",
            "memberships-0-agency": counsellor.memberships.get().agency_id,
        },
    )
    assert response.status_code == 302
    # The old address is told.
    assert [m.to for m in mail.outbox] == [["konselor@bnnk.example.id"]]
    refused = client.post(reverse("admin:auth_user_password_change", args=[counsellor.pk]))
    assert "You set this account&#x27;s e-mail address" in refused.content.decode()
    assert len(mail.outbox) == 1
    assert AccessChange.objects.filter(user=counsellor, kind="email_changed").exists()
    # A second administrator can.
    login(second_admin).post(reverse("admin:auth_user_password_change", args=[counsellor.pk]))
    assert mail.outbox[-1].to == ["penyusup@example.com"]


def test_a_new_account_has_no_password_anyone_knows(login, first_admin):
    response = login(first_admin).post(
        reverse("admin:accounts_user_add"),
        {
            "username": "staf.baru",
            "first_name": "Siti",
            "last_name": "Aminah",
            "email": "siti@lapas.example.id",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    from accounts.models import User

    created = User.objects.get(username="staf.baru")
    assert not created.has_usable_password()
    [message] = mail.outbox
    assert message.to == ["siti@lapas.example.id"] and "/kata-sandi/atur/" in message.body
    assert AccessChange.objects.filter(user=created, kind="account_created", by=first_admin).exists()


def test_the_owner_sees_their_access_and_its_history(login, first_admin, second_admin, newcomer, agency):
    _grant_counsellor(login(first_admin), newcomer, agency)
    page = login(newcomer).get(reverse("accounts:account"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "awaiting a second administrator" in text and "Membership granted" in text
    assert "ditjenpas.satu" in text or first_admin.get_full_name() in text


def test_the_admin_shows_an_accounts_access_history(login, first_admin, second_admin, newcomer, agency):
    _grant_counsellor(login(first_admin), newcomer, agency)
    page = login(second_admin).get(reverse("admin:accounts_user_change", args=[newcomer.pk]))
    assert page.status_code == 200
    assert "Changes of this account&#x27;s access" in page.content.decode() or "Membership granted" in (
        page.content.decode()
    )


@pytest.fixture
def head(institution):
    user = UserFactory(username="kalapas.amuntai")
    Membership.objects.create(user=user, role=Role.UPT_STAFF, institution=institution, is_head=True)
    return user


@pytest.fixture
def dpo(db):
    return membership(UserFactory(username="dpo.pusat"), Role.DPO)


@pytest.fixture
def regional_dpo(other_region):
    return membership(UserFactory(username="dpo.jatim"), Role.DPO, other_region)


def test_heads_see_changes_at_their_upt_and_of_their_partners_counsellors(
    login, first_admin, head, newcomer, agency, institution, sister_institution, staff, dpo, regional_dpo
):
    make_agreement(institutions=[institution], agencies=[agency])
    _grant_counsellor(login(first_admin), newcomer, agency)  # a partner agency of Amuntai
    elsewhere = UserFactory(username="staf.lain")
    login(first_admin).post(
        reverse("admin:accounts_membership_add"),
        {"user": elsewhere.pk, "role": "upt_staff", "institution": sister_institution.pk},
    )
    url = reverse("access-change-list")
    shown = {c.user.username for c in login(head).get(url).context["page_obj"].object_list}
    assert shown == {"konselor.baru"}
    assert {c.user.username for c in login(dpo).get(url).context["page_obj"].object_list} == {
        "konselor.baru",
        "staf.lain",
    }
    assert list(login(regional_dpo).get(url).context["page_obj"].object_list) == []  # Jatim: none of these
    assert login(staff).get(url).status_code == 403  # staff who are not the head


def test_the_dpo_reads_the_audit_trail_but_no_record(login, dpo, person):
    assert login(dpo).get(reverse("audit-events")).status_code == 200
    assert login(dpo).get(person.get_absolute_url()).status_code == 404


def test_an_administrators_account_is_out_of_another_administrators_reach(login, first_admin, second_admin):
    """Otherwise one could take over a second administrator's account and confirm their own grants."""
    client = login(first_admin)
    for name in ("admin:accounts_user_change", "admin:auth_user_password_change"):
        assert (
            client.post(reverse(name, args=[second_admin.pk]), {"email": "x@example.com"}).status_code == 403
        )
    response = client.post(
        reverse("admin:accounts_membership_add"),
        {"user": second_admin.pk, "role": "upt_staff", "institution": _any_institution().pk},
    )
    assert response.status_code == 200
    assert "Only a superuser changes the access of an administrator" in response.content.decode()
    assert second_admin.memberships.count() == 1


def _any_institution():
    from tests.factories import InstitutionFactory

    return InstitutionFactory(code="lapas-uji")


def test_an_account_the_administrator_addressed_waits_for_a_second_one(login, first_admin, institution):
    """An account an administrator created (or re-addressed) could be their alter ego: every membership they
    give it waits for a second administrator."""
    client = login(first_admin)
    client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "alter.ego",
            "email": "saya.sendiri@example.com",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-0-role": "upt_staff",
            "memberships-0-institution": institution.pk,
            "memberships-0-is_head": "on",
        },
    )
    granted = Membership.objects.get(user__username="alter.ego")
    assert granted.awaiting_confirmation and granted.is_head
    from accounts.models import User

    assert not User.objects.get(username="alter.ego").scope.staff_institution_ids


def test_a_second_membership_at_the_same_place_is_a_message_not_an_error(
    login, first_admin, staff, institution
):
    path = reverse("admin:accounts_user_change", args=[staff.pk])
    own = staff.memberships.get()
    response = login(first_admin).post(
        path,
        {
            "username": staff.username,
            "email": "",
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "08:00:00",
            "memberships-TOTAL_FORMS": "2",
            "memberships-INITIAL_FORMS": "1",
            "memberships-0-id": own.pk,
            "memberships-0-user": staff.pk,
            "memberships-0-role": "upt_staff",
            "memberships-0-institution": institution.pk,
            "memberships-1-user": staff.pk,
            "memberships-1-role": "upt_staff",
            "memberships-1-institution": institution.pk,
        },
    )
    assert response.status_code == 200  # the form again, with the error; never a 500
    assert staff.memberships.count() == 1


def test_the_record_of_access_changes_is_append_only(login, first_admin, newcomer, agency):
    from audit.models import AppendOnlyError

    _grant_counsellor(login(first_admin), newcomer, agency)
    change = AccessChange.objects.get(user=newcomer)
    with pytest.raises(AppendOnlyError):
        AccessChange.objects.filter(pk=change.pk).update(kind="membership_revoked")
    with pytest.raises(AppendOnlyError):
        AccessChange.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        change.save()
    with pytest.raises(AppendOnlyError):
        change.delete()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the database trigger exists on PostgreSQL only"
)
def test_the_database_refuses_to_rewrite_access_changes_on_postgresql(login, first_admin, newcomer, agency):
    _grant_counsellor(login(first_admin), newcomer, agency)
    change = AccessChange.objects.get(user=newcomer)
    for statement in (
        "UPDATE accounts_accesschange SET kind = 'x' WHERE id = %s",
        "DELETE FROM accounts_accesschange WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [change.pk])
    assert AccessChange.objects.filter(pk=change.pk, kind="membership_granted").exists()


@pytest.mark.parametrize("grants", [1, 30])
def test_the_change_lists_keep_their_query_count(
    login, first_admin, dpo, agency, grants, django_assert_max_num_queries
):
    for n in range(grants):
        _grant_counsellor(login(first_admin), UserFactory(username=f"konselor.{n}"), agency)
    for user, url in ((dpo, reverse("access-change-list")), (first_admin, reverse("accounts:account"))):
        client = login(user)
        with django_assert_max_num_queries(12):
            response = client.get(url)
        assert response.status_code == 200
    shown = login(dpo).get(reverse("access-change-list")).context["page_obj"]
    assert shown.paginator.count == grants
