from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html

from newsletter.addresses import normalise
from newsletter.models import Subscriber, Topic
from portal.forms import (
    MarksInvalidForm,
    PlainCheckboxInput,
    PlainEmailInput,
    PlainTextInput,
)

CONSENT_WORDING = (
    "Yes, please email me the newsletter about the topics I chose. I know I can unsubscribe "
    "at any time with the link in every email."
)


class TopicsField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(
            queryset=Topic.objects.active(),
            label="I would like to learn more about ...",
            error_messages={"required": "Please choose at least one topic."},
            **kwargs,
        )

    def clean(self, value):
        # A number too large for the database would fail the query instead of the form.
        for pk in value if isinstance(value, list | tuple) else []:
            if not (isinstance(pk, str) and pk.isascii() and pk.isdigit() and len(pk) <= 18):
                raise ValidationError(self.error_messages["invalid_pk_value"],
                                      code="invalid_pk_value", params={"pk": pk})
        return super().clean(value)


class NewsletterEmailField(forms.EmailField):
    """An address in its one stored form (newsletter.addresses), refusing local hosts and IP
    addresses, which cannot be a subscriber's mailbox."""

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        try:
            return normalise(value)
        except ValidationError as error:
            if error.code == "invalid":
                raise ValidationError(self.error_messages["invalid"], code="invalid") from error
            raise


class SignupForm(MarksInvalidForm):
    """Rendered field by field in templates/newsletter/includes/signup_fields.html; the
    inputs carry their Bootstrap classes here."""

    email = NewsletterEmailField(
        label="Your email address", max_length=254,
        widget=PlainEmailInput(attrs={"autocomplete": "email",
                                     "class": "emailinput form-control"}),
        error_messages={"invalid": "Please enter a whole email address, like name@example.org.",
                        "required": "Please enter your email address."},
    )
    topics = TopicsField()
    consent = forms.BooleanField(
        label=CONSENT_WORDING,
        widget=PlainCheckboxInput(attrs={"class": "checkboxinput form-check-input"}),
        error_messages={"required": "Please tick this box so we may email you."},
    )
    # A trap for bots: hidden from people and their assistive technology (portal.css).
    website = forms.CharField(
        label="Leave this field empty", required=False,
        widget=PlainTextInput(attrs={"tabindex": "-1", "autocomplete": "off",
                                    "class": "textinput form-control"}),
    )

    consent_wording = CONSENT_WORDING
    # How the list of mistakes names a field whose label is a sentence or a question.
    summary_labels = {"topics": "Topics", "consent": "Your consent"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in self.summary_labels.items():
            self.fields[name].summary_label = label
        self.fields["consent"].help_text = format_html(
            'We use your address only to send this newsletter. Our <a href="{}">privacy '
            "notice</a> says what we keep, for how long, and how to leave.",
            reverse("pages:privacy"),
        )

    def is_bot(self):
        return bool(self.data.get("website"))


class PreferencesForm(forms.ModelForm):
    topics = TopicsField()

    class Meta:
        model = Subscriber
        fields = ["topics"]
