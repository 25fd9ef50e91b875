"""The admin lists of reviewed content filter by the state their "state" column shows."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from conditions.tests.factories import make_condition
from portal.models import Draft
from portal.publishing import draft_save, draft_send_back, draft_submit, serialize

pytestmark = pytest.mark.django_db


def listed(client, state=""):
    """(name, state shown) of each row of the conditions list, filtered by `state`."""
    html = client.get(reverse("admin:conditions_condition_changelist"),
                      {"publishing": state} if state else {}).content.decode()
    rows = re.findall(r"<tr>.*?</tr>", html, re.S)
    found = []
    for row in rows:
        name = re.search(r'<th class="field-name"><a [^>]*>([^<]*)</a>', row)
        shown = re.search(r'<td class="field-publishing_state">([^<]*)</td>', row)
        if name and shown:
            found.append((name[1], shown[1]))
    return sorted(found)


def test_each_state_lists_the_rows_that_show_it(editor_client, editor, reviewer):
    now = timezone.now()
    make_condition("draft", name="Draft", status="draft")
    make_condition("live", name="Live")
    changed = make_condition("changed", name="Changed")
    draft_save(obj=changed, user=editor, data=serialize(changed))
    submitted = make_condition("submitted", name="Submitted")
    draft_save(obj=submitted, user=editor, data=serialize(submitted))
    draft_submit(obj=submitted, user=editor)
    returned = make_condition("returned", name="Returned")
    draft_save(obj=returned, user=editor, data=serialize(returned))
    draft_submit(obj=returned, user=editor)
    draft_send_back(obj=returned, user=reviewer, comment="Check the figures.")
    make_condition("later", name="Later", publish_at=now + datetime.timedelta(days=2))
    make_condition("gone", name="Gone", unpublish_at=now - datetime.timedelta(hours=1))

    everything = listed(editor_client)
    assert dict(everything) == {
        "Draft": "Draft", "Live": "Live", "Changed": "Live with changes",
        "Submitted": "In review", "Returned": "Sent back", "Later": "Scheduled",
        "Gone": "Expired"}
    assert Draft.objects.get(object_id=str(submitted.pk)).state == Draft.State.IN_REVIEW
    for value, label in [("draft", "Draft"), ("live", "Live"),
                         ("live_with_changes", "Live with changes"),
                         ("in_review", "In review"), ("sent_back", "Sent back"),
                         ("scheduled", "Scheduled"), ("expired", "Expired")]:
        assert listed(editor_client, value) == [row for row in everything if row[1] == label]
    # A value the filter does not know lists everything, as no filter does.
    assert listed(editor_client, "nonsense") == everything
    # With the admin's counts shown, each state says how many rows it has.
    counts = editor_client.get(reverse("admin:conditions_condition_changelist"),
                               {"_facets": "True"}).content.decode()
    assert re.search(r'publishing=in_review[^"]*"[^>]*>\s*In review \(1\)', counts)
