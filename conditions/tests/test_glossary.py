"""The glossary: its page, its admin, and terms explained at their first use on a condition
page, without breaking the page's markup."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from reversion.models import Version

from conditions.glossary import Glossary
from conditions.models import Condition, GlossaryTerm, Section
from conditions.tests.factories import make_glossary_term as term
from portal import roles
from portal.models import Draft
from portal.tests.support import active_content, form_data, page_queries, staff_user

pytestmark = pytest.mark.django_db


def condition_with(*bodies, kind=Section.Kind.OTHER):
    condition = Condition.objects.create(name="Neuroblastoma", slug="neuroblastoma",
                                         summary="A summary.",
                                         status=Condition.Status.PUBLISHED)
    for order, body in enumerate(bodies):
        condition.sections.create(order=order, heading=f"Part {order}", body=body, kind=kind)
    return condition


def page(client, slug="neuroblastoma"):
    response = client.get(f"/conditions/{slug}/")
    assert response.status_code == 200
    return response.content.decode()


def marks(html):
    """The marked words, in page order, as (term slug, text shown)."""
    return re.findall(r'popovertarget="glossary:([^"]+)">([^<]+)</button>', html)


POPOVER = re.compile(r'<span class="glossary-popover[^"]*" id="[^"]+" popover>.*?</span>', re.S)
BUTTON = re.compile(r'<button type="button" class="glossary-term[^"]*" popovertarget="[^"]+">'
                    r"([^<]*)</button>")


def unmarked(html):
    return BUTTON.sub(r"\1", POPOVER.sub("", html))


def glossary(*rows):
    return Glossary.from_rows([(slug, name, "Defined.", forms) for slug, name, forms in rows])


# The glossary page ---------------------------------------------------------------------------

def test_glossary_page_groups_live_terms_by_letter_with_an_anchor_each(client):
    term("Biopsy", "Taking a small sample of tissue.", "biopsies")
    term("bone marrow", "Soft tissue inside bones.")
    term("MIBG", "A substance tumours take up.")
    term("13-cis-retinoic acid", "A vitamin A medicine.")
    term("Relapse", "Cancer that comes back.", status=GlossaryTerm.Status.DRAFT)
    response = client.get("/glossary/")
    assert response.status_code == 200
    html = response.content.decode()
    assert [group["letter"] for group in response.context["groups"]] == ["#", "B", "M"]
    assert [t.term for t in response.context["groups"][1]["terms"]] == ["Biopsy", "bone marrow"]
    assert '<dt id="term-biopsy"><dfn>Biopsy</dfn></dt>' in html
    assert "Taking a small sample of tissue." in html
    assert "Also written: biopsies" in html
    assert '<a href="#letter-B">B</a>' in html
    assert '<a href="#letter-R">' not in html  # only letters that have entries
    assert "Relapse" not in html
    assert reverse("glossary:term-list") == "/glossary/"


def test_every_page_and_the_a_to_z_lead_to_the_glossary(client):
    for path in ["/", "/conditions/", "/search/"]:
        html = client.get(path).content.decode()
        footer = html[html.index('<footer class="site-footer">'):]
        assert '<a href="/glossary/">Glossary: words explained</a>' in footer, path
    assert 'The <a href="/glossary/">glossary</a> explains it' in client.get(
        "/conditions/").content.decode()


def test_glossary_page_without_terms_says_so(client):
    html = client.get("/glossary/").content.decode()
    assert "No words are explained here yet" in html


def test_a_term_links_to_its_anchor_on_the_glossary_page():
    assert term("Stem cell transplant").get_absolute_url() == "/glossary/#term-stem-cell-transplant"


def test_the_glossary_page_queries_do_not_grow_with_terms(client):
    for i in range(30):
        term(f"Term {i}")
    # The terms, the header and footer page links, and the header's "Call us" number.
    assert len(page_queries(client, "/glossary/")) == 3


# Editing -------------------------------------------------------------------------------------

def test_a_form_can_belong_to_one_term_only():
    term("Biopsy", other_forms="biopsies")
    clash = GlossaryTerm(term="Tissue sample", slug="tissue-sample", definition="d",
                         other_forms="Biopsies")
    with pytest.raises(ValidationError, match="already belongs to the term “Biopsy”"):
        clash.full_clean()


def test_a_form_needs_a_letter_or_digit():
    bad = GlossaryTerm(term="Biopsy", slug="biopsy", definition="d", other_forms="--")
    with pytest.raises(ValidationError, match="at least one letter or digit"):
        bad.full_clean()


def test_content_editors_hold_every_glossary_permission():
    codenames = set(Group.objects.get(name=roles.CONTENT_EDITORS)
                    .permissions.values_list("codename", flat=True))
    for action in ["add", "change", "delete", "view"]:
        assert f"{action}_glossaryterm" in codenames


def test_an_editor_adds_a_term_in_the_admin_and_it_is_kept_as_a_revision(editor_client, client):
    response = editor_client.post(reverse("admin:conditions_glossaryterm_add"), {
        "term": "Remission", "slug": "remission",
        "definition": "When tests no longer find cancer.", "other_forms": "remissions",
        "status": "published", "publish_at_0": "2025-01-01", "publish_at_1": "08:00:00",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    added = GlossaryTerm.objects.get(slug="remission")
    assert Version.objects.get_for_object(added).count() == 1
    assert 'id="term-remission"' in client.get("/glossary/").content.decode()
    assert editor_client.get(reverse("admin:conditions_glossaryterm_changelist")).status_code == 200
    # Its history says it was published, not "Saved a draft" (before).
    from portal.models import ReviewStep
    from portal.publishing import draft_for, steps_for

    assert [step.action for step in steps_for(added)] == [ReviewStep.Action.PUBLISHED]
    assert draft_for(added) is None


def test_a_term_taken_off_the_site_at_its_unpublish_time_is_no_longer_explained(
        editor_client, client):
    condition_with("Remission comes after treatment.")
    form = {
        "term": "Remission", "slug": "remission",
        "definition": "When tests no longer find cancer.", "other_forms": "",
        "status": "published", "publish_at_0": "2025-01-01", "publish_at_1": "08:00:00",
        "unpublish_at_0": "2024-12-31", "unpublish_at_1": "08:00:00",
    }
    add_url = reverse("admin:conditions_glossaryterm_add")
    refused = editor_client.post(add_url, form)
    assert refused.status_code == 200
    assert "Unpublishing must come after publishing." in refused.content.decode()
    assert not GlossaryTerm.objects.exists()

    form.update({"unpublish_at_0": "2025-06-01"})
    assert editor_client.post(add_url, form).status_code == 302
    assert GlossaryTerm.objects.get(slug="remission").unpublish_at is not None
    assert 'id="term-remission"' not in client.get("/glossary/").content.decode()
    assert marks(page(client)) == []

def test_the_admin_refuses_a_clashing_form_and_saves_nothing(editor_client):
    term("Biopsy", other_forms="biopsies")
    response = editor_client.post(reverse("admin:conditions_glossaryterm_add"), {
        "term": "Sample", "slug": "sample", "definition": "d", "other_forms": "biopsies",
        "status": "draft", "publish_at_0": "2025-01-01", "publish_at_1": "08:00:00",
    })
    assert response.status_code == 200
    assert "already belongs to the term" in response.content.decode()
    assert not GlossaryTerm.objects.filter(slug="sample").exists()


def test_a_change_to_a_live_term_is_a_draft_until_it_is_published(editor_client, client):
    # A definition shows on every condition page that uses the term: an edit waits for its
    # publishing, as a page's does, and the public keeps the live definition meanwhile.
    live = term("Biopsy", "Taking a small sample of tissue.", "biopsies")
    condition_with("A biopsy is done first.")
    change_url = reverse("admin:conditions_glossaryterm_change", args=[live.pk])
    data = form_data(editor_client.get(change_url), "glossaryterm_form")
    data["definition"] = "UNPUBLISHED wording."
    saved = editor_client.post(change_url, data, follow=True)
    messages = " ".join(str(message) for message in saved.context["messages"])
    assert "as a draft: the public still sees the live page" in messages

    live.refresh_from_db()
    assert live.definition == "Taking a small sample of tissue."
    for html in [page(client), client.get("/glossary/").content.decode()]:
        assert "Taking a small sample of tissue." in html
        assert "UNPUBLISHED" not in html
    # Its editor sees the draft in the form.
    assert "UNPUBLISHED wording." in editor_client.get(change_url).content.decode()

    review_url = reverse("admin:conditions_glossaryterm_review", args=[live.pk])
    review = editor_client.get(review_url)
    assert "UNPUBLISHED wording." in review.content.decode()
    assert editor_client.post(review_url, form_data(review, "approve-form")).status_code == 302
    live.refresh_from_db()
    assert live.definition == "UNPUBLISHED wording."
    assert "UNPUBLISHED wording." in page(client)
    assert not Draft.objects.exists()


@pytest.mark.parametrize("role", [roles.TRIAL_COORDINATORS, roles.NEWSLETTER_MANAGERS])
def test_other_roles_cannot_edit_the_glossary(client, django_user_model, role):
    client.force_login(staff_user(django_user_model, role))
    assert client.get(reverse("admin:conditions_glossaryterm_add")).status_code == 403


# Marking terms on a condition page -----------------------------------------------------------

def test_only_the_first_use_on_the_page_is_marked_and_explained(client):
    term("Biopsy", "Taking a small sample of tissue.", "biopsies")
    condition = condition_with("A biopsy is done first.", "Then more biopsies.")
    condition.sections.get(order=0).subsections.create(heading="More", body="One biopsy.")
    html = page(client)
    assert marks(html) == [("biopsy", "biopsy")]
    assert html.count('id="glossary:biopsy"') == 1
    assert '<span class="glossary-popover' in html
    assert "<strong>Biopsy:</strong> Taking a small sample of tissue." in html
    # The link names its own term, so that a list of the page's links tells them apart.
    assert '<a href="/glossary/#term-biopsy">Biopsy and other words in the glossary</a>' in html
    assert "Then more biopsies." in html
    assert "One biopsy." in html


def test_plurals_listed_forms_and_phrases_over_a_line_break_are_found(client):
    term("Catecholamines", other_forms="catecholamine")
    term("Bone marrow aspiration")
    term("Bone marrow", other_forms="marrow")
    condition_with("One catecholamine level.\n\nA bone\nmarrow aspiration, then the marrow.")
    assert marks(page(client)) == [
        ("catecholamines", "catecholamine"),
        ("bone-marrow-aspiration", "bone\nmarrow aspiration"),
        ("bone-marrow", "marrow"),
    ]


def test_acronyms_match_in_capitals_only_and_words_only_whole(client):
    term("PET scan", other_forms="PET")
    term("Neuroblast")
    condition_with("Our pet dog. Neuroblastoma is named for them. A PET shows it. Neuroblasts.")
    assert marks(page(client)) == [("pet-scan", "PET"), ("neuroblast", "Neuroblasts")]


def test_links_headings_bold_and_attributes_are_left_alone(client):
    term("Biopsy", other_forms="biopsies")
    condition_with(
        "### Biopsy\n\n"
        '[biopsy results](https://example.org "biopsy") and **biopsy** and `biopsy`\n\n'
        "Finally a biopsy."
    )
    html = page(client)
    assert marks(html) == [("biopsy", "biopsy")]
    assert '<h3>Biopsy</h3>' in html
    assert ('<a href="https://example.org" title="biopsy" rel="noopener noreferrer">'
            "biopsy results</a>") in html
    assert "<strong>biopsy</strong>" in html
    assert "Finally a <button" in html


def test_draft_terms_are_not_marked(client):
    term("Biopsy", status=GlossaryTerm.Status.DRAFT)
    condition_with("A biopsy.")
    assert marks(page(client)) == []


PAYLOAD = (
    "<script>alert(1)</script> biopsy <img src=x onerror=alert(2)> "
    "[biopsy](javascript:alert(3)) <a href=\"javascript:alert(4)\">biopsy</a> "
    "\"><svg onload=alert(5)> <iframe src=//evil.example></iframe> "
    "<abbr title='biopsy \"><script>alert(6)</script>'>biopsy</abbr> &lt;b&gt;biopsy&amp;"
)


def test_hostile_text_and_definitions_stay_inert(client):
    term("Biopsy", definition="<script>alert(7)</script> sample \"quoted\"")
    term("Alert", other_forms="<b>alerts</b>")
    condition_with(PAYLOAD, PAYLOAD)
    html = page(client)
    assert active_content(html) == []
    assert "&lt;script&gt;alert(7)&lt;/script&gt; sample &quot;quoted&quot;" in html
    assert "<script>alert" not in html


@pytest.mark.parametrize("html", [
    '<p title="a > biopsy">biopsy &amp; <em>biopsy</em></p>',
    "<p>biopsy &lt;script&gt;alert(1)&lt;/script&gt; &quot;biopsy&quot;</p>",
    "<p>unclosed <a href='/x'>biopsy <p>biopsy</p>",
    "<ul><li>biopsy<br>biopsy</li></ul><!-- biopsy --><p>MIBG</p>",
    "<table><tr><th scope=\"col\">biopsy</th><td>biopsy</td></tr></table>",
    "biopsy without any tag < or > stray",
])
def test_marking_only_adds_its_own_markup(html):
    marked = glossary(("biopsy", "Biopsy", ""), ("mibg", "MIBG", "")).mark(html)
    restored = unmarked(str(marked))
    # Apart from the inserted explanation, the text and tags are the same (comments dropped,
    # text re-escaped).
    expected = html.replace("<!-- biopsy -->", "").replace("&quot;", '"').replace(
        "< or >", "&lt; or &gt;")
    assert restored == expected
    assert active_content(str(marked)) == []


def test_raw_text_void_tags_comments_and_capitals_are_copied_as_html_has_them():
    html = ('<P class="x">A <script>biopsy &amp; <b></script> then<BR/>biopsy &amp; '
            "<!-- biopsy --> and<? pi ?> <!DOCTYPE x>biopsy</P>")
    marked = str(glossary(("biopsy", "Biopsy", "")).mark(html))
    assert marked.startswith('<P class="x">A <script>biopsy &amp; <b></script> then<BR/>'
                             '<button type="button"')
    assert marked.endswith("</span> &amp;  and biopsy</p>")
    assert marks(marked) == [("biopsy", "biopsy")]


def test_terms_sharing_a_first_word_are_each_explained_once_across_texts():
    # "bone" starts two terms: after the first is explained, a text with "bone" is still
    # looked at for the other; once both are, and "CT" too, nothing more is marked.
    shared = glossary(("bone-marrow", "bone marrow", ""), ("bone-scan", "bone scan", ""),
                      ("ct", "CT", "CT scans"))
    first = str(shared.mark("<p>A bone marrow test, then CT scans.</p>"))
    second = str(shared.mark("<p>More bone marrow. A bone scan, a bone marrow, a CT.</p>"))
    third = str(shared.mark("<p>bone scan, bone marrow &amp; CT</p>"))

    assert marks(first) == [("bone-marrow", "bone marrow"), ("ct", "CT scans")]
    assert marks(second) == [("bone-scan", "bone scan")]
    assert third == "<p>bone scan, bone marrow &amp; CT</p>"
    assert unmarked(second) == "<p>More bone marrow. A bone scan, a bone marrow, a CT.</p>"


def test_a_glossary_without_terms_changes_nothing():
    html = '<p title="x">Text &amp; more</p>'
    assert Glossary.from_rows([]).mark(html) == html


# The questions checklist ---------------------------------------------------------------------

def test_a_questions_section_is_a_printable_checklist(client):
    term("Biopsy")
    condition_with("Tick each one:\n\n- Why a biopsy?\n- What next?", kind=Section.Kind.QUESTIONS)
    html = page(client)
    assert '<ul class="question-checklist list-unstyled">' in html
    assert html.count('<span class="question-checklist__box" aria-hidden="true">\u2610</span>') == 2
    assert marks(html) == [("biopsy", "biopsy")]


def test_other_sections_keep_their_plain_lists(client):
    condition_with("- One\n- Two")
    html = page(client)
    assert "question-checklist" not in html
    assert "<ul>\n<li>One</li>" in html


# The demo ------------------------------------------------------------------------------------

def test_the_demo_glossary_explains_the_words_of_the_neuroblastoma_page(client):
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)
    assert GlossaryTerm.objects.published().count() == 41
    words = {slug for slug, _ in marks(page(client))}
    for slug in ["neuroblast", "adrenal-gland", "catecholamines", "mibg", "biopsy", "mycn",
                 "resectable", "unresectable", "induction", "consolidation", "remission",
                 "relapse", "stem-cell-transplant", "chemotherapy", "immunotherapy",
                 "radiation", "metastatic"]:
        assert slug in words
    glossary_page = client.get("/glossary/").content.decode()
    for slug in ["phase-1-trial", "phase-2-trial", "phase-3-trial", "randomized", "eligibility",
                 "bone-marrow-aspiration"]:
        assert f'id="term-{slug}"' in glossary_page
    questions = Condition.objects.get(slug="neuroblastoma").sections.get(kind="questions")
    assert questions.heading == "Questions to ask your care team"
    assert questions.body.count("\n- ") >= 8


def test_loading_the_demo_again_renames_a_renamed_term_instead_of_adding_one():
    GlossaryTerm.objects.create(term="Randomised", slug="randomised", definition="Old.",
                                status=GlossaryTerm.Status.PUBLISHED)
    call_command("load_demo", verbosity=0)
    assert not GlossaryTerm.objects.filter(slug="randomised").exists()
    renamed = GlossaryTerm.objects.get(slug="randomized")
    assert renamed.term == "Randomized"
    assert "randomised" in renamed.other_forms.splitlines()


def test_site_search_finds_a_term_by_another_form_and_links_to_its_anchor(client):
    term("MIBG", "A substance that neuroblastoma cells take up.",
         other_forms="metaiodobenzylguanidine")
    term("Hidden word", status=GlossaryTerm.Status.DRAFT, other_forms="metaiodobenzylguanidine2")
    html = client.get("/search/?q=metaiodobenzylguanidine").content.decode()
    assert "Words explained" in html
    assert '<a href="/glossary/#term-mibg">MIBG</a>' in html
    assert "A substance that neuroblastoma cells take up." in html
    assert "Hidden word" not in html


def test_the_sitemap_lists_the_glossary_and_the_trial_explainer(client, settings):
    settings.SITE_URL = "https://portal.example.org"
    body = client.get("/sitemap.xml").content.decode()
    assert "<loc>https://portal.example.org/glossary/</loc>" in body
    assert "<loc>https://portal.example.org/trials/explained/</loc>" in body


def test_an_edited_term_is_explained_with_its_new_words_on_the_next_view(client):
    biopsy = term("Biopsy", "Old words.")
    condition_with("A biopsy.")
    assert "Old words." in page(client)
    biopsy.definition = "New words."
    biopsy.other_forms = "biopsies"
    biopsy.save()
    html = page(client)
    assert "New words." in html
    assert "Old words." not in html
    biopsy.status = GlossaryTerm.Status.DRAFT
    biopsy.save()
    assert marks(page(client)) == []


def test_the_get_help_box_shows_marked_words_as_plain_text_without_their_definitions(client):
    term("Seizure", "A sudden burst of electrical activity in the brain.", "seizures")
    condition = condition_with()
    condition.sections.create(order=0, kind=Section.Kind.WHEN_TO_SEE_DOCTOR, heading="When",
                              body="Call 911 at once if your child has a seizure.")
    html = page(client)
    assert marks(html) == [("seizure", "seizure")]
    start = html.index('class="get-help"')
    box = html[start:html.index("</aside>", start)]
    assert "Call 911 at once if your child has a seizure." in box
    assert "burst of electrical activity" not in box
