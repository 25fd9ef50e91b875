"""Demo condition pages (load_demo): neuroblastoma in full, two conditions in short form."""

import datetime

import reversion
from django.utils import timezone
from django.utils.text import slugify

from conditions.demo_content import GLOSSARY, NEUROBLASTOMA, OTHER_CONDITIONS
from conditions.models import Condition, GlossaryTerm, Story
from portal.demo_images import demo_image

PUBLISHED_AT = timezone.make_aware(datetime.datetime(2025, 1, 6, 8, 0))
CONDITION_FIELDS = ["name", "summary", "last_reviewed", "next_review_due", "reviewer_name",
                    "reviewer_role"]


def load_condition(data):
    condition, _ = Condition.objects.update_or_create(
        slug=data["slug"],
        defaults={
            **{field: data[field] for field in CONDITION_FIELDS},
            "status": Condition.Status.PUBLISHED,
            "publish_at": PUBLISHED_AT,
            "featured": True,
        },
    )
    # Children are replaced as a whole, so a second run leaves exactly one copy.
    for relation in ["synonyms", "key_facts", "sections", "staging_categories", "references",
                     "recognitions", "discussions"]:
        getattr(condition, relation).all().delete()
    for name in data["synonyms"]:
        condition.synonyms.create(name=name)
    for order, text in enumerate(data["key_facts"]):
        condition.key_facts.create(order=order, text=text)
    for order, section_data in enumerate(data["sections"]):
        section = condition.sections.create(
            order=order, kind=section_data["kind"], heading=section_data["heading"],
            body=section_data["body"],
        )
        for sub_order, sub in enumerate(section_data.get("subsections", [])):
            section.subsections.create(order=sub_order, heading=sub["heading"], body=sub["body"])
    for order, category_data in enumerate(data["staging"]):
        category = condition.staging_categories.create(
            order=order, name=category_data["name"], definition=category_data["definition"]
        )
        for option_order, option in enumerate(category_data["options"]):
            category.options.create(order=option_order, **option)
    for order, reference in enumerate(data["references"]):
        condition.references.create(order=order, **reference)
    for order, item in enumerate(data["recognition"]):
        condition.recognitions.create(order=order, **item)
    for order, item in enumerate(data.get("discussions", [])):
        condition.discussions.create(order=order, **item)
    for story_data in data["stories"]:
        load_story(story_data, condition)
    return condition


def load_story(data, condition):
    story, _ = Story.objects.update_or_create(
        slug=data["slug"],
        defaults={
            "title": data["title"], "summary": data["summary"], "body": data["body"],
            "image_alt": data["image_alt"], "status": Story.Status.PUBLISHED,
            "publish_at": PUBLISHED_AT,
        },
    )
    if not story.image:
        story.image.save(f"{story.slug}.png", demo_image("#f6c445", "#0b5394"), save=True)
    story.conditions.add(condition)


# Demo terms renamed since an earlier version loaded them (the American spelling, as the rest
# of the site): loading again renames the old entry rather than adding a second one.
RENAMED_TERMS = {"randomised": "randomized"}


def load_glossary():
    for old, new in RENAMED_TERMS.items():
        if not GlossaryTerm.objects.filter(slug=new).exists():
            GlossaryTerm.objects.filter(slug=old).update(slug=new)
    for term, other_forms, definition in GLOSSARY:
        GlossaryTerm.objects.update_or_create(
            slug=slugify(term),
            defaults={"term": term, "other_forms": "\n".join(other_forms),
                      "definition": definition, "status": GlossaryTerm.Status.PUBLISHED,
                      "publish_at": PUBLISHED_AT},
        )


def load():
    with reversion.create_revision():
        reversion.set_comment("Demo content loaded.")
        conditions = [load_condition(data) for data in [NEUROBLASTOMA, *OTHER_CONDITIONS]]
        load_glossary()
    return (f"{len(conditions)} conditions ({', '.join(c.name for c in conditions)}), "
            f"{len(GLOSSARY)} glossary terms")
