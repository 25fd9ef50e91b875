"""JSON-LD, canonical links, meta descriptions, Open Graph tags and the sitemap."""

import datetime
import html as html_module
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from care_sites.models import CareSite, Location
from conditions.models import Condition, Story
from conditions.tests.factories import make_condition
from portal.cache import content_changed
from portal.sitemaps import StaticViewSitemap
from portal.tests.support import active_content
from trials.models import OverallStatus, Trial
from trials.structured_data import STUDY_STATUS
from trials.tests.factories import make_trial

pytestmark = pytest.mark.django_db
SITE = "https://portal.example.org"

# Every page type of the demo, with the JSON-LD types it carries.
PAGES = [
    ("/", {"Organization", "WebSite"}),
    ("/conditions/", {"BreadcrumbList"}),
    ("/conditions/neuroblastoma/", {"MedicalWebPage", "BreadcrumbList"}),
    ("/conditions/stories/a-first-birthday-for-baby-theo/", {"Article", "BreadcrumbList"}),
    ("/care/", {"BreadcrumbList"}),
    ("/care/oncology-clinic/", {"MedicalClinic", "BreadcrumbList"}),
    ("/care/locations/oakland-campus/", {"Hospital", "BreadcrumbList"}),
    ("/support/", {"BreadcrumbList"}),
    ("/support/interpreter-services/", {"Service", "BreadcrumbList"}),
    ("/trials/", {"BreadcrumbList"}),
    ("/trials/NCT99990003/", {"MedicalTrial", "BreadcrumbList"}),
    ("/search/?q=neuroblastoma", {"BreadcrumbList"}),
    ("/search/", {"BreadcrumbList"}),
    ("/about/", {"WebPage", "BreadcrumbList"}),
    ("/privacy/", {"BreadcrumbList"}),
    ("/newsletter/", set()),
]


@pytest.fixture
def demo(settings):
    settings.SITE_URL = SITE
    call_command("load_demo", verbosity=0)


def blocks(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    return [json.loads(text) for text in found], html


def by_type(data, kind):
    matches = [block for block in data if block["@type"] == kind]
    assert len(matches) == 1, (kind, [block["@type"] for block in data])
    return matches[0]


@pytest.mark.parametrize(("url", "types"), PAGES)
def test_every_page_has_parsing_json_ld_canonical_description_and_open_graph(
        client, demo, url, types):
    data, html = blocks(client, url)
    assert {block["@type"] for block in data} >= types
    assert all(block["@context"] == "https://schema.org" for block in data)
    path = url.split("?")[0]
    # A search's results are kept out of search engines, so they name no canonical address.
    if '<meta name="robots" content="noindex">' not in html:
        assert f'<link rel="canonical" href="{SITE}{path}">' in html
    else:
        assert '<link rel="canonical"' not in html
    assert f'<meta property="og:url" content="{SITE}{path}">' in html
    title = re.search(r"<title>(.*?)</title>", html, re.DOTALL)[1].strip()
    assert f'<meta property="og:title" content="{title}">' in html
    description = re.search(r'<meta name="description" content="([^"]+)">', html)[1]
    assert f'<meta property="og:description" content="{description}">' in html
    assert '<meta property="og:site_name"' in html
    image = re.search(r'<meta property="og:image" content="([^"]+)">', html)[1]
    assert image.startswith(f"{SITE}/"), image
    assert re.search(r'<meta property="og:image:alt" content="[^"]+">', html)
    assert '<meta name="twitter:card" content="summary_large_image">' in html


def test_a_page_without_a_picture_shares_the_portals_mark(client, demo):
    from django.contrib.staticfiles import finders
    from PIL import Image

    _, html = blocks(client, "/conditions/neuroblastoma/")
    image = re.search(r'<meta property="og:image" content="([^"]+)">', html)[1]
    # The static file's name as served (hashed in production), and the file is there.
    assert re.fullmatch(rf"{SITE}/static/img/share(\.\w+)?\.png", image), image
    with Image.open(finders.find("img/share.png")) as picture:
        assert picture.size == (1200, 630)
    assert '<meta property="og:image:width" content="1200">' in html
    assert '<meta property="og:image:height" content="630">' in html


@pytest.mark.parametrize(("url", "model", "kind"), [
    ("/conditions/stories/a-first-birthday-for-baby-theo/", Story, "Article"),
    ("/care/oncology-clinic/", CareSite, "MedicalClinic"),
])
def test_a_page_with_its_own_picture_shares_it(client, demo, url, model, kind):
    item = model.objects.get(slug=url.rstrip("/").rsplit("/", 1)[1])
    assert item.image
    data, html = blocks(client, url)
    picture = f"{SITE}{item.image.url}"
    assert f'<meta property="og:image" content="{picture}">' in html
    assert f'<meta property="og:image:alt" content="{item.image_alt}">' in html
    assert 'property="og:image:width"' not in html  # not known without opening the file
    assert by_type(data, kind)["image"] == picture
    # Without its picture, the page shares the portal's mark and names no image of its own.
    model.objects.filter(pk=item.pk).update(image="")
    content_changed()  # as code writing without signals does
    data, html = blocks(client, url)
    assert "/static/img/share" in re.search(r'property="og:image" content="([^"]+)"', html)[1]
    assert "image" not in by_type(data, kind)


def test_breadcrumb_list_matches_the_breadcrumbs(client, demo):
    data, _ = blocks(client, "/conditions/neuroblastoma/")
    crumbs = by_type(data, "BreadcrumbList")["itemListElement"]
    assert [(c["position"], c["name"], c["item"]) for c in crumbs] == [
        (1, "Home", f"{SITE}/"),
        (2, "Conditions", f"{SITE}/conditions/"),
        (3, "Neuroblastoma", f"{SITE}/conditions/neuroblastoma/"),
    ]


def test_a_story_about_one_condition_sits_under_its_page(client, demo):
    url = "/conditions/stories/a-first-birthday-for-baby-theo/"
    data, html = blocks(client, url)
    crumbs = by_type(data, "BreadcrumbList")["itemListElement"]
    assert [(c["name"], c["item"]) for c in crumbs] == [
        ("Home", f"{SITE}/"),
        ("Conditions", f"{SITE}/conditions/"),
        ("Neuroblastoma", f"{SITE}/conditions/neuroblastoma/"),
        ("A first birthday for baby Theo", f"{SITE}{url}"),
    ]
    shown = re.findall(r'<li class="breadcrumb-item[^"]*"[^>]*>(.*?)</li>', html)
    assert shown[2] == '<a href="/conditions/neuroblastoma/">Neuroblastoma</a>'
    # About two conditions: under the list of conditions only.
    Story.objects.get(slug="a-first-birthday-for-baby-theo").conditions.add(
        Condition.objects.exclude(slug="neuroblastoma").published().first())
    data, _ = blocks(client, url)
    crumbs = by_type(data, "BreadcrumbList")["itemListElement"]
    assert [c["name"] for c in crumbs] == ["Home", "Conditions",
                                           "A first birthday for baby Theo"]


def test_canonical_leaves_out_tracking_query_strings(client, demo):
    html = client.get("/conditions/neuroblastoma/?utm_source=mail&fbclid=x").content.decode()
    assert f'<link rel="canonical" href="{SITE}/conditions/neuroblastoma/">' in html


def test_condition_page_is_a_medical_web_page_about_the_condition(client, demo):
    data, _ = blocks(client, "/conditions/neuroblastoma/")
    page = by_type(data, "MedicalWebPage")
    condition = Condition.objects.get(slug="neuroblastoma")
    assert page["url"] == f"{SITE}/conditions/neuroblastoma/"
    assert page["lastReviewed"] == condition.last_reviewed.isoformat()
    assert page["reviewedBy"] == {"@type": "Person", "name": condition.reviewer_name,
                                  "jobTitle": condition.reviewer_role}
    about = page["about"]
    assert about["@type"] == "MedicalCondition"
    assert about["name"] == "Neuroblastoma"
    assert set(about.get("alternateName", [])) == set(
        condition.synonyms.values_list("name", flat=True))
    symptoms = [item["name"] for item in about["signOrSymptom"]]
    assert "Wheezing" in symptoms
    # As the text says them: the glossary's explanations marked in the page are left out
    # ("Fever, anemia", not "Fever, anemiaAnemia").
    from conditions.models import Section
    from conditions.structured_data import section_items

    assert not [name for name in symptoms if re.search(r"[a-z][A-Z]", name)]
    assert symptoms == section_items(list(condition.sections.all()), Section.Kind.SYMPTOMS)
    assert all(item["@type"] == "MedicalSignOrSymptom" for item in about["signOrSymptom"])
    assert about["riskFactor"]
    assert all(item["@type"] == "MedicalRiskFactor" for item in about["riskFactor"])
    # A symptom is named without the explanation in brackets after it, and with what
    # follows it: before, "Fever, anemia" lost its "or high blood pressure".
    assert "Paralysis, when a tumor presses on the spinal cord" in symptoms
    assert "Fever, anemia or high blood pressure" in symptoms
    assert not [name for name in symptoms if "(" in name]
    assert all(item["@type"] == "MedicalTherapy" for item in about["possibleTreatment"])
    # The kinds of treatment the page describes, not the steps of a category's plan.
    treatments = [item["name"] for item in about["possibleTreatment"]]
    assert {"Surgery", "Chemotherapy", "Radiation therapy", "MIBG therapy"} <= set(treatments)
    options = {option.text for category in condition.staging_categories.all()
               for option in category.options.all()}
    assert {"Then chemotherapy", "A clinical trial"} <= options
    assert not {"Then chemotherapy", "A clinical trial"} & set(treatments)
    dois = [ref for ref in condition.references.all() if ref.doi]
    cited = [item for item in page["citation"] if "identifier" in item]
    assert dois
    assert len(cited) == len(dois)
    for item, reference in zip(cited, dois, strict=True):
        assert item["identifier"] == {"@type": "PropertyValue", "propertyID": "DOI",
                                      "value": reference.doi}
        assert item["sameAs"] == f"https://doi.org/{reference.doi}"


def test_each_citation_is_typed_as_the_work_it_is(client, demo):
    """Before, a textbook chapter and a drug's prescribing information were each "part of"
    a Periodical (named after the book, or after the drug's maker)."""
    data, html = blocks(client, "/conditions/neuroblastoma/")
    cited = {item["name"]: item for item in by_type(data, "MedicalWebPage")["citation"]}
    article = cited["Identification of ALK as a major familial neuroblastoma predisposition gene"]
    assert article["@type"] == "ScholarlyArticle"
    assert article["isPartOf"] == {"@type": "Periodical", "name": "Nature"}
    chapter = cited["Neuroblastoma"]
    assert chapter["@type"] == "Chapter"
    assert chapter["isPartOf"] == {
        "@type": "Book",
        "name": "Principles and Practice of Pediatric Oncology. 7th ed. Wolters Kluwer"}
    assert chapter["pagination"] == "772-792"
    label = cited["Danyelza (naxitamab-gqgk) prescribing information"]
    assert label["@type"] == "CreativeWork"
    assert "isPartOf" not in label
    assert label["publisher"] == {"@type": "Organization", "name": "Y-mAbs Therapeutics"}
    web = cited["Neuroblastoma Treatment (PDQ) \u2013 Patient Version"]
    assert web["@type"] == "WebPage"
    assert web["publisher"] == {"@type": "Organization", "name": "National Cancer Institute"}
    assert "Periodical" not in json.dumps([chapter, label, web])
    # The page cites the chapter as chapters are cited: the book, the year, its pages.
    assert ("In: Pizzo PA, Poplack DG, eds. Principles and Practice of Pediatric Oncology. "
            "7th ed. Wolters Kluwer; 2015. p. 772-792.") in html


def test_trial_page_is_a_medical_trial(client, demo):
    data, _ = blocks(client, "/trials/NCT99990003/")
    trial = Trial.objects.get(nct_id="NCT99990003")
    block = by_type(data, "MedicalTrial")
    assert block["identifier"] == "NCT99990003"
    assert block["status"] == "https://schema.org/Recruiting"
    assert trial.phases == "PHASE2"
    assert block["phase"] == ["Phase 2"]
    assert block["sponsor"] == {"@type": "Organization", "name": trial.lead_sponsor}
    assert {"@type": "MedicalCondition", "name": "Neuroblastoma",
            "url": f"{SITE}/conditions/neuroblastoma/"} in block["healthCondition"]


@pytest.mark.parametrize(("status", "last_known", "expected"), [
    *[(status, "", f"https://schema.org/{value}") for status, value in STUDY_STATUS.items()],
    # Not "Recruiting": the page lists a study of unknown status as closed.
    (OverallStatus.UNKNOWN, OverallStatus.RECRUITING, None),
    (OverallStatus.UNKNOWN, "", None),
    (OverallStatus.AVAILABLE, "", None),
    (OverallStatus.NO_LONGER_AVAILABLE, "", None),
    (OverallStatus.TEMPORARILY_NOT_AVAILABLE, "", None),
    (OverallStatus.APPROVED_FOR_MARKETING, "", None),
    (OverallStatus.WITHHELD, "", None),
])
def test_trial_status_mapping(client, status, last_known, expected):
    make_trial("NCT00000042", overall_status=status, last_known_status=last_known)
    block = by_type(blocks(client, "/trials/NCT00000042/")[0], "MedicalTrial")
    assert block.get("status") == expected


def test_every_registry_status_has_a_stated_rule():
    unmapped = set(OverallStatus) - set(STUDY_STATUS)
    assert unmapped == {OverallStatus.UNKNOWN, OverallStatus.AVAILABLE,
                        OverallStatus.NO_LONGER_AVAILABLE, OverallStatus.TEMPORARILY_NOT_AVAILABLE,
                        OverallStatus.APPROVED_FOR_MARKETING, OverallStatus.WITHHELD}


def assert_place(block, location):
    assert block["address"]["streetAddress"] == location.street_address
    assert block["address"]["postalCode"] == location.postal_code
    assert block["geo"] == {"@type": "GeoCoordinates", "latitude": float(location.latitude),
                            "longitude": float(location.longitude)}
    hours = block["openingHoursSpecification"]
    assert len(hours) == location.opening_hours.count()
    assert hours[0]["dayOfWeek"].startswith("https://schema.org/")
    assert re.fullmatch(r"\d\d:\d\d", hours[0]["opens"])


def test_location_page_is_a_hospital(client, demo):
    location = Location.objects.get(slug="oakland-campus")
    block = by_type(blocks(client, "/care/locations/oakland-campus/")[0], "Hospital")
    assert_place(block, location)
    # With the country code, as search engines ask: "(510) 555-0143" is "+1 510-555-0143".
    digits = re.sub(r"\D", "", location.phone)
    assert block["telephone"] == f"+1 {digits[:3]}-{digits[3:6]}-{digits[6:]}"
    assert {"@type": "MedicalClinic", "name": "Oncology Clinic",
            "url": f"{SITE}/care/oncology-clinic/"} in block["department"]


def test_a_location_names_the_days_it_is_closed_as_its_page_does(client, demo):
    location = Location.objects.get(slug="oakland-campus")
    today = timezone.localdate()
    location.closures.all().delete()
    location.closures.create(date=today - datetime.timedelta(days=3), note="Past")
    location.closures.create(date=today + datetime.timedelta(days=9), note="Staff day")
    data, html = blocks(client, "/care/locations/oakland-campus/")
    coming = (today + datetime.timedelta(days=9)).isoformat()
    # Only the upcoming day, which the page lists; closed from 00:00 to 00:00 is all day.
    assert by_type(data, "Hospital")["specialOpeningHoursSpecification"] == [
        {"@type": "OpeningHoursSpecification", "validFrom": coming, "validThrough": coming,
         "opens": "00:00", "closes": "00:00"}]
    assert "(Staff day)" in html
    assert "(Past)" not in html
    location.closures.all().delete()
    data, _ = blocks(client, "/care/locations/oakland-campus/")
    assert "specialOpeningHoursSpecification" not in by_type(data, "Hospital")


def test_care_site_page_is_a_medical_clinic(client, demo):
    site = CareSite.objects.get(slug="oncology-clinic")
    assert site.locations.count() > 1
    block = by_type(blocks(client, "/care/oncology-clinic/")[0], "MedicalClinic")
    # Each location with its address, as the page lists them; no campus's address, map
    # point or hours as the clinic's own, which the page does not say.
    assert {place["name"] for place in block["location"]} == set(
        site.locations.values_list("name", flat=True))
    assert all(place["address"]["streetAddress"] for place in block["location"])
    assert not {"address", "geo", "openingHoursSpecification"} & set(block)
    assert re.sub(r"\D", "", block["telephone"]) == "1" + re.sub(r"\D", "", site.phone)
    assert block["medicalSpecialty"] == "https://schema.org/Oncologic"
    # With one location, its address and map point are the clinic's.
    site.locations.set([Location.objects.get(slug="oakland-campus")])
    block = by_type(blocks(client, "/care/oncology-clinic/")[0], "MedicalClinic")
    assert block["address"]["postalCode"] == site.locations.get().postal_code
    assert block["geo"]["@type"] == "GeoCoordinates"
    assert "openingHoursSpecification" not in block


@pytest.mark.parametrize(("url", "kind", "key"), [
    ("/conditions/neuroblastoma/", "MedicalWebPage", "publisher"),
    ("/care/oncology-clinic/", "MedicalClinic", "parentOrganization"),
    ("/support/interpreter-services/", "Service", "provider"),
])
def test_the_organization_is_named_on_every_page_that_refers_to_it(client, demo, url, kind,
                                                                   key):
    block = by_type(blocks(client, url)[0], kind)
    assert block[key] == {"@type": "Organization", "@id": f"{SITE}/#organization",
                          "name": by_type(blocks(client, "/")[0], "Organization")["name"],
                          "url": f"{SITE}/"}


def test_home_page_has_organization_and_search_action(client, demo):
    data, _ = blocks(client, "/")
    organization = by_type(data, "Organization")
    assert organization["url"] == f"{SITE}/"
    action = by_type(data, "WebSite")["potentialAction"]
    assert action["@type"] == "SearchAction"
    assert action["target"]["urlTemplate"] == f"{SITE}/search/?q={{search_term_string}}"
    assert action["query-input"] == "required name=search_term_string"


def test_json_ld_cannot_be_broken_out_of(client, settings):
    make_condition(slug="hostile", name='</script><script>alert(1)</script> & <!--',
                   summary="</SCRIPT><img src=x onerror=alert(2)>")
    data, html = blocks(client, "/conditions/hostile/")
    page = by_type(data, "MedicalWebPage")
    assert page["name"] == '</script><script>alert(1)</script> & <!--'
    assert page["description"] == "</SCRIPT><img src=x onerror=alert(2)>"
    assert "\\u003c/script\\u003e" in html
    assert active_content(html) == []


def test_sitemap_has_lastmod_for_published_pages_only(client, demo):
    Condition.objects.filter(slug="retinoblastoma").update(status=Condition.Status.DRAFT)
    later = timezone.now() + datetime.timedelta(days=1)
    Trial.objects.filter(nct_id="NCT99990003").update(publish_at=later)
    CareSite.objects.filter(slug="oncology-clinic").update(status=CareSite.Status.DRAFT)
    root = ET.fromstring(client.get("/sitemap.xml").content)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    entries = {url.find("s:loc", ns).text: url.find("s:lastmod", ns)
               for url in root.findall("s:url", ns)}
    locations = set(entries)
    assert f"{SITE}/conditions/neuroblastoma/" in locations
    assert f"{SITE}/conditions/retinoblastoma/" not in locations
    assert f"{SITE}/trials/NCT99990003/" not in locations
    assert f"{SITE}/care/oncology-clinic/" not in locations
    static = {SITE + reverse(name) for name in StaticViewSitemap().items()}
    # The lists a family starts from are there too, each once.
    for listed in ["/", "/conditions/", "/trials/", "/care/", "/support/", "/glossary/",
                   "/trials/explained/", "/privacy/", "/newsletter/"]:
        assert f"{SITE}{listed}" in static & locations, listed
    assert len(root.findall("s:url", ns)) == len(locations)
    objects = {loc: lastmod for loc, lastmod in entries.items() if loc not in static}
    assert len(objects) >= 20
    missing = [loc for loc, lastmod in objects.items() if lastmod is None]
    assert missing == []
    for kind in ["/care/locations/", "/support/", "/conditions/stories/", "/about/"]:
        assert any(kind in loc for loc in objects), kind


def sitemap_lastmods(client):
    root = ET.fromstring(client.get("/sitemap.xml").content)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    return {url.find("s:loc", ns).text: url.find("s:lastmod", ns).text
            for url in root.findall("s:url", ns) if url.find("s:lastmod", ns) is not None}


def test_a_care_site_and_its_locations_change_together_in_the_sitemap(client, demo):
    def day(moment):  # as the sitemap writes it: the date where the hospital is
        return timezone.localdate(moment).isoformat()

    site = CareSite.objects.get(slug="oncology-clinic")
    shown = site.locations.order_by("pk").first()
    long_ago = timezone.now() - datetime.timedelta(days=400)
    CareSite.objects.update(updated_at=long_ago, publish_at=long_ago)
    Location.objects.update(updated_at=long_ago, publish_at=long_ago)
    content_changed()
    site_url, location_url = f"{SITE}/care/oncology-clinic/", f"{SITE}{shown.get_absolute_url()}"
    before = sitemap_lastmods(client)
    assert before[site_url] == before[location_url] == day(long_ago)
    # A published location the care site's page shows is edited: both pages changed.
    edited = timezone.now() - datetime.timedelta(days=5)
    Location.objects.filter(pk=shown.pk).update(updated_at=edited)
    content_changed()
    after = sitemap_lastmods(client)
    assert after[site_url] == after[location_url] == day(edited)
    # The care site is renamed: its locations' pages, which name it, changed too.
    renamed = timezone.now() - datetime.timedelta(days=4)
    CareSite.objects.filter(pk=site.pk).update(updated_at=renamed)
    content_changed()
    assert sitemap_lastmods(client)[location_url] == day(renamed)
    # A location taken off the site (withdrawn, or its unpublishing time passed): the care
    # site's page no longer shows its address, so it changed then.
    withdrawn = timezone.now() - datetime.timedelta(days=3)
    Location.objects.filter(pk=shown.pk).update(status=Location.Status.DRAFT,
                                                 updated_at=withdrawn)
    content_changed()
    assert sitemap_lastmods(client)[site_url] == day(withdrawn)
    ended = timezone.now() - datetime.timedelta(days=2)
    Location.objects.filter(pk=shown.pk).update(status=Location.Status.PUBLISHED,
                                                 updated_at=long_ago, unpublish_at=ended)
    content_changed()
    assert sitemap_lastmods(client)[site_url] == day(ended)
    # One to be published later has changed nothing yet.
    Location.objects.filter(pk=shown.pk).update(
        unpublish_at=None, updated_at=timezone.now(),
        publish_at=timezone.now() + datetime.timedelta(days=2))
    content_changed()
    assert sitemap_lastmods(client)[site_url] == day(renamed)


def test_empty_values_and_things_with_a_type_only_are_left_out():
    from portal.structured_data import compact

    assert compact({"@type": "Service", "name": "Camp", "url": "",
                    "availableChannel": {"@type": "ServiceChannel", "servicePhone": None,
                                         "availableLanguage": []},
                    "area": [{"@type": "Place"}, {"@type": "Place", "name": "Oakland"}]}) == {
        "@type": "Service", "name": "Camp", "area": [{"@type": "Place", "name": "Oakland"}]}


def canonical(html):
    found = re.findall(r'<link rel="canonical" href="([^"]*)">', html)
    assert len(found) <= 1
    return found[0] if found else None


def test_a_later_page_of_a_list_is_its_own_canonical_address(client, demo):
    for number in range(25):
        make_trial(f"NCT0100{number:04d}")
    pages = -(-Trial.objects.count() // 20)
    assert pages >= 2
    html = client.get("/trials/", {"page": "2"}).content.decode()
    assert canonical(html) == f"{SITE}/trials/?page=2"
    # Past the last page the last is shown, and named.
    html = client.get("/trials/", {"page": "99", "utm_source": "mail"}).content.decode()
    assert canonical(html) == f"{SITE}/trials/?page={pages}"
    assert canonical(client.get("/trials/", {"page": "1"}).content.decode()) == f"{SITE}/trials/"
    # A filtered list still points at the whole list.
    html = client.get("/trials/", {"status": "open", "page": "2"}).content.decode()
    assert canonical(html) == f"{SITE}/trials/"


def test_pages_kept_out_of_search_engines_have_no_canonical_address(client, demo):
    html = client.get("/search/", {"q": "neuroblastoma"}).content.decode()
    assert '<meta name="robots" content="noindex">' in html
    assert canonical(html) is None
    assert canonical(client.get("/search/").content.decode()) == f"{SITE}/search/"
    response = client.get("/conditions/no-such-page/")
    assert response.status_code == 404
    assert canonical(response.content.decode()) is None
    assert 'property="og:url"' not in response.content.decode()


def test_the_privacy_notice_in_force_has_one_canonical_address(client, demo):
    from pages.models import PrivacyNotice

    notices = list(PrivacyNotice.objects.effective())
    assert len(notices) > 1
    current, earlier = notices[0], notices[1]
    html = client.get(f"/privacy/{current.version}/").content.decode()
    assert canonical(html) == f"{SITE}/privacy/"
    assert canonical(client.get("/privacy/").content.decode()) == f"{SITE}/privacy/"
    html = client.get(f"/privacy/{earlier.version}/").content.decode()
    assert '<meta name="robots" content="noindex">' in html
    assert canonical(html) is None


def test_a_trial_is_described_in_whole_sentences(client, demo):
    for trial in Trial.objects.all():
        html = client.get(trial.get_absolute_url()).content.decode()
        description = re.search(r'<meta name="description" content="([^"]+)">', html)[1]
        assert description.endswith((".", "…")), description
        assert len(description.split()) <= 30, description
        # What the trial is about, not the demo's note that it is an example, which each
        # demo trial's summary ends with.
        first = re.split(r"(?<=\.)\s", trial.plain_summary, maxsplit=1)[0]
        assert html_module.unescape(description).startswith(first), (description, first)
        assert "Example trial" in trial.plain_summary


def test_a_phone_that_is_not_one_number_is_given_as_typed():
    from portal.structured_data import telephone

    assert telephone("(510) 555-0143 ext. 2") == "+1 510-555-0143 ext. 2"
    assert telephone("Ask the front desk") == "Ask the front desk"
    assert telephone("555 0110") == "555 0110"
    assert telephone("") == ""


def test_a_list_item_is_named_up_to_its_explanation_in_brackets():
    from conditions.structured_data import list_items

    assert list_items("<ul><li>Paralysis (not being able to move)</li>"
                      "<li>(Rare) headaches</li><li>Fever: often high</li>"
                      "<li>Fever, anemia (too few red cells) or high blood pressure</li>"
                      "<li>Pain (in the bones</li></ul>") == [
        "Paralysis", "(Rare) headaches", "Fever", "Fever, anemia or high blood pressure",
        "Pain"]
