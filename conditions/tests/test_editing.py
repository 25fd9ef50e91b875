"""Editing a condition on its admin page: anchors, restoring revisions, nested parts."""

import datetime
import re

import pytest
import reversion
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from reversion.models import Version

from conditions.models import Condition, GlossaryTerm, Subsection, TreatmentOption
from conditions.tests.factories import make_condition, make_full_condition, make_section
from portal.publishing import draft_for
from portal.tests.support import form_data, inline_index

pytestmark = pytest.mark.django_db

ADD_URL = "admin:conditions_condition_add"


def change_url(condition):
    return reverse("admin:conditions_condition_change", args=[condition.pk])


def add_condition_data(client):
    data = form_data(client.get(reverse(ADD_URL)), "condition_form")
    data.update({
        "name": "Wilms tumour", "slug": "wilms-tumour",
        "summary": "A kidney cancer of young children.",
        "status": Condition.Status.DRAFT,
        "publish_at_0": "2026-01-05", "publish_at_1": "09:00:00",
    })
    return data


def add_section_rows(data, *headings):
    for index, heading in enumerate(headings):
        data.update({
            f"sections-{index}-kind": "other", f"sections-{index}-heading": heading,
            f"sections-{index}-body": "Some text.", f"sections-{index}-anchor": "",
            f"sections-{index}-order": str(index),
            f"sections-{index}-subsections-TOTAL_FORMS": "0",
            f"sections-{index}-subsections-INITIAL_FORMS": "0",
        })
    data["sections-TOTAL_FORMS"] = str(len(headings))


def test_two_new_sections_with_empty_anchors_get_unique_anchors(editor_client):
    data = add_condition_data(editor_client)
    add_section_rows(data, "What to expect", "What to expect")

    response = editor_client.post(reverse(ADD_URL), data)

    assert response.status_code == 302, response.context["errors"]
    condition = Condition.objects.get(slug="wilms-tumour")
    assert [s.anchor for s in condition.sections.all()] == [
        "what-to-expect", "what-to-expect-2"
    ]


def test_a_derived_anchor_avoids_one_typed_in_the_same_save(editor_client):
    data = add_condition_data(editor_client)
    add_section_rows(data, "Treatment", "Side effects", "References")
    data["sections-1-anchor"] = "treatment"

    response = editor_client.post(reverse(ADD_URL), data)

    assert response.status_code == 302, response.context["errors"]
    anchors = [s.anchor for s in Condition.objects.get().sections.all()]
    assert anchors == ["treatment-2", "treatment", "references-2"]


def make_draft_condition():
    """A condition that is not live yet, so admin saves change it in place."""
    condition, overview = make_full_condition()
    Condition.objects.filter(pk=condition.pk).update(status=Condition.Status.DRAFT)
    condition.refresh_from_db()
    return condition, overview


def revisions_of(condition):
    return list(Version.objects.get_for_object(condition).order_by("pk"))


def later_changes(condition, overview):
    """Publish the page, rewrite a subsection and a treatment option, add another option."""
    with reversion.create_revision():
        condition.status = Condition.Status.PUBLISHED
        condition.publish_at = timezone.now() - datetime.timedelta(hours=1)
        condition.save()
        subsection = overview.subsections.get()
        subsection.body = "Rewritten later."
        subsection.save()
        option = TreatmentOption.objects.get()
        option.text = "Surgery"
        option.save()
        option.category.options.create(order=1, text="Added later")


def draft_condition_with_history():
    with reversion.create_revision():
        condition, overview = make_full_condition()
        condition.status = Condition.Status.DRAFT
        condition.save()
    return condition, overview, revisions_of(condition)[0]


def test_restoring_a_revision_of_a_draft_brings_back_nested_parts(admin_client):
    condition, overview, first = draft_condition_with_history()
    later_changes(condition, overview)
    Condition.objects.filter(pk=condition.pk).update(status=Condition.Status.DRAFT)

    url = reverse("admin:conditions_condition_revision", args=[condition.pk, first.pk])
    response = admin_client.post(url, form_data(admin_client.get(url), "condition_form"),
                                 follow=True)

    assert response.status_code == 200
    assert Subsection.objects.get().body == "About 800 children a year are diagnosed."
    assert [o.text for o in TreatmentOption.objects.all()] == ["Observation"]
    message = " ".join(str(m) for m in response.context["messages"])
    assert "Restored the version saved" in message
    assert "changed body of subsection \u201cHow common it is\u201d" in message
    assert "removed treatment option \u201cAdded later\u201d" in message


def test_a_restore_names_the_fields_it_changed_as_the_form_does(admin_client):
    condition, _overview, first = draft_condition_with_history()
    Condition.objects.filter(pk=condition.pk).update(
        last_reviewed=datetime.date(2026, 10, 1), reviewer_name="Dr Later",
        review_interval_months=6,
    )

    url = reverse("admin:conditions_condition_revision", args=[condition.pk, first.pk])
    response = admin_client.post(url, form_data(admin_client.get(url), "condition_form"),
                                 follow=True)

    message = " ".join(str(m) for m in response.context["messages"])
    assert ("changed last reviewed, reviewer name and review every (months) of condition "
            "\u201cNeuroblastoma\u201d") in message
    assert "_" not in message.split(":", 1)[1]


def test_restoring_a_live_page_keeps_it_live_and_makes_a_draft(admin_client, client):
    condition, overview, first = draft_condition_with_history()
    later_changes(condition, overview)
    reviewed = datetime.date(2026, 10, 1)
    Condition.objects.filter(pk=condition.pk).update(last_reviewed=reviewed,
                                                     reviewer_name="Dr Live Reviewer")

    url = reverse("admin:conditions_condition_revision", args=[condition.pk, first.pk])
    page = admin_client.get(url)
    data = form_data(page, "condition_form")
    # The restore form shows today's publishing state, not the revision's Draft, and as a
    # live item's, not to be changed in its draft.
    assert "status" not in data
    assert re.search(r'field-status.*?<div class="readonly">Published</div>',
                     page.content.decode(), re.S)
    response = admin_client.post(url, data, follow=True)

    assert response.status_code == 200
    condition.refresh_from_db()
    assert condition.status == Condition.Status.PUBLISHED
    # The public still sees the live text until the restored draft is published.
    assert Subsection.objects.get().body == "Rewritten later."
    assert "Rewritten later." in client.get(condition.get_absolute_url()).content.decode()
    message = " ".join(str(m) for m in response.context["messages"])
    assert "Publishing was left as it was." in message
    assert ("The restored version is a draft: the public sees the live page until it is "
            "reviewed by a medical reviewer and published.") in message
    assert "changed successfully" not in message  # it was not: the draft was
    draft = draft_for(condition)
    stored = {(item["model"], item["fields"].get("body")) for item in draft.data}
    assert ("conditions.subsection", "About 800 children a year are diagnosed.") in stored
    assert {item["fields"].get("text") for item in draft.data
            if item["model"] == "conditions.treatmentoption"} == {"Observation"}
    # The review details stay those of the live page: only a new review changes them.
    [page] = [item["fields"] for item in draft.data if item["model"] == "conditions.condition"]
    assert page["last_reviewed"] == reviewed.isoformat()
    assert page["reviewer_name"] == "Dr Live Reviewer"
    preview = admin_client.get(condition.get_absolute_url() + "?preview=draft").content.decode()
    assert "About 800 children a year are diagnosed." in preview
    assert "Rewritten later." not in preview


def test_restoring_a_version_the_same_as_the_live_page_makes_no_draft(admin_client):
    condition, _overview, first = draft_condition_with_history()
    Condition.objects.filter(pk=condition.pk).update(status=Condition.Status.PUBLISHED)
    url = reverse("admin:conditions_condition_revision", args=[condition.pk, first.pk])
    # The live page is that version (its publishing aside, which a restore leaves alone).
    response = admin_client.post(url, form_data(admin_client.get(url), "condition_form"),
                                 follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert "No draft was made: that version is the same as the live page." in messages
    assert draft_for(condition) is None


def test_subsections_and_treatment_options_are_edited_on_the_condition_page(editor_client):
    condition, overview = make_draft_condition()
    subsection = overview.subsections.get()
    option = TreatmentOption.objects.get()
    data = form_data(editor_client.get(change_url(condition)), "condition_form")
    section_row = inline_index(data, "sections", overview)
    sub_prefix = f"sections-{section_row}-subsections"
    data[f"{sub_prefix}-{inline_index(data, sub_prefix, subsection)}-body"] = "Edited in place."
    category_row = inline_index(data, "staging_categories", option.category)
    option_prefix = f"staging_categories-{category_row}-options"
    data[f"{option_prefix}-{inline_index(data, option_prefix, option)}-text"] = "Watchful waiting"

    response = editor_client.post(change_url(condition), data)

    assert response.status_code == 302
    assert response.url == reverse("admin:conditions_condition_changelist")
    subsection.refresh_from_db()
    option.refresh_from_db()
    assert (subsection.body, option.text) == ("Edited in place.", "Watchful waiting")
    # The change is one revision of the condition, holding the nested parts.
    latest = revisions_of(condition)[-1].revision
    stored = {(v.content_type.model, v.object_id): v.field_dict
              for v in latest.version_set.all()}
    assert stored[("subsection", str(subsection.pk))]["body"] == "Edited in place."
    assert stored[("treatmentoption", str(option.pk))]["text"] == "Watchful waiting"


def test_sections_are_reordered_without_typed_numbers(editor_client):
    condition, overview = make_draft_condition()
    symptoms = condition.sections.get(heading="Symptoms")
    page = editor_client.get(change_url(condition))
    html = page.content.decode()
    data = form_data(page, "condition_form")
    for row in range(2):
        assert f'<input type="hidden" name="sections-{row}-order"' in html
    assert html.count('<div class="form-row hidden field-order') == html.count('field-order')
    # The page's script numbers the rows from their positions; the server keeps that order.
    data[f"sections-{inline_index(data, 'sections', overview)}-order"] = "1"
    data[f"sections-{inline_index(data, 'sections', symptoms)}-order"] = "0"

    assert editor_client.post(change_url(condition), data).status_code == 302
    assert [s.heading for s in condition.sections.all()] == ["Symptoms", "Overview"]


def test_sections_and_staging_categories_have_no_separate_admin_pages(editor_client):
    _condition, overview = make_full_condition()
    for name in ["section", "subsection", "stagingcategory", "treatmentoption"]:
        with pytest.raises(NoReverseMatch):
            reverse(f"admin:conditions_{name}_changelist")
    assert editor_client.get(f"/admin/conditions/section/{overview.pk}/change/").status_code == 404


def test_the_condition_page_asks_before_leaving_with_unsaved_changes(editor_client):
    condition, _ = make_full_condition()
    html = editor_client.get(change_url(condition)).content.decode()
    assert '<script src="/static/js/unsaved-changes.js"' in html
    assert '<script src="/static/js/inline-order.js"' in html
    assert "inlinechangelink" not in html


def test_the_compare_view_shows_word_changes_in_nested_parts_without_noise(editor_client):
    condition, overview, first = draft_condition_with_history()
    with reversion.create_revision():
        subsection = overview.subsections.get()
        subsection.body = "About 700 children a year are diagnosed <here>."
        subsection.save()
        condition.save()  # touches updated_at only
    second = revisions_of(condition)[-1]

    response = editor_client.get(
        reverse("admin:conditions_condition_compare", args=[condition.pk]),
        {"version_id1": first.pk, "version_id2": second.pk},
    )

    assert response.status_code == 200
    changes = response.context["changes"]
    assert [(c["part"], c["field"]) for c in changes] == [
        ("Subsection \u201cHow common it is\u201d", "Body")
    ]
    assert str(changes[0]["html"]) == (
        "About <del>800</del> <ins>700</ins> children a year are "
        "<del>diagnosed.</del> <ins>diagnosed &lt;here&gt;.</ins>"
    )
    assert "What changed, word by word" in response.content.decode()


def test_the_compare_view_leaves_out_other_objects_saved_in_the_same_revision(editor_client):
    # Loading the demo saves every condition and glossary term in one revision.
    with reversion.create_revision():
        condition, overview = make_full_condition()
        other = make_condition(slug="retinoblastoma", name="Retinoblastoma")
        make_section(other, heading="Other overview", body="Another page's text.")
        GlossaryTerm.objects.create(term="Biopsy", slug="biopsy", definition="A sample.")
    first = revisions_of(condition)[0]
    with reversion.create_revision():
        subsection = overview.subsections.get()
        subsection.body = "About 700 children a year are diagnosed."
        subsection.save()
        condition.save()
    second = revisions_of(condition)[-1]
    response = editor_client.get(
        reverse("admin:conditions_condition_compare", args=[condition.pk]),
        {"version_id1": first.pk, "version_id2": second.pk},
    )
    assert [(c["part"], c["field"]) for c in response.context["changes"]] == [
        ("Subsection \u201cHow common it is\u201d", "Body")
    ]
    html = response.content.decode()
    assert "Other overview" not in html
    assert "Biopsy" not in html


@pytest.mark.parametrize("typed", [
    "doi.org/10.1200/JCO.21.00278", "https://dx.doi.org/10.1200/JCO.21.00278",
    "http://doi.org/10.1200/JCO.21.00278", "DOI: 10.1200/JCO.21.00278",
])
def test_a_doi_typed_as_a_link_is_cleaned(editor_client, typed):
    condition, _ = make_draft_condition()
    data = form_data(editor_client.get(change_url(condition)), "condition_form")
    data[f"references-{inline_index(data, 'references', condition.references.get())}-doi"] = typed
    response = editor_client.post(change_url(condition), data)
    assert response.status_code == 302
    assert condition.references.get().doi == "10.1200/JCO.21.00278"


@pytest.mark.parametrize("typed", ["20255-01-01", "2026-02-30"])
def test_impossible_dates_are_refused_naming_the_format(admin_client, typed):
    condition, _ = make_draft_condition()
    data = form_data(admin_client.get(change_url(condition)), "condition_form")
    row = inline_index(data, "references", condition.references.get())
    data[f"references-{row}-accessed"] = typed
    data["publish_at_0"] = typed

    response = admin_client.post(change_url(condition), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("Enter a real date as YYYY-MM-DD, for example 2026-03-14.") == 2
    assert condition.references.get().accessed is None


def test_date_only_fields_use_the_date_picker_without_a_time_zone_note(admin_client):
    condition, _ = make_draft_condition()
    html = admin_client.get(change_url(condition)).content.decode()
    assert '<input type="date" name="references-0-accessed"' in html
    assert 'class="vDateField" name="references-0-accessed"' not in html
    # The publish time is a date and time: its time-zone note stays.
    assert 'name="publish_at_0"' in html


@pytest.mark.parametrize("url", [
    "/admin/pages/page/add/", "/admin/care_sites/caresite/add/",
    "/admin/care_sites/location/add/", "/admin/care_sites/supportservice/add/",
    "/admin/conditions/story/add/", "/admin/trials/trial/add/",
    "/admin/conditions/glossaryterm/add/", "/admin/pages/privacynotice/add/",
    "/admin/care_sites/language/add/", "/admin/newsletter/topic/add/",
])
def test_every_content_form_asks_before_leaving_and_lists_its_mistakes(admin_client, url):
    html = admin_client.get(url).content.decode()
    assert html.count('<script src="/static/js/unsaved-changes.js"') == 1
    assert html.count('<script src="/static/js/error-summary.js"') == 1


def test_the_owner_is_chosen_among_those_who_may_keep_the_page_current(
        admin_client, django_user_model):
    from portal.tests.support import staff_user

    writer = staff_user(django_user_model, "Content editors", username="writer")
    doctor = staff_user(django_user_model, "Medical reviewers", username="doctor")
    staff_user(django_user_model, "Newsletter managers", username="mailer")
    staff_user(django_user_model, "Trial coordinators", username="trials-only")
    html = admin_client.get("/admin/conditions/condition/add/").content.decode()
    owner = re.search(r'<select name="owner".*?</select>', html, re.S)[0]
    offered = re.findall(r'<option value="(\d+)"', owner)
    assert str(writer.pk) in offered
    assert str(doctor.pk) in offered
    assert len(offered) == len(set(offered)) == 3  # with the superuser signed in


@pytest.mark.parametrize("months", ["0", "-1"])
def test_a_review_interval_under_a_month_is_refused(editor_client, months):
    condition, _ = make_draft_condition()
    form = editor_client.get(change_url(condition))
    assert re.search(r'<input type="number" name="review_interval_months"[^>]* min="1"',
                     form.content.decode())
    data = form_data(form, "condition_form")
    data["review_interval_months"] = months

    response = editor_client.post(change_url(condition), data)

    assert response.status_code == 200
    assert (response.context["adminform"].form.errors["review_interval_months"]
            == ["Enter 1 or more: the months from one review to the next."])
    condition.refresh_from_db()
    assert condition.review_interval_months == 12
