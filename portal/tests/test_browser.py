"""Browser checks: every public page type in real Chromium, with axe-core and the Nu HTML Checker.

PUBLIC_PAGES is the one list of page types; each feature adds its pages to it.
"""

import shutil

import pytest
from django.core.management import call_command

from portal.tests.support import AXE_JS, VNU_JAR, require, run_axe, run_vnu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# (page type, path, expected status). Paths refer to the demo content (load_demo).
PUBLIC_PAGES = [
    ("home", "/", 200),
    ("not found", "/this-page-does-not-exist/", 404),
    ("conditions A-Z", "/conditions/", 200),
    ("condition", "/conditions/neuroblastoma/", 200),
    ("story", "/conditions/stories/a-first-birthday-for-baby-theo/", 200),
    ("care sites", "/care/", 200),
    ("care sites, no match", "/care/?location=nowhere", 200),
    ("care site", "/care/oncology-clinic/", 200),
    ("location", "/care/locations/oakland-campus/", 200),
    ("support services", "/support/", 200),
    ("support service", "/support/interpreter-services/", 200),
    ("search", "/search/?q=neuroblastoma", 200),
    ("search, no match", "/search/?q=qwertyuiop", 200),
    ("search, empty", "/search/", 200),
    ("search, did you mean", "/search/?q=tumours", 200),
    ("search, pages of the site", "/search/?q=what+is+a+clinical+trial", 200),
    ("search, one type, go to", "/search/?q=wilms+tumor&type=condition", 200),
    ("trials", "/trials/", 200),
    ("trials, filtered", "/trials/?status=open&age=5&condition=neuroblastoma", 200),
    ("trials, no match", "/trials/?status=withdrawn&age=99", 200),
    ("trials, filters to correct", "/trials/?age=four&condition=bogus", 200),
    ("trials, no match, wider searches", "/trials/?q=neuroblastomma&age=40&status=open", 200),
    ("trial", "/trials/NCT99990003/", 200),
    ("closed trial", "/trials/NCT99990005/", 200),
    ("what is a clinical trial", "/trials/explained/", 200),
    ("glossary", "/glossary/", 200),
    ("editable page", "/about/", 200),
    ("editable page with phone numbers", "/contact/", 200),
    ("privacy notice", "/privacy/", 200),
    ("earlier privacy notice", "/privacy/2024-06/", 200),
    ("newsletter signup", "/newsletter/", 200),
    ("newsletter signup, topic chosen", "/newsletter/?topic=neuroblastoma", 200),
    ("newsletter, check your email", "/newsletter/thanks/", 200),
    ("newsletter link that doesn't work", "/newsletter/confirm/not-a-real-link/", 400),
    ("newsletter link that doesn't work", "/newsletter/unsubscribe/not-a-real-link/", 400),
]


@pytest.fixture
def demo_site(live_server):
    call_command("load_demo", verbosity=0)
    return live_server.url


def test_public_pages_pass_axe_and_the_html_checker(demo_site, page, tmp_path):
    require(AXE_JS.exists(), "axe-core is not installed (npm ci)")
    require(VNU_JAR.exists(), "the Nu HTML Checker is not installed (npm ci)")
    require(shutil.which("java") is not None, "Java is not installed for the Nu HTML Checker")

    csp_errors = []
    page.on(
        "console",
        lambda msg: csp_errors.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    problems = []
    files = {}
    for kind, path, expected_status in PUBLIC_PAGES:
        response = page.goto(demo_site + path)
        if response.status != expected_status:
            problems.append(f"{kind} {path}: status {response.status}, expected {expected_status}")
            continue
        for violation in run_axe(page):
            problems.append(f"{kind} {path}: axe {violation}")
        html_file = tmp_path / f"{len(files):02d}.html"
        html_file.write_text(response.text())
        files[html_file.name] = (kind, path)
    for name, messages in run_vnu([tmp_path / name for name in files]).items():
        kind, path = files.get(name, ("?", name))
        problems.extend(f"{kind} {path}: HTML {message}" for message in messages)
    problems.extend(f"CSP: {text}" for text in csp_errors)
    assert not problems, "\n".join(problems)


def test_html_checker_finds_errors(tmp_path):
    """Guard against a checker that silently passes everything."""
    require(VNU_JAR.exists(), "the Nu HTML Checker is not installed (npm ci)")
    require(shutil.which("java") is not None, "Java is not installed for the Nu HTML Checker")
    broken = tmp_path / "broken.html"
    broken.write_text("<!DOCTYPE html><html><head><title>x</title></head><body><p><div></span>")
    assert run_vnu([broken])["broken.html"]


def test_axe_finds_violations(page):
    require(AXE_JS.exists(), "axe-core is not installed (npm ci)")
    page.set_content("<html><body><img src='x.png'><input type='text'></body></html>")
    ids = {violation["id"] for violation in run_axe(page)}
    assert {"image-alt", "label", "html-has-lang"} <= ids


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(demo_site, page):
    page.goto(demo_site + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("[document.activeElement.textContent, document.activeElement.href]")
    assert focused == ["Skip to main content", demo_site + "/#main"]
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


@pytest.mark.parametrize("width", [320, 768, 1280])
def test_pages_fit_the_screen_without_sideways_scrolling(demo_site, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        for kind, path, _ in PUBLIC_PAGES:
            page.goto(demo_site + path)
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            assert scroll_width <= width, f"{kind} {path} is {scroll_width}px wide at {width}px"
    finally:
        context.close()


def test_pages_fit_a_phone_with_text_twice_as_large(demo_site, browser):
    """As with a phone's largest text setting: before, the header's buttons ran off the
    screen and the site's name broke a letter a line, and cards, labels and the opening
    hours were wider than the screen."""
    # The larger text is a style added to each page, which the pages' policy would refuse.
    context = browser.new_context(viewport={"width": 360, "height": 800}, bypass_csp=True)
    page = context.new_page()
    try:
        for kind, path, _ in PUBLIC_PAGES:
            page.goto(demo_site + path)
            page.add_style_tag(content="html { font-size: 200% !important; }")
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            assert scroll_width <= 360, f"{kind} {path} is {scroll_width}px wide"
            menu = page.locator(".site-menu > summary").bounding_box()
            assert 0 <= menu["x"] <= 360 - menu["width"], f"{kind} {path}"
            name = page.locator(".site-name").bounding_box()
            assert name["height"] < 200, f"{kind} {path}: the name is {name['height']}px high"
    finally:
        context.close()


def test_print_stylesheet_leaves_only_the_content(demo_site, page):
    page.goto(demo_site + "/")
    assert page.locator(".site-header").is_visible()
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator(".site-footer nav").is_visible()
    assert page.locator("main h1").is_visible()


def relative_luminance(rgb):
    def channel(value):
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4
    red, green, blue = (channel(value) for value in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first, second):
    light, dark = sorted([relative_luminance(first), relative_luminance(second)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


RGB = "s => s.match(/\\d+/g).slice(0, 3).map(Number)"


def test_keyboard_focus_shows_a_ring_on_the_page_and_in_the_header(demo_site, page):
    page.goto(demo_site + "/conditions/neuroblastoma/")
    for selector in [".site-header a[href]", ".site-header input[type=search]",
                     ".site-header button", "main a[href]"]:
        for _ in range(80):  # focus from the keyboard, so :focus-visible applies
            page.keyboard.press("Tab")
            if page.evaluate(f"document.activeElement.matches('{selector}')"):
                break
        ring = page.evaluate(f"""() => {{
            const s = getComputedStyle(document.activeElement);
            return [s.outlineStyle, parseFloat(s.outlineWidth), ({RGB})(s.outlineColor),
                    document.activeElement.matches("{selector}")];
        }}""")
        style, width, colour, is_target = ring
        assert is_target, (selector, ring)
        assert style == "solid", (selector, ring)
        assert width >= 2, (selector, ring)
        background = [255, 255, 255] if selector.startswith("main") else [11, 83, 148]
        assert contrast(colour, background) >= 3, (selector, ring)


@pytest.mark.parametrize(("path", "selector"), [
    ("/search/?q=neuroblastoma", "#search-q"),
    ("/trials/", "select.form-select"),
    ("/newsletter/", "input[type=email]"),
])
def test_form_controls_have_an_edge_with_enough_contrast(demo_site, page, path, selector):
    page.goto(demo_site + path)
    width, colour = page.eval_on_selector(selector, f"""e => {{
        const s = getComputedStyle(e);
        return [parseFloat(s.borderTopWidth), ({RGB})(s.borderTopColor)];
    }}""")
    assert width >= 1
    assert contrast(colour, [255, 255, 255]) >= 3


def test_the_phone_menu_closes_when_left_by_keyboard_escape_or_tap(demo_site, browser):
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    try:
        page.goto(demo_site + "/conditions/neuroblastoma/")
        menu = page.locator("details.site-menu")
        summary = menu.locator("summary")
        links = menu.locator("a").count()
        summary.focus()
        page.keyboard.press("Enter")
        assert menu.evaluate("m => m.open")
        for _ in range(links + 1):  # through every link and out of the menu
            page.keyboard.press("Tab")
        assert not menu.evaluate("m => m.open")
        assert not page.evaluate("document.querySelector('details.site-menu')"
                                 ".contains(document.activeElement)")

        summary.focus()
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        page.keyboard.press("Escape")
        assert not menu.evaluate("m => m.open")
        assert page.evaluate("document.activeElement.tagName") == "SUMMARY"

        summary.click()
        assert menu.evaluate("m => m.open")
        page.mouse.click(180, 760)  # a tap on the page below the open panel
        assert not menu.evaluate("m => m.open")
    finally:
        context.close()


@pytest.mark.parametrize("width", [360, 1280])
def test_a_glossary_explanation_opens_beside_its_word_and_has_a_close_button(
        demo_site, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        page.goto(demo_site + "/conditions/neuroblastoma/")
        terms = page.locator("main button.glossary-term")
        for index in range(min(terms.count(), 8)):
            term = terms.nth(index)
            if not term.is_visible():
                continue
            term.scroll_into_view_if_needed()
            term.click()
            popover = page.locator(".glossary-popover:popover-open")
            word, box = term.bounding_box(), popover.bounding_box()
            below = box["y"] >= word["y"] + word["height"]
            above = box["y"] + box["height"] <= word["y"]
            assert below or above, (index, word, box)  # never over the word it explains
            assert box["x"] >= 0
            assert box["x"] + box["width"] <= width
            popover.locator("button.glossary-popover__close").click()
            assert page.locator(".glossary-popover:popover-open").count() == 0
    finally:
        context.close()


def test_a_form_sent_back_with_mistakes_focuses_its_list_of_them(demo_site, page):
    page.goto(demo_site + "/newsletter/")
    page.fill("input[type=email]", "not an address")
    page.evaluate("document.querySelector('form.newsletter-form').noValidate = true")
    page.click("form.newsletter-form button[type=submit]")
    page.wait_for_load_state()
    focused = page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    assert focused
    assert "Please enter a whole email address" in page.evaluate(
        "document.activeElement.textContent")
