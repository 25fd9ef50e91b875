"""Review reminders: 30 days before a condition page's next review is due, and again once it
is overdue, its owner and the medical reviewers get one email listing the pages due."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from conditions.models import REVIEW_DUE_SOON_DAYS, Condition, ReviewReminder
from portal import roles
from portal.mail import send_later
from portal.schedule import Job

Stage = ReviewReminder.Stage


def stage_of(condition, today):
    if condition.next_review_due < today:
        return Stage.OVERDUE
    return Stage.DUE_SOON


@task()
def send_review_reminders():
    today = timezone.localdate()
    due = (Condition.objects.filter(
        next_review_due__lte=today + datetime.timedelta(days=REVIEW_DUE_SOON_DAYS))
        .select_related("owner").order_by("next_review_due", "name"))
    reviewers = list(get_user_model().objects.filter(
        groups__name=roles.MEDICAL_REVIEWERS, is_active=True).exclude(email=""))
    pages_for = {}  # recipient's address -> [(condition, stage)]
    for condition in due:
        stage = stage_of(condition, today)
        try:
            with transaction.atomic():
                ReviewReminder.objects.create(condition=condition, stage=stage,
                                              due_date=condition.next_review_due)
        except IntegrityError:
            continue  # this stage was reminded of already
        people = [*reviewers]
        if condition.owner and condition.owner.is_active and condition.owner.email:
            people.append(condition.owner)
        for person in people:
            pages_for.setdefault(person.email, []).append((condition, stage))
    for address, pages in pages_for.items():
        send_later(reminder_email(address, pages, today))
    return {"emails": len(pages_for), "pages": sum(len(p) for p in pages_for.values())}


def reminder_email(address, pages, today):
    overdue = sum(1 for _, stage in pages if stage == Stage.OVERDUE)
    subject = (f"{len(pages)} condition page(s) due for medical review"
               + (f", {overdue} overdue" if overdue else ""))
    rows = [{
        "name": condition.name,
        "due": condition.next_review_due,
        "overdue": stage == Stage.OVERDUE,
        "days": (condition.next_review_due - today).days,
        "review_url": settings.SITE_URL + reverse("admin:conditions_condition_change",
                                                  args=[condition.pk]),
        "page_url": settings.SITE_URL + condition.get_absolute_url(),
    } for condition, stage in pages]
    body = render_to_string("email/review_reminder.txt", {
        "pages": rows, "portal_name": settings.PORTAL_NAME,
    })
    return EmailMessage(subject=f"{subject} | {settings.PORTAL_NAME}", body=body, to=[address])


SCHEDULE = [Job("review reminders", send_review_reminders, daily_at=7)]
