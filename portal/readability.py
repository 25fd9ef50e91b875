"""Flesch-Kincaid grade level of English text, so editors can see how hard a section reads."""

import re

WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
SENTENCE_END = re.compile(r"[.!?]+(?:\s|$)|\n\s*\n|\n\s*[-*]\s")
VOWEL_GROUPS = re.compile(r"[aeiouy]+")


def syllables(word):
    word = word.lower()
    count = len(VOWEL_GROUPS.findall(word))
    if word.endswith("e") and not word.endswith(("le", "ee", "ye")) and count > 1:
        count -= 1  # a silent final e: "stage", "bone"
    if word.endswith(("ed", "es")) and not word.endswith(("ted", "ded", "ses", "zes", "ces")):
        count -= 1 if count > 1 else 0
    return max(count, 1)


def flesch_kincaid_grade(text):
    """US school grade needed to read the text; None when there is too little text."""
    text = re.sub(r"[*_`#>\[\]()]", " ", text or "")
    words = WORD.findall(text)
    if len(words) < 10:
        return None
    sentences = max(1, len([s for s in SENTENCE_END.split(text) if WORD.search(s)]))
    total_syllables = sum(syllables(word) for word in words)
    grade = 0.39 * len(words) / sentences + 11.8 * total_syllables / len(words) - 15.59
    return round(max(grade, 0.0), 1)
