"""What site search finds of condition pages, stories and glossary terms."""

from conditions.models import (
    Condition,
    GlossaryTerm,
    KeyFact,
    Section,
    StagingCategory,
    Story,
    Subsection,
    Synonym,
    TreatmentOption,
)
from portal.search import Destination, Document, Part, Searchable, html_text, listed, plain


def condition_document(condition):
    parts = []
    facts = [fact.text for fact in condition.key_facts.all()]
    if facts:
        parts.append(Part("key-facts", "Key facts", " ".join(facts)))
    for section in condition.sections.all():
        parts.append(Part(section.anchor, section.heading, html_text(section.body_html)))
        for subsection in section.subsections.all():
            parts.append(Part(subsection.anchor or section.anchor, subsection.heading,
                              html_text(subsection.body_html)))
    for category in condition.staging_categories.all():
        # Its definition, found in its entry of the staging list; its treatment options as
        # a list (by age group where they differ), under its heading in the treatment by
        # category.
        parts.append(Part(category.anchor, category.name,
                          plain(f"{category.name}. {category.definition}")))
        options = " ".join(
            f"{age_group}: {listed(option.text for option in group)}" if age_group
            else listed(option.text for option in group)
            for age_group, group in category.option_groups())
        if options:
            parts.append(Part(category.treatment_anchor, f"Treatment: {category.name}",
                              plain(options)))
    return Document(
        title=condition.name, url=condition.get_absolute_url(),
        names=tuple(synonym.name for synonym in condition.synonyms.all()),
        summary=condition.summary, parts=tuple(parts),
    )


def glossary_document(term):
    return Document(title=term.term, url=term.get_absolute_url(),
                    names=tuple(term.forms()[1:]), summary=term.definition)


def story_document(story):
    return Document(
        title=story.title, url=story.get_absolute_url(), summary=story.summary,
        parts=(Part("", "", html_text(story.body_html)),),
    )


SEARCHES = [
    Searchable(
        Condition, "condition", "Condition", "Conditions", condition_document,
        prefetch=("synonyms", "key_facts", "sections__subsections",
                  "staging_categories__options"),
        depends_on=((Synonym, "synonyms"), (KeyFact, "key_facts"), (Section, "sections"),
                    (Subsection, "sections__subsections"),
                    (StagingCategory, "staging_categories"),
                    (TreatmentOption, "staging_categories__options")),
        boost=0.5,
    ),
    Searchable(Story, "story", "Story", "Stories", story_document, suggest=False),
    Searchable(GlossaryTerm, "glossary", "Word explained", "Words explained",
               glossary_document, equivalent_names=True),
]

DESTINATIONS = [
    Destination(
        "Conditions A to Z", "conditions:condition-list",
        "Every condition on this site, and its other names, in alphabetical order.",
        words="all list index conditions diseases illnesses cancers types",
    ),
    Destination(
        "Glossary: words explained", "glossary:term-list",
        "Medical words used on our pages, explained in plain language.",
        words="glossary dictionary definitions definition meaning meanings medical terms "
              "words jargon",
    ),
]
