"""The care sites admin: who may use it, image uploads, filters and search."""

import re
import struct
import zlib
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from care_sites.models import CareSite, Language, Location, SupportService
from care_sites.tests.factories import make_location, make_service, make_site
from portal import roles
from portal.publishing import draft_for
from portal.tests.support import form_data, png_bytes, publish_draft, staff_user

pytestmark = pytest.mark.django_db


def changelist(model):
    return reverse(f"admin:care_sites_{model._meta.model_name}_changelist")


def admin_urls():
    location = make_location(slug="oakland-campus", city="Oakland")
    location.opening_hours.create(weekday=0, opens="09:00", closes="17:00")
    location.closures.create(date="2026-12-25", note="Christmas Day")
    site = make_site(slug="oncology-clinic")
    site.locations.add(location)
    service = make_service(slug="spiritual-care")
    language = Language.objects.create(name="Spanish")
    urls = []
    for obj in (location, site, service, language):
        name = obj._meta.model_name
        urls += [
            reverse(f"admin:care_sites_{name}_changelist"),
            reverse(f"admin:care_sites_{name}_add"),
            reverse(f"admin:care_sites_{name}_change", args=[obj.pk]),
        ]
    return urls


# Roles ---------------------------------------------------------------------------------------

def test_content_editor_can_open_every_care_sites_admin_page(editor_client):
    urls = admin_urls()
    assert len(urls) == 12
    for url in urls:
        assert editor_client.get(url).status_code == 200, url


def test_content_editor_sees_the_app_on_the_admin_index(editor_client):
    index = editor_client.get(reverse("admin:index"))
    assert "care_sites" in {app["app_label"] for app in index.context["app_list"]}
    assert changelist(CareSite) in index.content.decode()


@pytest.mark.parametrize("role", [roles.TRIAL_COORDINATORS, roles.NEWSLETTER_MANAGERS])
def test_other_roles_are_refused(client, django_user_model, role):
    urls = admin_urls()
    client.force_login(staff_user(django_user_model, role))
    for url in urls:
        assert client.get(url).status_code == 403, url
    index = client.get(reverse("admin:index"))
    assert "care_sites" not in {app["app_label"] for app in index.context["app_list"]}


def test_anonymous_visitors_are_sent_to_the_admin_login(client):
    for url in admin_urls():
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url == f"{reverse('admin:login')}?next={url}"


def test_editor_group_holds_every_care_sites_permission():
    codenames = set(
        Group.objects.get(name=roles.CONTENT_EDITORS)
        .permissions.values_list("codename", flat=True)
    )
    for model in ["location", "openinghours", "closure", "caresite", "language",
                  "supportservice"]:
        for action in ["add", "change", "delete", "view"]:
            assert f"{action}_{model}" in codenames


# Adding a care site with an image ------------------------------------------------------------

def site_data(**kw):
    return {
        "name": "Sleep Clinic",
        "slug": "sleep-clinic",
        "kind": CareSite.Kind.CLINIC,
        "summary": "Help for children who cannot sleep.",
        "description": "We see children **every** weekday.",
        "image_alt": "",
        "phone": "(415) 555-0199",
        "email": "",
        "accepts_new_patients": "on",
        "status": CareSite.Status.PUBLISHED,
        "publish_at_0": "2025-01-06",
        "publish_at_1": "08:00:00",
        "order": "0",
        **kw,
    }


def add(client, **kw):
    return client.post(reverse("admin:care_sites_caresite_add"), site_data(**kw))


def image_errors(response):
    assert response.status_code == 200
    return response.context["adminform"].form.errors


def test_editor_adds_a_care_site_with_an_image_and_alt_text(editor_client, media_root, client):
    location = make_location(slug="oakland-campus", city="Oakland")
    image = SimpleUploadedFile("sleep.png", png_bytes(), content_type="image/png")
    response = add(editor_client, image=image, image_alt="A quiet bedroom",
                   locations=[location.pk])

    assert response.status_code == 302
    site = CareSite.objects.get()
    assert site.name == "Sleep Clinic"
    assert site.image_alt == "A quiet bedroom"
    assert site.image.name.startswith("care-sites/sleep")
    assert (media_root / site.image.name).read_bytes() == png_bytes()
    assert list(site.locations.all()) == [location]
    assert site.description_html == "<p>We see children <strong>every</strong> weekday.</p>"

    html = client.get("/care/sleep-clinic/").content.decode()
    assert f'src="/media/{site.image.name}" alt="A quiet bedroom"' in html


def test_editor_adds_a_care_site_without_an_image(editor_client, media_root):
    assert add(editor_client).status_code == 302
    assert not CareSite.objects.get().image
    assert not list(media_root.rglob("*"))


@pytest.mark.parametrize("phone", ["abc", "12", "call us"])
def test_a_phone_number_that_cannot_be_dialled_is_refused(editor_client, media_root, phone):
    response = add(editor_client, phone=phone)
    assert response.status_code == 200
    assert "Enter a phone number that can be dialled" in str(image_errors(response)["phone"])
    assert not CareSite.objects.exists()


def test_an_image_without_alt_text_is_refused(editor_client, media_root):
    image = SimpleUploadedFile("sleep.png", png_bytes(), content_type="image/png")
    response = add(editor_client, image=image, image_alt="  ")

    assert image_errors(response)["image_alt"] == [
        "Describe the image for people who cannot see it."
    ]
    assert "Describe the image for people who cannot see it." in response.content.decode()
    assert not CareSite.objects.exists()
    assert not list(media_root.rglob("*.png"))


def test_a_file_that_is_not_an_image_is_refused(editor_client, media_root):
    fake = SimpleUploadedFile("sleep.png", b"%PDF-1.4 not a picture", content_type="image/png")
    response = add(editor_client, image=fake, image_alt="A quiet bedroom")

    errors = image_errors(response)
    assert "Upload a valid image" in errors["image"][0]
    assert "Upload a valid image" in response.content.decode()
    assert not CareSite.objects.exists()
    assert not list(media_root.rglob("*"))


def test_an_image_over_the_size_limit_is_refused(editor_client, media_root, settings):
    settings.MAX_IMAGE_BYTES = 1000
    content = png_bytes((64, 64), noisy=True)
    assert len(content) > 10_000
    image = SimpleUploadedFile("sleep.png", content, content_type="image/png")
    response = add(editor_client, image=image, image_alt="A quiet bedroom")

    message = image_errors(response)["image"][0]
    assert message.startswith("This image is ")
    assert "Please upload one of at most 1000\xa0bytes." in message
    assert "Please upload one of at most 1000" in response.content.decode()
    assert not CareSite.objects.exists()
    assert not list(media_root.rglob("*"))


def test_an_image_under_the_size_limit_is_accepted(editor_client, media_root, settings):
    content = png_bytes((64, 64), noisy=True)
    settings.MAX_IMAGE_BYTES = len(content)
    image = SimpleUploadedFile("sleep.png", content, content_type="image/png")
    assert add(editor_client, image=image, image_alt="Noise").status_code == 302
    assert CareSite.objects.count() == 1


def test_an_image_too_wide_is_refused(editor_client, media_root, settings):
    settings.MAX_IMAGE_SIDE = 5
    image = SimpleUploadedFile("sleep.png", png_bytes((8, 6)), content_type="image/png")
    response = add(editor_client, image=image, image_alt="A quiet bedroom")
    assert "This image is 8x6 pixels." in image_errors(response)["image"][0]
    assert not CareSite.objects.exists()


def huge_png_header(width, height):
    """A PNG that says it is width x height pixels (its header only): what Pillow reads to
    decide, before decoding, whether a picture is too large to open."""
    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body)))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b""))


def test_an_image_of_too_many_pixels_is_refused_as_such(editor_client, media_root, settings):
    image = SimpleUploadedFile("huge.png", huge_png_header(20_000, 20_000),
                               content_type="image/png")
    response = add(editor_client, image=image, image_alt="A huge picture")
    message = image_errors(response)["image"][0]
    assert "too many pixels to be opened safely" in message
    assert f"at most {settings.MAX_IMAGE_SIDE} pixels" in message
    assert not CareSite.objects.exists()
    # A file that is no picture at all keeps Django's own message.
    text = SimpleUploadedFile("note.png", b"not a picture", content_type="image/png")
    assert "too many pixels" not in str(image_errors(add(editor_client, image=text,
                                                         image_alt="A note")))


def test_the_slug_locations_is_refused(editor_client, media_root):
    response = add(editor_client, slug="locations")
    assert "slug" in image_errors(response)
    assert not CareSite.objects.exists()


# Changelists: filters, search, view on site --------------------------------------------------

def result_names(response):
    assert response.status_code == 200
    return {obj.name for obj in response.context["cl"].result_list}


def test_care_site_changelist_filters_by_kind(editor_client):
    make_site(name="Brain Tumor Program", kind=CareSite.Kind.PROGRAM)
    make_site(name="Survivorship Program", kind=CareSite.Kind.PROGRAM)
    make_site(name="Oncology Clinic", kind=CareSite.Kind.CLINIC)
    make_site(name="Infusion Center", kind=CareSite.Kind.CENTER)

    response = editor_client.get(changelist(CareSite), {"kind": "program"})
    assert result_names(response) == {"Brain Tumor Program", "Survivorship Program"}
    response = editor_client.get(changelist(CareSite), {"kind__exact": "center"})
    assert result_names(response) == {"Infusion Center"}


def test_care_site_changelist_filters_by_location(editor_client):
    oakland = make_location(slug="oakland", city="Oakland")
    walnut = make_location(slug="walnut", city="Walnut Creek")
    make_site(name="Both").locations.add(oakland, walnut)
    make_site(name="Oakland only").locations.add(oakland)
    make_site(name="Walnut only").locations.add(walnut)
    make_site(name="Nowhere")

    response = editor_client.get(changelist(CareSite), {"locations__id__exact": oakland.pk})
    assert result_names(response) == {"Both", "Oakland only"}
    # One row per site even when it matches through several locations.
    assert len(response.context["cl"].result_list) == 2


def test_care_site_changelist_filters_by_status(editor_client):
    make_site(name="Live")
    make_site(name="Draft", status=CareSite.Status.DRAFT)
    response = editor_client.get(changelist(CareSite), {"status__exact": "draft"})
    assert result_names(response) == {"Draft"}


def test_care_site_changelist_searches_by_city(editor_client):
    oakland = make_location(slug="oakland", city="Oakland")
    other_oakland = make_location(slug="oakland-2", city="Oakland")
    walnut = make_location(slug="walnut", city="Walnut Creek")
    make_site(name="Twice in Oakland").locations.add(oakland, other_oakland)
    make_site(name="Walnut only").locations.add(walnut)

    response = editor_client.get(changelist(CareSite), {"q": "oakland"})
    assert result_names(response) == {"Twice in Oakland"}
    assert len(response.context["cl"].result_list) == 1
    response = editor_client.get(changelist(CareSite), {"q": "Walnut Creek"})
    assert result_names(response) == {"Walnut only"}


def test_care_site_changelist_shows_cities_and_view_on_site_links(editor_client):
    live = make_site(name="Live clinic", slug="live-clinic")
    live.locations.add(make_location(slug="a", city="Oakland"),
                       make_location(slug="b", city="San Francisco"))
    make_site(name="Draft clinic", slug="draft-clinic", status=CareSite.Status.DRAFT)
    html = editor_client.get(changelist(CareSite)).content.decode()
    assert '<td class="field-cities_list">Oakland, San Francisco</td>' in html
    assert '<a href="/care/live-clinic/">View</a>' in html
    assert '<a href="/care/draft-clinic/">Preview</a>' in html


def test_location_changelist_searches_by_city(editor_client):
    make_location(slug="oakland", name="Oakland campus", city="Oakland")
    make_location(slug="walnut", name="Walnut center", city="Walnut Creek")
    response = editor_client.get(changelist(Location), {"q": "walnut creek"})
    assert result_names(response) == {"Walnut center"}


def test_support_service_changelist_filters_and_searches(editor_client):
    interpreters = make_service(name="Interpreters",
                                category=SupportService.Category.LANGUAGE_ACCESS)
    interpreters.languages.add(Language.objects.create(name="Tagalog"))
    make_service(name="Camp", category=SupportService.Category.CAMPS)

    response = editor_client.get(changelist(SupportService), {"category__exact": "camps"})
    assert result_names(response) == {"Camp"}
    response = editor_client.get(changelist(SupportService), {"q": "tagalog"})
    assert result_names(response) == {"Interpreters"}


def test_a_closed_day_added_to_a_live_locations_draft_can_be_saved_again(editor_client):
    location = make_location(slug="campus", publish_at=timezone.now() - timedelta(days=1))
    url = reverse("admin:care_sites_location_change", args=[location.pk])
    data = form_data(editor_client.get(url), "location_form")
    data.update({"closures-TOTAL_FORMS": "1", "closures-0-date": "2031-12-25",
                 "closures-0-note": "Christmas Day"})
    assert editor_client.post(url, data).status_code == 302
    for note in ["Christmas", "Christmas Day, closed"]:  # saved again, twice
        data = form_data(editor_client.get(url), "location_form")
        assert data["closures-0-date"] == "2031-12-25"
        data["closures-0-note"] = note
        response = editor_client.post(url, data)
        assert response.status_code == 302, response.content.decode()[-3000:]
    assert "Christmas Day, closed" in str(draft_for(location).data)
    assert not location.closures.exists()  # the live location is unchanged until published


def test_an_order_changed_in_the_list_is_kept_when_a_waiting_draft_is_published(
        editor_client):
    """Before, publishing a change saved as a draft earlier put the order back to what it
    was when the draft was saved."""
    site = make_site("oncology-clinic", name="Oncology Clinic", order=5)
    url = reverse("admin:care_sites_caresite_change", args=[site.pk])
    data = form_data(editor_client.get(url), "caresite_form")
    data["summary"] = "Check-ups before, during and after treatment."
    assert editor_client.post(url, data).status_code == 302
    assert draft_for(site).data

    data = form_data(editor_client.get(changelist(CareSite)), "changelist-form")
    assert data["form-0-order"] == "5"
    data.update({"form-0-order": "1", "_save": "Save"})
    assert editor_client.post(changelist(CareSite), data).status_code == 302
    site.refresh_from_db()
    assert site.order == 1  # the list's order applies at once, as before
    assert site.summary != "Check-ups before, during and after treatment."

    publish_draft(editor_client, site)
    assert site.summary == "Check-ups before, during and after treatment."
    assert site.order == 1


def location_form(rows):
    """The admin's add form for a location, with opening hours (weekday, opens, closes)."""
    data = {
        "name": "Fresno clinic", "slug": "fresno-clinic", "status": "published",
        "publish_at_0": "2025-01-06", "publish_at_1": "08:00:00",
        "street_address": "1 Example Way", "city": "Fresno", "state": "CA",
        "postal_code": "93701", "phone": "", "latitude": "", "longitude": "",
        "hours_note": "", "parking": "", "transit": "",
        "opening_hours-TOTAL_FORMS": str(len(rows)), "opening_hours-INITIAL_FORMS": "0",
        "closures-TOTAL_FORMS": "0", "closures-INITIAL_FORMS": "0",
    }
    for index, (day, opens, closes) in enumerate(rows):
        data.update({f"opening_hours-{index}-weekday": str(day),
                     f"opening_hours-{index}-opens": opens,
                     f"opening_hours-{index}-closes": closes})
    return data


@pytest.mark.parametrize(("rows", "message"), [
    ([(0, "08:00", "17:00"), (0, "10:00", "12:00")],
     "These opening hours overlap: Monday 08:00-17:00 and Monday 10:00-12:00."),
    ([(0, "08:00", "12:30"), (0, "12:00", "17:00")],
     "These opening hours overlap: Monday 08:00-12:30 and Monday 12:00-17:00."),
    # Past midnight into the next day, and Sunday night into Monday morning.
    ([(0, "20:00", "02:00"), (1, "01:00", "09:00")],
     "These opening hours overlap: Monday 20:00-02:00 and Tuesday 01:00-09:00."),
    ([(6, "22:00", "06:00"), (0, "05:00", "12:00")],
     "These opening hours overlap: Sunday 22:00-06:00 and Monday 05:00-12:00."),
    # A break at lunch, back to back, and overnight hours that end as the next day opens.
    ([(0, "08:00", "12:00"), (0, "13:00", "17:00")], None),
    ([(0, "08:00", "12:00"), (0, "12:00", "17:00")], None),
    ([(0, "20:00", "08:00"), (1, "08:00", "17:00")], None),
])
def test_opening_hours_that_overlap_are_refused(editor_client, rows, message):
    response = editor_client.post(reverse("admin:care_sites_location_add"),
                                  location_form(rows))
    if message is None:
        assert response.status_code == 302
        assert Location.objects.get().opening_hours.count() == len(rows)
    else:
        assert response.status_code == 200
        html = response.content.decode()
        assert message in html
        assert "Join them into one row, or change one of them." in html
        assert not Location.objects.exists()


def test_every_overlap_of_opening_hours_is_named_at_once(editor_client):
    rows = [(4, "20:00", "02:00"), (5, "01:00", "09:00"), (6, "22:00", "09:00"),
            (0, "08:00", "17:00")]
    html = editor_client.post(reverse("admin:care_sites_location_add"),
                              location_form(rows)).content.decode()
    assert "These opening hours overlap: Friday 20:00-02:00 and Saturday 01:00-09:00." in html
    assert "These opening hours overlap: Sunday 22:00-09:00 and Monday 08:00-17:00." in html
    assert not Location.objects.exists()


def test_editor_adds_a_location_with_hours_through_the_admin(editor_client):
    data = location_form([(0, "09:00", "17:00"), (1, "09:00", "09:00")])
    response = editor_client.post(reverse("admin:care_sites_location_add"), data)
    assert response.status_code == 200
    assert "Opening and closing times must differ." in response.content.decode()
    assert not Location.objects.exists()

    data["opening_hours-1-closes"] = "13:00"
    response = editor_client.post(reverse("admin:care_sites_location_add"), data)
    assert response.status_code == 302
    location = Location.objects.get()
    assert [str(interval) for interval in location.opening_hours.all()] == [
        "Monday 09:00-17:00", "Tuesday 09:00-13:00",
    ]


def test_opening_hours_are_typed_as_the_campus_clock_says(editor_client):
    """Plain boxes: before, each had the admin's clock, "Now" and a note to enter times in
    the server's time zone, which invited an editor elsewhere to convert them."""
    import datetime

    location = make_location(slug="oakland")
    location.opening_hours.create(weekday=0, opens=datetime.time(8, 30),
                                  closes=datetime.time(17, 0))
    html = editor_client.get(reverse("admin:care_sites_location_change",
                                     args=[location.pk])).content.decode()
    opens = re.search(r'<input[^>]*name="opening_hours-0-opens"[^>]*>', html)[0]
    assert 'value="08:30"' in opens
    assert "vTimeField" not in opens


@pytest.mark.parametrize(("opens", "closes"), [("18:00", "6pm-ish"), ("8am", "07:00")])
def test_a_time_typed_wrong_is_the_only_error_about_it(editor_client, opens, closes):
    """Before, the saved time stood in for the one typed wrong, and the form also said
    "This closes at 17:00 the next morning, after 23 h open" of a time no longer typed."""
    import datetime

    location = make_location(slug="walnut-creek")
    location.opening_hours.create(weekday=0, opens=datetime.time(8, 30),
                                  closes=datetime.time(17, 0))
    url = reverse("admin:care_sites_location_change", args=[location.pk])
    data = form_data(editor_client.get(url), "location_form")
    data["opening_hours-0-opens"], data["opening_hours-0-closes"] = opens, closes
    response = editor_client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter a time as HH:MM in the 24-hour clock, for example 08:30 or 19:00." in html
    assert "the next morning" not in html
    assert "must differ" not in html
    assert draft_for(location) is None


def test_opening_hours_saved_in_the_admin_are_found_by_site_search(editor_client, client):
    data = location_form([(0, "09:00", "17:00"), (5, "10:00", "14:00")])
    assert editor_client.post(reverse("admin:care_sites_location_add"), data).status_code == 302
    html = client.get("/search/", {"q": "saturday"}).content.decode()
    assert 'href="/care/locations/fresno-clinic/#opening-hours"' in html
    assert "<mark>Saturday</mark> 10:00 a.m. to 2:00 p.m." in html


def test_the_locations_list_shows_the_publishing_state_not_the_us_state(client, editor):
    make_location(slug="oakland", state="CA")
    make_location(slug="berkeley", state="CA", status=Location.Status.DRAFT)
    client.force_login(editor)
    html = client.get(reverse("admin:care_sites_location_changelist")).content.decode()
    states = re.findall(r'<td class="field-publishing_state">([^<]*)</td>', html)
    assert sorted(states) == ["Draft", "Live"]
    assert "field-state" not in html


def test_a_change_its_editor_publishes_is_published_not_approved(editor_client, editor,
                                                                 reviewer):
    """No medical review took place: the message, the history's step and the revision say
    "Published", and the medical reviewers get no email about it."""
    from django.core import mail
    from reversion.models import Version

    from portal.models import ReviewStep
    from portal.publishing import steps_for
    from portal.tests.support import publish_draft

    editor.email = "editor@example.org"
    editor.save()
    location = make_location(slug="berkeley")
    url = reverse("admin:care_sites_location_change", args=[location.pk])
    data = form_data(editor_client.get(url), "location_form")
    data["parking"] = "A small lot behind the building."
    assert editor_client.post(url, data).status_code == 302
    mail.outbox.clear()
    publish_draft(editor_client, location)  # asserts the message "Published “…”."
    assert location.parking == "A small lot behind the building."
    assert steps_for(location).last().action == ReviewStep.Action.PUBLISHED
    comment = Version.objects.get_for_object(location).latest("pk").revision.comment
    assert comment.startswith("Published by ")
    # The editor is told (sent at once in tests), the reviewers are not.
    [sent] = mail.outbox
    assert sent.to == ["editor@example.org"]
    assert sent.subject.startswith("Published: ")
