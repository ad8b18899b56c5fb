"""A choice of record by id that no integer column can hold is an invalid choice, not a server error.

Django's model choice fields look the posted id up in the database. On SQLite (the embedded database of
`make run`) an id beyond 64 bits makes the driver raise OverflowError while binding the query, which Django
does not catch (it catches ValueError and TypeError), so a tampered form answered 500. PostgreSQL is not
affected. Every form of the project uses these two fields, so the check is added to them once, at start-up,
rather than to each form; the Hypothesis sweep (tests/config/test_garbage_input.py) holds it.
"""

from __future__ import annotations

import functools

from django import forms
from django.core.exceptions import ValidationError

_LARGEST = 2**63 - 1


def _too_large(value) -> bool:
    try:
        return abs(int(str(value).strip())) > _LARGEST
    except (TypeError, ValueError):
        return False


def install() -> None:
    single = forms.ModelChoiceField.to_python
    several = forms.ModelMultipleChoiceField._check_values

    @functools.wraps(single)
    def to_python(self, value):
        if value not in self.empty_values and _too_large(value):
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            )
        return single(self, value)

    @functools.wraps(several)
    def _check_values(self, value):
        for pk in value if isinstance(value, list | tuple | set) else []:
            if _too_large(pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return several(self, value)

    forms.ModelChoiceField.to_python = to_python
    forms.ModelMultipleChoiceField._check_values = _check_values
