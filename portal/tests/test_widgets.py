"""PlainSelect writes the same select as Django's own widget, only faster."""

from html.parser import HTMLParser

from django import forms

from portal.forms import PlainSelect

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
