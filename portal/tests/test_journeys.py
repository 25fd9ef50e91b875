"""Three journeys in real Chromium: a family finding care and the newsletter (once by
keyboard alone, once on a 360 px screen), a trial coordinator importing and publishing a
trial, and an editor taking a page from draft to published, then changing it as a draft."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command

from newsletter.models import Subscriber
from pages.models import Page
from portal import roles
from portal.tests.support import BASE_DIR, staff_user, totp_code
from trials.models import Trial
from trials.tests.factories import make_trial, nct

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STUDY_FILE = BASE_DIR / "trials" / "tests" / "fixtures" / "NCT03281889.json"


@pytest.fixture
def demo_site(live_server, settings):
    # Transactional tests empty the tables, the roles' groups included: make them again.
    for role in roles.ALL_ROLES:
        Group.objects.get_or_create(name=role)
    roles.sync_role_permissions()
    call_command("load_demo", verbosity=0)
    settings.SITE_URL = live_server.url
    settings.NEWSLETTER_SIGNUPS_PER_IP = 100
    return live_server.url


def link_in(message, kind):
    return re.search(rf"(http://[^\s]+/newsletter/{kind}/[^\s/]+/)", message.body)[1]


class Keyboard:
    """Moves through a page with Tab alone, as someone without a mouse does."""

    def __init__(self, page):
        self.page = page

    def tab_to(self, selector, limit=250):
        for _ in range(limit):
            self.page.keyboard.press("Tab")
            if self.page.evaluate("s => document.activeElement.matches(s)", selector):
                return
        raise AssertionError(f"Tab never reached {selector} on {self.page.url}")

    def follow(self, href):
        self.tab_to(f'a[href="{href}"]')
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")

    def fill(self, selector, text):
        self.tab_to(selector)
        self.page.keyboard.type(text)

    def tick(self, selector):
        self.tab_to(selector)
        self.page.keyboard.press("Space")

    def submit(self, selector):
        self.tab_to(selector)
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")


class Pointer:
    """Taps the first visible matching element, as on a phone."""

    def __init__(self, page):
        self.page = page

    def follow(self, href):
        with self.page.expect_navigation():
            self.page.locator(f'a[href="{href}"]').locator("visible=true").first.click()

    def fill(self, selector, text):
        self.page.fill(selector, text)

    def tick(self, selector):
        self.page.check(selector)

    def submit(self, selector):
        with self.page.expect_navigation():
            self.page.click(selector)


def first_visible_link(page, pattern):
    """The first link in the main content that is shown (not in a closed section) and goes
    to an address of the given form."""
    hrefs = page.evaluate("""() => [...document.querySelectorAll('main a[href]')]
        .filter(a => a.offsetParent !== null).map(a => a.getAttribute('href'))""")
    return next(href for href in hrefs if pattern.fullmatch(href))


def fits(page, width):
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} is {scroll_width}px wide"


@pytest.mark.parametrize("way", ["keyboard", "phone"])
def test_a_family_finds_care_and_subscribes_then_leaves(demo_site, browser, way):
    width = 360 if way == "phone" else 1280
    context = browser.new_context(viewport={"width": width, "height": 740})
    page = context.new_page()
    user = Keyboard(page) if way == "keyboard" else Pointer(page)
    path = lambda: page.url.removeprefix(demo_site)  # noqa: E731

    page.goto(demo_site + "/")
    steps = ["/conditions/", "/conditions/neuroblastoma/", re.compile(r"/trials/NCT\d{8}/"),
             re.compile(r"/care/(?!locations/)[\w-]+/"), "/newsletter/"]
    for step in steps:
        href = step if isinstance(step, str) else first_visible_link(page, step)
        user.follow(href)
        assert path() == href
        fits(page, width)

    user.fill("#id_email", "family@example.org")
    user.tick("input[name=topics]")
    user.tick("#id_consent")
    user.submit("form.newsletter-form button[type=submit]")
    assert path() == "/newsletter/thanks/"
    fits(page, width)

    [confirmation] = mail.outbox
    page.goto(link_in(confirmation, "confirm"))
    user.submit("main form button[type=submit], main form input[type=submit]")
    assert "Welcome! You are subscribed" in page.content()
    assert Subscriber.objects.get().state == Subscriber.State.CONFIRMED

    # The mail program's one-click unsubscribe: a POST without a CSRF token.
    response = page.request.post(link_in(mail.outbox[-1], "unsubscribe"),
                                 form={"List-Unsubscribe": "One-Click"})
    assert response.status == 200
    assert Subscriber.objects.get().state == Subscriber.State.UNSUBSCRIBED
    context.close()


def sign_in(page, site, user, password="pw"):
    page.goto(site + "/admin/login/?next=/admin/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", password)
    page.fill("#id_otp_token", totp_code(user))
    with page.expect_navigation():
        page.click("#login-form [type=submit]")
    assert page.url == site + "/admin/", page.content()[:2000]


def test_a_coordinator_imports_edits_and_publishes_a_trial(demo_site, page, django_user_model):
    coordinator = staff_user(django_user_model, roles.TRIAL_COORDINATORS, username="cora")
    other = staff_user(django_user_model, roles.TRIAL_COORDINATORS, username="olga")
    theirs = make_trial(nct(77777777), coordinators=[other])
    sign_in(page, demo_site, coordinator)

    page.goto(demo_site + "/admin/trials/trial/import/")
    page.set_input_files("#id_file", str(STUDY_FILE))
    with page.expect_navigation():
        page.click("input[type=submit][value=Import]")
    assert "Created" in page.content()
    trial = Trial.objects.get(nct_id="NCT03281889")
    assert trial.status == Trial.Status.DRAFT
    listing = page.request.get(demo_site + "/trials/?q=NCT03281889").text()
    assert 'href="/trials/NCT03281889/"' not in listing  # a draft until published

    with page.expect_navigation():
        page.click(f'a[href="/admin/trials/trial/{trial.pk}/change/"]')
    page.fill("#id_plain_summary", "This study tests a new medicine for children whose "
                                   "cancer came back.")
    page.select_option("#id_status", Trial.Status.PUBLISHED)
    with page.expect_navigation():
        page.click("input[name=_save]")
    assert "was changed successfully" in page.content()
    trial.refresh_from_db()
    assert trial.status == Trial.Status.PUBLISHED
    assert trial.coordinators.filter(pk=coordinator.pk).exists()

    page.goto(demo_site + "/trials/?q=NCT03281889")
    assert f'href="/trials/{trial.nct_id}/"' in page.content()
    page.goto(demo_site + f"/trials/{trial.nct_id}/")
    assert "a new medicine for children whose cancer came back" in page.content()

    response = page.goto(demo_site + f"/admin/trials/trial/{theirs.pk}/change/")
    assert theirs.brief_title not in page.content()
    assert response.status in {403, 404} or page.url in {demo_site + "/admin/",
                                                          demo_site + "/admin/trials/trial/"}


def test_an_editor_drafts_previews_publishes_and_edits_a_page(demo_site, browser,
                                                                       django_user_model):
    editor = staff_user(django_user_model, roles.CONTENT_EDITORS, username="eddie")
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, demo_site, editor)

    page.goto(demo_site + "/admin/pages/page/add/")
    page.fill("#id_title", "Parking")
    page.press("#id_title", "Tab")
    assert page.input_value("#id_slug") == "parking"  # filled in from the title
    page.fill("#id_summary", "Where to park.")
    page.fill("#id_body", "Park in the blue garage.")
    page.select_option("#id_status", Page.Status.DRAFT)
    with page.expect_navigation():
        page.click("input[name=_save]")
    assert "was added successfully" in page.content(), page.locator(".errorlist").all_inner_texts()
    draft = Page.objects.get(slug="parking")

    visitor = browser.new_context().new_page()
    assert visitor.goto(demo_site + "/parking/").status == 404
    page.goto(demo_site + "/parking/")
    assert "Preview." in page.content()
    assert "Park in the blue garage." in page.content()

    page.goto(demo_site + f"/admin/pages/page/{draft.pk}/change/")
    page.select_option("#id_status", Page.Status.PUBLISHED)
    with page.expect_navigation():
        page.click("input[name=_save]")
    assert "Park in the blue garage." in visitor.goto(demo_site + "/parking/").text()

    # A change to the live page is a draft: the public keeps the live version meanwhile,
    # and the editor previews the draft on the real page.
    page.goto(demo_site + f"/admin/pages/page/{draft.pk}/change/")
    page.fill("#id_body", "Park in the green garage.")
    with page.expect_navigation():
        page.click("input[name=_save]")
    assert "blue garage" in visitor.goto(demo_site + "/parking/").text()
    assert "green garage" not in visitor.goto(demo_site + "/parking/").text()
    page.goto(demo_site + "/parking/?preview=draft")
    assert "green garage" in page.content()
    assert "green garage" not in visitor.goto(demo_site + "/parking/?preview=draft").text()
    context.close()
