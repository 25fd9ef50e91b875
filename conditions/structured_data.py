"""schema.org descriptions of condition pages and stories."""

import re
from html import unescape

from django.utils.html import strip_tags

from conditions.models import Section
from portal.structured_data import CONTEXT, absolute, organization_reference

LIST_ITEM = re.compile(r"<li>(.*?)</li>", re.DOTALL)


# An explanation in brackets after a word ("anemia (too few red blood cells)"), left out of
# a list item's name: what follows it is still named ("Fever, anemia or high blood
# pressure").
EXPLANATION = re.compile(r"(?<=\w)\s*\([^()]*\)")
# Where a list item's name ends: a full stop, colon or semicolon after a word, or a bracket
# that is not closed.
PHRASE_END = re.compile(r"(?<=\w)(?:[.:;]|\s*\()")


def list_items(html, limit=120):
    """The text of each list item of sanitised HTML, shortened to its first phrase."""
    items = []
    for item in LIST_ITEM.findall(html or ""):
        text = " ".join(unescape(strip_tags(item)).split())
        text = PHRASE_END.split(EXPLANATION.sub("", text), maxsplit=1)[0].strip()
        if text and len(text) <= limit:
            items.append(text)
    return items


def section_items(sections, kind):
    items = []
    for section in sections:
        if section.kind == kind:
            items += list_items(section.body_html)
            for subsection in section.subsections.all():
                items += list_items(subsection.body_html)
    return list(dict.fromkeys(items))


def treatments(sections):
    """Named treatments: the treatment section's subsection headings and list items. Not the
    options of the staging categories: those are plans made of several treatments, in
    steps ("Surgery, then chemotherapy", "Then chemotherapy", "A clinical trial"), not
    therapies."""
    names = []
    for section in sections:
        if section.kind == Section.Kind.TREATMENT:
            names += [subsection.heading for subsection in section.subsections.all()]
            names += list_items(section.body_html)
    return list(dict.fromkeys(names))


def citation(reference):
    """A reference as the work it is (Reference.kind): an article in its journal, a chapter
    in its book, a web page or another document with its publisher."""
    kind = reference.kind
    source = reference.cited_source or None
    return {
        "@type": {"article": "ScholarlyArticle", "chapter": "Chapter",
                  "web page": "WebPage"}.get(kind, "CreativeWork"),
        "name": reference.title,
        "author": reference.authors,
        "datePublished": str(reference.year) if reference.year else "",
        "isPartOf": {"@type": "Periodical", "name": source} if kind == "article" and source
        else {"@type": "Book", "name": reference.book} if kind == "chapter" else None,
        "publisher": {"@type": "Organization", "name": source}
        if kind in ("web page", "document") and source else None,
        "pagination": reference.pages,
        "url": reference.doi_url or reference.url,
        "sameAs": reference.doi_url,
        "identifier": {"@type": "PropertyValue", "propertyID": "DOI", "value": reference.doi}
        if reference.doi else None,
    }


def condition_page(condition, sections):
    """MedicalWebPage about the MedicalCondition (the view's prefetched parts only)."""
    url = absolute(condition.get_absolute_url())
    return {
        "@context": CONTEXT,
        "@type": "MedicalWebPage",
        "@id": url,
        "url": url,
        "name": condition.name,
        "description": condition.meta_description or condition.summary,
        "inLanguage": "en",
        "audience": {"@type": "MedicalAudience", "audienceType": "Patient"},
        "lastReviewed": condition.last_reviewed.isoformat() if condition.last_reviewed else "",
        "reviewedBy": {"@type": "Person", "name": condition.reviewer_name,
                       "jobTitle": condition.reviewer_role} if condition.reviewer_name else None,
        "publisher": organization_reference(),
        "about": {
            "@type": "MedicalCondition",
            "name": condition.name,
            "alternateName": [synonym.name for synonym in condition.synonyms.all()],
            "description": condition.summary,
            "url": url,
            "signOrSymptom": [{"@type": "MedicalSignOrSymptom", "name": name}
                              for name in section_items(sections, Section.Kind.SYMPTOMS)],
            "riskFactor": [{"@type": "MedicalRiskFactor", "name": name}
                           for name in section_items(sections, Section.Kind.RISK_FACTORS)],
            "possibleTreatment": [{"@type": "MedicalTherapy", "name": name}
                                  for name in treatments(sections)],
        },
        "citation": [citation(reference) for reference in condition.references.all()],
    }


def story_page(story):
    url = absolute(story.get_absolute_url())
    return {
        "@context": CONTEXT, "@type": "Article", "@id": url, "url": url,
        "headline": story.title, "description": story.summary,
        "image": absolute(story.image.url) if story.image else None,
        "datePublished": story.publish_at.isoformat(),
        "dateModified": story.updated_at.isoformat(),
        "publisher": organization_reference(),
        "about": [{"@type": "MedicalCondition", "name": condition.name,
                   "url": absolute(condition.get_absolute_url())}
                  for condition in story.conditions.all()],
    }
