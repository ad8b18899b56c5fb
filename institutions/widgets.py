"""Form widgets every app shares (this app sits at the bottom of the layout, so all may import it)."""

from django import forms


class DateInput(forms.DateInput):
    """The browser's date picker; ISO format both ways, whatever the language."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)
