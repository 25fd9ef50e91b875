from django import forms
from django.db import models

DATE_HELP = "YYYY-MM-DD, for example 2026-03-14"


class DateInput(forms.DateInput):
    """The browser's own date picker: a date, with no time and so no time-zone note."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


# Admin form fields for dates: the browser's date picker, and errors that name the format
# (a year such as 20255 or a 30 February is refused with this message).
ADMIN_DATE_FIELDS = {
    models.DateField: {
        "widget": DateInput,
        "error_messages": {"invalid": f"Enter a real date as {DATE_HELP}."},
    },
    models.DateTimeField: {
        "error_messages": {
            "invalid_date": f"Enter a real date as {DATE_HELP}.",
            "invalid_time": "Enter a time as HH:MM, for example 14:30.",
        },
    },
}
