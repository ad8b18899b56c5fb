"""Reference data is managed in the Django admin by national officers only."""

from django.urls import reverse

from tests.factories import UserFactory, membership


def test_national_officer_manages_institutions_in_the_admin(login, national, institution):
    national.is_staff = True
    national.save()
    from django.contrib.auth.models import Permission

    national.user_permissions.add(*Permission.objects.filter(content_type__app_label="institutions"))
    client = login(national)
    assert client.get(reverse("admin:institutions_institution_changelist")).status_code == 200
    response = client.get(reverse("admin:institutions_institution_change", args=[institution.pk]))
    assert response.status_code == 200


def test_other_roles_cannot_enter_the_admin(login, staff, regional):
    for user in (staff, regional):
        response = login(user).get(reverse("admin:index"), follow=True)
        assert response.status_code == 403


def test_admin_has_no_login_page_of_its_own(client, db):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_a_user_with_memberships_in_two_places_sees_both(login, institution, other_institution):
    user = membership(UserFactory(username="dua"), "upt_staff", institution)
    membership(user, "upt_staff", other_institution)
    response = login(user).get(reverse("institutions:institution-list"))
    assert sorted(obj.code for obj in response.context["page_obj"].object_list) == [
        "lapas-amuntai",
        "lapas-banyuwangi",
    ]


def _user_manager(national):
    from django.contrib.auth.models import Permission

    national.is_staff = True
    national.save()
    national.user_permissions.add(*Permission.objects.filter(content_type__app_label="accounts"))
    return national


def test_a_national_officer_cannot_make_anyone_superuser_or_admin(login, national, staff):
    client = login(_user_manager(national))
    page = client.get(reverse("admin:accounts_user_change", args=[national.pk])).content.decode()
    assert 'name="is_superuser"' not in page and 'name="is_staff"' not in page
    assert 'name="user_permissions"' not in page and 'name="groups"' not in page
    client.post(
        reverse("admin:accounts_user_change", args=[staff.pk]),
        {
            "username": staff.username,
            "is_active": "on",
            "is_superuser": "on",
            "is_staff": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "08:00:00",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    staff.refresh_from_db()
    national.refresh_from_db()
    assert not staff.is_superuser and not staff.is_staff
    assert not national.is_superuser


def test_a_superusers_account_and_password_are_out_of_a_national_officers_reach(login, national, db):
    root = UserFactory(username="root")
    root.is_superuser = root.is_staff = True
    root.save()
    client = login(_user_manager(national))
    page = client.get(reverse("admin:accounts_user_change", args=[root.pk])).content.decode()
    assert 'name="username"' not in page  # shown read-only
    response = client.post(
        reverse("admin:auth_user_password_change", args=[root.pk]),
        {"password1": "kopi hitam di pagi hari", "password2": "kopi hitam di pagi hari"},
    )
    assert response.status_code == 403
    root.refresh_from_db()
    assert not root.check_password("kopi hitam di pagi hari")


def test_a_national_officer_cannot_move_a_upt_to_another_region(login, national, institution, other_region):
    """It would change which regional officers reach the UPT's people: for superusers only."""
    from django.contrib.auth.models import Permission

    national.is_staff = True
    national.save()
    national.user_permissions.add(*Permission.objects.filter(content_type__app_label="institutions"))
    client = login(national)
    path = reverse("admin:institutions_institution_change", args=[institution.pk])
    assert 'name="region"' not in client.get(path).content.decode()
    client.post(
        path,
        {
            "code": institution.code,
            "name": institution.name,
            "kind": institution.kind,
            "klass": institution.klass,
            "region": other_region.pk,
            "city": institution.city,
            "capacity": institution.capacity,
        },
    )
    institution.refresh_from_db()
    assert institution.region != other_region
