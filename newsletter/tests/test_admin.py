"""The newsletter admin, for newsletter managers only: list, filters, export and removal."""

import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from newsletter.models import Consent, Subscriber, Topic
from newsletter.tests.factories import make_topic
from pages.models import Page, PrivacyNotice
from portal import roles
from portal.tests.support import form_data, staff_user, superuser

pytestmark = pytest.mark.django_db

State = Subscriber.State
NEWSLETTER_URLS = [
    "/admin/newsletter/subscriber/",
    "/admin/newsletter/subscriber/export/",
    "/admin/newsletter/topic/",
    "/admin/newsletter/topic/add/",
]


@pytest.fixture
def topics():
    return [make_topic("General news", slug="general", order=0),
            make_topic("Neuroblastoma", order=1)]


@pytest.fixture
def subscribers(topics):
    general, neuroblastoma = topics
    made = {}
    for email, state, chosen in [
        ("ana@example.org", State.CONFIRMED, [general, neuroblastoma]),
        ("=HYPERLINK(1)@example.org", State.CONFIRMED, [neuroblastoma]),
        ("ben@example.org", State.CONFIRMED, [general]),
        ("pending@example.org", State.PENDING, [neuroblastoma]),
        ("left@example.org", State.UNSUBSCRIBED, []),
    ]:
        subscriber = Subscriber.objects.create(
            email=email, state=state,
            confirmed_at=timezone.now() if state == State.CONFIRMED else None,
        )
        subscriber.topics.set(chosen)
        subscriber.consents.create(wording="Yes, please.", privacy_version="2025-01",
                                   topic_names="; ".join(t.name for t in chosen),
                                   ip_address="203.0.113.4", user_agent="Browser/1")
        made[email] = subscriber
    return made


def login(client, django_user_model, role):
    client.force_login(staff_user(django_user_model, role))
    return client


@pytest.fixture
def manager_client(client, django_user_model):
    return login(client, django_user_model, roles.NEWSLETTER_MANAGERS)


def read_csv(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="newsletter-subscribers-'
    )
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_managers_list_filter_and_search_subscribers(manager_client, subscribers, topics):
    response = manager_client.get("/admin/newsletter/subscriber/")
    assert response.status_code == 200
    html = response.content.decode()
    for email in subscribers:
        assert email in html.replace("&#x27;", "'").replace("&quot;", '"')
    assert "Export confirmed subscribers (CSV)" in html

    pending = manager_client.get("/admin/newsletter/subscriber/", {"state__exact": "pending"})
    assert "pending@example.org" in pending.content.decode()
    assert "ana@example.org" not in pending.content.decode()

    by_topic = manager_client.get("/admin/newsletter/subscriber/",
                                  {"topics__id__exact": topics[0].pk}).content.decode()
    assert "ana@example.org" in by_topic
    assert "ben@example.org" in by_topic
    assert "pending@example.org" not in by_topic

    found = manager_client.get("/admin/newsletter/subscriber/", {"q": "BEN@"}).content.decode()
    assert "ben@example.org" in found
    assert "ana@example.org" not in found


def test_a_subscriber_shows_the_consent_record(manager_client, subscribers):
    subscriber = subscribers["ana@example.org"]
    html = manager_client.get(
        reverse("admin:newsletter_subscriber_change", args=[subscriber.pk])
    ).content.decode()
    for text in ["Yes, please.", "2025-01", "General news; Neuroblastoma", "203.0.113.4",
                 "Browser/1"]:
        assert text in html
    # The email and the state only change through the subscriber's own actions.
    assert 'name="email"' not in html
    assert 'name="state"' not in html


def test_export_lists_confirmed_subscribers_with_topics(manager_client, subscribers):
    rows = read_csv(manager_client.get("/admin/newsletter/subscriber/export/"))
    assert rows[0] == ["email", "topics", "subscribed since"]
    body = {row[0]: row[1] for row in rows[1:]}
    assert body == {
        "'=HYPERLINK(1)@example.org": "Neuroblastoma",  # never read as a formula
        "ana@example.org": "General news; Neuroblastoma",
        "ben@example.org": "General news",
    }


def test_export_follows_the_lists_filters(manager_client, subscribers, topics):
    rows = read_csv(manager_client.get("/admin/newsletter/subscriber/export/",
                                       {"topics__id__exact": topics[0].pk}))
    assert [row[0] for row in rows[1:]] == ["ana@example.org", "ben@example.org"]
    bad = manager_client.get("/admin/newsletter/subscriber/export/", {"nonsense": "1"})
    assert bad.status_code == 302


def test_export_needs_the_export_permission(client, django_user_model, subscribers):
    viewer = django_user_model.objects.create_user("viewer", password="pw", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_subscriber"))
    client.force_login(viewer)
    listing = client.get("/admin/newsletter/subscriber/")
    assert listing.status_code == 200
    assert b"Export confirmed subscribers" not in listing.content
    assert client.get("/admin/newsletter/subscriber/export/").status_code == 403


def test_removal_on_request_deletes_the_subscriber_and_consent(manager_client, subscribers):
    subscriber = subscribers["ana@example.org"]
    url = reverse("admin:newsletter_subscriber_delete", args=[subscriber.pk])
    assert manager_client.get(url).status_code == 200
    assert manager_client.post(url, {"post": "yes"}).status_code == 302
    assert not Subscriber.objects.filter(pk=subscriber.pk).exists()
    assert not Consent.objects.filter(subscriber_id=subscriber.pk).exists()


def test_unsubscribe_action_for_requests_by_phone_or_letter(manager_client, subscribers):
    """It cannot be undone by staff: a page first names who will be unsubscribed."""
    ben = subscribers["ben@example.org"]
    asked = manager_client.post("/admin/newsletter/subscriber/?state=confirmed", {
        "action": "unsubscribe", "index": "0", "_selected_action": [ben.pk],
    })
    assert asked.status_code == 200
    html = asked.content.decode()
    assert "1 subscriber will stop getting the newsletter at once" in html
    assert "<li>ben@example.org</li>" in html
    assert 'href="/admin/newsletter/subscriber/?state=confirmed"' in html  # go back
    ben.refresh_from_db()
    assert ben.state == State.CONFIRMED
    # What the page's form sends.
    assert f'name="_selected_action" value="{ben.pk}"' in html
    assert 'name="post" value="yes"' in html
    response = manager_client.post("/admin/newsletter/subscriber/?state=confirmed", {
        "action": "unsubscribe", "post": "yes", "_selected_action": [str(ben.pk)]})
    assert response.status_code == 302
    ben.refresh_from_db()
    assert ben.state == State.UNSUBSCRIBED


def test_unsubscribing_people_unsubscribed_already_says_so(manager_client, subscribers):
    ben, left = subscribers["ben@example.org"], subscribers["left@example.org"]
    when = left.unsubscribed_at
    nothing = manager_client.post("/admin/newsletter/subscriber/", {
        "action": "unsubscribe", "index": "0", "_selected_action": [left.pk]}, follow=True)
    html = nothing.content.decode()
    assert "Nothing to do: the 1 selected is unsubscribed already." in html
    assert "will stop getting the newsletter" not in html
    both = manager_client.post("/admin/newsletter/subscriber/", {
        "action": "unsubscribe", "index": "0", "_selected_action": [ben.pk, left.pk]})
    html = both.content.decode()
    assert "1 subscriber will stop getting the newsletter at once" in html
    assert "1 of those selected is unsubscribed already: nothing changes for them." in html
    assert "<li>left@example.org</li>" not in html
    done = manager_client.post("/admin/newsletter/subscriber/", {
        "action": "unsubscribe", "post": "yes", "_selected_action": [ben.pk, left.pk]},
        follow=True)
    assert "Unsubscribed 1. 1 selected was unsubscribed already." in done.content.decode()
    left.refresh_from_db()
    assert left.unsubscribed_at == when


def test_unsubscribing_everyone_a_filter_lists_asks_first_then_takes_them_all(
        manager_client, subscribers):
    confirmed = Subscriber.objects.filter(state=State.CONFIRMED)
    count = confirmed.count()
    assert count > 1
    one = confirmed.first()
    asked = manager_client.post("/admin/newsletter/subscriber/?state=confirmed", {
        "action": "unsubscribe", "index": "0", "select_across": "1",
        "_selected_action": [one.pk]})
    html = asked.content.decode()
    assert f"{count} subscribers will stop getting the newsletter" in html
    assert 'name="select_across" value="1"' in html
    assert Subscriber.objects.filter(state=State.CONFIRMED).count() == count
    manager_client.post("/admin/newsletter/subscriber/?state=confirmed", {
        "action": "unsubscribe", "post": "yes", "select_across": "1",
        "_selected_action": [one.pk]})
    assert not Subscriber.objects.filter(state=State.CONFIRMED).exists()


def test_subscribers_cannot_be_added_in_the_admin(manager_client, client, django_user_model):
    assert manager_client.get("/admin/newsletter/subscriber/add/").status_code == 403
    client.force_login(superuser(django_user_model))
    assert client.get("/admin/newsletter/subscriber/add/").status_code == 403


def test_managers_manage_topics(manager_client, topics):
    response = manager_client.post("/admin/newsletter/topic/add/", {
        "name": "Wilms tumor", "slug": "wilms-tumor", "order": 3, "is_active": "on",
    })
    assert response.status_code == 302
    assert Topic.objects.filter(slug="wilms-tumor").exists()
    # A second topic of the same name, or an address in other capitals, would show as two
    # identical boxes on the signup form.
    response = manager_client.post("/admin/newsletter/topic/add/", {
        "name": "wilms TUMOR ", "slug": "Wilms-Tumor", "order": 4, "is_active": "on",
    })
    assert response.status_code == 200
    html = response.content.decode()
    assert "Another topic has this name" in html
    assert "Another topic has this address, in other capitals." in html
    assert Topic.objects.filter(name__iexact="wilms tumor").count() == 1


def test_the_consent_record_is_named_in_the_portals_time(subscribers, settings):
    consent = subscribers["ana@example.org"].consents.get()
    local = timezone.localtime(consent.given_at)
    assert str(consent) == f"Consent of {local:%Y-%m-%d %H:%M}"


@pytest.mark.parametrize("role", [roles.CONTENT_EDITORS, roles.TRIAL_COORDINATORS])
def test_other_roles_see_nothing_of_the_newsletter(client, django_user_model, subscribers,
                                                   role):
    login(client, django_user_model, role)
    for url in NEWSLETTER_URLS:
        assert client.get(url).status_code == 403, url
    subscriber = subscribers["ana@example.org"]
    assert client.get(
        reverse("admin:newsletter_subscriber_change", args=[subscriber.pk])
    ).status_code == 403
    index = client.get("/admin/").content.decode()
    assert "Subscribers" not in index
    assert "Topics" not in index


def test_newsletter_managers_see_nothing_else(manager_client):
    index = manager_client.get("/admin/").content.decode()
    assert "Subscribers" in index
    assert "Topics" in index
    for url in ["/admin/pages/page/", "/admin/pages/privacynotice/",
                "/admin/conditions/condition/", "/admin/auth/user/"]:
        assert manager_client.get(url).status_code == 403, url


def test_content_editors_edit_pages_and_privacy_notices(client, django_user_model):
    login(client, django_user_model, roles.CONTENT_EDITORS)
    for url in ["/admin/pages/page/", "/admin/pages/page/add/",
                "/admin/pages/privacynotice/", "/admin/pages/privacynotice/add/"]:
        assert client.get(url).status_code == 200, url


def test_role_permissions(django_user_model):
    def codenames(role, app_label):
        return set(roles.permissions_for(role).filter(content_type__app_label=app_label)
                   .values_list("codename", flat=True))

    assert codenames(roles.CONTENT_EDITORS, "pages") == {
        f"{action}_{model}" for action in ["add", "change", "delete", "view"]
        for model in ["page", "privacynotice"]
    }
    assert codenames(roles.CONTENT_EDITORS, "newsletter") == set()
    assert codenames(roles.NEWSLETTER_MANAGERS, "newsletter") == {
        "add_topic", "change_topic", "delete_topic", "view_topic",
        "view_subscriber", "export_subscriber", "change_subscriber", "delete_subscriber",
        "view_consent",
    }
    assert codenames(roles.NEWSLETTER_MANAGERS, "pages") == set()
    assert codenames(roles.TRIAL_COORDINATORS, "pages") == set()
    assert codenames(roles.TRIAL_COORDINATORS, "newsletter") == set()
    # The groups hold them after migrate.
    editor = staff_user(django_user_model, roles.CONTENT_EDITORS, username="e")
    assert editor.has_perm("pages.change_page")
    assert not editor.has_perm("newsletter.view_subscriber")
    manager = staff_user(django_user_model, roles.NEWSLETTER_MANAGERS, username="m")
    assert manager.has_perm("newsletter.export_subscriber")
    assert not manager.has_perm("newsletter.add_subscriber")
    assert not manager.has_perm("pages.change_privacynotice")
    assert Page.objects.count() == PrivacyNotice.objects.count() == 0


def test_managers_take_topics_off_on_request_but_never_add_one(manager_client, subscribers,
                                                                topics):
    general, neuroblastoma = topics
    ana = subscribers["ana@example.org"]
    url = reverse("admin:newsletter_subscriber_change", args=[ana.pk])
    data = form_data(manager_client.get(url), "subscriber_form")
    data["topics"] = [str(general.pk)]
    assert manager_client.post(url, data).status_code == 302
    ana.refresh_from_db()
    assert list(ana.topics.all()) == [general]
    assert ana.state == State.CONFIRMED
    assert ana.email == "ana@example.org"
    # A topic the subscriber did not choose needs their own consent: refused, nothing saved.
    data["topics"] = [str(general.pk), str(neuroblastoma.pk)]
    response = manager_client.post(url, data)
    assert response.status_code == 200
    assert "Only the subscriber can add a topic, with their consent" in (
        response.content.decode())
    assert list(ana.topics.all()) == [general]
    # The form offers only the subscriber's own topics.
    page = manager_client.get(url).content.decode()
    assert f'<option value="{neuroblastoma.pk}"' not in page


@pytest.mark.postgresql
def test_export_of_more_subscribers_than_one_query_can_name(manager_client, topics):
    # PostgreSQL takes at most 65,535 values in one query (server-side binding): the export
    # reads its subscribers, and their topics, in chunks.
    count = 66_000
    now = timezone.now()
    made = Subscriber.objects.bulk_create(
        Subscriber(email=f"s{n:05d}@example.org", email_key=f"s{n:05d}@example.org",
                   state=State.CONFIRMED, confirmed_at=now) for n in range(count))
    Subscriber.topics.through.objects.bulk_create(
        Subscriber.topics.through(subscriber_id=subscriber.pk, topic_id=topics[n % 2].pk)
        for n, subscriber in enumerate(made))
    rows = read_csv(manager_client.get("/admin/newsletter/subscriber/export/"))
    assert len(rows) == count + 1
    assert rows[1][:2] == ["s00000@example.org", "General news"]
    assert rows[-1][:2] == [f"s{count - 1:05d}@example.org", "Neuroblastoma"]
