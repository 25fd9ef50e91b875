import unicodedata
from html import escape

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.utils import flatatt
from django.utils.choices import BaseChoiceIterator
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from PIL import Image

from portal.querysets import built_once
from portal.templatetags.layout_tags import tel_url

DATE_HELP = "YYYY-MM-DD, for example 2026-03-14"
# Joins the texts escaped in one pass (escaped_all): escape() leaves it as it is, and no text
# from the database holds it (PostgreSQL refuses it in text).
JOINER = "\x00"


class DateInput(forms.DateInput):
    """The browser's own date picker: a date, with no time and so no time-zone note."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class ImageField(forms.ImageField):
    """Django's image field, saying plainly when a picture has too many pixels to be opened
    safely (Pillow refuses to decode it) rather than that it is no valid image."""

    def to_python(self, data):
        try:
            return super().to_python(data)
        except ValidationError:
            if data is not None and too_many_pixels(data):
                raise ValidationError(
                    "This image has too many pixels to be opened safely. Please upload one at "
                    f"most {settings.MAX_IMAGE_SIDE} pixels on its longest side.",
                    code="invalid_image") from None
            raise


def too_many_pixels(file):
    """Whether Pillow refuses to open the image as too large to decode (it reads only the
    header to tell)."""
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        with Image.open(file):
            return False
    except Image.DecompressionBombError:
        return True
    except Exception:  # not an image at all: Django's message stands
        return False
    finally:
        file.seek(position)


# Admin form fields for dates: the browser's date picker, and errors that name the format
# (a year such as 20255 or a 30 February is refused with this message). Images: ImageField.
ADMIN_DATE_FIELDS = {
    models.ImageField: {"form_class": ImageField},
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


def escaped_all(texts):
    """Each text HTML-escaped (the standard library's escape on plain strings), in one pass
    over them all: for a thousand options, a call for each costs more than the rest of the
    select."""
    parts = escape(JOINER.join(texts)).split(JOINER)
    if len(parts) != len(texts):  # a text held the joiner itself: one at a time
        return [escape(text) for text in texts]
    return parts


class PlainSelect(forms.Select):
    """A select whose options are plain text written in Python, not each through a
    template, which is a hundred times faster: for long lists (a thousand conditions), and
    for the short ones beside them on busy pages. Options carry no attrs; their values and
    labels are escaped here."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        options = []
        for group_name, group_choices in self._groups():
            keys = [key for key, _ in group_choices]
            rows = "".join(
                f'<option value="{key}"{" selected" if raw in chosen else ""}>{label}</option>'
                for raw, key, label in zip(keys, escaped_all(keys),
                                           escaped_all([label for _, label in group_choices]),
                                           strict=True)
            )
            options.append(f'<optgroup label="{escape(group_name)}">{rows}</optgroup>'
                           if group_name else rows)
        final_attrs = self.build_attrs(self.attrs, attrs)
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(final_attrs),
                           mark_safe("".join(options)))

    def _groups(self):
        loose = []
        for key, label in self.choices:
            if isinstance(label, (list, tuple)):
                if loose:
                    yield "", loose
                    loose = []
                yield key, [(str(k), str(v)) for k, v in label]
            else:
                loose.append(("" if key is None else str(key), str(label)))
        if loose:
            yield "", loose


def printable(text):
    """Typed words as searched: in their compatibility form (NFKC: fullwidth letters as
    plain ones), an invisible formatting character (a soft hyphen or a zero-width space
    pasted with the words) dropped, so "neuro\u00adblastoma" is one word; any other control
    or separator character (a tab, a null byte) read as a space."""
    return "".join(
        "" if category == "Cf" else " " if category[0] in "CZ" else char
        for char, category in ((char, unicodedata.category(char))
                               for char in unicodedata.normalize("NFKC", text)))


class PlainInputMixin:
    """An input written in Python rather than through Django's widget templates (the same
    tag: its type, name, value and attrs, each escaped), for the public forms of busy pages:
    the newsletter signup on every condition page, the trial filters."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        # What was typed, but control characters (a null byte cannot be in a page).
        shown = "" if widget["value"] is None else format_html(' value="{}"', "".join(
            char for char in str(widget["value"]) if unicodedata.category(char) != "Cc"))
        # In their order, as django/forms/widgets/attrs.html writes them: True alone, False
        # left out.
        written = mark_safe("".join(
            f" {conditional_escape(key)}" if item is True
            else f' {conditional_escape(key)}="{conditional_escape(item)}"'
            for key, item in widget["attrs"].items() if item is not False
        ))
        return format_html('<input type="{}" name="{}"{}{}>', widget["type"], name, shown,
                           written)


class PlainTextInput(PlainInputMixin, forms.TextInput):
    pass


class PlainEmailInput(PlainInputMixin, forms.EmailInput):
    pass


class PlainCheckboxInput(PlainInputMixin, forms.CheckboxInput):
    pass


class MarksInvalidBoundField(forms.BoundField):
    """A field whose input, when the field has errors, also gets Bootstrap's is-invalid class
    (Django already adds aria-invalid and links the errors with aria-describedby)."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        if self.errors:
            classes = attrs.get("class") or (widget or self.field.widget).attrs.get("class", "")
            attrs["class"] = f"{classes} is-invalid".strip()
        return attrs


class MarksInvalidForm(forms.Form):
    """A form written out field by field in its template, with Bootstrap's markup."""

    bound_field_class = MarksInvalidBoundField


@built_once
def published_names(model):
    return model.objects.published().order_by("name", "pk").values_list("slug", "name")


class Choices(BaseChoiceIterator):
    """Choices already as Django keeps them, (value, label) pairs of strings: a form field
    takes them as they are, where it would check every pair of a list again each time the
    list is read (to validate, to render), which costs much for a thousand."""

    def __init__(self, pairs):
        self.pairs = pairs

    def __iter__(self):
        return iter(self.pairs)

    def __len__(self):
        return len(self.pairs)


def published_choices(model):
    """(slug, name) of every published item of a model, by name: the options of a select
    that offers all of them (a condition, a care site)."""
    return Choices(list(published_names(model)))


class PhoneCheckedForm(forms.ModelForm):
    """An admin form whose phone number, when typed or changed, must be one the site can dial
    (its tel: link): "abc" or a number a digit short is refused. A number kept as it came
    (a trial contact from the registry, however it is written) is left alone."""

    def clean_phone(self):
        value = self.cleaned_data.get("phone", "")
        if value and "phone" in self.changed_data and not tel_url(value):
            raise ValidationError(
                "Enter a phone number that can be dialled, such as 415-476-3831 or "
                "+44 20 7946 0000 (an extension after it, as in 415-476-3831 ext. 2).")
        return value
