"""The review flow in a real browser: an editor changes a live condition, a medical reviewer
approves it or sends it back; the editing pages pass axe."""

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import timezone
from django.utils.dateformat import format as date_format

from conditions.models import Condition
from conditions.tests.factories import NEW_BODY, OLD_BODY, make_full_condition
from portal.tests.support import AXE_JS, require, run_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# axe rules whose findings lie in markup Django's admin or django-nested-admin write
# themselves, to be left out here. None at present: the inlines are stacked (the tabular
# ones have no label per field) and the filter links are sized in admin-editing.css.
LIBRARY_MARKUP = frozenset()


def login(browser, live_server, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context()
    context.add_cookies([{
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
    }])
    return context.new_page()


def axe_problems(page, where):
    return [f"{where}: {v['id']} {v['help']} {v['nodes']}" for v in run_axe(page)
            if v["id"] not in LIBRARY_MARKUP]


@pytest.fixture
def people(django_user_model):
    """An editor and a reviewer. Browser tests empty the database between tests, so the
    role groups made by the data migration are made again here."""
    from django.contrib.auth.models import Group

    from portal import roles
    from portal.models import ReviewerProfile
    from portal.tests.support import staff_user

    for role in roles.ALL_ROLES:
        Group.objects.get_or_create(name=role)
    roles.sync_role_permissions()
    reviewer = staff_user(django_user_model, roles.MEDICAL_REVIEWERS, username="reviewer")
    reviewer.email = "ana.ruiz@example.org"
    reviewer.save()
    ReviewerProfile.objects.create(user=reviewer, display_name="Dr Ana Ruiz",
                                   credentials="MD, Pediatric Oncology")
    editor = staff_user(django_user_model, roles.CONTENT_EDITORS, username="editor")
    editor.email = "editor@example.org"
    editor.save()
    return editor, reviewer


def test_an_editors_change_is_live_only_after_a_reviewer_approves_it(
    live_server, browser, people
):
    require(AXE_JS.exists(), "axe-core is not installed (npm ci)")
    editor_user, reviewer_user = people
    condition, _overview = make_full_condition()
    public_url = live_server.url + condition.get_absolute_url()
    change_url = f"{live_server.url}/admin/conditions/condition/{condition.pk}/change/"
    review_url = f"{live_server.url}/admin/conditions/condition/{condition.pk}/review/"
    problems = []

    editor = login(browser, live_server, editor_user)
    editor.goto(live_server.url + "/admin/")
    problems += axe_problems(editor, "editor's admin index")
    editor.goto(change_url)
    problems += axe_problems(editor, "condition change form")
    editor.locator("#id_sections-0-body").fill(NEW_BODY)
    editor.get_by_role("button", name="Save", exact=True).click()
    assert "as a draft" in editor.locator(".messagelist").inner_text()

    visitor = browser.new_page()
    visitor.goto(public_url)
    assert OLD_BODY in visitor.content()
    assert NEW_BODY not in visitor.content()

    editor.goto(review_url)
    problems += axe_problems(editor, "review page (editor)")
    editor.get_by_role("button", name="Submit for review").click()
    assert "Sent" in editor.locator(".messagelist").inner_text()

    reviewer = login(browser, live_server, reviewer_user)
    reviewer.goto(live_server.url + "/admin/")
    problems += axe_problems(reviewer, "reviewer's admin index")
    reviewer.goto(live_server.url + "/admin/portal/draft/")
    problems += axe_problems(reviewer, "review queue")
    reviewer.get_by_role("link", name=f"Review \u201c{condition.name}\u201d").click()
    problems += axe_problems(reviewer, "review page (reviewer)")
    reviewer.get_by_role("button", name="Approve and publish").click()
    assert "Approved" in reviewer.locator(".messagelist").inner_text()

    # The first visitor's browser may keep the page for a minute (Cache-Control max-age);
    # the server answers anyone asking with the approved version at once.
    visitor = browser.new_page()
    visitor.goto(public_url)
    html = visitor.content()
    assert NEW_BODY in html
    assert OLD_BODY not in html
    today = timezone.localdate()
    shown = date_format(today, "F j, Y")
    assert f'Last reviewed <time datetime="{today:%Y-%m-%d}">{shown}</time>' in html
    assert "by Dr Ana Ruiz, MD, Pediatric Oncology" in html
    assert not problems, "\n".join(problems)


def test_a_send_back_reaches_the_editor_with_its_comment(live_server, browser, people):
    editor_user, reviewer_user = people
    condition, _ = make_full_condition()
    change_url = f"{live_server.url}/admin/conditions/condition/{condition.pk}/change/"
    review_url = f"{live_server.url}/admin/conditions/condition/{condition.pk}/review/"

    editor = login(browser, live_server, editor_user)
    editor.goto(change_url)
    editor.locator("#id_summary").fill("A cancer of young nerve cells, mostly in small children.")
    editor.get_by_role("button", name="Save", exact=True).click()
    assert "as a draft" in editor.locator(".messagelist").inner_text()
    editor.goto(review_url)
    editor.get_by_role("button", name="Submit for review").click()
    assert "Sent" in editor.locator(".messagelist").inner_text()

    reviewer = login(browser, live_server, reviewer_user)
    reviewer.goto(review_url)
    reviewer.get_by_label("What needs to change").fill("Say which nerve cells, in plain words.")
    reviewer.get_by_role("button", name="Send back to the editor").click()
    assert "Sent" in reviewer.locator(".messagelist").inner_text()

    sent_back = [m for m in mail.outbox if "Sent back" in m.subject]
    assert len(sent_back) == 1
    assert "editor@example.org" in sent_back[0].to
    assert "Say which nerve cells, in plain words." in sent_back[0].body
    assert Condition.objects.get().summary == "A plain summary of the condition."


def test_rows_move_with_the_keyboard_and_leaving_unsaved_changes_asks_first(
    live_server, browser, people
):
    editor_user, _ = people
    condition, _ = make_full_condition()
    Condition.objects.filter(pk=condition.pk).update(status=Condition.Status.DRAFT)
    editor = login(browser, live_server, editor_user)
    editor.goto(f"{live_server.url}/admin/conditions/condition/{condition.pk}/change/")

    # Only lists kept in an order have the buttons: other names (synonyms) have none.
    assert editor.locator("#synonyms-group .djn-inline-form:not(.djn-empty-form)").count()
    assert editor.locator("#synonyms-group .move-row").count() == 0
    assert editor.locator("#sections-group .move-row").count()
    editor.get_by_role("button", name="Move down: Neuroblastoma: Overview").focus()
    editor.keyboard.press("Enter")
    assert "Moved" in editor.locator("[role=status]").last.inner_text()

    dialogs = []
    editor.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    editor.get_by_role("link", name="History").click()
    assert dialogs == ["beforeunload"]

    editor.get_by_role("button", name="Save and continue editing").click()
    assert "changed successfully" in editor.locator(".messagelist").inner_text()
    assert [s.heading for s in condition.sections.all()] == ["Symptoms", "Overview"]


@pytest.mark.parametrize("width", [768, 1280])
def test_lists_fit_the_screen(live_server, browser, people, width):
    _, reviewer_user = people
    make_full_condition()
    page = login(browser, live_server, reviewer_user)
    page.set_viewport_size({"width": width, "height": 900})
    for path in ["/admin/conditions/condition/", "/admin/portal/draft/?state=all", "/admin/"]:
        page.goto(live_server.url + path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} is {overflow}px too wide at {width}px"


def test_search_statistics_keep_their_counts_in_view(browser, live_server, people):
    from portal.models import SearchQueryStat

    SearchQueryStat.objects.create(query="a" * 100, count=7, results=0,
                                   day=timezone.localdate())
    SearchQueryStat.objects.create(query="mibg", count=3, results=2, day=timezone.localdate())
    editor, _reviewer = people
    page = login(browser, live_server, editor)
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(live_server.url + "/admin/portal/searchquerystat/")
        table = page.locator("#most-frequent").bounding_box()
        count = page.locator("#most-frequent tbody tr:first-child td:last-child").bounding_box()
        assert page.locator("#most-frequent tbody tr:first-child td:last-child").inner_text() \
            == "7"
        assert count["x"] + count["width"] <= table["x"] + table["width"] + 1
        if width == 1280:  # beside the filters, not under them
            panel = page.locator("#changelist-filter").bounding_box()
            assert count["x"] + count["width"] <= panel["x"]
        else:
            assert count["x"] + count["width"] <= width


def test_mistakes_far_down_a_long_form_are_listed_at_its_top(browser, live_server, people):
    editor, _reviewer = people
    condition, _overview = make_full_condition()
    page = login(browser, live_server, editor)
    page.goto(f"{live_server.url}/admin/conditions/condition/{condition.pk}/change/")
    page.fill("#id_references-0-url", "not a web address")
    page.fill("#id_references-0-year", "1700")
    page.click("input[name=_save]")
    page.wait_for_selector(".error-summary")
    summary = page.locator(".error-summary")
    links = summary.locator("a")
    assert links.count() == 2
    texts = [links.nth(i).inner_text() for i in range(2)]
    assert all(text.startswith("Reference: Neuroblastoma review, ") for text in texts), texts
    assert texts[1] == "Reference: Neuroblastoma review, URL: Enter a valid URL."
    # Each link leads to its mistake.
    target = links.nth(0).get_attribute("href")
    links.nth(0).click()
    assert page.evaluate("location.hash") == target
    assert page.locator(target).is_visible()
    require(AXE_JS.exists(), "axe-core is not installed (npm ci)")
    assert axe_problems(page, "condition form with mistakes") == []


def test_a_save_refused_because_another_tab_saved_keeps_what_was_typed(
    live_server, browser, people
):
    editor_user, _ = people
    condition, _ = make_full_condition()
    first = login(browser, live_server, editor_user)
    second = first.context.new_page()
    url = f"{live_server.url}/admin/conditions/condition/{condition.pk}/change/"
    first.goto(url)
    second.goto(url)
    first.fill("#id_key_facts-0-text", "Most children are younger than five years.")
    first.get_by_role("button", name="Save and continue editing").click()
    assert "as a draft" in first.locator(".messagelist").inner_text()

    second.fill("#id_summary", "Typed in the second tab.")
    second.get_by_role("button", name="Save and continue editing").click()

    error = second.locator(".errornote + ul.errorlist")
    assert "after you opened this page, so your changes are not saved" in error.inner_text()
    assert second.locator(".error-summary").count() == 0  # it is at the top already
    assert second.input_value("#id_summary") == "Typed in the second tab."
    require(AXE_JS.exists(), "axe-core is not installed (npm ci)")
    assert axe_problems(second, "condition form refused after another save") == []
    # The current version opens in a new tab, beside what was typed.
    with first.context.expect_page() as opened:
        error.get_by_role("link", name="the current version (opens in a new tab)").click()
    current = opened.value
    current.wait_for_load_state()
    assert current.input_value("#id_key_facts-0-text") == (
        "Most children are younger than five years.")
    # What was typed is not saved: leaving the refused form asks first.
    dialogs = []
    second.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    second.locator(".object-tools").get_by_role("link", name="History").click()
    assert dialogs == ["beforeunload"]
    assert Condition.objects.get().summary == "A plain summary of the condition."


def outside(page, container, width=None):
    """What lies past the right edge of the container (or of a screen this wide): each
    visible element's tag, class and how far it reaches."""
    return page.evaluate(
        """([selector, width]) => {
          const box = document.querySelector(selector).getBoundingClientRect();
          const edge = width || box.right;
          const right = e => e.getBoundingClientRect().right;
          return [...document.querySelectorAll(selector + ' *')]
            .filter(e => e.getClientRects().length && right(e) > edge + 0.5)
            .map(e => `${e.tagName}.${e.className} to ${Math.round(right(e))}`);
        }""",
        [container, width],
    )


def test_the_review_page_and_the_condition_form_fit_a_phone(browser, live_server, people):
    from portal.publishing import draft_save, serialize

    editor, _reviewer = people
    condition, overview = make_full_condition()
    data = serialize(condition)
    for item in data:
        if item["model"] == "conditions.section":
            item["fields"]["body"] += " Neuroblastoma-and-ganglioneuroblastoma-differ."
    draft_save(obj=condition, user=editor, data=data)
    page = login(browser, live_server, editor)
    page.set_viewport_size({"width": 360, "height": 740})

    page.goto(f"{live_server.url}/admin/conditions/condition/{condition.pk}/review/")
    assert page.locator(".review-changes ins").count()
    # Every changed word on the screen: the table wraps rather than running off to the right.
    assert outside(page, "#content-main", width=360) == []

    page.goto(f"{live_server.url}/admin/conditions/condition/{condition.pk}/change/")
    card = f"#sections-{list(condition.sections.all()).index(overview)}"
    assert page.locator(f"{card} input[name$='-anchor']").count()
    assert outside(page, card) == []


@pytest.mark.parametrize("kind", ["page", "privacynotice"])
def test_mistakes_on_a_page_or_privacy_notice_form_are_listed_at_its_top(
        browser, live_server, people, kind):
    from pages.tests.factories import make_notice, make_page

    editor, _reviewer = people
    # A notice not yet in force: one that has taken effect cannot be changed.
    item = make_page() if kind == "page" else make_notice(
        "2099-01", timezone.localdate() + datetime.timedelta(days=30))
    page = login(browser, live_server, editor)
    page.goto(f"{live_server.url}/admin/pages/{kind}/{item.pk}/change/")
    if kind == "page":
        page.fill("#id_unpublish_at_0", "2020-01-01")
        page.fill("#id_unpublish_at_1", "10:00")
        expected = "Unpublish from: Unpublishing must come after publishing."
    else:
        page.fill("#id_version", "")
        expected = "Version: This field is required."
    page.click("input[name=_save]")
    page.wait_for_selector(".error-summary")
    assert page.locator(".error-summary a").all_inner_texts() == [expected]
    require(AXE_JS.exists(), "axe-core is not installed (npm ci)")
    assert axe_problems(page, f"{kind} form with mistakes") == []


def test_a_mistake_in_a_table_of_parts_names_its_table_row_and_column(
        browser, live_server, people, django_user_model):
    # A trial's central contacts are a table: the summary says which one and which column.
    from portal import roles
    from portal.tests.support import staff_user
    from trials.tests.factories import make_trial, nct

    coordinator = staff_user(django_user_model, roles.TRIAL_COORDINATORS, username="coord")
    trial = make_trial(nct(1), [coordinator])
    trial.central_contacts.create(name="Nurse A", email="a@example.org")
    trial.central_contacts.create(name="Nurse B", email="b@example.org")
    page = login(browser, live_server, coordinator)
    page.goto(f"{live_server.url}/admin/trials/trial/{trial.pk}/change/")
    page.fill("#id_central_contacts-1-email", "not-an-email")
    page.fill("#id_central_contacts-1-phone", "abc")
    page.click("input[name=_save]")
    page.wait_for_selector(".error-summary")
    assert page.locator(".error-summary a").all_inner_texts() == [
        "Central contacts, row 2, Phone: Enter a phone number that can be dialled, such as "
        "415-476-3831 or +44 20 7946 0000 (an extension after it, as in 415-476-3831 ext. 2).",
        "Central contacts, row 2, Email: Enter a valid email address.",
    ]


@pytest.mark.parametrize("kind", ["language", "topic"])
def test_mistakes_on_a_language_or_newsletter_topic_form_are_listed_at_its_top(
        browser, live_server, people, django_user_model, kind):
    from care_sites.models import Language
    from newsletter.models import Topic
    from portal import roles
    from portal.tests.support import staff_user

    if kind == "language":
        Language.objects.create(name="Spanish")
        user, _reviewer = people  # content editors keep the languages
        url = "/admin/care_sites/language/add/"
        expected, field = "Name: Language with this Name already exists.", "name"
    else:
        # Another name, the same address: only the address is refused.
        Topic.objects.create(name="Neuroblastoma news", slug="neuroblastoma")
        user = staff_user(django_user_model, roles.NEWSLETTER_MANAGERS, username="mailer")
        url = "/admin/newsletter/topic/add/"
        expected, field = "Slug: Topic with this Slug already exists.", "slug"
    page = login(browser, live_server, user)
    page.goto(f"{live_server.url}{url}")
    if kind == "language":
        page.fill("#id_name", "Spanish")
    else:
        page.fill("#id_name", "Neuroblastoma")  # the slug is filled in from the name
    page.click("input[name=_save]")
    page.wait_for_selector(".error-summary")
    assert page.locator(".error-summary a").all_inner_texts() == [expected]
    # The link leads to the mistake, beside its field.
    assert page.locator(".error-summary a").get_attribute("href") == f"#id_{field}_error"
    assert page.locator(f"#id_{field}_error").count() == 1
    require(AXE_JS.exists(), "axe-core is not installed (npm ci)")
    assert axe_problems(page, f"{kind} form with mistakes") == []
