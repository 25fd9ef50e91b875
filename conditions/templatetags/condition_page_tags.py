import re
from html.parser import HTMLParser

from django import template
from django.utils.text import slugify

from conditions.models import Section

register = template.Library()

VOID_TAGS = {"br", "hr", "img", "wbr"}
# Words that mark a sign as one to act on at once, not at the next visit.
URGENT = re.compile(r"\b(right away|immediately|at once|urgent(ly)?|emergency|call 911)\b", re.I)


class _Blocks(HTMLParser):
    """The paragraphs and list items of sanitised HTML as plain text, in order:
    (text, number of the top-level list it is in, or None for a paragraph). The text of a
    popover (a glossary explanation) is left out."""

    def __init__(self):
        super().__init__()
        self.blocks = []
        self.open = []
        self.lists = 0
        self.depth = 0
        self.in_popover = 0

    def handle_starttag(self, tag, attrs):
        if self.in_popover or any(name == "popover" for name, _ in attrs):
            self.in_popover += tag not in VOID_TAGS
            return
        if tag in {"ul", "ol"}:
            self.depth += 1
            self.lists += self.depth == 1
        elif tag in {"p", "li"}:
            self.open.append(([], self.lists if self.depth else None))

    def handle_endtag(self, tag):
        if self.in_popover:
            self.in_popover -= 1
            return
        if tag in {"ul", "ol"}:
            self.depth = max(self.depth - 1, 0)
        elif tag in {"p", "li"} and self.open:
            parts, list_no = self.open.pop()
            text = " ".join("".join(parts).split())
            if text:
                self.blocks.append((text, list_no))

    def handle_data(self, data):
        if self.open and not self.in_popover:
            self.open[-1][0].append(data)


def _blocks(html):
    parser = _Blocks()
    parser.feed(html or "")
    parser.close()
    return parser.blocks


@register.simple_tag
def urgent_signs(sections):
    """The signs to get help for right away, picked from the "When to see a doctor" section:
    each paragraph or list item that says to act right away (or at once, urgently, in an
    emergency, call 911), with the list that follows a lead sentence ending in a colon, and
    everything under a subsection whose heading says so. Returns {"section", "signs"} with
    signs as [{"text", "items"}], or None when there are none."""
    for section in sections:
        if section.kind != Section.Kind.WHEN_TO_SEE_DOCTOR:
            continue
        signs = []
        parts = [("", section.body_html)]
        parts += [(sub.heading, sub.body_html) for sub in section.subsections.all()]
        for heading, html in parts:
            everything = bool(URGENT.search(heading))
            follow, expecting = None, False
            for text, list_no in _blocks(html):
                if list_no is not None and signs and (list_no == follow or expecting):
                    follow, expecting = list_no, False
                    signs[-1]["items"].append(text)
                    continue
                follow, expecting = None, False
                if everything or URGENT.search(text):
                    signs.append({"text": text, "items": []})
                    expecting = text.endswith(":")
        if signs:
            return {"section": section, "signs": signs}
    return None


@register.simple_tag
def subsection_headed(section, heading):
    """The section's subsection with this heading (case and punctuation aside), or None: where
    a structured list such as "Treatment by category" goes when editors wrote an intro for it."""
    wanted = slugify(heading)
    for subsection in section.subsections.all():
        if slugify(subsection.heading) == wanted:
            return subsection
    return None
