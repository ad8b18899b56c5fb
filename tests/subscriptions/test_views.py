"""Subscribing and unsubscribing (the archive's control and "My subscriptions"), the report page's delivery
section, and who may do what: the allowed user, outsiders (404), anonymous visitors (login)."""

import pytest
from django.urls import reverse

from subscriptions.models import Delivery, Subscription
from tests.factories import InstitutionFactory
from tests.subscriptions.conftest import ready_report, subscribe, with_email

LIST = reverse("subscriptions:subscription-list")
CREATE = reverse("subscriptions:subscription-create")


def test_staff_subscribe_to_their_upt_from_the_archive_and_unsubscribe(login, staff, institution):
    client = login(staff)
    archive = client.get(reverse("reports:report-list")).content.decode()
    assert f'<option value="institution:{institution.pk}">Lapas Kelas IIB Amuntai</option>' in archive
    response = client.post(CREATE, {"place": f"institution:{institution.pk}", "back": "reports"})
    assert response.status_code == 302 and response["Location"] == reverse("reports:report-list")
    subscription = Subscription.objects.get(user=staff)
    assert subscription.institution == institution and subscription.scope == "institution"
    assert client.post(CREATE, {"place": f"institution:{institution.pk}"}).status_code == 302
    assert Subscription.objects.count() == 1  # a second click finds the first

    archive = client.get(reverse("reports:report-list")).content.decode()
    unsubscribe = reverse("subscriptions:subscription-delete", args=[subscription.pk])
    assert (
        f'action="{unsubscribe}"' in archive
        and "institution:" not in archive.split("subscribe-title")[1][:2000]
    )
    response = client.post(unsubscribe, {"back": "reports"})
    assert response.status_code == 302 and not Subscription.objects.exists()


def test_regional_and_national_officers_subscribe_to_their_places(login, regional, national, region):
    assert login(regional).post(CREATE, {"place": f"region:{region.pk}"}).status_code == 302
    assert login(national).post(CREATE, {"place": "national"}).status_code == 302
    assert set(Subscription.objects.values_list("user", "scope")) == {
        (regional.pk, "region"),
        (national.pk, "national"),
    }


@pytest.mark.parametrize("who", ["outsider", "sister_staff", "counsellor", "other_regional"])
def test_outsiders_cannot_subscribe_to_a_place_they_do_not_see(request, login, who, institution):
    user = request.getfixturevalue(who)
    for place in (f"institution:{institution.pk}", f"region:{institution.region_id}", "national", "x\x01"):
        assert login(user).post(CREATE, {"place": place}).status_code == 404
    assert not Subscription.objects.exists()


def test_nobody_ends_or_retries_what_is_not_theirs(login, staff, outsider, regional, institution):
    subscription = subscribe(staff, institution=institution)
    assert (
        login(regional).post(reverse("subscriptions:subscription-delete", args=[subscription.pk])).status_code
        == 404
    )
    delivery = Delivery.objects.create(
        report=ready_report(institution=institution), user=staff, status=Delivery.Status.FAILED
    )
    retry = reverse("subscriptions:delivery-retry", args=[delivery.pk])
    assert login(outsider).post(retry).status_code == 404
    assert Subscription.objects.exists() and Delivery.objects.get().status == Delivery.Status.FAILED
    assert login(staff).get(retry).status_code == 405


def test_anonymous_visitors_are_sent_to_login(client, staff, institution):
    subscription = subscribe(staff, institution=institution)
    for path in (LIST, CREATE, reverse("subscriptions:subscription-delete", args=[subscription.pk])):
        response = client.post(path, {"place": "national"})
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert Subscription.objects.count() == 1


def test_my_subscriptions_are_reached_from_the_account_page_and_say_what_is_sent(login, staff, institution):
    client = login(staff)
    assert f'href="{LIST}"' in client.get(reverse("accounts:account")).content.decode()
    page = client.get(LIST).content.decode()
    assert "No subscriptions" in page and "You have no email address" in page
    with_email(staff, "en")
    subscribe(staff, institution=institution)
    page = client.get(LIST).content.decode()
    assert "Lapas Kelas IIB Amuntai" in page and "in English" in page
    assert "You no longer see" not in page and "You have no email address" not in page


def test_a_subscription_whose_place_is_out_of_reach_says_nothing_is_sent(login, staff, other_institution):
    subscribe(staff, institution=other_institution)  # e.g. moved to another UPT since
    page = login(staff).get(LIST).content.decode()
    assert "Lapas Kelas IIA Banyuwangi" in page and "You no longer see this place" in page


def test_my_subscriptions_cost_a_fixed_number_of_queries(
    login, national, region, django_assert_max_num_queries
):
    subscribe(national, institution=InstitutionFactory(region=region))
    client = login(national)
    with django_assert_max_num_queries(20) as one:
        assert client.get(LIST).status_code == 200
    for _n in range(30):
        subscribe(national, institution=InstitutionFactory(region=region))
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(LIST)
    assert page.status_code == 200 and len(page.context["rows"]) == 25  # one page


def test_the_report_page_counts_deliveries_and_lists_failures_to_its_managers(
    login, staff, regional, national, outsider, institution
):
    report = ready_report(institution=institution)
    Delivery.objects.create(report=report, user=staff, status=Delivery.Status.SENT)
    Delivery.objects.create(report=report, user=national, status=Delivery.Status.QUEUED)
    Delivery.objects.create(
        report=report,
        user=regional,
        status=Delivery.Status.FAILED,
        attempts=4,
        last_error="SMTPException: 550",
    )
    for user in (staff, regional, national):
        text = login(user).get(report.get_absolute_url()).content.decode()
        assert "Emails to subscribers: 1 sent, 1 queued, 1 failed." in text
        assert "SMTPException: 550" in text and "Retry" in text
    assert login(outsider).get(report.get_absolute_url()).status_code == 404


def test_a_provisional_report_has_no_delivery_section(login, staff, institution):
    report = ready_report(institution=institution, provisional=True)
    assert "Delivery" not in login(staff).get(report.get_absolute_url()).content.decode()
    final = ready_report(institution=institution, edition=2)
    assert (
        "nobody who may see it had subscribed" in login(staff).get(final.get_absolute_url()).content.decode()
    )
