"""Glossary explanations in real Chromium: they open from the keyboard without JavaScript,
and a printed page leaves them closed while the questions checklist keeps its boxes."""

import pytest

from conditions.models import Condition, Section
from conditions.tests.factories import make_glossary_term

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def condition_url(live_server):
    make_glossary_term("Biopsy", "Taking a small sample of tissue to look at.")
    condition = Condition.objects.create(name="Neuroblastoma", slug="neuroblastoma",
                                         summary="A summary.",
                                         status=Condition.Status.PUBLISHED)
    condition.sections.create(order=0, heading="Diagnosis", body="A biopsy confirms it.")
    condition.sections.create(order=1, heading="Questions", kind=Section.Kind.QUESTIONS,
                              body="- Why a biopsy?\n- What next?")
    return f"{live_server.url}{condition.get_absolute_url()}"


def test_a_term_opens_from_the_keyboard_without_javascript(browser, condition_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(condition_url)
    explanation = page.locator('[id="glossary:biopsy"]')
    assert not explanation.is_visible()
    page.locator("button.glossary-term").focus()
    page.keyboard.press("Enter")
    assert explanation.is_visible()
    assert "Taking a small sample of tissue to look at." in explanation.inner_text()
    page.keyboard.press("Escape")
    assert not explanation.is_visible()
    context.close()


def test_an_explanation_closes_when_the_keyboard_moves_past_it(page, condition_url):
    page.goto(condition_url)
    explanation = page.locator('[id="glossary:biopsy"]')
    page.locator("button.glossary-term").focus()
    page.keyboard.press("Enter")
    assert explanation.is_visible()
    page.keyboard.press("Tab")  # into it: its close button
    assert explanation.is_visible()
    page.keyboard.press("Tab")  # its link to the glossary
    assert explanation.is_visible()
    page.keyboard.press("Tab")  # past it
    assert not explanation.is_visible()


def test_printing_leaves_out_explanations_and_keeps_the_checklist_boxes(page, condition_url):
    page.emulate_media(media="print")
    page.goto(condition_url)
    assert not page.locator('[id="glossary:biopsy"]').is_visible()
    assert page.locator("button.glossary-term").inner_text() == "biopsy"
    boxes = page.locator(".question-checklist .question-checklist__box")
    assert boxes.count() == 2
    assert boxes.first.is_visible()
