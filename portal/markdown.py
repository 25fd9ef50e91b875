"""Markdown to safe HTML: every editable rich text goes through render_markdown."""

import re
import string

import markdown
import nh3
from django.core.validators import MaxLengthValidator
from django.utils.html import escape
from markdown import inlinepatterns
from markdown.extensions import Extension

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "ul", "ol", "li", "a", "blockquote", "code",
    "pre", "h3", "h4", "h5", "table", "thead", "tbody", "tr", "th", "td", "sup", "sub", "abbr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}

# The longest text a Markdown field takes: far above any real summary or eligibility text
# (the registry's own limit for eligibility criteria is 20,000 characters).
MAX_MARKDOWN_LENGTH = 20_000
markdown_length = MaxLengthValidator(MAX_MARKDOWN_LENGTH)

# Python-Markdown's "extra" without footnotes (many references to one footnote took time
# growing with the square of their number), sane lists, and bounded links.
EXTENSIONS = ["abbr", "attr_list", "def_list", "fenced_code", "md_in_html", "tables",
              "sane_lists", "portal.markdown:BoundedLinks"]

# How far a link's [text] or (destination "title") may reach, in characters, and how many
# brackets, parentheses or quotes it may hold. Python-Markdown looks for the end of a link
# from every "[" to the end of the text, so thousands of unclosed brackets took seconds
# (time growing with the square of the length); within these bounds every "[" costs at most
# a fixed amount of work.
LINK_SPAN = 2_000
LINK_MARKS = 20
LINK_DEPTH = 4  # [text [with [nested]] brackets]
BRACKETS = re.compile(r"[\[\]]")
DESTINATION_MARKS = re.compile(r"""[()'"]""")
# Two more inputs whose cost grew with the square of their number, neutralised beyond the
# first 50 before rendering: a "<" opening a tag that never closes (the HTML parser looked for
# its end from every one) and abbreviation definitions (each one re-read the rest of its
# block). Below that number nothing changes, so code that shows a lone "<" stays as it is.
UNCLOSED_TAG = re.compile(r"<(?=[A-Za-z/!?][^<>]*(?:<|\Z))")
ABBREVIATION = re.compile(r"^\*\[", re.MULTILINE)
MAX_REPEATS = 50


class BoundedLink:
    """Python-Markdown's link text and destination search, within LINK_SPAN and LINK_MARKS."""

    def getText(self, data, index):
        depth = 1
        marks = BRACKETS.finditer(data, index, index + LINK_SPAN)
        for _, mark in zip(range(LINK_MARKS), marks, strict=False):
            depth += 1 if mark.group() == "[" else -1
            if depth == 0:
                return data[index:mark.start()], mark.end(), True
            if depth > LINK_DEPTH:
                break
        return "", index, False

    def getLink(self, data, index):
        end = min(len(data), index + LINK_SPAN)
        for count, mark in enumerate(DESTINATION_MARKS.finditer(data, index, end)):
            if count == LINK_MARKS:
                end = mark.start()
                break
        href, title, stop, handled = super().getLink(data[index:end], 0)
        return href, title, index + stop, handled


class Reference(BoundedLink, inlinepatterns.ReferenceInlineProcessor):
    pass


class Link(BoundedLink, inlinepatterns.LinkInlineProcessor):
    pass


class Image(BoundedLink, inlinepatterns.ImageInlineProcessor):
    pass


class ImageReference(BoundedLink, inlinepatterns.ImageReferenceInlineProcessor):
    pass


class ShortReference(BoundedLink, inlinepatterns.ShortReferenceInlineProcessor):
    pass


class ShortImageReference(BoundedLink, inlinepatterns.ShortImageReferenceInlineProcessor):
    pass


class BoundedLinks(Extension):
    """Link processors bounded as above, under the names and priorities Python-Markdown
    gives its own."""

    PROCESSORS = [
        (Reference, inlinepatterns.REFERENCE_RE, "reference", 170),
        (Link, inlinepatterns.LINK_RE, "link", 160),
        (Image, inlinepatterns.IMAGE_LINK_RE, "image_link", 150),
        (ImageReference, inlinepatterns.IMAGE_REFERENCE_RE, "image_reference", 140),
        (ShortReference, inlinepatterns.REFERENCE_RE, "short_reference", 130),
        (ShortImageReference, inlinepatterns.IMAGE_REFERENCE_RE, "short_image_ref", 125),
    ]

    def extendMarkdown(self, md):
        for processor, pattern, name, priority in self.PROCESSORS:
            md.inlinePatterns.register(processor(pattern, md), name, priority)


def neutralised(text):
    """The text with unclosed tags and abbreviation definitions beyond the first
    MAX_REPEATS of each written as plain text."""
    text = after_first(MAX_REPEATS, UNCLOSED_TAG, "&lt;", text)
    return after_first(MAX_REPEATS, ABBREVIATION, "\\*[", text)


def after_first(limit, pattern, replacement, text):
    """Replace the matches of `pattern` in `text`, except the first `limit` of them."""
    seen = 0

    def replace(match):
        nonlocal seen
        seen += 1
        return match.group() if seen <= limit else replacement

    return pattern.sub(replace, text)


def render_markdown(text):
    """Render Markdown, then keep only harmless tags, attributes and link schemes."""
    renderer = markdown.Markdown(extensions=EXTENSIONS, output_format="html")
    # Any punctuation may be escaped with a backslash, as in CommonMark (the registry's
    # eligibility text escapes < and ^ that way).
    renderer.ESCAPED_CHARS = list(string.punctuation)
    try:
        html = renderer.convert(neutralised(text or ""))
    except RecursionError:  # lists or quotes nested thousands deep: shown as plain text
        html = "".join(f"<p>{escape(part)}</p>" for part in (text or "").split("\n\n"))
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
