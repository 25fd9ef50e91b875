"""What the admin index lists for the people who look after condition pages."""

from django.urls import reverse

from conditions.models import Condition


def sections(user):
    if not user.has_perm("conditions.view_condition"):
        return []
    due = Condition.objects.review_due().order_by("next_review_due")[:20]
    return [{
        "title": "Pages due or overdue for review",
        "items": [{"label": f"{c.name} ({c.review_state})",
                   "url": reverse("admin:conditions_condition_review", args=[c.pk]),
                   "note": c.next_review_due} for c in due],
        "empty": "No page is due for review in the next 30 days.",
        "link": (reverse("admin:conditions_conditiondueforreview_changelist"),
                 "All pages due for review"),
    }]
