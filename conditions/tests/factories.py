"""Conditions and their parts, for the tests of every app."""

import datetime

from django.utils import timezone

from conditions.models import Condition, Section

OLD_BODY = "Neuroblastoma is a cancer that starts in young nerve cells called neuroblasts."
NEW_BODY = "Doctors find most tumours in the belly, often before a child turns five years old."
LONG_BODY = (
    "Neuroblastoma is a cancer of immature nerve tissue. It most often begins in the "
    "adrenal glands, which sit on top of the kidneys. Treatment depends on the risk group "
    "and may include surgery, chemotherapy and radiation therapy."
)


def make_condition(slug=None, **fields):
    """A published condition; the first one made is Neuroblastoma unless told otherwise."""
    if slug is None:
        taken = Condition.objects.filter(slug="neuroblastoma").exists()
        slug = f"condition-{Condition.objects.count() + 1}" if taken else "neuroblastoma"
    defaults = {
        "name": slug.replace("-", " ").capitalize(),
        "summary": "A plain summary of the condition.",
        "status": Condition.Status.PUBLISHED,
        "publish_at": timezone.now() - datetime.timedelta(days=1),
    }
    return Condition.objects.create(slug=slug, **{**defaults, **fields})


def make_section(condition, **fields):
    defaults = {"order": 0, "kind": Section.Kind.OVERVIEW, "heading": "Overview",
                "body": OLD_BODY}
    return condition.sections.create(**{**defaults, **fields})


def make_full_condition():
    """A condition with one row in every inline of its admin page."""
    condition = make_condition(slug="neuroblastoma", name="Neuroblastoma")
    condition.synonyms.create(name="Neural crest tumour")
    condition.key_facts.create(order=0, text="Most children are younger than five.")
    overview = make_section(condition)
    overview.subsections.create(order=0, heading="How common it is",
                                body="About 800 children a year are diagnosed.")
    make_section(condition, order=1, kind=Section.Kind.SYMPTOMS, heading="Symptoms",
                 body="A lump in the belly, pain or tiredness.")
    category = condition.staging_categories.create(
        order=0, name="Low risk", definition="The tumour has not spread."
    )
    category.options.create(order=0, text="Observation")
    condition.recognitions.create(order=0, title="Top children's hospital", detail="2025")
    condition.references.create(order=0, title="Neuroblastoma review", year=2021,
                                doi="10.1200/JCO.21.00278")
    condition.discussions.create(order=0, title="Our story", url="https://example.org/t/1",
                                 reply_count=3)
    return condition, overview


def make_glossary_term(name, definition="A plain definition.", other_forms="", **fields):
    """A published glossary term, its slug made from its name."""
    from django.utils.text import slugify

    from conditions.models import GlossaryTerm

    defaults = {"slug": slugify(name), "status": GlossaryTerm.Status.PUBLISHED}
    return GlossaryTerm.objects.create(
        term=name, definition=definition, other_forms=other_forms, **{**defaults, **fields}
    )
