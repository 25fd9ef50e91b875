"""The condition page's order and blocks, the header's call and search actions, tel: links."""

import re

import pytest
from django.core.management import call_command
from django.template import Context, Template

from care_sites.models import Location
from conditions.models import Condition, Section
from trials.models import StatusGroup, Trial

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(client):
    call_command("load_demo", verbosity=0)
    return client


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def make_condition(**fields):
    defaults = {"name": "Wilms tumor", "slug": "wilms-tumor", "summary": "A kidney cancer.",
                "status": Condition.Status.PUBLISHED}
    return Condition.objects.create(**{**defaults, **fields})


def text_of(html):
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_medical_content_comes_before_promotions_and_the_newsletter(demo):
    html = page(demo, "/conditions/neuroblastoma/")
    order = ['id="key-facts"', 'id="get-help-title"', 'id="overview"', 'id="staging"',
             'id="treatment"', 'id="where-to-get-care"', 'id="clinical-trials"',
             'id="support-services"', 'id="recommended-reading"', 'id="references"',
             'id="medical-review"', 'id="recognition"', 'id="discussions"',
             'id="newsletter-title"']
    positions = [html.index(marker) for marker in order]
    assert positions == sorted(positions)


def test_treatment_by_category_appears_once_and_links_each_category_to_its_definition(demo):
    html = page(demo, "/conditions/neuroblastoma/")
    assert html.count(">Treatment by category</h") == 1
    names = Condition.objects.get(slug="neuroblastoma").staging_categories.values_list(
        "name", flat=True)
    assert names
    for name in names:
        anchor = re.search(r'<dt id="([^"]+)">' + re.escape(name) + "</dt>", html)
        assert anchor, name
        assert f'<a href="#{anchor.group(1)}">' in html, name


def test_treatment_by_category_gets_its_own_heading_without_an_intro_subsection(client):
    condition = make_condition()
    condition.sections.create(order=1, kind=Section.Kind.TREATMENT, heading="Treatment", body="x")
    condition.staging_categories.create(name="Localized", definition="In one place.")
    html = page(client, condition.get_absolute_url())
    assert html.count(">Treatment by category</h3>") == 1
    assert '<a href="#staging-localized">' in html
    assert '<dt id="staging-localized">Localized</dt>' in html
    # Without a staging section of its own, staging comes just before the treatment that
    # refers to it, in the page and in its contents.
    assert html.count('<h2 id="staging-title">Staging</h2>') == 1
    assert (html.index('id="staging-title"') < html.index('id="treatment"')
            < html.index('<a href="#staging-localized">'))
    contents = re.search(r'<ol class="toc__list">.*?</ol>', html, re.S)[0]
    assert contents.index("#staging-title") < contents.index("#treatment")
    assert contents.count("#staging-title") == 1


def test_get_help_now_shows_the_urgent_signs_of_when_to_see_a_doctor(client):
    condition = make_condition()
    section = condition.sections.create(
        order=1, kind=Section.Kind.WHEN_TO_SEE_DOCTOR, heading="When to see a doctor",
        body="Call your doctor about any change that worries you.\n\n"
             "Go to the emergency room if your child has:\n\n- a seizure\n- blue lips\n\n"
             "Ask us anything at your next visit.",
    )
    section.subsections.create(heading="Get help right away", body="- A fever over 38 °C")
    html = page(client, condition.get_absolute_url())
    start = html.index('class="get-help"')
    box = html[start:html.index("</aside>", start)]
    assert "Go to the emergency room if your child has:" in box
    assert "<li>a seizure</li>" in box
    assert "<li>blue lips</li>" in box
    assert "A fever over 38 °C" in box
    assert "any change that worries you" not in box
    assert "next visit" not in box
    assert f'href="#{section.anchor}"' in box
    assert '<a href="tel:911">911</a>' in box


def test_no_get_help_box_without_urgent_signs(client):
    condition = make_condition()
    condition.sections.create(order=1, kind=Section.Kind.WHEN_TO_SEE_DOCTOR,
                              heading="When to see a doctor", body="Ask about any change.")
    condition.sections.create(order=2, kind=Section.Kind.SYMPTOMS, heading="Symptoms",
                              body="Get help right away if this happens.")
    assert "Get help now" not in page(client, condition.get_absolute_url())


def test_the_demo_get_help_box_comes_from_its_when_to_see_a_doctor_section(demo):
    section = Section.objects.get(condition__slug="neuroblastoma",
                                  kind=Section.Kind.WHEN_TO_SEE_DOCTOR)
    html = page(demo, "/conditions/neuroblastoma/")
    assert "Get help now" in html
    section.body = "Call 911 if your child stops breathing."
    section.save()
    html = page(demo, "/conditions/neuroblastoma/")
    box = html[html.index('class="get-help"'):]
    assert "Call 911 if your child stops breathing." in box[:box.index("</aside>")]


def test_closed_trials_are_counted_not_listed(demo):
    html = page(demo, "/conditions/neuroblastoma/")
    block = html[html.index('id="clinical-trials"'):html.index('id="support-services"')]
    assert "status-badge--open" in block
    assert "status-badge--closed" not in block
    assert "<details" not in block
    count = re.search(r'<p class="trial-count">(\d+) trials: .*, (\d+) closed\.', block)
    assert count
    assert int(count.group(2)) == Trial.objects.filter(
        conditions__slug="neuroblastoma").in_group(StatusGroup.CLOSED).count() > 0


def test_a_condition_without_care_sites_trials_or_services_shows_no_empty_blocks(client):
    condition = make_condition()
    condition.sections.create(order=1, heading="Overview", body="Text.")
    html = page(client, condition.get_absolute_url())
    for absent in ["Where to get care", "Support services",
                   "Recommended reading", "closed trial", "References", "Awards",
                   "Community discussions", "Get help now"]:
        assert absent not in text_of(html[html.index("<main"):html.index("</main>")]), absent
    # Clinical trials are the exception: the block says there are none and where to look.
    assert "No clinical trials for Wilms tumor are listed here right now." in text_of(html)


def test_contents_are_a_folded_control_and_a_sidebar_with_back_to_top_links(demo):
    html = page(demo, "/conditions/neuroblastoma/")
    assert re.search(r'<details class="toc toc-fold">\s*<summary>On this page</summary>', html)
    assert '<nav class="toc toc-side" aria-labelledby="toc-title">' in html
    sections = Section.objects.filter(condition__slug="neuroblastoma").count()
    assert html.count('<a href="#top">Back to top</a>') >= sections
    assert 'id="top"' in html


def test_the_side_contents_come_before_the_text_in_the_page(demo):
    html = page(demo, "/conditions/neuroblastoma/")
    side = html.index('<nav class="toc toc-side"')
    assert html.index('<details class="toc toc-fold">') < side
    assert side < html.index('<div class="condition-body">')
    assert side < html.index('id="key-facts"') < html.index('id="overview"')


def test_print_button_is_hidden_until_a_script_enables_it(demo):
    html = page(demo, "/conditions/neuroblastoma/")
    assert re.search(r"<button [^>]*data-print-page hidden>", html)
    assert '<script src="/static/js/portal.js" defer></script>' in html


def test_header_calls_the_main_location_and_links_to_search(demo):
    html = page(demo, "/")
    main = Location.objects.get(is_main=True)
    digits = re.sub(r"\D", "", main.phone)
    assert f'href="tel:+1{digits}"' in html
    assert "Call us" in html
    assert 'class="site-action site-action--search" href="/search/"' in html
    assert re.search(r'<details class="site-menu">\s*<summary', html)


def test_header_has_no_call_button_without_a_main_location(client):
    Location.objects.create(name="Campus", slug="campus", street_address="1 Way", city="Town",
                            postal_code="94000", phone="(415) 555-0110",
                            status=Location.Status.PUBLISHED)
    assert "Call us" not in page(client, "/")


def test_the_header_search_box_keeps_the_query_on_the_results_page(demo):
    html = page(demo, "/search/?q=neuroblastoma")
    assert re.search(r'<input type="search" id="site-search-q" name="q"[^>]*value="neuroblastoma"',
                     html)
    home_box = re.search(r'<input type="search" id="site-search-q"[^>]*>', page(demo, "/?q=x"))
    assert "value=" not in home_box.group(0)


def test_a_z_letter_bar_lists_only_letters_with_entries(client):
    make_condition(name="Neuroblastoma", slug="neuroblastoma")
    make_condition(name="Wilms tumor", slug="wilms").synonyms.create(name="Nephroblastoma")
    html = page(client, "/conditions/")
    bar = html[html.index('class="az-letters"'):html.index("</nav>", html.index("az-letters"))]
    assert re.findall(r'<a href="#letter-(\w)">', bar) == ["N", "W"]
    assert ">A<" not in bar


def render(template, **context):
    return Template("{% load layout_tags %}" + template).render(Context(context))


def test_tel_links_links_each_number_in_plain_text_and_escapes_the_rest():
    html = render("{{ text|tel_links }}", text="Call <b>(415) 555-0142</b> or TTY: 415-555-0171.")
    assert html == ('Call &lt;b&gt;<a href="tel:+14155550142">(415) 555-0142</a>&lt;/b&gt; or '
                    'TTY: <a href="tel:+14155550171">415-555-0171</a>.')


def test_tel_links_links_the_emergency_number_after_call_or_dial_only():
    """Before, a location's "In an emergency, call 911" was plain text, while the footer's
    911 is a link a phone can dial."""
    html = render("{{ text|tel_links }}",
                  text="Call (415) 555-0142 at any hour. In an emergency, call 911. "
                       "We saw 911 children; call 555 for nothing.")
    assert html == ('Call <a href="tel:+14155550142">(415) 555-0142</a> at any hour. In an '
                    'emergency, call <a href="tel:911">911</a>. We saw 911 children; call 555 '
                    'for nothing.')


def test_tel_links_leaves_numbers_that_are_already_links_and_markup_alone():
    html = render(
        "{{ html|safe|tel_links }}",
        html='<p>Ring <a href="tel:+14155550142">(415) 555-0142</a>, then <em>(510) 555-0120</em>'
             ' in 2025 for 600 children.</p>',
    )
    assert html == ('<p>Ring <a href="tel:+14155550142">(415) 555-0142</a>, then <em>'
                    '<a href="tel:+15105550120">(510) 555-0120</a></em> in 2025 for 600 '
                    'children.</p>')


def test_tel_links_of_nothing_and_tel_url_of_a_non_number():
    assert render("{{ value|tel_links }}", value=None) == ""
    assert render("[{{ value|tel_url }}]", value="ask at the desk") == "[]"
    assert render("{{ value|tel_url }}", value="+44 20 7946 0958") == "tel:+442079460958"


def test_every_phone_number_on_the_contact_and_service_pages_is_a_tel_link(demo):
    for url in ["/contact/", "/support/interpreter-services/", "/care/locations/oakland-campus/",
                "/care/locations/san-francisco-campus/"]:
        html = page(demo, url)
        main = html[html.index("<main"):html.index("</main>")]
        unlinked = re.sub(r"<a [^>]*>.*?</a>", "", main, flags=re.S)
        assert not re.search(r"\(\d{3}\) \d{3}-\d{4}", unlinked), url
        assert 'href="tel:+1' in main, url
