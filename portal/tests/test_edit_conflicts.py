"""Two people, or two tabs, editing one item in the admin: a save from a form opened before
someone else saved is refused, nothing is written, and the typed input is kept."""

import html
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conditions.tests.factories import make_full_condition
from pages.models import Page
from pages.tests.factories import make_page
from portal import roles
from portal.models import Draft
from portal.publishing import draft_for
from portal.tests.support import form_data, inline_index, publish_draft, staff_user
from trials.models import OverallStatus, Trial
from trials.tests.factories import make_trial

pytestmark = pytest.mark.django_db

REFUSED = "after you opened this page, so your changes are not saved"


def changed_by(name):
    """The refusal's words, naming who changed the item and when (local time)."""
    return re.compile(rf"\u201c.+\u201d was changed by {re.escape(name)} on "
                      rf"\d{{1,2}} \w{{3}} \d{{4}} at \d\d:\d\d {REFUSED}")


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def other_editor(django_user_model):
    user = staff_user(django_user_model, roles.CONTENT_EDITORS, username="editor2")
    user.first_name, user.last_name = "Sam", "Lee"
    user.save()
    return user


def error_text(response):
    """The form's mistakes at the top of the page, as text."""
    assert response.status_code == 200, "the form was accepted"
    errors = response.context["adminform"].form.non_field_errors()
    return html.unescape(re.sub(r"<[^>]+>", "", str(errors)))


def condition_url(condition):
    return reverse("admin:conditions_condition_change", args=[condition.pk])


def key_fact_field(data, condition, order):
    fact = condition.key_facts.get(order=order)
    return f"key_facts-{inline_index(data, 'key_facts', fact)}-text"


def live_condition():
    condition, _overview = make_full_condition()
    condition.key_facts.create(order=1, text="Many are cured.")
    return condition


def test_a_second_tab_cannot_overwrite_the_draft_saved_from_the_first(
    editor_client, other_editor
):
    condition = live_condition()
    url = condition_url(condition)
    tab_b = signed_in(other_editor)
    first = form_data(editor_client.get(url), "condition_form")
    second = form_data(tab_b.get(url), "condition_form")

    first[key_fact_field(first, condition, 0)] = "Most children are younger than five years."
    assert editor_client.post(url, first).status_code == 302
    second[key_fact_field(second, condition, 1)] = "Most children are cured."
    response = tab_b.post(url, second)

    # Refused, saying who changed it and when, with the current version a link away.
    message = error_text(response)
    assert changed_by("editor").search(message)
    assert message.startswith("\u201cNeuroblastoma\u201d was changed")
    assert "Open the current version (opens in a new tab), copy your changes over" in message
    page = response.content.decode()
    assert f'<a href="{url}" target="_blank" rel="noopener">the current version' in page
    history = reverse("admin:conditions_condition_history", args=[condition.pk])
    assert f'<a href="{history}" target="_blank" rel="noopener">history' in page
    assert "Saved your changes" not in page
    # What B typed is still in the form; the draft keeps A's change only, the live page both
    # old facts.
    shown = form_data(response, "condition_form")
    assert shown[key_fact_field(shown, condition, 1)] == "Most children are cured."
    facts = [item["fields"]["text"] for item in draft_for(condition).data
             if item["model"] == "conditions.keyfact"]
    assert sorted(facts) == ["Many are cured.", "Most children are younger than five years."]
    assert sorted(condition.key_facts.values_list("text", flat=True)) == [
        "Many are cured.", "Most children are younger than five."]

    # Sent again as it is, the form is refused again: it still holds the stale content.
    assert REFUSED in error_text(tab_b.post(url, shown))

    # Opened afresh, the form shows A's change and saves B's on top of it.
    again = form_data(tab_b.get(url), "condition_form")
    assert again[key_fact_field(again, condition, 0)] == (
        "Most children are younger than five years.")
    again[key_fact_field(again, condition, 1)] = "Most children are cured."
    assert tab_b.post(url, again).status_code == 302
    facts = [item["fields"]["text"] for item in draft_for(condition).data
             if item["model"] == "conditions.keyfact"]
    assert sorted(facts) == ["Most children are cured.",
                             "Most children are younger than five years."]


def draft_summary(condition):
    """The summary the condition's draft holds (its items come in no set order)."""
    [item] = [item for item in draft_for(condition).data
              if item["model"] == "conditions.condition"]
    return item["fields"]["summary"]


def test_the_same_user_in_two_tabs_is_told_it_was_them(editor_client):
    condition = live_condition()
    url = condition_url(condition)
    first = form_data(editor_client.get(url), "condition_form")
    second = form_data(editor_client.get(url), "condition_form")
    first["summary"] = "Changed in the first tab."
    assert editor_client.post(url, first).status_code == 302

    second["summary"] = "Changed in the second tab."
    message = error_text(editor_client.post(url, second))

    assert changed_by("you (in another tab or window)").search(message)
    assert draft_summary(condition) == "Changed in the first tab."


def test_discarding_the_draft_counts_as_a_change(editor_client):
    condition = live_condition()
    url = condition_url(condition)
    data = form_data(editor_client.get(url), "condition_form")
    data["summary"] = "A first change."
    assert editor_client.post(url, data).status_code == 302
    stale = form_data(editor_client.get(url), "condition_form")
    review = reverse("admin:conditions_condition_review", args=[condition.pk])
    discard = {"action": "discard", "discard-confirm": "on"}
    assert editor_client.post(review, discard).status_code == 302

    stale["key_facts-0-text"] = "Another change."
    message = error_text(editor_client.post(url, stale))
    assert REFUSED in message
    # It says what happened: before, only "was changed by you".
    assert "had the changes waiting for it discarded by you (in another tab or window)" \
        in message
    assert draft_for(condition) is None or not draft_for(condition).data


def test_submitting_for_review_meanwhile_does_not_refuse_the_save(editor_client):
    # Submitting changes no content: a form opened before it still saves (and takes the
    # changes out of review, as the form says).
    condition = live_condition()
    url = condition_url(condition)
    data = form_data(editor_client.get(url), "condition_form")
    data["summary"] = "A first change."
    assert editor_client.post(url, data).status_code == 302
    opened = form_data(editor_client.get(url), "condition_form")
    review = reverse("admin:conditions_condition_review", args=[condition.pk])
    assert editor_client.post(review, {"action": "submit"}).status_code == 302
    assert draft_for(condition).state == Draft.State.IN_REVIEW

    opened["summary"] = "A second change."
    assert editor_client.post(url, opened).status_code == 302
    assert draft_summary(condition) == "A second change."


def test_a_form_without_its_version_is_not_saved(editor_client):
    condition = live_condition()
    url = condition_url(condition)
    data = form_data(editor_client.get(url), "condition_form")
    assert re.fullmatch(r"[0-9a-f]{32}", data.pop("edit_version"))
    data["summary"] = "Changed by a script."

    message = error_text(editor_client.post(url, data))

    assert "This form was not fully loaded, so your changes are not saved." in message
    assert draft_for(condition) is None


def test_a_page_saved_in_place_is_not_overwritten_by_an_older_form(editor_client, other_editor):
    page = make_page(status=Page.Status.DRAFT)  # not live: saved in place, no draft
    url = reverse("admin:pages_page_change", args=[page.pk])
    tab_b = signed_in(other_editor)
    first = form_data(tab_b.get(url), "page_form")
    second = form_data(editor_client.get(url), "page_form")
    first["summary"] = "Who we are, from the first form."
    assert tab_b.post(url, first).status_code == 302

    second["body"] = "Written in the second form."
    response = editor_client.post(url, second)

    message = error_text(response)
    assert changed_by("Sam Lee").search(message)
    assert message.startswith("\u201cAbout us\u201d was changed")
    assert form_data(response, "page_form")["body"] == "Written in the second form."
    page.refresh_from_db()
    assert page.summary == "Who we are, from the first form."
    assert page.body == "### Our team\n\nWe care for children with cancer."
    # A single save from a fresh form goes through.
    fresh = form_data(editor_client.get(url), "page_form")
    fresh["body"] = "Written in the second form."
    assert editor_client.post(url, fresh).status_code == 302
    page.refresh_from_db()
    assert (page.summary, page.body) == ("Who we are, from the first form.",
                                         "Written in the second form.")


@pytest.fixture
def coordinators(django_user_model):
    return [staff_user(django_user_model, roles.TRIAL_COORDINATORS, username=name)
            for name in ("coordinator-a", "coordinator-b")]


def test_a_trial_kept_by_two_coordinators_is_not_overwritten(coordinators):
    trial = make_trial("NCT00000001", coordinators, brief_title="A trial")
    trial.primary_outcomes.create(measure="Response rate")
    url = reverse("admin:trials_trial_change", args=[trial.pk])
    tab_a, tab_b = (signed_in(user) for user in coordinators)
    first = form_data(tab_a.get(url), "trial_form", lists=True)
    second = form_data(tab_b.get(url), "trial_form", lists=True)
    first["plain_summary"] = ["Written by A."]
    assert tab_a.post(url, first).status_code == 302

    second["primary_outcomes-0-measure"] = ["Tumour response"]
    response = tab_b.post(url, second)

    message = error_text(response)
    assert changed_by("coordinator-a").search(message)
    assert message.startswith(f"\u201c{trial}\u201d was changed")
    assert form_data(response, "trial_form")["primary_outcomes-0-measure"] == "Tumour response"
    publish_draft(tab_a, trial)  # A's change, a draft of the live trial, and only A's
    assert trial.plain_summary == "Written by A."
    assert list(trial.primary_outcomes.values_list("measure", flat=True)) == ["Response rate"]


def test_a_refresh_from_the_registry_meanwhile_is_named(coordinators):
    trial = make_trial("NCT00000001", coordinators[:1], brief_title="A trial")
    url = reverse("admin:trials_trial_change", args=[trial.pk])
    tab = signed_in(coordinators[0])
    data = form_data(tab.get(url), "trial_form", lists=True)
    refreshed = Trial.objects.get(pk=trial.pk)
    refreshed.overall_status = OverallStatus.COMPLETED
    refreshed.last_synced_at = timezone.now()
    refreshed.save()

    data["plain_summary"] = ["Written here."]
    message = error_text(tab.post(url, data))

    assert changed_by("a refresh from ClinicalTrials.gov").search(message)
    assert Trial.objects.get(pk=trial.pk).overall_status == OverallStatus.COMPLETED
