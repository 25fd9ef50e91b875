"""PlainSelect and the plain inputs write the same tags as Django's own widgets, only faster."""

from html import escape
from html.parser import HTMLParser

from django import forms

from portal.forms import (
    Choices,
    PlainCheckboxInput,
    PlainEmailInput,
    PlainSelect,
    PlainTextInput,
    escaped_all,
)

CHOICES = [("", "Any"), ("a", "Alpha & co"), ("Group", [("b", "Beta"), ("c", "<Gamma>")]),
           ("d", "Delta")]


class Parsed(HTMLParser):
    def __init__(self, html):
        super().__init__()
        self.items = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.items.append((tag, sorted(attrs)))

    def handle_data(self, data):
        if data.strip():
            self.items.append(("text", data))


def test_long_select_matches_djangos_select():
    attrs = {"id": "id_pick", "class": "form-select", "required": True}
    for value in [None, "", "a", "c", ["b"]]:
        ours = PlainSelect(choices=CHOICES).render("pick", value, attrs=attrs)
        django = forms.Select(choices=CHOICES).render("pick", value, attrs=attrs)
        assert Parsed(ours).items == Parsed(django).items, value
    assert "&lt;Gamma&gt;" in PlainSelect(choices=CHOICES).render("pick", "c")


def test_options_are_escaped_one_by_one_when_a_text_holds_the_joiner():
    texts = ["Alpha & co", "<b>", 'say "hi"']
    assert escaped_all(texts) == [escape(text) for text in texts]
    with_joiner = ["a\x00<b>", "c"]
    assert escaped_all(with_joiner) == ["a\x00&lt;b&gt;", "c"]
    assert escaped_all([]) == []


def test_choices_given_as_they_are_still_validate_and_render():
    class PickForm(forms.Form):
        pick = forms.ChoiceField(choices=[], widget=PlainSelect)

    form = PickForm({"pick": "b"})
    form.fields["pick"].choices = Choices([("a", "Alpha"), ("b", "B & b")])
    assert form.is_valid(), form.errors
    assert '<option value="b" selected>B &amp; b</option>' in str(form["pick"])
    refused = PickForm({"pick": "z"})
    refused.fields["pick"].choices = Choices([("a", "Alpha")])
    assert not refused.is_valid()


def test_plain_inputs_match_djangos_inputs():
    attrs = {"id": "id_word", "class": "form-control", "required": True,
             "aria-describedby": "id_word_error", "aria-invalid": "true", "hidden": False}
    pairs = [
        (PlainTextInput, forms.TextInput, {}),
        (PlainTextInput, forms.TextInput, {"type": "search", "placeholder": 'e.g. "MIBG" & <b>'}),
        (PlainEmailInput, forms.EmailInput, {"autocomplete": "email"}),
        (PlainCheckboxInput, forms.CheckboxInput, {"class": "form-check-input"}),
    ]
    for ours, djangos, own in pairs:
        for value in [None, "", "plain", 'a "quoted" <tag> & more', 4, True, False]:
            mine = ours(attrs=own).render("word", value, attrs=attrs)
            theirs = djangos(attrs=own).render("word", value, attrs=attrs)
            assert mine == theirs, (ours, value)
    typed = PlainTextInput().render("word", '"><script>alert(1)</script>')
    assert "<script>" not in typed
    assert "&quot;&gt;&lt;script&gt;" in typed
    assert " checked" in PlainCheckboxInput().render("consent", True)
    assert "checked" not in PlainCheckboxInput().render("consent", False)
