import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone
from django.utils.html import escape

from care_sites.models import CareSite, Language, Location, SupportService
from conditions.models import Condition, Section, Story
from conditions.tests.factories import make_condition, make_glossary_term
from portal import roles
from portal.tests.support import page_queries

pytestmark = pytest.mark.django_db


def fill(condition, n):
    """n of everything a condition page shows: sections (each with a subsection), references,
    facts, staging categories, stories, care sites with a location, support services."""
    for i in range(n):
        section = condition.sections.create(order=i, heading=f"Section {i}", body=f"Text {i}.")
        section.subsections.create(heading=f"Part {i}", body="More.")
        condition.references.create(order=i, title=f"Paper {i}", doi=f"10.1000/{i}")
        condition.key_facts.create(order=i, text=f"Fact {i}")
        condition.synonyms.create(name=f"Other name {i}")
        condition.recognitions.create(order=i, title=f"Award {i}")
        condition.discussions.create(order=i, title=f"Thread {i}", url="https://example.org/t",
                                     reply_count=i)
        category = condition.staging_categories.create(order=i, name=f"Stage {i}", definition="d")
        category.options.create(text="Option", age_group="under_1")
        story = Story.objects.create(title=f"Story {i}", slug=f"{condition.slug}-story-{i}",
                                     summary="s",
                                     status=Story.Status.PUBLISHED)
        story.conditions.add(condition)
        site = CareSite.objects.create(name=f"Clinic {i}", slug=f"{condition.slug}-clinic-{i}",
                                       summary="s", status=CareSite.Status.PUBLISHED)
        site.conditions.add(condition)
        site.locations.add(Location.objects.create(
            name=f"Campus {i}", slug=f"{condition.slug}-campus-{i}", street_address="1 Way",
            city=f"City {i}", postal_code="94000", status=Location.Status.PUBLISHED,
        ))
        service = SupportService.objects.create(
            name=f"Service {i}", slug=f"{condition.slug}-service-{i}", summary="s",
            category=SupportService.Category.LANGUAGE_ACCESS,
            status=SupportService.Status.PUBLISHED,
        )
        service.conditions.add(condition)
        service.languages.add(Language.objects.create(name=f"{condition.slug} language {i}"))


def test_a_to_z_lists_conditions_and_their_synonyms(client):
    wilms = make_condition(name="Nephroblastoma", slug="nephroblastoma")
    wilms.synonyms.create(name="Wilms tumor")
    make_condition(name="Neuroblastoma", slug="neuroblastoma")
    make_condition(name="Retinoblastoma", slug="retinoblastoma", status=Condition.Status.DRAFT)
    response = client.get("/conditions/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<a href="/conditions/nephroblastoma/">Nephroblastoma</a>' in html
    assert 'Wilms tumor, see <a href="/conditions/nephroblastoma/">Nephroblastoma</a>' in html
    assert "Retinoblastoma" not in html
    assert '<a href="#letter-N">N</a>' in html
    assert '<a href="#letter-W">W</a>' in html
    assert '<h2 id="letter-W">W</h2>' in html
    assert '<a href="#letter-R">' not in html
    assert [g["letter"] for g in response.context["groups"]] == ["N", "W"]


def test_a_to_z_links_each_name_to_the_address_its_page_gives(client):
    slugs = ["wilms_tumour-2", "a1", "neuroblastoma"]
    conditions = [make_condition(name=f"Name {slug}", slug=slug) for slug in slugs]
    conditions[0].synonyms.create(name="Another name")
    html = client.get("/conditions/").content.decode()
    for condition in conditions:
        assert f'<a href="{condition.get_absolute_url()}">{condition.name}</a>' in html
    assert (f'Another name, see <a href="{conditions[0].get_absolute_url()}">'
            f"Name wilms_tumour-2</a>") in html


@pytest.mark.parametrize("hidden", [
    {"status": Condition.Status.DRAFT},
    {"publish_at": timezone.now() + datetime.timedelta(days=3)},
    {"unpublish_at": timezone.now() - datetime.timedelta(hours=1)},
])
def test_a_to_z_leaves_out_the_other_names_of_a_condition_not_live(client, hidden):
    make_condition(name="Nephroblastoma", slug="nephroblastoma").synonyms.create(name="Renal")
    make_condition(name="Hepatoblastoma", slug="hepatoblastoma", **hidden).synonyms.create(
        name="Liver tumor")
    html = client.get("/conditions/").content.decode()
    assert "Renal, see" in html
    assert "Liver tumor" not in html
    assert "Hepatoblastoma" not in html


def test_a_to_z_orders_equal_names_the_same_way_every_time(client):
    # "Wilms tumor" is a condition's name and another name of two other conditions.
    make_condition(name="Wilms tumor", slug="wilms-tumor")
    for name in ["Nephroblastoma", "Kidney tumor"]:
        make_condition(name=name, slug=name.lower().replace(" ", "-")).synonyms.create(
            name="Wilms tumor")
    html = client.get("/conditions/").content.decode()
    block = html[html.index('<h2 id="letter-W">'):]
    assert re.findall(r"<li>(.*?)</li>", block[:block.index("</ul>")]) == [
        '<a href="/conditions/wilms-tumor/">Wilms tumor</a>',
        'Wilms tumor, see <a href="/conditions/kidney-tumor/">Kidney tumor</a>',
        'Wilms tumor, see <a href="/conditions/nephroblastoma/">Nephroblastoma</a>',
    ]


def test_a_to_z_has_an_empty_state(client):
    response = client.get("/conditions/")
    assert b"No condition pages are published yet" in response.content


def test_condition_page_shows_every_part(client):
    condition = make_condition(
        last_reviewed=datetime.date(2025, 9, 30), reviewer_name="Dr. Demo",
        reviewer_role="Pediatric oncologist",
    )
    condition.synonyms.create(name="NB")
    condition.key_facts.create(text="About 600 children a year")
    overview = condition.sections.create(order=1, heading="Overview", kind="overview",
                                         body="What it is.")
    treatment = condition.sections.create(order=3, heading="Treatment", kind="treatment", body="")
    treatment.subsections.create(heading="Surgery", body="Removing the tumor.")
    condition.sections.create(order=2, heading="Staging", kind="staging", body="Groups.")
    stage = condition.staging_categories.create(name="Disseminated", definition="Has spread.")
    stage.options.create(order=1, text="Watchful waiting", age_group="under_1")
    stage.options.create(order=2, text="Intensive chemotherapy", age_group="1_or_older")
    condition.references.create(title="Revised risk classification", doi="10.1200/JCO.21.00278",
                                authors="Irwin MS", source="J Clin Oncol", year=2021)
    condition.recognitions.create(title="Ranked in 10 specialties")
    story = Story.objects.create(title="Baby Theo", slug="baby-theo", summary="A story.",
                                 status=Story.Status.PUBLISHED)
    story.conditions.add(condition)
    draft_story = Story.objects.create(title="Unfinished", slug="unfinished", summary="s")
    draft_story.conditions.add(condition)

    response = client.get("/conditions/neuroblastoma/")
    assert response.status_code == 200
    html = response.content.decode()
    html = html[html.index("<body"):]  # the page itself, not the head's structured data
    assert '<h1 id="page-title">Neuroblastoma</h1>' in html
    assert "Also called <span>NB</span>" in html
    assert '<a href="#overview">Overview</a>' in html
    assert '<h2 id="overview">Overview</h2>' in html
    assert '<h3 id="treatment-surgery">Surgery</h3>' in html
    assert html.index("Overview</h2>") < html.index("Staging</h2>") < html.index("Treatment</h2>")
    assert "About 600 children a year" in html
    assert '<dt id="staging-disseminated">Disseminated</dt>' in html
    assert "Younger than 1 year:" in html
    assert html.index("Younger than 1 year") < html.index("Watchful waiting")
    assert html.index("1 year or older:") < html.index("Intensive chemotherapy")
    assert '<a href="https://doi.org/10.1200/JCO.21.00278">doi:10.1200/JCO.21.00278</a>' in html
    assert "Ranked in 10 specialties" in html
    assert '<a href="/conditions/stories/baby-theo/">Baby Theo</a>' in html
    assert "Unfinished" not in html
    assert '<time datetime="2025-09-30">September 30, 2025</time>' in html
    assert "by Dr. Demo, Pediatric oncologist" in html
    assert escape(condition.shown_disclaimer) in html
    assert 'aria-label="Breadcrumb"' in html
    assert overview.anchor == "overview"


def test_staging_without_a_staging_section_still_appears(client):
    condition = make_condition()
    condition.sections.create(heading="Overview", body="x")
    condition.staging_categories.create(name="Localized", definition="Has not spread.")
    html = client.get("/conditions/neuroblastoma/").content.decode()
    assert '<h2 id="staging-title">Staging</h2>' in html
    assert "Treatment by category" in html


@pytest.mark.parametrize(
    "fields",
    [
        {"status": Condition.Status.DRAFT},
        {"publish_at": timezone.now() + datetime.timedelta(days=3)},
    ],
)
def test_unpublished_condition_is_404_for_the_public_and_a_preview_for_staff(
    client, django_user_model, editor, fields
):
    condition = make_condition(**fields)
    assert client.get("/conditions/neuroblastoma/").status_code == 404
    assert b"Neuroblastoma" not in client.get("/conditions/").content

    outsider = django_user_model.objects.create_user("coord", password="pw", is_staff=True)
    outsider.groups.add(Group.objects.get(name=roles.TRIAL_COORDINATORS))
    client.force_login(outsider)
    assert client.get("/conditions/neuroblastoma/").status_code == 404

    client.force_login(editor)
    response = client.get("/conditions/neuroblastoma/")
    assert response.status_code == 200
    assert b"<strong>Preview.</strong>" in response.content
    assert f'/admin/conditions/condition/{condition.pk}/change/'.encode() in response.content


def test_published_page_has_no_preview_banner_for_staff(client, editor):
    make_condition()
    client.force_login(editor)
    assert b"Preview." not in client.get("/conditions/neuroblastoma/").content


def test_unknown_condition_is_404(client):
    assert client.get("/conditions/no-such-thing/").status_code == 404


def test_an_address_typed_in_other_capitals_leads_to_the_page(client):
    make_condition()
    response = client.get("/conditions/NeuroBlastoma/?utm_source=leaflet")
    assert response.status_code == 301
    assert response["Location"] == "/conditions/neuroblastoma/?utm_source=leaflet"
    assert client.get("/conditions/NO-SUCH-THING/").status_code == 404


def test_an_address_made_of_another_name_leads_to_the_page(client, django_assert_max_num_queries):
    condition = make_condition(slug="nephroblastoma", name="Nephroblastoma")
    condition.synonyms.create(name="Wilms tumor")
    condition.synonyms.create(name="Wilms' tumour (kidney)")
    response = client.get("/conditions/wilms-tumor/?utm_source=leaflet")
    assert response.status_code == 302  # other names change: not a permanent move
    assert response["Location"] == "/conditions/nephroblastoma/?utm_source=leaflet"
    assert client.get("/conditions/Wilms-Tumor/")["Location"] == "/conditions/nephroblastoma/"
    assert client.get("/conditions/wilms-tumour-kidney/").status_code == 302
    with django_assert_max_num_queries(6):
        assert client.get("/conditions/wilms/").status_code == 404
    assert client.get("/conditions/-/").status_code == 404
    # Not to a page that is not live.
    condition.status = Condition.Status.DRAFT
    condition.save()
    assert client.get("/conditions/wilms-tumor/").status_code == 404


def test_other_capitals_never_lead_to_a_page_not_live(client):
    make_condition(status=Condition.Status.DRAFT)
    assert client.get("/conditions/Neuroblastoma/").status_code == 404
    story = Story.objects.create(title="Baby Theo", slug="baby-theo", summary="A story.",
                                 body="Well now.", status=Story.Status.PUBLISHED)
    assert client.get("/conditions/stories/Baby-Theo/")["Location"] == story.get_absolute_url()


def test_story_page_and_its_drafts(client):
    condition = make_condition()
    story = Story.objects.create(title="Baby Theo", slug="baby-theo", summary="A story.",
                                 body="He is *well* now.", status=Story.Status.PUBLISHED)
    story.conditions.add(condition)
    response = client.get("/conditions/stories/baby-theo/")
    assert response.status_code == 200
    assert b"He is <em>well</em> now." in response.content
    assert b'<a href="/conditions/neuroblastoma/">Neuroblastoma</a>' in response.content
    story.status = Story.Status.DRAFT
    story.save()
    assert client.get("/conditions/stories/baby-theo/").status_code == 404


def test_sitemap_lists_published_conditions_and_stories(client, settings):
    settings.SITE_URL = "https://portal.example.org"
    make_condition()
    make_condition(name="Hidden", slug="hidden", status=Condition.Status.DRAFT)
    Story.objects.create(title="T", slug="baby-theo", summary="s", status=Story.Status.PUBLISHED)
    body = client.get("/sitemap.xml").content.decode()
    assert "<loc>https://portal.example.org/conditions/neuroblastoma/</loc>" in body
    assert "<loc>https://portal.example.org/conditions/stories/baby-theo/</loc>" in body
    assert "hidden" not in body


# The condition (with its synonyms, key facts, references, recognition and discussions, and
# its numbers of care sites and of trials in each status group, as columns of its own row),
# its sections (with their subsections), staging categories (with their options), stories,
# the first care sites, their locations, support services, the first trials, the
# interpreter service (with its languages), the newsletter topics, the header and footer
# page links, the header's "Call us" number and the glossary terms.
CONDITION_PAGE_QUERIES = 12


def test_condition_page_queries_do_not_grow_with_content(client):
    small = make_condition(slug="small")
    fill(small, 2)
    large = make_condition(name="Large", slug="large")
    fill(large, 40)
    assert len(page_queries(client, "/conditions/small/")) == CONDITION_PAGE_QUERIES
    assert len(page_queries(client, "/conditions/large/")) == CONDITION_PAGE_QUERIES


def test_condition_page_queries_do_not_grow_with_glossary_terms(client):
    condition = Condition.objects.create(name="Small", slug="small", summary="s",
                                         status=Condition.Status.PUBLISHED)
    fill(condition, 3)
    make_glossary_term("Section")
    make_glossary_term("Text")
    few = len(page_queries(client, "/conditions/small/"))
    for i in range(300):
        make_glossary_term(f"Word{i}", other_forms=f"word {i} form\nwordform{i}")
    many = len(page_queries(client, "/conditions/small/"))
    assert few == many == CONDITION_PAGE_QUERIES
    assert 'popovertarget="glossary:text"' in client.get("/conditions/small/").content.decode()


def test_a_to_z_queries_do_not_grow_with_content(client):
    for i in range(30):
        make_condition(name=f"Condition {i}", slug=f"c-{i}").synonyms.create(name=f"Syn {i}")
    # The conditions, their synonyms, the header and footer page links, the "Call us" number.
    assert len(page_queries(client, "/conditions/")) == 4


def test_load_demo_reproduces_both_reference_pages_and_is_idempotent(client):
    call_command("load_demo", verbosity=0)
    counts = {
        "conditions": Condition.objects.count(),
        "sections": Section.objects.count(),
        "stories": Story.objects.count(),
    }
    call_command("load_demo", verbosity=0)
    assert counts == {
        "conditions": Condition.objects.count(),
        "sections": Section.objects.count(),
        "stories": Story.objects.count(),
    }
    assert counts["conditions"] == 3
    assert Condition.objects.filter(featured=True).count() == 3  # all on the home page
    neuroblastoma = Condition.objects.get(slug="neuroblastoma")
    kinds = list(neuroblastoma.sections.values_list("kind", flat=True))
    for kind in ["overview", "symptoms", "when_to_see_doctor", "causes", "risk_factors",
                 "prevention", "complications", "diagnosis", "staging", "treatment"]:
        assert kind in kinds
    assert kinds.index("overview") < kinds.index("symptoms") < kinds.index("diagnosis")
    symptoms = neuroblastoma.sections.get(kind="symptoms")
    assert symptoms.subsections.count() >= 4
    assert neuroblastoma.sections.get(kind="diagnosis").subsections.count() == 4
    staging = list(neuroblastoma.staging_categories.values_list("name", flat=True))
    assert len(staging) == 6
    regional = neuroblastoma.staging_categories.get(name="Regional")
    age_groups = set(regional.options.values_list("age_group", flat=True))
    assert {"under_1", "1_or_older"} <= age_groups
    dois = set(neuroblastoma.references.values_list("doi", flat=True))
    assert {"10.1200/JCO.21.00278", "10.1148/radiol.11101352"} <= dois
    assert neuroblastoma.references.count() >= 10
    assert neuroblastoma.recognitions.count() == 3
    assert neuroblastoma.key_facts.exists()
    assert neuroblastoma.stories.get().image
    assert Condition.objects.get(slug="nephroblastoma").synonyms.filter(name="Wilms tumor").exists()
    response = client.get("/conditions/neuroblastoma/")
    assert response.status_code == 200
    assert b"https://doi.org/10.1148/radiol.11101352" in response.content
    assert b"Wilms tumor, see" in client.get("/conditions/").content
