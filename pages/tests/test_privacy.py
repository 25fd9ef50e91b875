"""The privacy notice: versions, which one is in force, and where it is linked from."""

import datetime
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from pages.models import PrivacyNotice
from pages.tests.factories import make_notice
from portal import roles
from portal.tests.support import active_content, assert_site_layout, parse, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def notices():
    return {
        "old": make_notice("2024-06", datetime.date(2024, 6, 3)),
        "current": make_notice("2025-01", datetime.date(2025, 1, 6)),
        "future": make_notice("2099-01", datetime.date(2099, 1, 1)),
        "draft": make_notice("2025-09", datetime.date(2025, 9, 1),
                             status=PrivacyNotice.Status.DRAFT),
    }


def test_privacy_page_shows_the_version_in_force_with_its_date(client, notices):
    response = client.get("/privacy/")
    assert response.status_code == 200
    assert_site_layout(response)
    html = response.content.decode()
    assert "<h2>Version 2025-01</h2>" in html
    assert "In force since" in html
    assert "January 6, 2025" in html
    assert "Version 2099-01" not in html
    assert "2025-09" not in html
    assert active_content(html) == []


def test_privacy_page_lists_every_version_in_force_so_far(client, notices):
    links = parse(client.get("/privacy/")).links
    assert ["/privacy/2024-06/", "Version 2024-06"] in links
    assert not any("2099" in (href or "") for href, _ in links)
    assert not any("2025-09" in (href or "") for href, _ in links)


def test_an_earlier_version_has_its_own_page_saying_when_it_applied(client, notices):
    response = client.get("/privacy/2024-06/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h2>Version 2024-06</h2>" in html
    assert "This is an earlier version" in html
    assert "June 3, 2024" in html
    assert "until <time datetime=\"2025-01-06\">" in html
    assert ["/privacy/", "Read the notice in force today"] in parse(response).links


def test_future_and_draft_versions_are_not_shown_to_the_public(client, notices):
    assert client.get("/privacy/2099-01/").status_code == 404
    assert client.get("/privacy/2025-09/").status_code == 404
    assert client.get("/privacy/no-such-version/").status_code == 404


def test_editors_can_preview_a_future_version(client, notices, django_user_model):
    client.force_login(staff_user(django_user_model, roles.CONTENT_EDITORS))
    response = client.get("/privacy/2099-01/")
    assert response.status_code == 200
    assert b"takes effect on January 1, 2099" in response.content
    assert b"Preview." in response.content
    assert b"Version 2099-01</h2>" in response.content


def test_the_admin_list_links_each_version_to_its_page(client, notices, django_user_model):
    client.force_login(staff_user(django_user_model, roles.CONTENT_EDITORS))
    html = client.get(reverse("admin:pages_privacynotice_changelist")).content.decode()
    assert '<a href="/privacy/2099-01/">Preview</a>' in html  # not in force yet
    assert '<a href="/privacy/2024-06/">View</a>' in html


@pytest.mark.parametrize(("today", "expected"), [
    (datetime.date(2025, 1, 5), "2024-06"),
    (datetime.date(2025, 1, 6), "2025-01"),
    (datetime.date(2098, 12, 31), "2025-01"),
    (datetime.date(2099, 1, 1), "2099-01"),
])
def test_the_newest_version_whose_date_has_come_is_in_force(notices, today, expected):
    assert PrivacyNotice.objects.in_force(on=today).version == expected


def test_today_is_the_hospitals_date_not_utc(notices, settings):
    settings.TIME_ZONE = "America/Los_Angeles"
    # 02:00 UTC on January 6 is still January 5 in California.
    instant = datetime.datetime(2025, 1, 6, 2, 0, tzinfo=datetime.UTC)
    with mock.patch("django.utils.timezone.now", return_value=instant):
        assert PrivacyNotice.objects.in_force().version == "2024-06"
    with mock.patch("django.utils.timezone.now",
                    return_value=instant + datetime.timedelta(hours=8)):
        assert PrivacyNotice.objects.in_force().version == "2025-01"


def test_no_notice_yet_shows_a_clear_page(client):
    response = client.get("/privacy/")
    assert response.status_code == 200
    assert b"Our privacy notice is being written" in response.content
    assert_site_layout(response)


def test_two_versions_cannot_take_effect_on_one_day(notices):
    clash = PrivacyNotice(version="2025-01b", effective_date=datetime.date(2025, 1, 6), body="x")
    with pytest.raises(ValidationError) as error:
        clash.full_clean()
    assert "Another version takes effect on this date" in str(error.value)


def test_version_labels_are_slugs(notices):
    with pytest.raises(ValidationError):
        PrivacyNotice(version="2025/02", effective_date=datetime.date(2025, 2, 1),
                      body="x").full_clean()


def test_privacy_notice_is_linked_from_every_page_and_every_form(client, notices):
    for url in ["/", "/newsletter/", "/no-such-page/", "/privacy/"]:
        assert ["/privacy/", "Privacy notice"] in parse(client.get(url)).links, url
    signup_form = client.get("/newsletter/").content.decode().split('<form method="post"')[1]
    assert 'href="/privacy/"' in signup_form


def test_demo_privacy_notice_explains_the_newsletter(client):
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)
    assert PrivacyNotice.objects.count() == 2
    html = client.get("/privacy/").content.decode()
    for words in ["email address", "7 days", "30 days", "one year", "unsubscribe",
                  "IP address"]:
        assert words in html, words
    assert client.get("/privacy/2024-06/").status_code == 200


# Site search -------------------------------------------------------------------------------

def found_notices(at=None):
    from portal.models import SearchDocument

    documents = SearchDocument.objects.live(at).filter(url="/privacy/")
    return [document.body for document in documents]


def test_search_finds_the_notice_in_force_at_its_own_address(client, notices):
    assert found_notices() == ["Version 2025-01 What we keep."]
    html = client.get("/search/", {"q": "privacy"}).content.decode()
    assert '<a href="/privacy/">Privacy notice</a>' in html
    assert "1 result for" in html
    # The type filter counts it with the pages.
    assert client.get("/search/", {"q": "privacy", "type": "page"}).status_code == 200
    assert "Privacy notice" in client.get("/search/", {"q": "privacy", "type": "page"}
                                          ).content.decode()


@pytest.mark.parametrize(("day", "expected"), [
    (datetime.date(2024, 6, 2), []),
    (datetime.date(2024, 12, 31), ["Version 2024-06 What we keep."]),
    (datetime.date(2025, 1, 6), ["Version 2025-01 What we keep."]),
    (datetime.date(2099, 1, 1), ["Version 2099-01 What we keep."]),
])
def test_search_changes_version_the_day_the_next_takes_effect(notices, day, expected):
    # Local midnight plus a minute, in the hospital's time zone (the settings' TIME_ZONE).
    from django.utils import timezone

    at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(0, 1)))
    assert found_notices(at) == expected


def test_search_follows_edits_publishing_and_deletion_of_versions(notices):
    notices["draft"].status = PrivacyNotice.Status.PUBLISHED
    notices["draft"].save()
    # The version of September 2025 now ends January 2025's time in search.
    assert found_notices() == ["Version 2025-09 What we keep."]
    notices["draft"].body = "### Version 2025-09\n\nWhat we keep, and for how long."
    notices["draft"].save()
    assert found_notices() == ["Version 2025-09 What we keep, and for how long."]
    notices["draft"].delete()
    assert found_notices() == ["Version 2025-01 What we keep."]
    notices["current"].status = PrivacyNotice.Status.DRAFT
    notices["current"].save()
    # With January 2025 withdrawn, June 2024 is in force again, in search as on the page.
    assert found_notices() == ["Version 2024-06 What we keep."]
    assert PrivacyNotice.objects.in_force().version == "2024-06"


def change_page(client, notice):
    response = client.get(reverse("admin:pages_privacynotice_change", args=[notice.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_version_that_took_effect_keeps_its_wording(client, notices, django_user_model):
    client.force_login(staff_user(django_user_model, roles.CONTENT_EDITORS))
    for name in ["old", "current"]:
        html = change_page(client, notices[name])
        assert "families have agreed to it, so it cannot change, nor be withdrawn" in html
        assert 'name="body"' not in html
        assert 'name="version"' not in html
        # Nor its publishing: withdrawn, it would no longer look like a version that took
        # effect, and could be rewritten.
        assert 'name="status"' not in html
        assert 'name="publish_at_0"' not in html
    # A version not yet in force, or a draft, is written as usual.
    for name in ["future", "draft"]:
        html = change_page(client, notices[name])
        assert 'name="body"' in html
        assert "cannot change" not in html
    # Whatever path a change takes, the model refuses it.
    current = notices["current"]
    current.body = "We keep everything forever."
    with pytest.raises(ValidationError) as error:
        current.full_clean()
    assert "has been in force since January 6, 2025: families agreed to it as it is" in str(
        error.value)
    current.refresh_from_db()
    current.status = PrivacyNotice.Status.DRAFT
    with pytest.raises(ValidationError):
        current.full_clean()
    current.refresh_from_db()
    current.publish_at = timezone.now() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError):
        current.full_clean()
    future = notices["future"]
    future.body = "### Version 2099-01\n\nWhat we will keep."
    future.full_clean()


def test_a_version_that_took_effect_is_neither_deleted_nor_restored(
        client, notices, django_user_model):
    import reversion
    from reversion.models import Version

    current = notices["current"]
    with reversion.create_revision():
        current.save()
    client.force_login(staff_user(django_user_model, roles.CONTENT_EDITORS))
    delete = reverse("admin:pages_privacynotice_delete", args=[current.pk])
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    version = Version.objects.get_for_object(current).first()
    restore = reverse("admin:pages_privacynotice_revision", args=[current.pk, version.pk])
    response = client.post(restore, follow=True)
    assert "an earlier wording cannot be restored" in response.content.decode()
    assert PrivacyNotice.objects.filter(pk=current.pk).exists()
    # Nor by the list's bulk action: Django asks for the permission on each one.
    changelist = reverse("admin:pages_privacynotice_changelist")
    selected = {"action": "delete_selected", "_selected_action": [current.pk,
                                                                  notices["draft"].pk]}
    confirm = client.post(changelist, selected).content.decode()
    assert "permission to delete" in confirm
    assert client.post(changelist, {**selected, "post": "yes"}).status_code == 403
    assert PrivacyNotice.objects.filter(pk__in=[current.pk, notices["draft"].pk]).count() == 2
