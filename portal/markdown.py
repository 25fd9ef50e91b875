"""Markdown to safe HTML: every editable rich text goes through render_markdown."""

import string

import markdown
import nh3

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "ul", "ol", "li", "a", "blockquote", "code",
    "pre", "h3", "h4", "h5", "table", "thead", "tbody", "tr", "th", "td", "sup", "sub", "abbr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def render_markdown(text):
    """Render Markdown, then keep only harmless tags, attributes and link schemes."""
    renderer = markdown.Markdown(extensions=["extra", "sane_lists"], output_format="html")
    # Any punctuation may be escaped with a backslash, as in CommonMark (the registry's
    # eligibility text escapes < and ^ that way).
    renderer.ESCAPED_CHARS = list(string.punctuation)
    html = renderer.convert(text or "")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
