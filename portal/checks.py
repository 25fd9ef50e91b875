"""Checks an item should pass before it is published, shared by the content models."""

from html.parser import HTMLParser

MAX_READING_GRADE = 8


class _LinksAndImages(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []
        self.images_without_alt = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"].strip())
        elif tag == "img" and not (attrs.get("alt") or "").strip():
            self.images_without_alt += 1


def text_checks(name, html, *, grade=None, anchors=frozenset()):
    """Problems in one piece of rendered text: reading grade, images without a description,
    links that are not https or point to a missing anchor on the page."""
    problems = []
    if grade is not None and grade > MAX_READING_GRADE:
        problems.append(f"{name} reads at grade {grade}: aim for {MAX_READING_GRADE} or lower.")
    parser = _LinksAndImages()
    parser.feed(html or "")
    if parser.images_without_alt:
        problems.append(f"{name} has an image without a description.")
    for href in parser.links:
        if href.startswith("http://"):
            problems.append(f"{name} links to {href}: use an https address.")
        elif href.startswith("#") and href[1:] not in anchors:
            problems.append(f"{name} links to {href}, which is not on this page.")
    return problems
