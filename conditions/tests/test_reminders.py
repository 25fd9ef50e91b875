"""Review reminders go to a page's owner and the medical reviewers, once per stage."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone

from conditions.models import ReviewReminder
from conditions.tasks import send_review_reminders
from conditions.tests.factories import make_condition
from portal import roles
from portal.tests.support import staff_user

pytestmark = pytest.mark.django_db


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def people(django_user_model):
    Group.objects.get_or_create(name=roles.MEDICAL_REVIEWERS)
    owner = staff_user(django_user_model, roles.CONTENT_EDITORS, username="owner")
    owner.email = "owner@example.org"
    owner.save()
    reviewer = staff_user(django_user_model, roles.MEDICAL_REVIEWERS, username="reviewer")
    reviewer.email = "reviewer@example.org"
    reviewer.save()
    return owner, reviewer


def sent_to(address):
    return [message for message in mail.outbox if message.to == [address]]


def test_reminders_list_the_pages_due_once_per_stage(people):
    owner, _reviewer = people
    soon = make_condition("neuroblastoma", name="Neuroblastoma", next_review_due=days(20),
                          owner=owner)
    make_condition("wilms-tumor", name="Wilms tumor", next_review_due=days(-3))
    make_condition("retinoblastoma", name="Retinoblastoma", next_review_due=days(45),
                   owner=owner)

    send_review_reminders.enqueue()
    [to_owner] = sent_to("owner@example.org")
    [to_reviewer] = sent_to("reviewer@example.org")
    assert "Neuroblastoma" in to_owner.body
    assert "Wilms tumor" not in to_owner.body  # not the owner's page
    assert "Retinoblastoma" not in to_owner.body  # not due within 30 days
    assert f"/admin/conditions/condition/{soon.pk}/change/" in to_owner.body
    assert "Neuroblastoma" in to_reviewer.body
    assert "Wilms tumor" in to_reviewer.body
    assert "OVERDUE" in to_reviewer.body
    assert "1 overdue" in to_reviewer.subject

    # The next day: nothing new, nothing sent again.
    mail.outbox.clear()
    send_review_reminders.enqueue()
    assert mail.outbox == []

    # When the page becomes overdue, one more reminder.
    soon.next_review_due = days(-1)
    soon.save()
    send_review_reminders.enqueue()
    assert len(sent_to("owner@example.org")) == 1
    assert "OVERDUE" in sent_to("owner@example.org")[0].body
    send_review_reminders.enqueue()
    assert len(sent_to("owner@example.org")) == 1
    assert ReviewReminder.objects.filter(condition=soon).count() == 2


def test_a_new_due_date_after_a_review_starts_the_reminders_again(people):
    owner, _ = people
    condition = make_condition(next_review_due=days(10), owner=owner)
    send_review_reminders.enqueue()
    assert len(sent_to("owner@example.org")) == 1
    condition.next_review_due = days(365)
    condition.save()
    send_review_reminders.enqueue()
    assert len(sent_to("owner@example.org")) == 1
    condition.next_review_due = days(29)
    condition.save()
    send_review_reminders.enqueue()
    assert len(sent_to("owner@example.org")) == 2


def test_reminders_are_a_daily_scheduled_job():
    from portal.schedule import scheduled_jobs

    [job] = [job for job in scheduled_jobs() if job.name == "review reminders"]
    assert job.task is send_review_reminders
    assert job.daily_at is not None
