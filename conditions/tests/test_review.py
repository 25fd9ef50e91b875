"""Drafts of live condition pages and their medical review, through the admin's real URLs."""

import datetime
import json
import re

import pytest
import reversion
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from reversion.models import Version

from conditions.models import Condition, Section, Story
from conditions.tests.factories import NEW_BODY, OLD_BODY, make_condition, make_full_condition
from portal import roles
from portal.models import Draft, ReviewerProfile, ReviewStep
from portal.publishing import add_months, draft_for, fingerprint, publish_due_drafts, steps_for
from portal.tests.support import form_data, inline_index, staff_user

pytestmark = pytest.mark.django_db


def change_url(condition):
    return reverse("admin:conditions_condition_change", args=[condition.pk])


def review_url(condition):
    return reverse("admin:conditions_condition_review", args=[condition.pk])


def approve(client, url, **fields):
    """Approve as a reviewer does: from the review page, which names what it showed."""
    page = client.get(url).content.decode()
    seen = re.search(r'name="approve-seen" value="([0-9a-f]*)"', page)
    data = {"action": "approve", "approve-seen": seen[1] if seen else "", **fields}
    return client.post(url, data)


@pytest.fixture
def public():
    return Client()


@pytest.fixture
def reviewer_client(reviewer):
    client = Client()
    client.force_login(reviewer)
    return client


@pytest.fixture
def editor_with_mail(editor):
    editor.email = "editor@example.org"
    editor.save()
    return editor


def edit_overview(client, condition, overview, body):
    data = form_data(client.get(change_url(condition)), "condition_form")
    data[f"sections-{inline_index(data, 'sections', overview)}-body"] = body
    return client.post(change_url(condition), data, follow=True)


def submitted(client, condition, overview, body):
    """The overview changed and the change submitted for review, as an editor does."""
    edit_overview(client, condition, overview, body)
    assert client.post(review_url(condition), {"action": "submit"}).status_code == 302


def test_editing_a_live_condition_saves_a_draft_and_the_public_keeps_the_live_page(
    editor_client, public
):
    condition, overview = make_full_condition()

    response = edit_overview(editor_client, condition, overview, NEW_BODY)

    assert response.status_code == 200
    # A draft is no revision (publishing it makes one).
    assert not Version.objects.exists()
    messages = " ".join(str(m) for m in response.context["messages"])
    assert "as a draft: the public still sees the live page" in messages
    overview.refresh_from_db()
    assert overview.body == OLD_BODY
    html = public.get(condition.get_absolute_url()).content.decode()
    assert OLD_BODY in html
    assert NEW_BODY not in html
    # Anonymous visitors asking for the draft still get the live page.
    assert NEW_BODY not in public.get(
        condition.get_absolute_url() + "?preview=draft").content.decode()
    # Staff preview the draft on the real page, with a banner saying so.
    preview = editor_client.get(condition.get_absolute_url() + "?preview=draft")
    html = preview.content.decode()
    assert NEW_BODY in html
    assert OLD_BODY not in html
    assert "This is the draft of a live page" in html
    assert "no-store" in preview["Cache-Control"]
    # The edit form shows the draft, so the next save builds on it.
    data = form_data(editor_client.get(change_url(condition)), "condition_form")
    assert data[f"sections-{inline_index(data, 'sections', overview)}-body"] == NEW_BODY
    # The list says the page has unpublished changes.
    listing = editor_client.get(reverse("admin:conditions_condition_changelist"))
    assert '<td class="field-publishing_state">Live with changes</td>' in listing.content.decode()


def test_a_row_added_in_a_draft_can_be_changed_and_saved_again(editor_client, public):
    """A new key fact and a new subsection, saved in a live page's draft, keep their ids from
    one showing of the form to the next: the second save is not refused (the rows are made
    afresh each time the draft is shown, and PostgreSQL never gives an id twice)."""
    condition, overview = make_full_condition()
    data = form_data(editor_client.get(change_url(condition)), "condition_form")
    facts = int(data["key_facts-TOTAL_FORMS"])
    data["key_facts-TOTAL_FORMS"] = str(facts + 1)
    data[f"key_facts-{facts}-text"] = "A new fact, first wording."
    data[f"key_facts-{facts}-order"] = "5"
    row = inline_index(data, "sections", overview)
    subs = f"sections-{row}-subsections"
    count = int(data[f"{subs}-TOTAL_FORMS"])
    data[f"{subs}-TOTAL_FORMS"] = str(count + 1)
    data[f"{subs}-{count}-heading"] = "A new part"
    data[f"{subs}-{count}-body"] = "First wording of the new part."
    data[f"{subs}-{count}-order"] = "5"
    assert editor_client.post(change_url(condition), data).status_code == 302
    for attempt in range(2):  # twice: each showing of the form makes the rows again
        data = form_data(editor_client.get(change_url(condition)), "condition_form")
        fact = next(key for key, value in data.items() if value.startswith("A new fact"))
        data[fact] = f"A new fact, wording {attempt + 2}."
        part = next(key for key, value in data.items()
                    if value.startswith("First wording") or value.startswith("Wording"))
        data[part] = f"Wording {attempt + 2} of the new part."
        response = editor_client.post(change_url(condition), data)
        assert response.status_code == 302, re.findall(r'class="errorlist[^"]*">(.*?)</ul>',
                                                        response.content.decode())
    saved = json.dumps(draft_for(condition).data)
    assert "A new fact, wording 3." in saved
    assert "Wording 3 of the new part." in saved
    assert "wording 2" not in saved
    # The public still sees the live page, without either.
    assert "A new fact" not in public.get("/conditions/neuroblastoma/").content.decode()


def test_a_row_that_no_longer_matches_a_saved_one_is_named_not_hidden(editor_client):
    condition, overview = make_full_condition()
    data = form_data(editor_client.get(change_url(condition)), "condition_form")
    data["key_facts-0-id"] = "999999"  # as when the row was deleted meanwhile
    row = inline_index(data, "sections", overview)
    data[f"sections-{row}-subsections-0-id"] = "999998"
    html = editor_client.post(change_url(condition), data).content.decode()
    assert "A row of “key facts” no longer matches what is saved" in html
    assert "A row of “subsections” no longer matches what is saved" in html


def test_saving_an_unchanged_live_page_makes_no_draft(editor_client):
    condition, overview = make_full_condition()
    response = edit_overview(editor_client, condition, overview, OLD_BODY)
    assert "is unchanged" in " ".join(str(m) for m in response.context["messages"])
    assert draft_for(condition) is None


def test_editors_cannot_publish_a_condition(editor_client):
    data = form_data(editor_client.get(reverse("admin:conditions_condition_add")),
                     "condition_form")
    assert "status" not in data
    data.update({"name": "Wilms tumour", "slug": "wilms-tumour", "summary": "A kidney cancer.",
                 "status": Condition.Status.PUBLISHED})
    response = editor_client.post(reverse("admin:conditions_condition_add"), data)
    assert response.status_code == 302
    condition = Condition.objects.get()
    assert condition.status == Condition.Status.DRAFT
    # Nor approve one through the review page.
    response = approve(editor_client, review_url(condition))
    assert response.status_code == 403
    assert Condition.objects.get().status == Condition.Status.DRAFT


def test_a_change_made_after_the_reviewer_opened_the_page_is_not_approved_unseen(
    editor_client, reviewer_client, public
):
    condition, overview = make_full_condition()
    submitted(editor_client, condition, overview, NEW_BODY)
    opened = reviewer_client.get(review_url(condition)).content.decode()
    seen = re.search(r'name="approve-seen" value="([0-9a-f]+)"', opened)[1]
    edit_overview(editor_client, condition, overview, "A later change nobody reviewed.")

    response = reviewer_client.post(review_url(condition),
                                    {"action": "approve", "approve-seen": seen})
    assert response.status_code == 200
    page = response.content.decode()
    # Saved again by the editor, they are out of the review queue: the message says so.
    assert "These changes are not submitted for review now" in page
    assert "nobody reviewed" in page  # the changes shown are now the latest
    assert 'id="approve-form"' not in page
    assert draft_for(condition).state != Draft.State.APPROVED
    assert "nobody reviewed" not in public.get(condition.get_absolute_url()).content.decode()

    # Submitted again: an approval of what the page showed before is still refused.
    editor_client.post(review_url(condition), {"action": "submit"})
    response = reviewer_client.post(review_url(condition),
                                    {"action": "approve", "approve-seen": seen})
    assert response.status_code == 200
    page = response.content.decode()
    assert "These changes were edited after you opened this page" in page
    # Nor without saying what was seen.
    assert reviewer_client.post(review_url(condition), {"action": "approve"}).status_code == 200
    assert draft_for(condition).state != Draft.State.APPROVED
    # Approving from the page as now shown publishes it.
    fresh = re.search(r'name="approve-seen" value="([0-9a-f]+)"', page)[1]
    assert fresh != seen
    assert reviewer_client.post(review_url(condition), {
        "action": "approve", "approve-seen": fresh}).status_code == 302
    assert "nobody reviewed" in public.get(condition.get_absolute_url()).content.decode()


def test_submit_then_approve_publishes_the_draft_with_the_reviewers_name(
    editor_client, editor_with_mail, reviewer_client, public
):
    condition, overview = make_full_condition()
    edit_overview(editor_client, condition, overview, NEW_BODY)

    response = editor_client.post(review_url(condition),
                                  {"action": "submit", "submit-comment": "New symptoms text."})
    assert response.status_code == 302
    assert draft_for(condition).state == Draft.State.IN_REVIEW
    assert mail.outbox[-1].to == ["ana.ruiz@example.org", "editor@example.org"]
    assert "Ready for medical review" in mail.outbox[-1].subject
    assert "New symptoms text." in mail.outbox[-1].body

    client = reviewer_client
    queue = client.get(reverse("admin:portal_draft_changelist"))
    assert queue.status_code == 200
    assert review_url(condition) in queue.content.decode()
    page = client.get(review_url(condition)).content.decode()
    assert f"<ins>{NEW_BODY.split()[0]}" in page
    assert "<del>" in page

    response = approve(client, review_url(condition), **{"approve-publish_at": ""})
    assert response.status_code == 302
    html = public.get(condition.get_absolute_url()).content.decode()
    assert NEW_BODY in html
    assert OLD_BODY not in html
    today = timezone.localdate()
    condition.refresh_from_db()
    assert condition.last_reviewed == today
    assert condition.next_review_due == add_months(today, 12)
    assert condition.reviewer.display_name == "Dr Ana Ruiz"
    assert "by Dr Ana Ruiz, MD, Pediatric Oncology" in html
    assert draft_for(condition) is None
    published = Version.objects.get_for_object(condition).latest("pk").revision
    assert published.comment == "Published after review by Dr Ana Ruiz, MD, Pediatric Oncology."
    assert [step.action for step in ReviewStep.objects.all()] == [
        ReviewStep.Action.SAVED, ReviewStep.Action.SUBMITTED, ReviewStep.Action.APPROVED
    ]
    assert "Approved" in mail.outbox[-1].subject
    assert "editor@example.org" in mail.outbox[-1].to
    # The history page shows every step, with who did it.
    history = editor_client.get(
        reverse("admin:conditions_condition_history", args=[condition.pk])
    ).content.decode()
    assert "Submitted for review" in history
    assert "Approved and published" in history
    assert "Dr Ana Ruiz, MD, Pediatric Oncology" in history


def test_a_reviewer_does_not_approve_changes_they_wrote(reviewer_client, django_user_model,
                                                        public):
    """Medical review is a second person's reading: a reviewer who writes and submits a
    change sees why they cannot approve it, a forged approval changes nothing, and another
    reviewer approves it."""
    condition, overview = make_full_condition()
    submitted(reviewer_client, condition, overview, NEW_BODY)
    page = reviewer_client.get(review_url(condition)).content.decode()
    assert "You wrote these changes, so another medical reviewer approves them" in page
    assert 'id="approve-form"' not in page
    assert "Send back to the editor" in page  # still possible, as discarding is

    assert 'name="approve-seen"' not in page
    forged = reviewer_client.post(review_url(condition), {
        "action": "approve", "approve-seen": fingerprint(condition, draft_for(condition)),
        "approve-when": "now"}, follow=True)
    assert "another medical reviewer approves them" in forged.content.decode()
    assert draft_for(condition).state == Draft.State.IN_REVIEW
    assert NEW_BODY not in public.get(condition.get_absolute_url()).content.decode()

    # Saved and submitted again by an editor, unchanged: still the reviewer's writing.
    editor = Client()
    editor.force_login(staff_user(django_user_model, roles.CONTENT_EDITORS, username="ed"))
    data = form_data(editor.get(change_url(condition)), "condition_form")
    assert editor.post(change_url(condition), data).status_code == 302
    assert editor.post(review_url(condition), {"action": "submit"}).status_code == 302
    assert draft_for(condition).author.username == "ed"
    assert ("You wrote these changes, so another medical reviewer approves them"
            in reviewer_client.get(review_url(condition)).content.decode())

    second = staff_user(django_user_model, roles.MEDICAL_REVIEWERS, username="second")
    ReviewerProfile.objects.create(user=second, display_name="Dr Sam Lee", credentials="MD")
    other = Client()
    other.force_login(second)
    assert approve(other, review_url(condition)).status_code == 302
    assert NEW_BODY in public.get(condition.get_absolute_url()).content.decode()
    condition.refresh_from_db()
    assert condition.reviewer.display_name == "Dr Sam Lee"


def test_a_reviewer_who_restores_a_version_does_not_approve_it(
        editor_client, reviewer_client, django_user_model):
    """A restore is writing: the restored page waits to be submitted again, and another
    reviewer approves it."""
    with reversion.create_revision():
        condition, overview = make_full_condition()
        condition.status = Condition.Status.DRAFT
        condition.save()
    first = Version.objects.get_for_object(condition).first()
    edit_overview(editor_client, condition, overview, NEW_BODY)
    editor_client.post(review_url(condition), {"action": "submit"})
    url = reverse("admin:conditions_condition_revision", args=[condition.pk, first.pk])
    restored = reviewer_client.post(url, form_data(reviewer_client.get(url), "condition_form"))
    assert restored.status_code == 302
    assert draft_for(condition).state == Draft.State.EDITING
    page = reviewer_client.get(review_url(condition)).content.decode()
    assert "Not submitted for review" in page
    reviewer_client.post(review_url(condition), {"action": "submit"})
    assert "You wrote these changes" in reviewer_client.get(review_url(condition)).content.decode()
    refused = approve(reviewer_client, review_url(condition))
    assert "another medical reviewer approves them" in refused.content.decode()
    condition.refresh_from_db()
    assert condition.status == Condition.Status.DRAFT  # still not published


def test_the_review_interval_is_kept_per_condition(reviewer_client):
    condition = make_condition(status=Condition.Status.DRAFT, review_interval_months=6)
    approve(reviewer_client, review_url(condition))
    condition.refresh_from_db()
    assert condition.status == Condition.Status.PUBLISHED
    assert condition.next_review_due == add_months(timezone.localdate(), 6)


def test_send_back_needs_a_comment_and_mails_it_to_the_editor(
    editor_client, editor_with_mail, reviewer, reviewer_client
):
    condition, overview = make_full_condition()
    edit_overview(editor_client, condition, overview, NEW_BODY)
    editor_client.post(review_url(condition), {"action": "submit"})
    client = reviewer_client

    refused = client.post(review_url(condition), {"action": "send_back", "send_back-comment": ""})
    assert refused.status_code == 200
    assert "Say what needs to change" in refused.content.decode()
    assert draft_for(condition).state == Draft.State.IN_REVIEW
    # A note is read in the history and by email: a few paragraphs at most.
    long = client.post(review_url(condition), {"action": "send_back",
                                               "send_back-comment": "x" * 200_000})
    assert long.status_code == 200
    assert "Keep the note to 5000 characters (it has 200000)" in long.content.decode()
    assert draft_for(condition).state == Draft.State.IN_REVIEW

    client.post(review_url(condition), {"action": "send_back",
                                        "send_back-comment": "Please cite the 2021 guideline."})
    assert draft_for(condition).state == Draft.State.SENT_BACK
    sent = mail.outbox[-1]
    assert "editor@example.org" in sent.to
    assert "Please cite the 2021 guideline." in sent.body
    step = ReviewStep.objects.last()
    assert (step.action, step.user, step.comment) == (
        ReviewStep.Action.SENT_BACK, reviewer, "Please cite the 2021 guideline."
    )
    listing = editor_client.get(reverse("admin:conditions_condition_changelist"))
    assert '<td class="field-publishing_state">Sent back</td>' in listing.content.decode()
    # Where the editor works on it, the reason is shown: on the edit form and beside the
    # item on the admin home.
    edit = editor_client.get(change_url(condition)).content.decode()
    assert "Sent back by Dr Ana Ruiz on" in edit
    assert "<blockquote>Please cite the 2021 guideline.</blockquote>" in edit
    home = editor_client.get(reverse("admin:index")).content.decode()
    assert ('<span class="worklist-note">\u201cPlease cite the 2021 guideline.\u201d</span>'
            in home)
    # Saved again, not yet submitted: the reason still shows, now under "Your drafts".
    edit_overview(editor_client, condition, overview, NEW_BODY + " Cited.")
    assert draft_for(condition).state == Draft.State.EDITING
    assert "Please cite the 2021 guideline." in editor_client.get(
        change_url(condition)).content.decode()
    assert "\u201cPlease cite the 2021 guideline.\u201d" in editor_client.get(
        reverse("admin:index")).content.decode()
    # Submitted again, the note has done its work.
    editor_client.post(review_url(condition), {"action": "submit"})
    assert "Sent back by" not in editor_client.get(change_url(condition)).content.decode()
    assert "Please cite" not in editor_client.get(reverse("admin:index")).content.decode()
    # The live page is untouched.
    overview.refresh_from_db()
    assert overview.body == OLD_BODY


def test_an_approval_can_wait_for_a_publishing_time(editor_client, reviewer_client):
    condition, overview = make_full_condition()
    submitted(editor_client, condition, overview, NEW_BODY)
    client = reviewer_client
    when = timezone.localtime() + datetime.timedelta(days=2)

    approve(client, review_url(condition),
            **{"approve-publish_at": when.strftime("%Y-%m-%dT%H:%M")})

    assert draft_for(condition).state == Draft.State.APPROVED
    overview.refresh_from_db()
    assert overview.body == OLD_BODY
    assert publish_due_drafts() == 0
    assert publish_due_drafts(now=timezone.now() + datetime.timedelta(days=3)) == 1
    assert Section.objects.get(pk=overview.pk).body == NEW_BODY


def approved_for_an_hour_later(editor_client, reviewer_client):
    """A condition whose changed overview is approved to go live in an hour."""
    condition, overview = make_full_condition()
    submitted(editor_client, condition, overview, NEW_BODY)
    when = timezone.localtime() + datetime.timedelta(hours=1)
    approve(reviewer_client, review_url(condition),
            **{"approve-publish_at": when.strftime("%Y-%m-%dT%H:%M")})
    return condition


@pytest.mark.parametrize("page", ["list", "review"])
def test_an_approved_change_past_its_time_is_published_when_staff_look_at_it(
        editor_client, reviewer_client, public, page):
    # Should the task worker be late (or down), the admin never shows it as still to come.
    condition = approved_for_an_hour_later(editor_client, reviewer_client)
    Draft.objects.update(publish_at=timezone.now() - datetime.timedelta(minutes=2))
    assert draft_for(condition) is not None  # (a public page would publish it too: below)
    if page == "list":
        listed = editor_client.get(reverse("admin:conditions_condition_changelist"))
        cells = listed.content.decode()
        assert '<td class="field-publishing_state">Live with changes</td>' not in cells
        assert '<td class="field-publishing_state">Live</td>' in cells
    else:
        shown = reviewer_client.get(review_url(condition)).content.decode()
        assert "goes live" not in shown
    assert draft_for(condition) is None
    assert NEW_BODY in public.get(condition.get_absolute_url()).content.decode()


def cached_and_approved_for_an_hour_later(editor_client, reviewer_client, public, settings):
    """A condition page served from the page cache, then a change to it approved to go live
    in an hour: (condition, its address, that time)."""
    settings.PAGE_CACHE = True
    condition, overview = make_full_condition()
    url = condition.get_absolute_url()
    # A page served before the approval: the publishing schedule is worked out, and kept,
    # while nothing is scheduled.
    assert OLD_BODY in public.get(url).content.decode()
    submitted(editor_client, condition, overview, NEW_BODY)
    approve(reviewer_client, review_url(condition), **{"approve-publish_at": (
        timezone.localtime() + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")})
    return condition, url, draft_for(condition).publish_at


def test_an_approved_change_goes_live_on_time_from_a_cached_page_without_a_worker(
        editor_client, reviewer_client, public, settings):
    from unittest import mock

    condition, url, when = cached_and_approved_for_an_hour_later(
        editor_client, reviewer_client, public, settings)
    assert OLD_BODY in public.get(url).content.decode()
    with mock.patch("django.utils.timezone.now",
                    return_value=when - datetime.timedelta(seconds=5)):
        cached = public.get(url)
        assert "Age" in cached  # from the page cache
        assert OLD_BODY in cached.content.decode()
        # A browser or CDN may keep it no longer than the change's time.
        seconds = sum(int(value) for value in re.findall(
            r"(?:max-age|stale-while-revalidate)=(\d+)", cached["Cache-Control"]))
        assert seconds <= 5
    # No task worker ran: the first visitor after the time sees the change.
    with mock.patch("django.utils.timezone.now",
                    return_value=when + datetime.timedelta(seconds=1)):
        assert NEW_BODY in public.get(url).content.decode()
    assert draft_for(condition) is None


@pytest.mark.parametrize("lost", ["no page since the approval", "schedule evicted"])
def test_an_approved_change_goes_live_on_time_when_the_schedule_was_not_kept(
        editor_client, reviewer_client, public, settings, lost):
    """Before, the schedule worked out afresh (no public page asked for between the approval
    and its time, or the cache had evicted it) left out approved changes already due: the
    page stayed old, and was cached for an hour."""
    from unittest import mock

    from django.core.cache import cache

    from portal import cache as page_cache

    condition, url, when = cached_and_approved_for_an_hour_later(
        editor_client, reviewer_client, public, settings)
    if lost == "schedule evicted":
        assert OLD_BODY in public.get(url).content.decode()  # the schedule is kept
        cache.delete(f"{page_cache.KEY_PREFIX}schedule:{page_cache.content_version()}")
        page_cache._kept_schedule = None  # another process, which has not read it
    with mock.patch("django.utils.timezone.now",
                    return_value=when + datetime.timedelta(seconds=1)):
        assert NEW_BODY in public.get(url).content.decode()
    assert draft_for(condition) is None


def test_an_approved_change_that_cannot_be_published_stops_nothing_else(
        editor_client, reviewer_client):
    # Its address was taken by another page after it was approved: the lists and its review
    # page still open, and it waits, approved, to be changed.
    condition = approved_for_an_hour_later(editor_client, reviewer_client)
    draft = draft_for(condition)
    for item in draft.data:
        if item["model"] == "conditions.condition":
            item["fields"]["slug"] = "taken"
    draft.publish_at = timezone.now() - datetime.timedelta(minutes=2)
    draft.save()
    make_condition(slug="taken", name="Taken")
    assert editor_client.get(reverse("admin:conditions_condition_changelist")).status_code == 200
    assert reviewer_client.get(review_url(condition)).status_code == 200
    assert draft_for(condition).state == Draft.State.APPROVED
    condition.refresh_from_db()
    assert condition.slug == "neuroblastoma"


def test_a_scheduled_approval_asks_a_task_worker_to_publish_at_its_time(
        editor_client, reviewer_client, settings, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    condition, overview = make_full_condition()
    submitted(editor_client, condition, overview, NEW_BODY)
    when = (timezone.localtime() + datetime.timedelta(hours=2)).replace(second=0,
                                                                          microsecond=0)
    with django_capture_on_commit_callbacks(execute=True):
        approve(reviewer_client, review_url(condition),
                **{"approve-publish_at": when.strftime("%Y-%m-%dT%H:%M")})
    queued = DBTaskResult.objects.get(task_path="portal.tasks.publish_approved_changes")
    assert queued.run_after == when


def test_a_change_after_a_scheduled_approval_is_warned_of_and_withdraws_it(
        editor_client, reviewer_client):
    condition, overview = make_full_condition()
    submitted(editor_client, condition, overview, NEW_BODY)
    when = timezone.localtime() + datetime.timedelta(days=2)
    approve(reviewer_client, review_url(condition),
            **{"approve-when": "later", "approve-publish_at": when.strftime("%Y-%m-%dT%H:%M")})
    assert draft_for(condition).state == Draft.State.APPROVED
    form = editor_client.get(change_url(condition)).content.decode()
    assert (f"Approved, to go live {when:%-d %b %Y, %H:%M}.</strong> If you save new changes, "
            "the approval is withdrawn") in form
    saved = edit_overview(editor_client, condition, overview, NEW_BODY + " More.")
    # The editor is told at once, not only in the history.
    said = [str(message) for message in saved.context["messages"]]
    assert (f"The approval of the changes to \u201c{condition}\u201d, to publish on "
            f"{when:%-d %b %Y, %H:%M}, is withdrawn: they will not be published until they "
            "are approved again.") in said
    assert draft_for(condition).state == Draft.State.EDITING
    step = steps_for(condition).order_by("pk").last()
    assert step.comment == ("Changed after approval: the approval is withdrawn and the changes "
                            "need review again.")
    assert "Approved, to go live" not in editor_client.get(change_url(condition)).content.decode()
    assert publish_due_drafts(now=timezone.now() + datetime.timedelta(days=3)) == 0


@pytest.mark.parametrize(("publish_at", "error"), [
    # What a browser sends for a date-time it cannot read ("2026-02-30 10:00", "tomorrow").
    ("", "Enter the date and time to publish, or choose “Now”."),
    ("tomorrow", "Enter the date and time as YYYY-MM-DD HH:MM."),
    ("2020-01-06T09:00", "This time has passed: choose a later one, or “Now”."),
])
def test_a_set_time_that_cannot_be_read_never_means_now(editor_client, reviewer_client,
                                                         publish_at, error):
    condition, overview = make_full_condition()
    submitted(editor_client, condition, overview, NEW_BODY)
    response = approve(reviewer_client, review_url(condition),
                       **{"approve-when": "later", "approve-publish_at": publish_at})
    assert response.status_code == 200
    assert escape(error) in response.content.decode()
    assert draft_for(condition).state != Draft.State.APPROVED
    overview.refresh_from_db()
    assert overview.body == OLD_BODY


def test_now_publishes_at_once_whatever_time_was_left_in_the_field(editor_client,
                                                                  reviewer_client):
    condition, overview = make_full_condition()
    submitted(editor_client, condition, overview, NEW_BODY)
    later = timezone.localtime() + datetime.timedelta(days=2)
    response = approve(reviewer_client, review_url(condition),
                       **{"approve-when": "now",
                          "approve-publish_at": later.strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 302
    overview.refresh_from_db()
    assert overview.body == NEW_BODY


def test_the_edit_form_warns_that_saving_takes_changes_out_of_review(editor_client):
    condition, overview = make_full_condition()
    edit_overview(editor_client, condition, overview, NEW_BODY)
    notice = "If you save new changes, they leave the review queue"
    assert notice not in editor_client.get(change_url(condition)).content.decode()
    editor_client.post(review_url(condition), {"action": "submit", "submit-comment": ""})
    assert draft_for(condition).state == Draft.State.IN_REVIEW
    assert notice in editor_client.get(change_url(condition)).content.decode()


def test_the_review_page_lists_the_checks_before_publishing(editor_client):
    condition = make_condition(status=Condition.Status.DRAFT)
    condition.sections.create(heading="Empty", kind="other", body="")
    condition.sections.create(
        heading="Links", kind="other",
        body="See [the clinic](http://example.org) and [risk](#no-such-part).",
    )
    html = editor_client.get(review_url(condition)).content.decode()
    assert "Section \u201cEmpty\u201d is empty." in html
    assert "links to http://example.org: use an https address." in html
    assert "links to #no-such-part, which is not on this page." in html
    assert "The page has no references." in html
    assert "The page has no review date yet" in html


def test_only_medical_reviewers_may_approve():
    from django.contrib.auth.models import Group

    def codenames(role):
        return set(Group.objects.get(name=role).permissions.values_list("codename", flat=True))

    assert "approve_draft" in codenames(roles.MEDICAL_REVIEWERS)
    assert "approve_draft" not in codenames(roles.CONTENT_EDITORS)
    assert "change_condition" in codenames(roles.MEDICAL_REVIEWERS)


def test_unpublish_at_takes_a_page_off_the_site_and_lists_show_each_state(
    editor_client, public
):
    now = timezone.now()
    day = datetime.timedelta(days=1)
    make_condition(slug="draft", name="Draft page", status=Condition.Status.DRAFT)
    make_condition(slug="scheduled", name="Scheduled page", publish_at=now + day)
    make_condition(slug="live", name="Live page", unpublish_at=now + day)
    expired = make_condition(slug="expired", name="Expired page", unpublish_at=now - day)
    in_review = make_condition(slug="in-review", name="Page in review",
                               status=Condition.Status.DRAFT)
    editor_client.post(review_url(in_review), {"action": "submit"})

    assert set(Condition.objects.published().values_list("slug", flat=True)) == {"live"}
    assert public.get(expired.get_absolute_url()).status_code == 404
    response = editor_client.get(reverse("admin:conditions_condition_changelist"))
    states = {obj.name: response.context["cl"].model_admin.publishing_state(obj)
              for obj in response.context["cl"].result_list}
    assert states == {"Draft page": "Draft", "Scheduled page": "Scheduled",
                      "Live page": "Live", "Expired page": "Expired",
                      "Page in review": "In review"}
    assert '<td class="field-publishing_state">Expired</td>' in response.content.decode()


def test_unpublishing_must_come_after_publishing(admin_client):
    condition = make_condition(status=Condition.Status.DRAFT)
    data = form_data(admin_client.get(change_url(condition)), "condition_form")
    data.update({"publish_at_0": "2026-05-01", "publish_at_1": "09:00",
                 "unpublish_at_0": "2026-04-01", "unpublish_at_1": "09:00"})
    response = admin_client.post(change_url(condition), data)
    assert response.status_code == 200
    assert "Unpublishing must come after publishing." in response.content.decode()


def test_the_publish_approved_command_publishes_changes_whose_time_has_come(
    editor_client, reviewer_client
):
    from io import StringIO

    from django.core.management import call_command

    condition, overview = make_full_condition()
    submitted(editor_client, condition, overview, NEW_BODY)
    approve(reviewer_client, review_url(condition))  # now: no command needed
    assert Section.objects.get(pk=overview.pk).body == NEW_BODY
    submitted(editor_client, condition, overview, OLD_BODY)
    soon = timezone.localtime() + datetime.timedelta(minutes=5)
    approve(reviewer_client, review_url(condition),
            **{"approve-publish_at": soon.strftime("%Y-%m-%dT%H:%M")})
    Draft.objects.update(publish_at=timezone.now() - datetime.timedelta(minutes=1))

    out = StringIO()
    call_command("publish_approved", stdout=out)

    assert out.getvalue() == "published: 1\n"
    assert Section.objects.get(pk=overview.pk).body == OLD_BODY
    assert ReviewStep.objects.last().action == ReviewStep.Action.PUBLISHED


def test_a_scheduled_job_publishes_approved_changes_when_their_time_comes(
    editor_client, reviewer_client
):
    from portal.schedule import scheduled_jobs
    from portal.tasks import publish_approved_changes

    [job] = [job for job in scheduled_jobs() if job.name == "publish approved changes"]
    assert job.interval == datetime.timedelta(minutes=5)
    condition, overview = make_full_condition()
    submitted(editor_client, condition, overview, NEW_BODY)
    later = timezone.localtime() + datetime.timedelta(minutes=3)
    approve(reviewer_client, review_url(condition),
            **{"approve-publish_at": later.strftime("%Y-%m-%dT%H:%M")})

    publish_approved_changes.enqueue()  # tasks run at once in tests
    assert Section.objects.get(pk=overview.pk).body == OLD_BODY
    Draft.objects.update(publish_at=timezone.now() - datetime.timedelta(seconds=1))
    publish_approved_changes.enqueue()
    assert Section.objects.get(pk=overview.pk).body == NEW_BODY


def test_checks_show_on_the_edit_page_and_in_the_review_queue(editor_client, reviewer_client):
    condition = make_condition(status=Condition.Status.DRAFT)
    condition.sections.create(heading="Empty", kind="other", body="")
    editor_client.post(review_url(condition), {"action": "submit"})

    edit = editor_client.get(change_url(condition)).content.decode()
    assert "Checks before publishing" in edit
    assert "Section \u201cEmpty\u201d is empty." in edit
    queue = reviewer_client.get(reverse("admin:portal_draft_changelist")).content.decode()
    assert '<td class="field-checks">3 to look at</td>' in queue


def test_a_reviewer_approves_or_sends_back_only_submitted_changes(editor_client,
                                                                  reviewer_client, public):
    # A draft its editor has saved but not submitted may be half-written: the review page
    # says so instead of offering approval, and an approval or a send-back posted anyway is
    # refused and changes nothing.
    condition, overview = make_full_condition()
    edit_overview(editor_client, condition, overview, "Half of a sentence about")
    page = reviewer_client.get(review_url(condition)).content.decode()
    assert "Not submitted for review: its editor may still be working on these changes." in page
    assert 'id="approve-form"' not in page

    refused = reviewer_client.post(review_url(condition),
                                   {"action": "approve", "approve-seen": ""}, follow=True)
    said = " ".join(str(message) for message in refused.context["messages"])
    assert "These changes are not submitted for review" in said
    sent = reviewer_client.post(review_url(condition),
                                {"action": "send_back", "send_back-comment": "No."}, follow=True)
    assert "nothing to send back" in " ".join(str(m) for m in sent.context["messages"])
    # Nor can the reviewer submit the editor's draft for them, and then approve it.
    assert "Submit for review" not in page
    submit = reviewer_client.post(review_url(condition), {"action": "submit"}, follow=True)
    assert "Only the person writing these changes submits them" in " ".join(
        str(message) for message in submit.context["messages"])
    assert draft_for(condition).state == Draft.State.EDITING
    assert Section.objects.get(pk=overview.pk).body == OLD_BODY
    assert "Half of a sentence" not in public.get(condition.get_absolute_url()).content.decode()

    # Submitted, it is offered and approved; sent back, it waits for the editor again.
    editor_client.post(review_url(condition), {"action": "submit"})
    assert 'id="approve-form"' in reviewer_client.get(review_url(condition)).content.decode()
    reviewer_client.post(review_url(condition),
                         {"action": "send_back", "send_back-comment": "Finish the sentence."})
    assert draft_for(condition).state == Draft.State.SENT_BACK
    assert approve(reviewer_client, review_url(condition)).status_code == 200
    assert Section.objects.get(pk=overview.pk).body == OLD_BODY
    submitted(editor_client, condition, overview, "A whole sentence.")
    assert approve(reviewer_client, review_url(condition)).status_code == 302
    assert Section.objects.get(pk=overview.pk).body == "A whole sentence."


def test_a_live_page_with_nothing_waiting_can_still_be_reviewed_again(reviewer_client):
    # The periodic review of an unchanged page: no draft, so nothing to submit first.
    condition, _ = make_full_condition()
    assert draft_for(condition) is None
    assert approve(reviewer_client, review_url(condition)).status_code == 302
    condition.refresh_from_db()
    assert condition.last_reviewed == timezone.localdate()


def test_a_live_storys_change_waits_for_a_reviewer(editor_client, reviewer_client, public):
    from conditions.models import Story

    story = Story.objects.create(
        title="Maya rings the bell", slug="maya", summary="Maya finished treatment.",
        body="Maya and her family share what helped.", status=Story.Status.PUBLISHED,
        publish_at=timezone.now() - datetime.timedelta(days=1),
    )
    url = reverse("admin:conditions_story_change", args=[story.pk])
    data = form_data(editor_client.get(url), "story_form")
    assert "status" not in data
    data["body"] = "Maya, her brother and her parents share what helped."
    assert editor_client.post(url, data).status_code == 302
    assert "her brother" not in public.get(story.get_absolute_url()).content.decode()

    story_review = reverse("admin:conditions_story_review", args=[story.pk])
    assert approve(editor_client, story_review).status_code == 403
    editor_client.post(story_review, {"action": "submit"})
    assert approve(reviewer_client, story_review).status_code == 302
    assert "her brother" in public.get(story.get_absolute_url()).content.decode()
    # A story is medically reviewed, as a condition page is: its history says so.
    published = Version.objects.get_for_object(story).latest("pk").revision
    assert published.comment == "Published after review by Dr Ana Ruiz, MD, Pediatric Oncology."


DISCARD = {"action": "discard", "discard-confirm": "on"}


def test_an_editor_can_discard_a_draft_and_the_live_page_stays(editor_client, public):
    condition, overview = make_full_condition()
    edit_overview(editor_client, condition, overview, NEW_BODY)
    page = editor_client.get(review_url(condition)).content.decode()
    assert "Discard the changes" in page
    assert 'name="discard-confirm"' in page
    # Without the box ticked nothing is dropped, and the page says why.
    unconfirmed = editor_client.post(review_url(condition), {"action": "discard"})
    assert unconfirmed.status_code == 200
    assert "Tick the box to confirm that the changes should be discarded. Nothing was " \
        "discarded." in unconfirmed.content.decode()
    assert draft_for(condition) is not None
    response = editor_client.post(review_url(condition), DISCARD)
    assert response.status_code == 302
    assert draft_for(condition) is None
    assert Section.objects.get(pk=overview.pk).body == OLD_BODY
    assert OLD_BODY in public.get(condition.get_absolute_url()).content.decode()
    assert ReviewStep.objects.last().action == ReviewStep.Action.DISCARDED
    after = editor_client.get(review_url(condition)).content.decode()
    assert "Discarded the changes to" in after
    assert "Discard the changes</h2>" not in after  # nothing left to discard
    again = editor_client.post(review_url(condition), DISCARD, follow=True)
    assert "There is no change waiting here to discard." in again.content.decode()


def test_approved_changes_waiting_for_their_time_are_not_discarded(editor_client,
                                                                   reviewer_client):
    condition = approved_for_an_hour_later(editor_client, reviewer_client)
    assert draft_for(condition).state == Draft.State.APPROVED
    assert "Discard the changes</h2>" not in editor_client.get(
        review_url(condition)).content.decode()
    # Posted anyway (an old tab, a crafted request): refused, and the approval stands.
    page = editor_client.post(review_url(condition), DISCARD, follow=True).content.decode()
    assert "These changes are approved and wait for their time, so they are not " \
        "discarded." in page
    assert draft_for(condition).state == Draft.State.APPROVED
    assert not ReviewStep.objects.filter(action=ReviewStep.Action.DISCARDED).exists()


def test_only_those_who_may_edit_an_item_may_discard_its_draft(
        editor_client, client, django_user_model):
    condition, overview = make_full_condition()
    edit_overview(editor_client, condition, overview, NEW_BODY)
    client.force_login(staff_user(django_user_model, "Newsletter managers"))
    assert client.post(review_url(condition), DISCARD).status_code in (403, 404)
    assert draft_for(condition) is not None


def test_only_a_medical_reviewer_takes_a_published_page_down(
        editor_client, reviewer_client, public):
    live, _ = make_full_condition()
    draft = make_condition("draft-page", name="Draft page", status=Condition.Status.DRAFT)
    delete_url = reverse("admin:conditions_condition_delete", args=[live.pk])
    assert editor_client.get(delete_url).status_code == 403
    assert editor_client.post(delete_url, {"post": "yes"}).status_code == 403
    bulk = editor_client.post(reverse("admin:conditions_condition_changelist"), {
        "action": "delete_selected", "_selected_action": [live.pk], "post": "yes"})
    assert bulk.status_code in (200, 403)
    assert Condition.objects.filter(pk=live.pk).exists()
    assert public.get(live.get_absolute_url()).status_code == 200
    # A draft that was never published is the editor's to delete.
    draft_delete = reverse("admin:conditions_condition_delete", args=[draft.pk])
    assert editor_client.post(draft_delete, {"post": "yes"}).status_code == 302
    assert not Condition.objects.filter(pk=draft.pk).exists()
    # A reviewer may take the live page down.
    assert reviewer_client.post(delete_url, {"post": "yes"}).status_code == 302
    assert not Condition.objects.filter(pk=live.pk).exists()


def test_the_review_page_tells_a_reviewer_how_to_take_a_live_page_down_at_once(
        editor_client, reviewer_client):
    live, overview = make_full_condition()
    edit_overview(editor_client, live, overview, NEW_BODY)  # a draft waiting too
    delete_url = reverse("admin:conditions_condition_delete", args=[live.pk])
    page = reviewer_client.get(review_url(live)).content.decode()
    assert "Take it off the site now" in page
    assert f'<a href="{delete_url}">delete it</a>' in page
    # Not to an editor, who may not delete a live page; nor for a page not on the site.
    assert "Take it off the site now" not in editor_client.get(review_url(live)).content.decode()
    draft = make_condition("draft-page", name="Draft page", status=Condition.Status.DRAFT)
    assert "Take it off the site now" not in reviewer_client.get(
        review_url(draft)).content.decode()


@pytest.mark.parametrize(("shift", "expected"), [
    (None, "the public still sees the live page"),
    (datetime.timedelta(days=2), "the page goes live on {when} as it was, without them"),
    (datetime.timedelta(days=-2), "the page is no longer public (its unpublish time has passed)"),
])
def test_saving_a_published_items_changes_says_what_the_public_sees(editor_client, shift,
                                                                      expected):
    now = timezone.now()
    publish_at = now + shift if shift and shift.days > 0 else now - datetime.timedelta(days=5)
    unpublish_at = now + shift if shift and shift.days < 0 else None
    story = Story.objects.create(title="Maya", slug="maya", summary="S.", body="Text.",
                                 status=Story.Status.PUBLISHED, publish_at=publish_at,
                                 unpublish_at=unpublish_at)
    url = reverse("admin:conditions_story_change", args=[story.pk])
    data = form_data(editor_client.get(url), "story_form")
    data["body"] = "New text."
    response = editor_client.post(url, data, follow=True)
    messages = " ".join(str(m) for m in response.context["messages"])
    when = timezone.localtime(publish_at).strftime("%-d %b %Y, %H:%M")
    assert f"as a draft: {expected.format(when=when)}. Submit the draft" in messages
    assert Story.objects.get(pk=story.pk).body == "Text."


def scheduled_condition_with_changes(editor_client):
    """A condition published from tomorrow 09:00 (Scheduled), edited and submitted."""
    condition, overview = make_full_condition()
    tomorrow = timezone.localtime() + datetime.timedelta(days=1)
    go_live = tomorrow.replace(hour=9, minute=0, second=0, microsecond=0)
    Condition.objects.filter(pk=condition.pk).update(publish_at=go_live)
    condition.refresh_from_db()
    edit_overview(editor_client, condition, overview, NEW_BODY)
    editor_client.post(review_url(condition), {"action": "submit"})
    return condition, overview, go_live


def test_approving_a_scheduled_conditions_changes_keeps_its_schedule_by_default(
        editor_client, reviewer_client, public):
    condition, overview, go_live = scheduled_condition_with_changes(editor_client)
    review = reviewer_client.get(review_url(condition))
    when = f"{go_live:%-d %b %Y, %H:%M}"
    assert f"At the scheduled time, {when}" in review.content.decode()
    data = form_data(review, "approve-form")
    assert data["approve-when"] == "scheduled"

    assert reviewer_client.post(review_url(condition), data).status_code == 302

    condition.refresh_from_db()
    overview.refresh_from_db()
    assert overview.body == NEW_BODY
    assert condition.publish_at == go_live
    assert condition.publication_state == "Scheduled"
    assert condition.last_reviewed == timezone.localdate()
    assert draft_for(condition) is None
    assert public.get(condition.get_absolute_url()).status_code == 404
    # At its time it goes live with the approved changes, with no job to wait for.
    assert publish_due_drafts(now=go_live + datetime.timedelta(minutes=1)) == 0


def test_now_brings_a_scheduled_condition_live_when_the_reviewer_chooses_it(
        editor_client, reviewer_client, public):
    condition, _, _ = scheduled_condition_with_changes(editor_client)
    data = form_data(reviewer_client.get(review_url(condition)), "approve-form")
    data["approve-when"] = "now"

    assert reviewer_client.post(review_url(condition), data).status_code == 302

    condition.refresh_from_db()
    assert condition.publication_state == "Live"
    assert NEW_BODY in public.get(condition.get_absolute_url()).content.decode()


def test_an_approval_without_a_choice_keeps_the_schedule(editor_client, reviewer_client):
    condition, _, go_live = scheduled_condition_with_changes(editor_client)
    assert approve(reviewer_client, review_url(condition)).status_code == 302
    condition.refresh_from_db()
    assert condition.publish_at == go_live
    assert condition.publication_state == "Scheduled"


def test_a_scheduled_condition_approved_for_a_later_time_takes_that_time(editor_client,
                                                                        reviewer_client):
    condition, overview, go_live = scheduled_condition_with_changes(editor_client)
    later = go_live + datetime.timedelta(days=1)
    approve(reviewer_client, review_url(condition),
            **{"approve-when": "later", "approve-publish_at": later.strftime("%Y-%m-%dT%H:%M")})
    condition.refresh_from_db()
    overview.refresh_from_db()
    # Not live, so nothing public to keep: the changes are in, and it goes live then.
    assert condition.publish_at == later
    assert overview.body == NEW_BODY
    assert draft_for(condition) is None


def test_an_old_version_never_replaces_changes_waiting_for_review(
        editor_client, reviewer_client, public, django_user_model):
    # The waiting changes are no revision: a restore over them would lose them for good.
    with reversion.create_revision():
        condition, overview = make_full_condition()
    old = Version.objects.get_for_object(condition).first()
    submitted(editor_client, condition, overview, NEW_BODY)
    waiting = draft_for(condition).data
    url = reverse("admin:conditions_condition_revision", args=[condition.pk, old.pk])
    form = reviewer_client.get(url)
    assert "Changes to this page are waiting (in review, last saved" in form.content.decode()
    refused = reviewer_client.post(url, form_data(form, "condition_form"), follow=True)
    assert "Nothing was restored. Changes to this page are waiting" in \
        refused.content.decode()
    draft = draft_for(condition)
    assert (draft.state, draft.data) == (Draft.State.IN_REVIEW, waiting)
    # Someone who may not change the page learns nothing of its draft.
    outsider = Client()
    outsider.force_login(staff_user(django_user_model, roles.TRIAL_COORDINATORS))
    denied = outsider.get(url)
    assert denied.status_code == 403
    assert "Changes to this page" not in denied.content.decode()
    assert OLD_BODY in public.get(condition.get_absolute_url()).content.decode()
    # Once they are discarded on purpose, the old version can be restored (as a draft),
    # and the message names only what the draft changes: not the review details, which
    # stay the live page's.
    assert editor_client.post(review_url(condition), DISCARD).status_code == 302
    with reversion.create_revision():
        condition.summary = "A newer summary."
        condition.last_reviewed = datetime.date(2026, 1, 5)
        condition.save()
    restored = editor_client.post(url, form_data(editor_client.get(url), "condition_form"),
                                  follow=True)
    text = restored.content.decode()
    assert "Restored the version saved" in text
    assert "summary" in text
    assert "last reviewed" not in text
    assert draft_for(condition).data is not None


def test_a_deleted_item_saved_with_other_published_items_is_not_recovered(editor_client,
                                                                         public):
    """Recovering it would revert the whole revision: before, recovering one deleted demo
    item put every other page of the demo back as it was, live at once, unreviewed, and
    brought back the items deleted since."""
    with reversion.create_revision():
        gone = make_condition(slug="goneoma", name="Goneoma")
        live = make_condition(slug="liveoma", name="Liveoma", summary="Old summary.")
        withdrawn = make_condition(slug="withdrawnoma", name="Withdrawnoma")
        other_gone = make_condition(slug="othergoneoma", name="Othergoneoma")
    live.summary = "Reviewed summary."
    live.save()
    withdrawn.status = Condition.Status.DRAFT
    withdrawn.save()
    gone_pk = gone.pk
    gone.delete()
    other_gone.delete()
    version = Version.objects.get_deleted(Condition).get(object_id=str(gone_pk))
    url = reverse("admin:conditions_condition_recover", args=[version.pk])
    form = editor_client.get(url)
    assert form.status_code == 200
    assert "saved together with 3 other items of the site" in form.content.decode()
    assert "into a new item instead" in form.content.decode()
    refused = editor_client.post(url, form_data(form, "condition_form"), follow=True)
    text = refused.content.decode()
    assert "Nothing was recovered." in text
    assert "The recovered item is a draft" not in text
    assert not Condition.objects.filter(slug__in=["goneoma", "othergoneoma"]).exists()
    live.refresh_from_db()
    withdrawn.refresh_from_db()
    assert live.summary == "Reviewed summary."
    assert withdrawn.status == Condition.Status.DRAFT
    assert "Reviewed summary." in public.get(live.get_absolute_url()).content.decode()
    assert public.get(withdrawn.get_absolute_url()).status_code == 404
    # An item saved alone is recovered, as a draft.
    with reversion.create_revision():
        alone = make_condition(slug="aloneoma", name="Aloneoma")
    alone_pk = alone.pk
    alone.delete()
    version = Version.objects.get_deleted(Condition).get(object_id=str(alone_pk))
    url = reverse("admin:conditions_condition_recover", args=[version.pk])
    recovered = editor_client.post(url, form_data(editor_client.get(url), "condition_form"),
                                   follow=True).content.decode()
    assert "The recovered item is a draft" in recovered
    assert Condition.objects.get(slug="aloneoma").status == Condition.Status.DRAFT


def test_a_version_saved_with_other_published_items_is_not_restored(editor_client, public):
    # Restoring it would put the others back as they were, live at once, unreviewed.
    with reversion.create_revision():
        draft = make_condition(slug="draftoma", name="Draftoma", status=Condition.Status.DRAFT)
        live = make_condition(slug="liveoma", name="Liveoma", summary="Old summary.")
    version = Version.objects.get_for_object(draft).get()
    live.summary = "Reviewed summary."
    live.save()
    url = reverse("admin:conditions_condition_revision", args=[draft.pk, version.pk])
    form = editor_client.get(url)
    assert "saved together with 1 other item of the site" in form.content.decode()
    refused = editor_client.post(url, form_data(form, "condition_form"), follow=True)
    assert "Nothing was restored." in refused.content.decode()
    live.refresh_from_db()
    assert live.summary == "Reviewed summary."
    assert "Reviewed summary." in public.get(live.get_absolute_url()).content.decode()
    # The live page's version of that revision is refused too, and only that is said.
    url = reverse("admin:conditions_condition_revision",
                  args=[live.pk, Version.objects.get_for_object(live).last().pk])
    refused = editor_client.post(url, form_data(editor_client.get(url), "condition_form"),
                                 follow=True).content.decode()
    assert "Nothing was restored." in refused
    assert "No draft was made" not in refused
    assert "The restored version is a draft" not in refused
    assert draft_for(live) is None or draft_for(live).data is None
