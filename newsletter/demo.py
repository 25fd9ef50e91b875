"""Demo newsletter topics (load_demo): general news, and one topic for each demo condition.

Runs after conditions.demo (newsletter comes later in INSTALLED_APPS), so each condition's
topic is linked to it."""

from conditions.demo_content import NEUROBLASTOMA, OTHER_CONDITIONS
from conditions.models import Condition
from newsletter.models import Topic


def load():
    slugs = [data["slug"] for data in [NEUROBLASTOMA, *OTHER_CONDITIONS]]
    conditions = Condition.objects.in_bulk(slugs, field_name="slug")
    topics = [("general", "General news from our program", None)] + [
        (slug, conditions[slug].name, conditions[slug]) for slug in slugs
    ]
    for order, (slug, name, condition) in enumerate(topics):
        Topic.objects.update_or_create(
            slug=slug,
            defaults={"name": name, "order": order, "is_active": True, "condition": condition},
        )
    return f"{len(topics)} newsletter topics"
