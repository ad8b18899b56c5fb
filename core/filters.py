"""Filter pieces for the lists' django-filter FilterSets. A bad value in one filter drops that filter only
(django-filter applies the fields that cleaned), and a record chosen by an id no column holds is such a bad
value (core.forms.RecordChoiceField), never a server error."""

import django_filters

from core.forms import RecordChoiceField


class RecordFilter(django_filters.ModelChoiceFilter):
    field_class = RecordChoiceField
