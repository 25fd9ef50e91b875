"""Editing a condition on its admin page: anchors, restoring revisions, nested parts."""

import datetime

import pytest
import reversion
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from conditions.models import Condition, Subsection, TreatmentOption
from conditions.tests.factories import OLD_BODY, make_full_condition
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


def revisions_of(condition):
    return list(Version.objects.get_for_object(condition).order_by("pk"))


def test_restoring_an_earlier_revision_brings_back_nested_parts_and_keeps_it_live(
    editor_client, client
):
    with reversion.create_revision():
        condition, overview = make_full_condition()
        condition.status = Condition.Status.DRAFT
        condition.save()
    first = revisions_of(condition)[0]
    # Later: published, a subsection and a treatment option rewritten, another option added.
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

    url = reverse("admin:conditions_condition_revision", args=[condition.pk, first.pk])
    data = form_data(editor_client.get(url), "condition_form")
    assert data["status"] == Condition.Status.PUBLISHED
    response = editor_client.post(url, data, follow=True)

    assert response.status_code == 200
    subsection = Subsection.objects.get()
    assert subsection.body == "About 800 children a year are diagnosed."
    assert [o.text for o in TreatmentOption.objects.all()] == ["Observation"]
    condition.refresh_from_db()
    assert condition.status == Condition.Status.PUBLISHED
    assert client.get(condition.get_absolute_url()).status_code == 200
    message = " ".join(str(m) for m in response.context["messages"])
    assert "Restored the version saved" in message
    assert "Publishing was left as it was." in message
    assert "changed body of subsection \u201cHow common it is\u201d" in message
    assert "removed treatment option \u201cAdded later\u201d" in message
    assert OLD_BODY in client.get(condition.get_absolute_url()).content.decode()


def test_restore_form_shows_the_current_publishing_state(editor_client):
    with reversion.create_revision():
        condition, _ = make_full_condition()
        condition.status = Condition.Status.DRAFT
        condition.save()
    first = revisions_of(condition)[0]
    Condition.objects.filter(pk=condition.pk).update(status=Condition.Status.PUBLISHED)
    url = reverse("admin:conditions_condition_revision", args=[condition.pk, first.pk])

    data = form_data(editor_client.get(url), "condition_form")

    assert data["status"] == Condition.Status.PUBLISHED
    assert inline_index(data, "sections", condition.sections.first()) == 0
