"""Markdown fields have a length limit, and rendering pathological Markdown costs work in
proportion to its length, counted in executed lines of the renderer, not in seconds."""

import os
import sys

import markdown
import pytest
from django.urls import reverse

from portal import markdown as portal_markdown
from portal.markdown import MAX_MARKDOWN_LENGTH, render_markdown
from portal.tests.support import form_data
from trials.models import Trial
from trials.services import trials_import
from trials.tests.factories import make_trial, study_of

RENDERER_FILES = (os.path.dirname(markdown.__file__), portal_markdown.__file__)


def operations(text):
    """Lines of Python-Markdown and of portal.markdown executed to render `text`."""
    count = 0

    def count_lines(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
        return count_lines

    def in_renderer(frame, event, arg):
        return count_lines if frame.f_code.co_filename.startswith(RENDERER_FILES) else None

    previous = sys.gettrace()
    sys.settrace(in_renderer)
    try:
        render_markdown(text)
    finally:
        sys.settrace(previous)
    return count


def repeated(unit, length):
    return unit * (length // len(unit))


PATHOLOGICAL = [
    "[", "![", "[x ", "[a](", "[](", '[a]("', "[[a]]", "[a][", "[[", "<a ", "*[a]: b\n",
    "[^1]: x\n[^1]", "**a", "\n\n[",
]


@pytest.mark.parametrize("unit", PATHOLOGICAL)
def test_rendering_work_grows_in_proportion_to_the_length(unit):
    # Quadratic rendering does four times the work for twice the text (4,000 "[" were 12,000
    # lines per character against 90 now); proportional rendering does twice.
    small = operations(repeated(unit, 1000))
    large = operations(repeated(unit, 2000))
    assert large <= 2.5 * small
    assert large <= 300 * 2000


@pytest.mark.django_db
def test_a_summary_of_8000_brackets_imports_with_bounded_work():
    study = study_of("NCT03281889.json")
    study["protocolSection"].setdefault("descriptionModule", {})["briefSummary"] = "[" * 8000
    assert operations("[" * 8000) <= 300 * 8000
    result = trials_import(studies=[study])
    [trial] = result.created
    assert trial.brief_summary_html == "<p>" + "[" * 8000 + "</p>"


def test_lists_nested_thousands_deep_render_as_plain_text():
    html = render_markdown("1. " * 3000 + "<b>x</b>")
    assert html.startswith("<p>1. 1. 1. ")
    assert "&lt;b&gt;x&lt;/b&gt;" in html


@pytest.mark.parametrize(("text", "html"), [
    ("[a [b] c](https://example.org/x_(y))",
     '<p><a href="https://example.org/x_(y)" rel="noopener noreferrer">a [b] c</a></p>'),
    ('[site](https://example.org "The title")',
     '<p><a href="https://example.org" title="The title" rel="noopener noreferrer">site</a></p>'),
    ("[ref][r] and [r]\n\n[r]: https://example.org",
     '<p><a href="https://example.org" rel="noopener noreferrer">ref</a> and '
     '<a href="https://example.org" rel="noopener noreferrer">r</a></p>'),
    ("Ages < 18 and <b>bold</b>, a <lone tag",
     "<p>Ages &lt; 18 and <b>bold</b>, a &lt;lone tag</p>"),
    ("*[WHO]: World Health Organization\n\nThe WHO says",
     '<p>The <abbr title="World Health Organization">WHO</abbr> says</p>'),
])
def test_ordinary_links_tags_and_abbreviations_render_as_before(text, html):
    assert render_markdown(text) == html


def test_a_long_run_of_unclosed_tags_is_shown_as_text():
    html = render_markdown("<a " * 60)
    assert html.count("&lt;a") >= 10
    assert "<a" not in html


# Length limits ---------------------------------------------------------------------------------

@pytest.mark.django_db
def test_the_importer_refuses_an_over_long_markdown_field():
    study = study_of("NCT00973089.json")
    study["protocolSection"]["descriptionModule"]["briefSummary"] = "x" * (MAX_MARKDOWN_LENGTH + 1)
    result = trials_import(studies=[study])
    assert result.failed == [("NCT00973089", (
        "NCT00973089: the record does not fit (brief_summary: Ensure this value has at most "
        "20000 characters (it has 20001).)."))]
    assert not Trial.objects.exists()


@pytest.mark.django_db
def test_the_admin_refuses_an_over_long_plain_summary(client_a, coordinator_a):
    trial = make_trial("NCT00000001", [coordinator_a], status=Trial.Status.DRAFT)
    url = reverse("admin:trials_trial_change", args=[trial.pk])
    page = client_a.get(url)
    assert f'maxlength="{MAX_MARKDOWN_LENGTH}"' in page.content.decode()
    data = form_data(page, "trial_form")
    data["plain_summary"] = "y" * (MAX_MARKDOWN_LENGTH + 1)
    response = client_a.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["plain_summary"] == [
        "Ensure this value has at most 20000 characters (it has 20001)."]
    trial.refresh_from_db()
    assert trial.plain_summary == ""
