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
