"""Choosing a record by id (core.forms): an id no integer column can hold is an invalid choice with a clear
message, never a server error, on SQLite (where the driver overflows) and on PostgreSQL alike; without any
patch of Django's own fields."""

import pytest
from django import forms
from django.urls import reverse

from core.forms import ModelForm, RecordChoiceField, RecordMultipleChoiceField
from inmates.models import Admission
from institutions.models import Institution

HUGE = "9" * 30


class SpellForm(ModelForm):
    class Meta:
        model = Admission
        fields = ["institution"]


@pytest.mark.django_db
def test_a_model_forms_foreign_key_refuses_a_huge_id(institution):
    assert isinstance(SpellForm().fields["institution"], RecordChoiceField)
    for value in (HUGE, f"-{HUGE}", " " + HUGE):
        form = SpellForm(data={"institution": value})
        assert not form.is_valid()
        assert form.errors["institution"].as_data()[0].code == "invalid_choice"
    assert SpellForm(data={"institution": institution.pk}).is_valid()


@pytest.mark.django_db
def test_declared_fields_refuse_huge_ids(institution):
    one = RecordChoiceField(queryset=Institution.objects.all())
    several = RecordMultipleChoiceField(queryset=Institution.objects.all())
    with pytest.raises(forms.ValidationError):
        one.clean(HUGE)
    with pytest.raises(forms.ValidationError):
        several.clean([str(institution.pk), HUGE])
    assert one.clean(str(institution.pk)) == institution
    assert list(several.clean([str(institution.pk)])) == [institution]
    with pytest.raises(forms.ValidationError):
        one.clean("not a number")


def test_djangos_own_fields_are_left_as_they_are():
    assert forms.ModelChoiceField.to_python.__module__ == "django.forms.models"
    assert forms.ModelMultipleChoiceField._check_values.__module__ == "django.forms.models"


@pytest.mark.django_db
def test_the_wbp_list_and_the_admin_take_a_huge_id_calmly(login, staff, national, admin_client):
    response = login(staff).get(reverse("inmates:admission-list"), {"institution": HUGE})
    assert response.status_code == 200  # the bad filter is dropped
    response = admin_client.post(
        reverse("admin:accounts_membership_add"), {"user": HUGE, "role": "upt_staff", "institution": HUGE}
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["user"].as_data()[0].code == "invalid_choice"
    assert errors["institution"].as_data()[0].code == "invalid_choice"
