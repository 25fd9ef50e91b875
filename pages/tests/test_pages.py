"""Admin-editable pages: served at /<slug>/, linked from the header or footer, revisions."""

import datetime
import re

import pytest
import reversion
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import path, reverse
from django.utils import timezone
from reversion.models import Version

from pages.models import RESERVED_PAGE_SLUGS, Page, reserved_page_slugs
from pages.tests.factories import make_page
from portal import urls as portal_urls
from portal import views
from portal.models import Draft
from portal.tests.support import active_content, assert_site_layout, form_data, parse

pytestmark = pytest.mark.django_db


def test_a_published_page_is_served_at_its_slug(client):
    make_page(meta_description="All about our program.")
    response = client.get("/about/")
    assert response.status_code == 200
    assert_site_layout(response)
    html = response.content.decode()
    assert "<h1" in html
    assert "About us" in html
    assert "Who we are." in html
    # The body's ### headings follow the page title as h2.
    assert "<h2>Our team</h2>" in html
    assert "<p>We care for children with cancer.</p>" in html
    assert parse(response).find("meta", name="description")[0]["content"] == (
        "All about our program."
    )
    assert client.get("/about").status_code == 301


def test_drafts_and_scheduled_pages_are_hidden_but_editors_can_preview(client, editor_client):
    make_page(slug="draft", status=Page.Status.DRAFT)
    make_page(slug="later", publish_at=timezone.now() + datetime.timedelta(days=1))
    anonymous = client.__class__()
    for url in ["/draft/", "/later/"]:
        assert anonymous.get(url).status_code == 404
        preview = editor_client.get(url)
        assert preview.status_code == 200
        assert b"Preview." in preview.content


def test_page_body_is_sanitised(client):
    make_page(body='<script>alert(1)</script>\n\n[click](javascript:alert(1)) '
                   '<img src=x onerror=alert(1)> <a href="#" onclick="x()">a</a>')
    html = client.get("/about/").content.decode()
    assert active_content(html) == []
    assert "<script>alert" not in html


def test_header_and_footer_links_come_from_published_pages(client):
    make_page(title="About us", slug="about", placement=Page.Placement.FOOTER, order=2)
    make_page(title="Contact us", slug="contact", placement=Page.Placement.FOOTER, order=1)
    make_page(title="Visiting", slug="visiting", placement=Page.Placement.HEADER)
    make_page(title="Hidden", slug="hidden", placement=Page.Placement.NONE)
    make_page(title="Draft", slug="draft", placement=Page.Placement.FOOTER,
              status=Page.Status.DRAFT)
    page = parse(client.get("/"))
    html_links = page.links
    assert ["/visiting/", "Visiting"] in html_links
    footer_start = html_links.index(["/privacy/", "Privacy notice"])
    footer = html_links[footer_start:]
    assert footer[2:4] == [["/contact/", "Contact us"], ["/about/", "About us"]]
    assert ["/visiting/", "Visiting"] not in footer
    assert ["/hidden/", "Hidden"] not in html_links
    assert ["/draft/", "Draft"] not in html_links


def test_the_page_pattern_is_matched_last():
    last = portal_urls.urlpatterns[-1]
    assert str(last.pattern) == ""
    assert str(last.url_patterns[-1].pattern) == "<slug:slug>/"


@pytest.mark.parametrize("slug", [
    "conditions", "trials", "care", "support", "newsletter", "privacy", "search", "admin",
    "static", "media", "healthz", "Admin",
])
def test_reserved_slugs_are_refused_with_a_clear_message(slug):
    page = Page(title="Clash", slug=slug, body="x")
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "already used by the portal itself" in str(error.value.message_dict["slug"])


def test_reserved_slugs_include_every_first_segment_of_the_url_patterns():
    reserved = reserved_page_slugs()
    assert set(RESERVED_PAGE_SLUGS) <= reserved
    assert {"conditions", "admin", "healthz", "robots.txt", "sitemap.xml", "favicon.ico",
            "newsletter", "privacy"} <= reserved
    assert "" not in reserved
    assert not any("<" in slug for slug in reserved)


urlpatterns = [path("events/", views.HomeView.as_view()), *portal_urls.urlpatterns]


@override_settings(ROOT_URLCONF=__name__)
def test_a_route_added_later_is_reserved_automatically():
    assert "events" in reserved_page_slugs()
    with pytest.raises(ValidationError):
        Page(title="Events", slug="events", body="x").full_clean()


def test_the_admin_refuses_a_reserved_slug(editor_client):
    add_url = reverse("admin:pages_page_add")
    data = form_data(editor_client.get(add_url), "page_form")
    data.update({"title": "Trials", "slug": "trials", "body": "Our trials.",
                 "status": "published"})
    response = editor_client.post(add_url, data)
    assert response.status_code == 200
    assert "/trials/ is already used by the portal itself" in response.content.decode()
    assert not Page.objects.exists()

    data["slug"] = "our-trials"
    assert editor_client.post(add_url, data).status_code == 302
    assert Page.objects.get().slug == "our-trials"


def test_page_edits_are_revisions_that_can_be_compared(editor_client):
    with reversion.create_revision():
        page = make_page(body="The first text.")
    change_url = reverse("admin:pages_page_change", args=[page.pk])
    data = form_data(editor_client.get(change_url), "page_form")
    data["body"] = "The second text."
    assert editor_client.post(change_url, data).status_code == 302
    # A live page's change is a draft until it is published, which makes the revision.
    page.refresh_from_db()
    assert page.body == "The first text."
    assert Version.objects.get_for_object(page).count() == 1
    review_url = reverse("admin:pages_page_review", args=[page.pk])
    assert "Approve" not in editor_client.get(review_url).content.decode()
    seen = re.search(r'name="approve-seen" value="([0-9a-f]*)"',
                     editor_client.get(review_url).content.decode())[1]
    assert editor_client.post(review_url, {"action": "approve", "approve-seen": seen}
                              ).status_code == 302
    first, second = Version.objects.get_for_object(page).order_by("pk")
    compare = editor_client.get(
        reverse("admin:pages_page_compare", args=[page.pk]),
        {"version_id1": first.pk, "version_id2": second.pk},
    )
    assert compare.status_code == 200
    assert "<del>first</del>" in compare.content.decode()
    page.refresh_from_db()
    assert page.body_html == "<p>The second text.</p>"


def test_demo_pages_are_in_the_footer_and_idempotent(client):
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)
    assert Page.objects.count() == 2
    links = parse(client.get("/")).links
    assert ["/about/", "About us"] in links
    assert ["/contact/", "Contact us"] in links
    contact = client.get("/contact/").content.decode()
    assert "555-01" in contact
    assert "examples" in contact


def test_deleting_an_item_deletes_its_draft(django_user_model):
    from pages.tests.factories import make_page
    from portal.models import Draft
    from portal.publishing import draft_save, serialize

    editor = django_user_model.objects.create_user("writer", is_staff=True)
    page, other = make_page(), make_page(title="Visiting", slug="visiting")
    for item in (page, other):
        data = serialize(item)
        data[0]["fields"]["title"] = "Changed"
        draft_save(obj=item, user=editor, data=data)
    page.delete()
    assert [draft.object_id for draft in Draft.objects.all()] == [str(other.pk)]


def test_the_review_page_of_a_live_page_checks_its_text_and_says_nothing_waits(editor_client):
    page = make_page(body="### Our team\n\nSee [our partner](http://partner.example.org) and "
                          "[prices](#prices).")
    html = editor_client.get(reverse("admin:pages_page_review", args=[page.pk])).content.decode()
    checks = html.split('id="checks-heading"')[1].split("</section>")[0]
    assert "Body links to http://partner.example.org: use an https address." in checks
    assert "Body links to #prices, which is not on this page." in checks
    assert "No changes are waiting: the live page is as it is shown." in html
    assert "the page itself is the draft" not in html


def scheduled_page_with_a_corrected_title(editor_client):
    """A page published from tomorrow 09:00 (Scheduled), whose title the editor corrects."""
    tomorrow = timezone.localtime() + datetime.timedelta(days=1)
    go_live = tomorrow.replace(hour=9, minute=0, second=0, microsecond=0)
    page = make_page(title="Visting hours", slug="visiting", publish_at=go_live)
    change_url = reverse("admin:pages_page_change", args=[page.pk])
    data = form_data(editor_client.get(change_url), "page_form")
    data["title"] = "Visiting hours"
    saved = editor_client.post(change_url, data, follow=True)
    messages = " ".join(str(m) for m in saved.context["messages"])
    assert "the page goes live on" in messages
    # Editors publish pages themselves: no review step to wait for.
    assert "Publish it from the review page when it is ready." in messages
    assert "Submit the draft for review" not in messages
    return page, go_live


def test_publishing_a_scheduled_pages_changes_keeps_its_schedule_by_default(editor_client):
    page, go_live = scheduled_page_with_a_corrected_title(editor_client)
    review_url = reverse("admin:pages_page_review", args=[page.pk])
    review = editor_client.get(review_url)
    html = review.content.decode()
    when = f"{go_live:%-d %b %Y, %H:%M}"
    assert f"At the scheduled time, {when}" in html
    assert f"Now, bringing the go-live time forward from {when}" in html
    data = form_data(review, "approve-form")
    assert data["approve-when"] == "scheduled"  # the choice checked when the page opens

    assert editor_client.post(review_url, data).status_code == 302

    page.refresh_from_db()
    assert page.title == "Visiting hours"
    assert page.publish_at == go_live
    assert page.publication_state == "Scheduled"
    assert Client().get("/visiting/").status_code == 404
    assert not Draft.objects.exists()


def test_now_brings_a_scheduled_page_live_when_chosen(editor_client):
    page, _ = scheduled_page_with_a_corrected_title(editor_client)
    review_url = reverse("admin:pages_page_review", args=[page.pk])
    data = form_data(editor_client.get(review_url), "approve-form")
    data["approve-when"] = "now"

    assert editor_client.post(review_url, data).status_code == 302

    page.refresh_from_db()
    assert page.publication_state == "Live"
    assert page.publish_at <= timezone.now()
    assert "Visiting hours" in Client().get("/visiting/").content.decode()


def test_a_live_pages_publish_form_offers_now_and_a_set_time(editor_client):
    page = make_page()
    html = editor_client.get(reverse("admin:pages_page_review", args=[page.pk])).content.decode()
    assert "At the scheduled time" not in html
    data = form_data(editor_client.get(reverse("admin:pages_page_review", args=[page.pk])),
                     "approve-form")
    assert data["approve-when"] == "now"
