"""The newsletter in real Chromium: the whole flow by keyboard and mouse, and every page it
shows checked with axe-core and the Nu HTML Checker (their links carry tokens, so they cannot
be fixed entries of PUBLIC_PAGES)."""

import re
import shutil

import pytest
from django.core import mail
from django.core.management import call_command

from newsletter.models import Subscriber
from pages.models import PrivacyNotice
from portal.tests.support import AXE_JS, VNU_JAR, require, run_axe, run_vnu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_site(live_server, settings):
    call_command("load_demo", verbosity=0)
    settings.SITE_URL = live_server.url
    return live_server.url


def link_in(message, kind):
    return re.search(rf"(http://[^\s]+/newsletter/{kind}/[^\s/]+/)", message.body)[1]


def test_subscribe_confirm_change_topics_and_leave_in_the_browser(demo_site, page, tmp_path,
                                                                  settings):
    require(AXE_JS.exists(), "axe-core is not installed (npm ci)")
    require(VNU_JAR.exists(), "the Nu HTML Checker is not installed (npm ci)")
    require(shutil.which("java") is not None, "Java is not installed for the Nu HTML Checker")
    problems, files = [], {}
    csp_errors = []
    page.on("console", lambda msg: csp_errors.append(msg.text)
            if "Content Security Policy" in msg.text else None)

    def check(kind, expected_status=200, response=None):
        status = response.status if response else None
        if response and status != expected_status:
            problems.append(f"{kind}: status {status}, expected {expected_status}")
        for violation in run_axe(page):
            problems.append(f"{kind}: axe {violation}")
        html_file = tmp_path / f"{len(files):02d}.html"
        html_file.write_text(page.content() if response is None else response.text())
        files[html_file.name] = kind

    # The form with errors: the browser's own checks are turned off to reach ours.
    page.goto(demo_site + "/newsletter/")
    page.locator("form.newsletter-form").evaluate("form => { form.noValidate = true; }")
    page.fill("#id_email", "not-an-email")
    with page.expect_navigation():  # the answer loaded before it is read
        page.click("form.newsletter-form button[type=submit]")
    assert "Please enter a whole email address" in page.content()
    check("signup form with errors")

    # The bot trap is out of sight and out of the keyboard's reach.
    trap = page.locator("#id_website").bounding_box()
    assert trap["x"] + trap["width"] <= 0
    focused = set()
    for _ in range(40):
        page.keyboard.press("Tab")
        focused.add(page.evaluate("document.activeElement.id"))
    assert "id_website" not in focused
    assert "id_email" in focused

    # Sign up from the condition page, where the condition's topic is ticked already.
    page.goto(demo_site + "/conditions/neuroblastoma/")
    assert page.locator("input[name=topics]:checked").count() == 1
    page.fill("#newsletter-email", "family@example.org")
    page.check("#newsletter-consent")
    with page.expect_navigation():  # the answer loaded before it is read
        page.click(".newsletter-cta button[type=submit]")
    assert page.url == demo_site + "/newsletter/thanks/"
    [confirmation] = mail.outbox

    response = page.goto(link_in(confirmation, "confirm"))
    check("confirm", response=response)
    with page.expect_navigation():  # the answer loaded before it is read
        page.click("text=Yes, start my subscription")
    assert "Welcome! You are subscribed" in page.content()
    check("confirmed")
    welcome = mail.outbox[1]

    response = page.goto(link_in(welcome, "preferences"))
    check("preferences", response=response)
    page.check("text=General news from our program")
    with page.expect_navigation():  # the answer loaded before it is read
        page.click("text=Save my topics")
    assert "Your topics are saved" in page.content()
    check("preferences saved")
    page.uncheck("input[name=topics] >> nth=0")
    page.uncheck("input[name=topics] >> nth=1")
    page.locator("form.newsletter-form").evaluate("form => { form.noValidate = true; }")
    with page.expect_navigation():  # the answer loaded before it is read
        page.click("text=Save my topics")
    check("preferences with an error")

    response = page.goto(link_in(welcome, "unsubscribe"))
    check("unsubscribe", response=response)
    with page.expect_navigation():  # the answer loaded before it is read
        page.click("button:text('Unsubscribe')")
    assert "You are unsubscribed" in page.content()
    check("unsubscribed")
    assert Subscriber.objects.get().state == Subscriber.State.UNSUBSCRIBED

    response = page.goto(link_in(welcome, "unsubscribe"))
    check("already unsubscribed", response=response)
    response = page.goto(link_in(welcome, "preferences"))
    check("preferences when not subscribed", response=response)

    Subscriber.objects.all().delete()
    response = page.goto(link_in(welcome, "preferences"))
    check("link of a deleted subscription", 404, response)

    settings.NEWSLETTER_SIGNUPS_PER_IP = 0
    page.goto(demo_site + "/newsletter/")
    page.fill("#id_email", "family@example.org")
    page.check("input[name=topics] >> nth=0")
    page.check("#id_consent")
    response_info = page.expect_response(lambda r: r.request.method == "POST")
    with response_info as info:
        page.click("form.newsletter-form button[type=submit]")
    assert info.value.status == 429
    check("too many requests")

    PrivacyNotice.objects.all().delete()
    response = page.goto(demo_site + "/privacy/")
    check("privacy notice not written yet", response=response)

    for name, messages in run_vnu([tmp_path / name for name in files]).items():
        problems.extend(f"{files.get(name, name)}: HTML {message}" for message in messages)
    problems.extend(f"CSP: {text}" for text in csp_errors)
    assert not problems, "\n".join(problems)
