"""An id too large for any integer column is an invalid choice on every database (SQLite answered 500)."""

import pytest
from django import forms

from institutions.models import Institution

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999999999"


class _Pick(forms.Form):
    one = forms.ModelChoiceField(queryset=Institution.objects.all())
    several = forms.ModelMultipleChoiceField(queryset=Institution.objects.all())


def test_a_huge_id_is_an_invalid_choice(institution):
    form = _Pick({"one": HUGE, "several": [str(institution.pk)]})
    assert not form.is_valid()
    assert form.errors["one"] and "several" not in form.errors


def test_a_huge_id_among_several_is_an_invalid_choice(institution):
    form = _Pick({"one": str(institution.pk), "several": [str(institution.pk), HUGE]})
    assert not form.is_valid()
    assert form.errors["several"] and "one" not in form.errors


def test_ordinary_ids_still_work(institution):
    form = _Pick({"one": str(institution.pk), "several": [str(institution.pk)]})
    assert form.is_valid(), form.errors
