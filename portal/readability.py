"""How hard a text reads, as editors' other tools measure it (textstat's Flesch-Kincaid grade)."""

import re

import textstat

LINK = re.compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)")  # [text](address): only the text is read
MARKDOWN_SYNTAX = re.compile(r"[*_`#>\[\]()]")
MIN_WORDS = 10
LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(.*?)[.!?:;]?\s*$", re.M)


MAX_GRADE = 99.9


def flesch_kincaid_grade(text):
    """US school grade needed to read the text; None when there is too little text to tell."""
    # Each list item reads as a sentence of its own, with or without a full stop.
    text = LIST_ITEM.sub(r"\1.", LINK.sub(r"\1", text or ""))
    text = MARKDOWN_SYNTAX.sub(" ", text)
    if textstat.lexicon_count(text) < MIN_WORDS:
        return None
    # Held to MAX_GRADE: a text of one endless sentence (no full stop in thousands of words)
    # scores in the thousands, past what the field keeps, and is as hard to read at 99.9.
    return round(min(max(textstat.flesch_kincaid_grade(text), 0.0), MAX_GRADE), 1)
