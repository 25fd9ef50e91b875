"""The demo content of load_demo: the brief's five care sites, three locations, seven services."""

import io
import re

import pytest
from django.core.management import call_command

from care_sites.models import (
    CareSite,
    Closure,
    Language,
    Location,
    OpeningHours,
    SupportService,
    interpreter_service,
)
from conditions.models import Condition
from pages.models import Page

pytestmark = pytest.mark.django_db

RESERVED_PHONE = re.compile(r"555-01\d\d")
ANY_PHONE = re.compile(r"\d{3}-\d{4}")
MODELS = [Location, CareSite, SupportService, OpeningHours, Closure, Language]


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", stdout=io.StringIO())
    return tmp_path


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_neuroblastoma_is_linked_to_the_five_sites_and_seven_services(demo):
    neuroblastoma = Condition.objects.get(slug="neuroblastoma")
    assert sorted(neuroblastoma.care_sites.values_list("name", flat=True)) == [
        "Blood & Marrow Transplant Clinic", "Brain Tumor Program", "Infusion Center",
        "Oncology Clinic", "Survivorship Program",
    ]
    assert neuroblastoma.support_services.count() == 7
    assert set(neuroblastoma.support_services.values_list("category", flat=True)) == {
        "camps", "family_life", "international", "language_access", "practical",
        "emotional_spiritual",
    }
    assert CareSite.objects.published().count() == 5
    assert SupportService.objects.published().count() == 7


def test_the_three_locations(demo):
    assert sorted(Location.objects.published().values_list("city", flat=True)) == [
        "Oakland", "San Francisco", "Walnut Creek",
    ]
    for location in Location.objects.all():
        assert "demo" in location.street_address.lower(), location
        assert "demo" in location.hours_note.lower(), location
        assert location.map_url.startswith("https://www.openstreetmap.org/"), location
        assert location.opening_hours.count() >= 5, location
    # The contact page says the main number is answered at any hour: the main location's
    # page says so beside its "Closed now".
    main = Location.objects.get(is_main=True)
    assert f"Our number, {main.phone}, is answered at any hour" in main.hours_note
    assert main.phone in Page.objects.get(slug="contact").body
    assert "answered at any hour" in Page.objects.get(slug="contact").body
    # And every other location's page gives that number for when it is closed.
    for location in Location.objects.exclude(pk=main.pk):
        assert f"call our main number, {main.phone}, at any hour" in location.hours_note
    # Every location's page, the main one's too, says what to do in an emergency.
    for location in Location.objects.all():
        assert "In an emergency, call 911." in location.hours_note, location


def test_every_site_has_an_image_with_alt_text_and_locations(demo):
    for site in CareSite.objects.all():
        assert site.image_alt, site
        assert (demo / site.image.name).is_file(), site
        assert site.cities(), site


def test_the_interpreter_service_offers_languages(demo):
    service = interpreter_service()
    assert service.slug == "interpreter-services"
    names = [language.name for language in service.languages.all()]
    assert names[:3] == ["Cantonese", "Mandarin", "Spanish"]
    assert "American Sign Language" in names


def test_demo_phone_numbers_are_in_the_reserved_range(demo):
    phones = [
        *Location.objects.values_list("phone", flat=True),
        *CareSite.objects.values_list("phone", flat=True),
        *SupportService.objects.values_list("phone", flat=True),
    ]
    phones = [phone for phone in phones if phone]
    assert len(phones) >= 3 + 5
    for phone in phones:
        assert RESERVED_PHONE.search(phone), phone
    # Numbers written in text (e.g. a TTY line) are reserved ones too.
    texts = [
        *SupportService.objects.values_list("how_to_access", flat=True),
        *SupportService.objects.values_list("description", flat=True),
        *CareSite.objects.values_list("description", flat=True),
    ]
    for number in ANY_PHONE.findall(" ".join(texts)):
        assert RESERVED_PHONE.fullmatch(number), number


def test_running_twice_creates_no_duplicates(demo):
    first = counts()
    files = sorted(demo.rglob("care-sites/*"))
    assert first["CareSite"] == 5
    assert first["Location"] == 3
    call_command("load_demo", stdout=io.StringIO())
    assert counts() == first
    assert sorted(demo.rglob("care-sites/*")) == files
    neuroblastoma = Condition.objects.get(slug="neuroblastoma")
    assert neuroblastoma.care_sites.count() == 5
    assert neuroblastoma.support_services.count() == 7


def test_the_neuroblastoma_page_shows_the_demo_blocks(demo, client):
    html = client.get("/conditions/neuroblastoma/").content.decode()
    assert "Where to get care (5)" in html
    assert "Support services (7)" in html
    assert "Oakland / San Francisco / Walnut Creek</p>" in html
    assert "We have interpreters for Cantonese, Mandarin, Spanish" in html


def numbers_in(text):
    return set(ANY_PHONE.findall(text or ""))


def test_each_service_has_one_number_everywhere(demo, client):
    from trials.models import Contact

    owners = {}
    records = [*Location.objects.all(), *CareSite.objects.all(), *SupportService.objects.all()]
    for record in records:
        texts = [record.phone, getattr(record, "how_to_access", ""),
                 getattr(record, "description", "")]
        # A service's own texts mention no number but its own.
        assert set().union(*map(numbers_in, texts)) <= numbers_in(record.phone), record
        for number in numbers_in(record.phone):
            owners.setdefault(number, []).append(record.name)
    for contact in Contact.objects.exclude(phone=""):
        for number in numbers_in(contact.phone):
            owners.setdefault(number, []).append(contact.name)
    shared = {number: names for number, names in owners.items() if len(names) > 1}
    assert shared == {}
    # The contact page lists a number for some services: the same as the service's own, and
    # never a number that belongs to something else.
    contact_page = client.get("/contact/").content.decode()
    lines = re.findall(
        r'<li>([^<:]+): <a href="tel:[^"]*">([^<]+)</a>|<li>([^<:]+): ([^<]+)</li>', contact_page
    )
    listed = {}
    for label, linked, plain_label, plain in lines:
        for number in numbers_in(linked or plain):
            listed[(label or plain_label).strip()] = number
    interpreters = SupportService.objects.get(slug="interpreter-services")
    assert listed["Interpreter services"] == ANY_PHONE.search(interpreters.phone).group()
    for label, number in listed.items():
        assert owners.get(number, [label]) in ([label], [interpreters.name]), (label, number)


def test_every_demo_item_has_a_first_revision_to_restore(demo, admin_client):
    """Restoring an older version needs one: each demo item's history starts with the
    content as loaded, with its parts (a location's opening hours)."""
    from reversion.models import Version

    from conditions.models import GlossaryTerm, Story
    from pages.models import PrivacyNotice
    from trials.models import Trial

    for model in [Condition, Story, GlossaryTerm, Page, PrivacyNotice, CareSite, Location,
                  SupportService, Trial]:
        items = list(model.objects.all())
        assert items, model
        for item in items:
            versions = Version.objects.get_for_object(item)
            assert [v.revision.comment for v in versions][-1:] == ["Demo content loaded."], item
    location = Location.objects.get(is_main=True)
    first = Version.objects.get_for_object(location).last().revision
    kept = set(first.version_set.filter(content_type__model="openinghours")
               .values_list("object_id", flat=True))
    own = {str(pk) for pk in location.opening_hours.values_list("pk", flat=True)}
    assert own
    assert own <= kept
    history = admin_client.get(f"/admin/care_sites/location/{location.pk}/history/")
    assert "Demo content loaded." in history.content.decode()
