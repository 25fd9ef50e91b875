"""A coordinator's change to a live trial is a draft: the public keeps the live trial until
the coordinator publishes it, and the registry's refreshes meanwhile are not undone."""

import copy

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from portal import roles
from portal.models import Draft, ReviewStep
from portal.publishing import draft_for
from portal.tests.support import form_data, publish_draft, staff_user, superuser
from trials.models import Outcome, Trial
from trials.services import trial_import
from trials.tests.factories import PAST, make_trial, study_of

pytestmark = pytest.mark.django_db

STUDY = study_of("NCT03281889.json")  # recruiting, 3 to 18 years, one primary outcome


def change_url(trial):
    return reverse("admin:trials_trial_change", args=[trial.pk])


def review_url(trial):
    return reverse("admin:trials_trial_review", args=[trial.pk])


def trial_fields(draft):
    """The fields of the trial itself in its draft (which lists its parts too)."""
    [fields] = [item["fields"] for item in draft.data if item["model"] == "trials.trial"]
    return fields


def edit(client, trial, **fields):
    data = form_data(client.get(change_url(trial)), "trial_form", lists=True)
    data.update({name: [value] for name, value in fields.items()})
    response = client.post(change_url(trial), data)
    assert response.status_code == 302
    return response


@pytest.fixture
def trial(coordinator_a):
    return make_trial("NCT00000001", [coordinator_a], brief_title="Live title",
                      plain_summary="Live words.")


def test_a_change_to_a_live_trial_waits_as_a_draft_until_its_coordinator_publishes_it(
        client_a, trial):
    public = Client()
    response = edit(client_a, trial, brief_title="Edited title",
                    plain_summary="Edited words.")

    messages = [str(m) for m in response.wsgi_request._messages]
    assert any(m.startswith(f"Saved your changes to \u201c{trial}\u201d as a draft: the "
                            "public still sees the live page. Publish it from the review page")
               for m in messages), messages
    trial.refresh_from_db()
    assert (trial.brief_title, trial.plain_summary) == ("Live title", "Live words.")
    page = public.get(trial.get_absolute_url()).content.decode()
    assert "Live title" in page
    assert "Edited title" not in page
    # Nor through the preview address: only the trial's keepers preview its draft.
    page = public.get(trial.get_absolute_url() + "?preview=draft").content.decode()
    assert "Edited title" not in page
    listing = client_a.get(reverse("admin:trials_trial_changelist")).content.decode()
    assert "Live with changes" in listing

    # The form shows the draft, and the coordinator previews it on the real page.
    form_page = client_a.get(change_url(trial))
    assert form_data(form_page, "trial_form")["brief_title"] == "Edited title"
    # And it says which fields the registry's refreshes write again.
    assert "is written again by each refresh, into a pending draft too" in (
        form_page.content.decode())
    preview = client_a.get(trial.get_absolute_url() + "?preview=draft")
    assert preview.status_code == 200
    assert "no-store" in preview["Cache-Control"]
    html = preview.content.decode()
    assert "Edited title" in html
    assert "Edited words." in html
    assert "This is the draft of a live page: the public still sees the live version." in html
    assert Trial.objects.get(pk=trial.pk).brief_title == "Live title"  # undone after

    # The review page lists the changes; publishing them makes the revision.
    review = client_a.get(review_url(trial)).content.decode()
    assert review.count("<del>Live</del> <ins>Edited</ins>") == 2  # the title and summary
    assert "Publish from" not in review  # the same time, saved back by the form
    versions = Version.objects.get_for_object(trial).count()
    publish_draft(client_a, trial)
    assert (trial.brief_title, trial.plain_summary) == ("Edited title", "Edited words.")
    assert "Edited title" in public.get(trial.get_absolute_url()).content.decode()
    assert Version.objects.get_for_object(trial).count() == versions + 1
    assert draft_for(trial) is None
    assert list(ReviewStep.objects.filter(object_id=str(trial.pk))
                .values_list("action", flat=True)) == ["saved", "published"]


def test_a_draft_can_be_discarded_and_the_live_trial_stays(client_a, trial):
    edit(client_a, trial, brief_title="Edited title")
    response = client_a.post(review_url(trial), {"action": "discard",
                                                 "discard-confirm": "on"})
    assert response.status_code == 302
    assert draft_for(trial) is None
    assert form_data(client_a.get(change_url(trial)), "trial_form")["brief_title"] == (
        "Live title")


def test_another_coordinator_neither_sees_nor_publishes_the_draft(
        client, client_a, coordinator_b, trial):
    edit(client_a, trial, brief_title="Edited title")
    other = Client()
    other.force_login(coordinator_b)
    for response in (other.get(review_url(trial)), other.post(
            review_url(trial), {"action": "approve", "approve-when": "now"})):
        assert response.status_code == 302
        assert response.url == reverse("admin:trials_trial_changelist")
        assert (f"{trial.nct_id} is kept by another coordinator: ask them, or an "
                "administrator, to change it or to add you as a coordinator.") in [
            str(m) for m in response.wsgi_request._messages]
    preview = other.get(trial.get_absolute_url() + "?preview=draft").content.decode()
    assert "Edited title" not in preview
    trial.refresh_from_db()
    assert trial.brief_title == "Live title"
    assert Draft.objects.get().data is not None


def test_a_trial_not_yet_live_is_edited_in_place(client_a, coordinator_a):
    draft = make_trial("NCT00000003", [coordinator_a], status=Trial.Status.DRAFT)
    edit(client_a, draft, brief_title="Typed before going live")
    draft.refresh_from_db()
    assert draft.brief_title == "Typed before going live"
    assert not Draft.objects.filter(data__isnull=False).exists()


def imported_live(coordinator):
    trial, _ = trial_import(study=STUDY)
    Trial.objects.filter(pk=trial.pk).update(status=Trial.Status.PUBLISHED, publish_at=PAST)
    trial.refresh_from_db()
    trial.coordinators.set([coordinator])
    return trial


def test_a_refresh_meanwhile_goes_into_the_draft_and_publishing_keeps_it(
        client_a, coordinator_a):
    trial = imported_live(coordinator_a)
    assert trial.overall_status == "RECRUITING"
    edit(client_a, trial, plain_summary="Our own words for families.",
         overall_status="RECRUITING")

    changed = copy.deepcopy(STUDY)
    protocol = changed["protocolSection"]
    protocol["statusModule"]["overallStatus"] = "ACTIVE_NOT_RECRUITING"
    protocol["eligibilityModule"]["maximumAge"] = "21 Years"
    protocol["outcomesModule"]["primaryOutcomes"][0]["measure"] = "A measure renamed"
    trial_import(study=changed)

    trial.refresh_from_db()
    assert trial.overall_status == "ACTIVE_NOT_RECRUITING"  # live at once, as before
    assert trial.plain_summary == ""
    # The draft has the registry's new record and keeps the coordinator's own words.
    data = draft_for(trial).data
    fields = trial_fields(draft_for(trial))
    assert fields["overall_status"] == "ACTIVE_NOT_RECRUITING"
    assert fields["maximum_age"] == "21 Years"
    assert fields["plain_summary"] == "Our own words for families."
    live_outcomes = {str(pk) for pk in trial.primary_outcomes.values_list("pk", flat=True)}
    assert {str(item["pk"]) for item in data if item["model"] == "trials.outcome"} == (
        live_outcomes)
    # The review page shows only what the coordinator changed.
    review = client_a.get(review_url(trial)).content.decode()
    assert "Our own words for families." in review
    assert "A measure renamed" not in review

    publish_draft(client_a, trial)
    assert trial.overall_status == "ACTIVE_NOT_RECRUITING"
    assert trial.group_rank != 0  # no longer listed as open
    assert trial.maximum_age == "21 Years"
    assert trial.plain_summary == "Our own words for families."
    assert list(trial.primary_outcomes.values_list("measure", flat=True)) == [
        "A measure renamed"]
    assert Outcome.objects.filter(trial=trial).count() == 1


def test_the_review_queue_lists_a_trials_changes_only_to_those_who_may_see_trials(
        client, client_a, trial, django_user_model):
    edit(client_a, trial, brief_title="Edited title")
    queue = reverse("admin:portal_draft_changelist") + "?state=all"
    editor = staff_user(django_user_model, roles.CONTENT_EDITORS, username="editor")
    other = Client()
    other.force_login(editor)
    assert trial.nct_id not in other.get(queue).content.decode()
    # An editor who also coordinates trials sees only the trials they keep.
    editor.groups.add(Group.objects.get(name=roles.TRIAL_COORDINATORS))
    assert trial.nct_id not in other.get(queue).content.decode()
    trial.coordinators.add(editor)
    assert trial.nct_id in other.get(queue).content.decode()
    other.force_login(superuser(django_user_model))
    assert trial.nct_id in other.get(queue).content.decode()


def refreshed_with(**status_changes):
    changed = copy.deepcopy(STUDY)
    changed["protocolSection"]["statusModule"].update(status_changes)
    return trial_import(study=changed)[0]


def test_the_refreshs_revision_holds_the_live_trial_not_the_draft(client_a, coordinator_a):
    trial = imported_live(coordinator_a)
    edit(client_a, trial, plain_summary="Not published yet.")
    refreshed_with(overallStatus="COMPLETED")
    latest = Version.objects.get_for_object(trial).first()  # newest first
    assert latest.revision.comment == "Imported from ClinicalTrials.gov."
    assert latest.field_dict["overall_status"] == "COMPLETED"
    assert latest.field_dict["plain_summary"] == ""
    assert trial_fields(draft_for(trial))["plain_summary"] == "Not published yet."


def test_a_draft_the_registry_has_overtaken_entirely_is_dropped_and_says_so(
        client_a, coordinator_a):
    trial = imported_live(coordinator_a)
    edit(client_a, trial, overall_status="COMPLETED")  # typed before the registry said it
    assert draft_for(trial).data is not None
    refreshed_with(overallStatus="COMPLETED")
    assert draft_for(trial) is None
    step = ReviewStep.objects.filter(object_id=str(trial.pk)).last()
    assert step.action == ReviewStep.Action.DISCARDED
    assert step.user is None
    assert "a refresh from ClinicalTrials.gov" in step.comment
    cells = client_a.get(reverse("admin:trials_trial_changelist")).content.decode()
    assert '<td class="field-publishing_state">Live with changes</td>' not in cells
    assert '<td class="field-publishing_state">Live</td>' in cells


def test_a_draft_that_cannot_be_read_does_not_stop_the_refresh(client_a, coordinator_a):
    trial = imported_live(coordinator_a)
    edit(client_a, trial, plain_summary="Ours.")
    draft = draft_for(trial)
    trial_fields(draft)["publish_at"] = "not a date"  # as from an older version of a field
    draft.save()
    refreshed_with(overallStatus="COMPLETED")
    trial.refresh_from_db()
    assert trial.overall_status == "COMPLETED"
    draft = draft_for(trial)
    assert trial_fields(draft)["publish_at"] == "not a date"  # left as it was
    assert trial_fields(draft)["overall_status"] == "COMPLETED"
    assert trial_fields(draft)["plain_summary"] == "Ours."


def test_the_review_page_of_no_trial_is_not_found(client_a):
    assert client_a.get(reverse("admin:trials_trial_review", args=[99999])).status_code == 404


def test_a_lower_case_address_keeps_the_draft_preview(client_a, trial):
    edit(client_a, trial, brief_title="Edited title")
    response = client_a.get(f"/trials/{trial.nct_id.lower()}/?preview=draft", follow=True)
    assert response.redirect_chain[-1][0] == f"/trials/{trial.nct_id}/?preview=draft"
    assert "Edited title" in response.content.decode()
