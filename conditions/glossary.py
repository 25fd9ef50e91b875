"""Glossary terms marked where a page first uses them, over HTML that is already sanitised.

The marker rewrites only text between tags: tags and attributes are copied as written, and
text inside links, headings, buttons, bold lead-ins and code is left alone. Each term is
explained once per page, at its first use, by a button that opens a popover (the HTML
`popover` attribute, so it works without JavaScript) with the definition and a link to the
glossary page.
"""

import re
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape, unescape
from itertools import pairwise

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

WORD = re.compile(r"\w+")
# What may stand between the words of a term written as several words.
SEPARATOR = re.compile(r"[\s\u00a0-]+")
# Text inside these elements is never marked (it is a link, a heading or already emphasised).
SKIP = {
    "a", "abbr", "b", "button", "code", "dfn", "h1", "h2", "h3", "h4", "h5", "h6", "label",
    "pre", "script", "select", "strong", "style", "summary", "textarea", "title",
}
CHECKBOX = "\u2610"


def words_of(text):
    """The words of a text, case-folded: how terms and page text are compared."""
    return tuple(word.casefold() for word in WORD.findall(text))


def exact_words(text):
    """For each word of a text, the word itself when it is an acronym (PET, CT), which must
    then match in capitals, or None when any case matches (pet, Pet)."""
    return tuple(
        word if len(word) > 1 and word.isupper() else None for word in WORD.findall(text)
    )


def plural(word):
    if not word.isalpha() or len(word) < 3:
        return None
    if word.endswith("y") and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    return word + "s"


@dataclass(frozen=True)
class Term:
    slug: str
    term: str
    definition: str

    @property
    def element_id(self):
        # A colon never appears in a slugified heading anchor, so this id cannot collide.
        return f"glossary:{self.slug}"


@dataclass
class Glossary:
    """The live terms of one page view, and which of them the page has explained so far."""

    # first word -> [(words, exact words, Term)], longest first
    index: dict = field(default_factory=dict)
    seen: set = field(default_factory=set)
    page_url: str = ""
    size: int = 0

    @classmethod
    def from_rows(cls, rows):
        """rows: (slug, term, definition, other forms) as GlossaryTerm.objects.for_marking()."""
        index, size = build_index(tuple(rows))
        return cls(index=index, page_url=reverse("glossary:term-list"), size=size)

    def mark(self, html, *, checklist=False):
        """The HTML with the first use of each term not yet explained on the page marked."""
        marker = _Marker(self, checklist=checklist)
        marker.feed(html or "")
        # Tags are copied from sanitised input; all text is escaped or built by format_html.
        return mark_safe("".join(marker.out))

    def mark_text(self, text):
        if len(self.seen) >= self.size:
            return escape(text, quote=False)
        tokens = list(WORD.finditer(text))
        out, position, i, index = [], 0, 0, self.index
        while i < len(tokens):
            # Most words start no term: looked up here, without a call for each.
            match = (self._match(text, tokens, i) if tokens[i].group().casefold() in index
                     else None)
            if match is None:
                i += 1
                continue
            term, length = match
            start, end = tokens[i].start(), tokens[i + length - 1].end()
            out.append(escape(text[position:start], quote=False))
            out.append(self.explain(term, text[start:end]))
            self.seen.add(term.slug)
            position, i = end, i + length
        out.append(escape(text[position:], quote=False))
        return "".join(out)

    def _match(self, text, tokens, i):
        for words, exact, term in self.index.get(tokens[i].group().casefold(), ()):
            if term.slug in self.seen or i + len(words) > len(tokens):
                continue
            found = tokens[i:i + len(words)]
            if all(
                token.group().casefold() == word and exact_word in (None, token.group())
                for token, word, exact_word in zip(found, words, exact, strict=True)
            ) and all(
                SEPARATOR.fullmatch(text[previous.end():token.start()])
                for previous, token in pairwise(found)
            ):
                return term, len(words)
        return None

    def explain(self, term, shown):
        return format_html(
            '<button type="button" class="glossary-term bg-transparent border-0 p-0 '
            'text-reset text-decoration-underline" popovertarget="{id}">{shown}</button>'
            '<span class="glossary-popover bg-body text-body border rounded-3 shadow p-3 '
            'col-11 col-md-6 col-lg-4" id="{id}" popover><button type="button" '
            'class="glossary-popover__close btn-close" popovertarget="{id}" '
            'popovertargetaction="hide" aria-label="Close"></button><strong>{term}:</strong> '
            '{definition} <a href="{url}#term-{slug}">{term} and other words in the '
            'glossary</a></span>',
            id=term.element_id, shown=shown, term=term.term, definition=term.definition,
            url=self.page_url, slug=term.slug,
        )


@lru_cache(maxsize=8)
def build_index(rows):
    """The lookup table of a set of terms, shared (read-only) by every page view that has the
    same terms, so a page pays only for reading the terms, not for indexing them again."""
    index = {}
    for slug, name, definition, other_forms in rows:
        term = Term(slug, name, definition)
        variants = set()
        for form in [name, *other_forms.splitlines()]:
            words, exact = words_of(form), exact_words(form)
            if not words:
                continue
            variants.add((words, exact))
            if (last := plural(words[-1])) is not None:
                suffix = last[len(words[-1]):]
                exact_last = exact[-1] and exact[-1] + suffix
                variants.add(((*words[:-1], last), (*exact[:-1], exact_last)))
        for words, exact in variants:
            index.setdefault(words[0], []).append((words, exact, term))
    for candidates in index.values():
        candidates.sort(key=lambda candidate: -len(candidate[0]))
    return index, len(rows)


# What the marker tells apart in HTML: a comment, a declaration or processing instruction
# (dropped), an end tag, or a start tag (attribute values may hold ">" inside quotes); the
# text between them is text. A "<" that starts none of these is text too.
TOKEN = re.compile(
    r"""<!--.*?(?:-->|\Z)|<[!?][^>]*>?"""
    r"""|</([a-zA-Z][^\s/>]*)[^>]*>"""
    r"""|<([a-zA-Z][^\s/>]*)((?:[^>"']|"[^"]*"|'[^']*')*)>""",
    re.DOTALL,
)
# Elements whose content is raw text up to their end tag, not markup.
RAW_TEXT = {"script", "style"}


class _Marker:
    """Copies HTML tag by tag, marking terms in its text. A small tokenizer rather than the
    standard library's HTMLParser: the HTML is sanitised (well formed, no scripts), and
    parsing it took most of the marking's time on a long page."""

    def __init__(self, glossary, *, checklist):
        self.glossary = glossary
        self.checklist = checklist
        self.out = []
        self.skipping = 0
        self.list_depth = 0

    def feed(self, html):
        position = 0
        while (found := TOKEN.search(html, position)) is not None:
            if found.start() > position:
                self.handle_data(unescape(html[position:found.start()]))
            position = found.end()
            end_tag, start_tag, attributes = found.groups()
            if end_tag is not None:
                self.handle_endtag(end_tag.lower())
            elif start_tag is not None:
                tag = start_tag.lower()
                if attributes.rstrip().endswith("/"):
                    self.out.append(found.group())
                    continue
                self.handle_starttag(tag, found.group())
                if tag in RAW_TEXT:  # its content as written, up to its end tag
                    close = re.compile(rf"</{tag}\s*>", re.IGNORECASE).search(html, position)
                    stop = close.start() if close else len(html)
                    self.out.append(html[position:stop])
                    position = stop
        if position < len(html):
            self.handle_data(unescape(html[position:]))

    def handle_starttag(self, tag, text):
        if self.checklist and tag in {"ul", "ol"}:
            self.list_depth += 1
            if self.list_depth == 1:
                self.out.append(f'<{tag} class="question-checklist list-unstyled">')
                return
        self.out.append(text)
        if tag in SKIP:
            self.skipping += 1
        if self.checklist and tag == "li" and self.list_depth == 1:
            self.out.append(
                f'<span class="question-checklist__box" aria-hidden="true">{CHECKBOX}</span> '
            )

    def handle_endtag(self, tag):
        if tag in SKIP and self.skipping:
            self.skipping -= 1
        if self.checklist and tag in {"ul", "ol"} and self.list_depth:
            self.list_depth -= 1
        self.out.append(f"</{tag}>")

    def handle_data(self, data):
        if self.skipping:
            self.out.append(escape(data, quote=False))
        else:
            self.out.append(self.glossary.mark_text(data))
