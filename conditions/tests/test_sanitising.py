"""Hostile input in any editable field reaches the page inert."""

import pytest

from conditions.models import (
    Condition,
    Discussion,
    GlossaryTerm,
    KeyFact,
    Recognition,
    Reference,
    Section,
    StagingCategory,
    Story,
    Subsection,
    Synonym,
    TreatmentOption,
)
from portal.markdown import render_markdown
from portal.tests.support import PAYLOAD, active_content, hostile

pytestmark = pytest.mark.django_db


def test_markdown_renderer_strips_everything_active():
    html = render_markdown(PAYLOAD)
    assert active_content(html) == []
    assert "<script" not in html
    assert '<a href="https://example.org" rel="noopener noreferrer">ok</a>' in html


def test_hostile_text_in_every_field_renders_inert(client):
    condition = hostile(Condition, slug="hostile", status=Condition.Status.PUBLISHED)
    hostile(Synonym, condition=condition)
    hostile(KeyFact, condition=condition)
    section = hostile(Section, condition=condition, kind="staging", anchor="")
    hostile(Section, condition=condition, kind="treatment", anchor="")
    hostile(Section, condition=condition, kind="questions", anchor="")
    condition.sections.create(heading="Words", body=f"An alert and a click. {PAYLOAD}")
    # The payload's words (alert, script, click...) become glossary terms to be marked.
    hostile(GlossaryTerm, slug="hostile-term", status=GlossaryTerm.Status.PUBLISHED)
    for word in ["alert", "click", "x", "ok", "d", "evil"]:
        GlossaryTerm.objects.create(term=word, slug=word, definition=PAYLOAD,
                                    status=GlossaryTerm.Status.PUBLISHED)
    hostile(Subsection, section=section, anchor="")
    category = hostile(StagingCategory, condition=condition)
    hostile(TreatmentOption, category=category, age_group="")
    hostile(Reference, condition=condition)
    hostile(Recognition, condition=condition)
    hostile(Discussion, condition=condition)
    story = hostile(Story, slug="hostile-story", status=Story.Status.PUBLISHED, image="")
    story.conditions.add(condition)

    for url in ["/conditions/hostile/", "/conditions/", "/conditions/stories/hostile-story/",
                "/glossary/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert active_content(html) == [], url
    # Plain-text fields are escaped, so the words stay visible but do nothing.
    page = client.get("/conditions/hostile/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'popovertarget="glossary:alert"' in page
    # The A-Z writes its names in Python (conditions.views.list_items), escaped the same way:
    # the condition's name and its synonym's.
    assert client.get("/conditions/").text.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 2
