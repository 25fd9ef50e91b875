"""The conditions admin: who may use it, editing, revisions, review dates, stories, drafts."""

import datetime

import pytest
import reversion
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from conditions.models import (
    Condition,
    ConditionDueForReview,
    StagingCategory,
    Story,
    Synonym,
)
from conditions.tests.factories import (
    LONG_BODY,
    NEW_BODY,
    OLD_BODY,
    make_condition,
    make_full_condition,
    make_section,
)
from portal import roles
from portal.readability import flesch_kincaid_grade
from portal.tests.support import form_data, inline_index, png_bytes, staff_user

pytestmark = pytest.mark.django_db


# Factories -----------------------------------------------------------------------------------


def roles_group(role):
    return Group.objects.get(name=role)


# Reading admin forms the way a browser submits them ------------------------------------------


def change_url(condition):
    return reverse("admin:conditions_condition_change", args=[condition.pk])


def public_text(client, condition):
    response = client.get(condition.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def changelist_names(response):
    assert response.status_code == 200
    return {obj.name for obj in response.context["cl"].result_list}


def edit_section_body(client, condition, section, body):
    data = form_data(client.get(change_url(condition)), "condition_form")
    data[f"sections-{inline_index(data, 'sections', section)}-body"] = body
    response = client.post(change_url(condition), data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    return response


# 1. Roles ------------------------------------------------------------------------------------

def condition_admin_urls():
    condition, _ = make_full_condition()
    due_for_review = f"admin:conditions_{ConditionDueForReview._meta.model_name}_changelist"
    return [
        reverse("admin:conditions_condition_changelist"),
        reverse("admin:conditions_condition_add"),
        change_url(condition),
        reverse("admin:conditions_story_changelist"),
        reverse("admin:conditions_story_add"),
        reverse(due_for_review),
    ]


def test_the_due_for_review_url_name_is_built_from_the_proxy_model():
    assert ConditionDueForReview._meta.model_name == "conditionduefor" + "review"
    assert reverse("admin:conditions_conditiondueforreview_changelist") == (
        "/admin/conditions/conditiondueforreview/"
    )


def test_content_editor_can_open_every_conditions_admin_page(editor_client):
    for url in condition_admin_urls():
        assert editor_client.get(url).status_code == 200, url


def test_content_editor_sees_the_conditions_app_on_the_admin_index(editor_client):
    html = editor_client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:conditions_condition_changelist") in html
    assert "Conditions" in html


@pytest.mark.parametrize("role", [roles.TRIAL_COORDINATORS, roles.NEWSLETTER_MANAGERS])
def test_other_roles_are_refused_the_conditions_admin(client, django_user_model, role):
    urls = condition_admin_urls()
    client.force_login(staff_user(django_user_model, role))
    for url in urls:
        assert client.get(url).status_code == 403, url

    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    html = index.content.decode()
    assert reverse("admin:conditions_condition_changelist") not in html
    assert "Conditions" not in html
    assert "conditions" not in {app["app_label"] for app in index.context["app_list"]}


def test_superuser_can_open_every_conditions_admin_page(admin_client):
    for url in condition_admin_urls():
        assert admin_client.get(url).status_code == 200, url


def test_anonymous_visitors_are_sent_to_the_admin_login(client):
    for url in condition_admin_urls():
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url == f"{reverse('admin:login')}?next={url}"


def test_editor_group_holds_every_conditions_permission():
    group = roles_group(roles.CONTENT_EDITORS)
    codenames = set(group.permissions.values_list("codename", flat=True))
    for model in ["condition", "conditiondueforreview", "section", "subsection",
                  "stagingcategory", "treatmentoption", "story", "synonym", "reference"]:
        for action in ["add", "change", "delete", "view"]:
            assert f"{action}_{model}" in codenames


# 2. Editing through the admin ----------------------------------------------------------------

def test_editing_a_section_in_the_condition_form_re_renders_it(editor_client):
    # A page that is not live yet is changed in place (a live one gets a draft: see
    # test_review.py).
    condition, overview = make_full_condition()
    Condition.objects.filter(pk=condition.pk).update(status=Condition.Status.DRAFT)
    other_sections = {s.pk: s.body_html for s in condition.sections.exclude(pk=overview.pk)}
    assert NEW_BODY not in public_text(editor_client, condition)

    edit_section_body(editor_client, condition, overview, f"{NEW_BODY}\n\n**Ask** your team.")

    overview.refresh_from_db()
    assert overview.body_html == f"<p>{NEW_BODY}</p>\n<p><strong>Ask</strong> your team.</p>"
    assert overview.reading_grade == flesch_kincaid_grade(overview.body)
    # The other inline rows went through the form unchanged.
    assert {s.pk: s.body_html for s in condition.sections.exclude(pk=overview.pk)} == (
        other_sections
    )
    assert condition.synonyms.get().name == "Neural crest tumour"
    assert condition.staging_categories.get().options.count() == 1
    assert condition.references.get().doi == "10.1200/JCO.21.00278"

    html = public_text(editor_client, condition)
    assert NEW_BODY in html
    assert "<strong>Ask</strong> your team." in html
    assert OLD_BODY not in html


def test_editors_choose_the_conditions_shown_on_the_home_page(editor_client):
    condition, _ = make_full_condition()
    Condition.objects.filter(pk=condition.pk).update(status=Condition.Status.DRAFT)
    make_condition(slug="other", name="Other")
    form = editor_client.get(change_url(condition))
    html = form.content.decode()
    assert '<label class="vCheckboxLabel" for="id_featured">Show on the home page</label>' in html
    assert "The home page lists up to 12 featured conditions" in html
    data = form_data(form, "condition_form")
    assert "featured" not in data  # not ticked at first
    data["featured"] = "on"
    response = editor_client.post(change_url(condition), data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    condition.refresh_from_db()
    assert condition.featured
    changelist = reverse("admin:conditions_condition_changelist")
    assert changelist_names(editor_client.get(changelist, {"featured__exact": "1"})) == {
        condition.name}
    assert changelist_names(editor_client.get(changelist, {"featured__exact": "0"})) == {"Other"}


def test_an_invalid_inline_row_is_reported_and_nothing_is_saved(editor_client):
    condition, overview = make_full_condition()
    data = form_data(editor_client.get(change_url(condition)), "condition_form")
    data[f"sections-{inline_index(data, 'sections', overview)}-body"] = NEW_BODY
    data[f"references-{inline_index(data, 'references', condition.references.get())}-doi"] = (
        "not-a-doi"
    )

    response = editor_client.post(change_url(condition), data)

    assert response.status_code == 200
    assert "A DOI starts with 10." in response.content.decode()
    overview.refresh_from_db()
    assert overview.body == OLD_BODY


# 3. Revisions --------------------------------------------------------------------------------

def versions_of(condition):
    return list(Version.objects.get_for_object(condition).order_by("pk"))


def test_admin_saves_are_recorded_compared_and_can_be_reverted(editor_client, editor):
    with reversion.create_revision():
        reversion.set_comment("Created for the test.")
        condition, overview = make_full_condition()
        condition.status = Condition.Status.DRAFT
        condition.save()
    edit_section_body(editor_client, condition, overview, NEW_BODY)
    assert NEW_BODY in public_text(editor_client, condition)

    first, second = versions_of(condition)
    assert second.revision.user == editor
    assert second.revision.version_set.filter(object_id=str(overview.pk)).exists()

    # The history lists both revisions, with links to each.
    history = editor_client.get(
        reverse("admin:conditions_condition_history", args=[condition.pk])
    )
    assert history.status_code == 200
    history_html = history.content.decode()
    for version in (first, second):
        url = reverse("admin:conditions_condition_revision", args=[condition.pk, version.pk])
        assert url in history_html
    assert "Created for the test." in history_html

    # The condition's compare view shows the old and the new text of the changed section...
    compare = editor_client.get(
        reverse("admin:conditions_condition_compare", args=[condition.pk]),
        {"version_id1": first.pk, "version_id2": second.pk},
    )
    assert compare.status_code == 200
    compare_html = compare.content.decode()
    assert f"<del>{OLD_BODY.removesuffix('.')}</del>" in compare_html
    assert f"<ins>{NEW_BODY.removesuffix('.')}</ins>" in compare_html
    # The section's versions belong to the same revisions as the condition's.
    section_first, section_second = Version.objects.get_for_object(overview).order_by("pk")
    assert section_first.revision == first.revision
    assert section_second.revision == second.revision

    # The revision page shows the form filled with the old text, and changes nothing yet.
    revision_url = reverse("admin:conditions_condition_revision",
                           args=[condition.pk, first.pk])
    old_form = editor_client.get(revision_url)
    data = form_data(old_form, "condition_form")
    assert data[f"sections-{inline_index(data, 'sections', overview)}-body"] == OLD_BODY
    overview.refresh_from_db()
    assert overview.body == NEW_BODY

    # Saving it reverts the page.
    response = editor_client.post(revision_url, data)
    assert response.status_code == 302
    overview.refresh_from_db()
    assert overview.body == OLD_BODY
    assert overview.body_html == f"<p>{OLD_BODY}</p>"
    html = public_text(editor_client, condition)
    assert OLD_BODY in html
    assert NEW_BODY not in html
    assert "About 800 children a year are diagnosed." in html
    assert len(versions_of(condition)) == 3
    assert versions_of(condition)[-1].revision.comment.startswith("Reverted to previous version")


# 4. Review dates -----------------------------------------------------------------------------

@pytest.fixture
def review_conditions():
    today = timezone.localdate()
    return {
        "overdue": make_condition(slug="overdue", name="Wilms tumour",
                                  next_review_due=today - datetime.timedelta(days=5)),
        "today": make_condition(slug="due-today", name="Hepatoblastoma",
                                next_review_due=today),
        "soon": make_condition(slug="due-soon", name="Retinoblastoma",
                               next_review_due=today + datetime.timedelta(days=30)),
        "current": make_condition(slug="current", name="Ewing sarcoma",
                                  next_review_due=today + datetime.timedelta(days=365)),
        "after_window": make_condition(slug="after-window", name="Osteosarcoma",
                                       next_review_due=today + datetime.timedelta(days=31)),
        "undated": make_condition(slug="undated", name="Medulloblastoma"),
    }


def test_due_for_review_list_shows_overdue_and_soon_due_conditions(
    editor_client, review_conditions
):
    url = reverse(f"admin:conditions_{ConditionDueForReview._meta.model_name}_changelist")
    response = editor_client.get(url)

    assert changelist_names(response) == {"Wilms tumour", "Hepatoblastoma", "Retinoblastoma"}
    assert [obj.name for obj in response.context["cl"].result_list] == [
        "Wilms tumour", "Hepatoblastoma", "Retinoblastoma"
    ]
    html = response.content.decode()
    assert change_url(review_conditions["overdue"]) in html
    assert "Review and edit" in html
    assert change_url(review_conditions["current"]) not in html
    # A read-only list: no add button.
    assert reverse(f"admin:conditions_{ConditionDueForReview._meta.model_name}_add") not in html


@pytest.mark.parametrize(
    ("review", "expected"),
    [
        ("due", {"Wilms tumour", "Hepatoblastoma", "Retinoblastoma"}),
        ("overdue", {"Wilms tumour"}),
        (None, {"Wilms tumour", "Hepatoblastoma", "Retinoblastoma", "Ewing sarcoma",
                "Osteosarcoma", "Medulloblastoma"}),
    ],
)
def test_condition_changelist_review_filter(editor_client, review_conditions, review, expected):
    params = {"review": review} if review else {}
    response = editor_client.get(reverse("admin:conditions_condition_changelist"), params)
    assert changelist_names(response) == expected


def test_condition_changelist_shows_the_review_state(editor_client, review_conditions):
    response = editor_client.get(reverse("admin:conditions_condition_changelist"))
    html = response.content.decode()
    for state in ["overdue", "due soon", "current"]:
        assert f'<td class="field-review_state">{state}</td>' in html


# 5. Search -----------------------------------------------------------------------------------

def test_condition_search_finds_a_condition_by_synonym(editor_client):
    condition = make_condition(slug="neuroblastoma", name="Neuroblastoma")
    Synonym.objects.create(condition=condition, name="Sympathicoblastoma")
    Synonym.objects.create(condition=condition, name="Neural crest tumour")
    make_condition(slug="wilms", name="Wilms tumour")

    url = reverse("admin:conditions_condition_changelist")
    assert changelist_names(editor_client.get(url, {"q": "sympathicoblastoma"})) == {
        "Neuroblastoma"
    }
    # Two matching synonyms still list the condition once.
    found = editor_client.get(url, {"q": "Neur"})
    assert [obj.name for obj in found.context["cl"].result_list] == ["Neuroblastoma"]
    assert changelist_names(editor_client.get(url, {"q": "tumour"})) == {
        "Neuroblastoma", "Wilms tumour"
    }
    assert changelist_names(editor_client.get(url, {"q": "osteosarcoma"})) == set()


# 6. Reading grade ----------------------------------------------------------------------------

def test_section_pages_show_the_reading_grade(editor_client):
    condition = make_condition(slug="neuroblastoma", name="Neuroblastoma")
    section = make_section(condition, body=LONG_BODY)
    short = make_section(condition, order=1, heading="Short", body="Too short to grade.")
    section.refresh_from_db()
    short.refresh_from_db()
    grade = flesch_kincaid_grade(LONG_BODY)
    assert grade is not None
    assert float(section.reading_grade) == pytest.approx(grade)
    assert short.reading_grade is None

    inline = editor_client.get(change_url(condition)).content.decode()
    assert f"<p>{grade}</p>" in inline


# 7. Stories ----------------------------------------------------------------------------------

def story_data(**kw):
    return {
        "title": "Maya rings the bell",
        "slug": "maya-rings-the-bell",
        "summary": "Maya finished treatment this spring.",
        "body": "Maya and her family share what helped.",
        "image_alt": "",
        "status": Story.Status.DRAFT,
        "publish_at_0": "2025-01-06",
        "publish_at_1": "08:00:00",
        **kw,
    }


def test_story_with_an_image_needs_a_description(editor_client, media_root):
    image = SimpleUploadedFile("maya.png", png_bytes(), content_type="image/png")
    response = editor_client.post(reverse("admin:conditions_story_add"),
                                  story_data(image=image))

    assert response.status_code == 200
    assert "Describe the image for people who cannot see it." in response.content.decode()
    assert response.context["adminform"].form.errors["image_alt"] == [
        "Describe the image for people who cannot see it."
    ]
    assert not Story.objects.exists()
    # The chosen file cannot be kept in the form shown again: the editor is told to choose
    # it again, and a form with errors but no file says nothing of it.
    assert ("Choose the image again before saving: a file chosen is not kept while the form "
            "has errors.") in response.content.decode()
    without_file = editor_client.post(reverse("admin:conditions_story_add"),
                                      story_data(title=""))
    assert without_file.status_code == 200
    assert "Choose the image again" not in without_file.content.decode()


def test_story_with_an_image_and_a_description_is_saved(editor_client, media_root):
    image = SimpleUploadedFile("maya.png", png_bytes(), content_type="image/png")
    response = editor_client.post(
        reverse("admin:conditions_story_add"),
        story_data(image=image, image_alt="Maya ringing a brass bell"),
    )

    assert response.status_code == 302
    story = Story.objects.get()
    assert story.image_alt == "Maya ringing a brass bell"
    assert story.image.name.startswith("stories/maya")
    assert (media_root / story.image.name).read_bytes() == png_bytes()
    assert story.body_html == "<p>Maya and her family share what helped.</p>"


def test_story_refuses_a_file_that_is_not_an_image(editor_client, media_root):
    fake = SimpleUploadedFile("maya.png", b"%PDF-1.4 not a picture", content_type="image/png")
    response = editor_client.post(
        reverse("admin:conditions_story_add"),
        story_data(image=fake, image_alt="Maya ringing a brass bell"),
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "image" in errors
    assert "Upload a valid image" in errors["image"][0]
    assert not Story.objects.exists()
    assert not list(media_root.rglob("*"))


def test_story_refuses_an_image_larger_than_allowed(editor_client, media_root, settings):
    settings.MAX_IMAGE_SIDE = 5
    image = SimpleUploadedFile("maya.png", png_bytes((8, 6)), content_type="image/png")
    response = editor_client.post(
        reverse("admin:conditions_story_add"),
        story_data(image=image, image_alt="Maya ringing a brass bell"),
    )

    assert response.status_code == 200
    assert "This image is 8x6 pixels." in response.context["adminform"].form.errors["image"][0]
    assert not Story.objects.exists()


# 8. Drafts -----------------------------------------------------------------------------------

def test_changelist_links_drafts_as_preview_and_live_pages_as_view(editor_client):
    draft = make_condition(slug="draft-page", name="Draft page", status=Condition.Status.DRAFT)
    scheduled = make_condition(slug="scheduled-page", name="Scheduled page",
                               publish_at=timezone.now() + datetime.timedelta(days=3))
    live = make_condition(slug="live-page", name="Live page")

    html = editor_client.get(reverse("admin:conditions_condition_changelist")).content.decode()

    assert f'<a href="{draft.get_absolute_url()}">Preview</a>' in html
    assert f'<a href="{scheduled.get_absolute_url()}">Preview</a>' in html
    assert f'<a href="{live.get_absolute_url()}">View</a>' in html


def test_editor_previews_a_draft_with_a_banner_and_an_edit_link(editor_client):
    draft = make_condition(slug="draft-page", name="Draft page", status=Condition.Status.DRAFT)
    make_section(draft, body=OLD_BODY)

    response = editor_client.get(draft.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>Preview.</strong>" in html
    assert "This is a draft: the public cannot see it." in html
    assert f'<a href="{change_url(draft)}">Edit in the admin</a>' in html
    assert OLD_BODY in html


def test_live_condition_page_has_no_preview_banner(editor_client):
    live = make_condition(slug="live-page", name="Live page")
    html = editor_client.get(live.get_absolute_url()).content.decode()
    assert "Preview." not in html
    assert change_url(live) not in html


def test_drafts_are_hidden_from_the_public(client):
    draft = make_condition(slug="draft-page", name="Draft page", status=Condition.Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("role", [roles.TRIAL_COORDINATORS, roles.NEWSLETTER_MANAGERS])
def test_drafts_are_hidden_from_staff_without_conditions_access(client, django_user_model,
                                                                 role):
    draft = make_condition(slug="draft-page", name="Draft page", status=Condition.Status.DRAFT)
    client.force_login(staff_user(django_user_model, role))
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_section_and_category_models_are_registered_with_the_condition():
    # Guard for the revision test: a condition revision follows its inline rows.
    condition, overview = make_full_condition()
    with reversion.create_revision():
        condition.save()
    revision = Version.objects.get_for_object(condition).get().revision
    saved = {(v.content_type.model, v.object_id) for v in revision.version_set.all()}
    assert ("section", str(overview.pk)) in saved
    category = StagingCategory.objects.get(condition=condition)
    assert ("stagingcategory", str(category.pk)) in saved
    assert ("treatmentoption", str(category.options.get().pk)) in saved
    assert ("subsection", str(overview.subsections.get().pk)) in saved


# Revision pages are guarded like the change form ---------------------------------------------

@pytest.mark.parametrize("role", [roles.TRIAL_COORDINATORS, roles.NEWSLETTER_MANAGERS])
def test_other_roles_cannot_read_condition_history(client, django_user_model, role):
    with reversion.create_revision():
        condition, _ = make_full_condition()
    [version] = versions_of(condition)
    client.force_login(staff_user(django_user_model, role))
    urls = [
        reverse("admin:conditions_condition_history", args=[condition.pk]),
        reverse("admin:conditions_condition_compare", args=[condition.pk])
        + f"?version_id1={version.pk}&version_id2={version.pk}",
        reverse("admin:conditions_condition_revision", args=[condition.pk, version.pk]),
        reverse("admin:conditions_condition_recoverlist"),
    ]
    for url in urls:
        assert client.get(url).status_code == 403, url


def test_a_live_items_status_is_not_changed_through_its_draft(client, reviewer):
    # Publishing applies the draft and publishes it: a status of Draft in it would be
    # dropped. A live item leaves at its "Unpublish from" time, or by being deleted.
    story = Story.objects.create(title="Maya", slug="maya", summary="S.", body="Text.",
                                 status=Story.Status.PUBLISHED,
                                 publish_at=timezone.now() - datetime.timedelta(days=1))
    draft = Story.objects.create(title="Theo", slug="theo", summary="S.", body="Text.")
    client.force_login(reviewer)
    url = reverse("admin:conditions_story_change", args=[story.pk])
    page = client.get(url).content.decode()
    assert '<select name="status"' not in page
    assert 'name="unpublish_at_0"' in page
    # Nor a draft's: it is published by a reviewer's approval on its review page.
    assert '<select name="status"' not in client.get(
        reverse("admin:conditions_story_change", args=[draft.pk])).content.decode()


@pytest.mark.parametrize("model", [Condition, Story])
def test_a_reviewer_cannot_publish_a_medical_page_through_its_status(client, reviewer, model):
    # Through the form, a reviewer would publish their own text unreviewed, and with no
    # review date or reviewer: only the review page's approval publishes these.
    if model is Condition:
        obj = make_condition(slug="draftoma", status=Condition.Status.DRAFT)
        name, url_name = "name", "admin:conditions_condition_change"
    else:
        obj = Story.objects.create(title="Theo", slug="theo", summary="S.", body="Text.")
        name, url_name = "title", "admin:conditions_story_change"
    client.force_login(reviewer)
    add_page = client.get(reverse(url_name.replace("change", "add"))).content.decode()
    assert '<select name="status"' not in add_page
    url = reverse(url_name, args=[obj.pk])
    data = form_data(client.get(url), f"{model._meta.model_name}_form")
    data.update({name: "Rewritten alone", "status": "published",
                 "publish_at_0": "2020-01-01", "publish_at_1": "00:00:00"})
    assert client.post(url, data).status_code == 302
    obj.refresh_from_db()
    assert getattr(obj, name) == "Rewritten alone"  # the text is saved, as a draft
    assert obj.status == model.Status.DRAFT
    client.logout()
    assert client.get(obj.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("role", ["editor", "reviewer"])
def test_a_deleted_live_story_comes_back_as_a_draft(client, editor, reviewer, role):
    # Taken down by a reviewer; recovering it must not put it back in public unreviewed.
    with reversion.create_revision():
        story = Story.objects.create(title="Maya rings the bell", slug="maya",
                                     summary="Maya finished treatment.", body="Text.",
                                     status=Story.Status.PUBLISHED,
                                     publish_at=timezone.now() - datetime.timedelta(days=1))
    assert client.get("/conditions/stories/maya/").status_code == 200
    story.delete()
    [version] = Version.objects.get_deleted(Story)
    client.force_login({"editor": editor, "reviewer": reviewer}[role])
    url = reverse("admin:conditions_story_recover", args=[version.pk])
    page = client.get(url)
    data = form_data(page, "story_form")
    response = client.post(url, data, follow=True)
    assert "The recovered item is a draft: the public does not see it until it is published " \
        "again by a medical reviewer." in response.content.decode()
    recovered = Story.objects.get(slug="maya")
    assert recovered.status == Story.Status.DRAFT
    client.logout()
    assert client.get("/conditions/stories/maya/").status_code == 404
    assert "Maya" not in client.get("/search/", {"q": "maya"}).content.decode()


def test_a_version_of_another_object_cannot_be_restored_through_a_condition(editor_client):
    with reversion.create_revision():
        condition, _ = make_full_condition()
    with reversion.create_revision():
        story = Story.objects.create(title="Other", slug="other", summary="s")
    story_version = Version.objects.get_for_object(story).get()
    url = reverse("admin:conditions_condition_revision",
                  args=[condition.pk, story_version.pk])
    assert editor_client.get(url).status_code == 404
    assert editor_client.post(url, {}).status_code == 404


def test_an_anchor_taken_by_another_section_is_said_on_the_anchor(editor_client):
    condition, _ = make_full_condition()
    url = change_url(condition)
    data = form_data(editor_client.get(url), "condition_form")
    data["sections-1-anchor"] = "overview"  # the first section's
    html = editor_client.post(url, data).content.decode()
    assert ('<ul class="errorlist" id="id_sections-1-anchor_error"><li>“Overview” has the '
            "anchor “overview” already: change one of them, or empty this one to make it from "
            "the heading.</li></ul>") in html
    assert "Section with this Condition and Anchor already exists" not in html
    data["sections-0-anchor"] = data["sections-1-anchor"] = "same"  # both, in one save
    html = editor_client.post(url, data).content.decode()
    assert "Two sections have the same anchor: change one of them, or empty it" in html
    assert list(condition.sections.values_list("anchor", flat=True)) == ["overview", "symptoms"]
