"""The condition page on a phone (360 x 740) and a desktop (1280 x 800), and on paper."""

import re

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
CONDITION = "/conditions/neuroblastoma/"
# Printed on Letter paper before the print layout, the neuroblastoma page took 18 pages.
PRINTED_PAGES_BEFORE = 18


@pytest.fixture
def demo_site(live_server):
    call_command("load_demo", verbosity=0)
    return live_server.url


@pytest.fixture
def open_page(browser):
    contexts = []

    def open_page(url, viewport, **options):
        context = browser.new_context(viewport=viewport, **options)
        contexts.append(context)
        page = context.new_page()
        page.goto(url)
        return page

    yield open_page
    for context in contexts:
        context.close()


def box(page, selector):
    return page.locator(selector).first.bounding_box()


@pytest.mark.parametrize("path", ["/", CONDITION, "/trials/", "/search/?q=camp"])
def test_the_header_is_at_most_120_px_tall_on_a_phone(demo_site, open_page, path):
    page = open_page(demo_site + path, PHONE)
    assert box(page, ".site-header")["height"] <= 120
    assert page.locator(".site-action--call").is_visible()
    assert page.locator(".site-action--call").get_attribute("href").startswith("tel:+1")
    assert page.locator(".site-action--search").is_visible()
    assert not page.locator(".site-nav").is_visible()


def test_the_phone_menu_opens_without_javascript(demo_site, open_page):
    page = open_page(demo_site + "/", PHONE, java_script_enabled=False)
    menu_links = page.locator(".site-menu__panel a")
    assert not menu_links.first.is_visible()
    page.locator(".site-menu > summary").click()
    assert menu_links.first.is_visible()
    page.locator(".site-menu__panel a", has_text="Clinical trials").click()
    assert page.url.endswith("/trials/")


def test_the_first_screen_of_a_condition_page_on_a_phone(demo_site, open_page):
    page = open_page(demo_site + CONDITION, PHONE)
    for selector in ["h1", ".condition-header .lead", ".review-date", ".toc-fold > summary"]:
        element = box(page, selector)
        assert element, selector
        assert element["y"] + element["height"] <= PHONE["height"], selector
    summary = page.locator(".toc-fold > summary")
    assert summary.inner_text() == "On this page"
    assert page.locator(".toc-fold").get_attribute("open") is None
    assert not page.locator(".toc-side").is_visible()
    summary.click()
    assert page.locator(".toc-fold a", has_text="Treatment").first.is_visible()


def test_the_contents_stay_beside_the_text_on_a_desktop(demo_site, open_page):
    page = open_page(demo_site + CONDITION, DESKTOP)
    assert not page.locator(".toc-fold").is_visible()
    contents, body = box(page, ".toc-side"), box(page, ".condition-body")
    assert contents["x"] >= body["x"] + body["width"]
    assert contents["y"] < DESKTOP["height"]
    page.locator("#references").scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    contents = box(page, ".toc-side")
    assert 0 <= contents["y"] < DESKTOP["height"]
    for anchor in ["diagnosis", "treatment"]:
        page.locator(f"#{anchor}").evaluate("heading => heading.scrollIntoView()")
        page.locator(f'.toc-side a[aria-current="true"][href="#{anchor}"]').wait_for()
        assert page.locator(".toc-side a[aria-current]").count() == 1


def test_tabbing_from_the_skip_link_reaches_the_contents_before_the_text(demo_site, open_page):
    page = open_page(demo_site + CONDITION, DESKTOP)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    page.keyboard.press("Enter")
    presses = 0
    while not page.evaluate("!!document.activeElement.closest('.toc-side, .condition-body')"):
        page.keyboard.press("Tab")
        presses += 1
        assert presses < 10, page.evaluate("document.activeElement.outerHTML")
    focused = page.evaluate("document.activeElement.closest('.toc-side') !== null")
    assert focused, "the first link reached after the header is not in the contents"
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#overview"


def test_print_button_prints_and_is_hidden_without_javascript(demo_site, open_page):
    page = open_page(demo_site + CONDITION, DESKTOP)
    button = page.get_by_role("button", name="Print this page")
    assert button.is_visible()
    page.evaluate("window.print = () => { window.printed = true; }")
    button.click()
    assert page.evaluate("window.printed") is True
    page = open_page(demo_site + CONDITION, DESKTOP, java_script_enabled=False)
    assert page.locator("[data-print-page]").count() == 1
    assert not page.locator("[data-print-page]").is_visible()


def test_printing_a_condition_page_leaves_the_medical_content(demo_site, open_page):
    page = open_page(demo_site + CONDITION, DESKTOP)
    page.emulate_media(media="print")
    for hidden in [".site-header", ".breadcrumb", ".toc-side", ".toc-fold", ".back-to-top",
                   ".print-button", "#where-to-get-care", ".newsletter-cta", "#recognition",
                   "#discussions", ".interpreter-cta", "form", "img"]:
        assert not page.locator(hidden).first.is_visible(), hidden
    for shown in ["h1", "#overview", "#treatment", ".staging-list", ".get-help",
                  "#references", ".references li >> nth=-1", ".medical-review time"]:
        assert page.locator(shown).first.is_visible(), shown
    pdf = page.pdf(format="Letter")
    pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
    assert 0 < pages <= PRINTED_PAGES_BEFORE * 2 // 3, f"{pages} printed pages"
