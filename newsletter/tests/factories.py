"""Newsletter topics for the tests of every app."""

import re

from newsletter.models import Topic


def make_topic(name="Neuroblastoma", **kw):
    slug = kw.pop("slug", None) or re.sub(r"\W+", "-", name.lower()).strip("-")
    return Topic.objects.create(name=name, slug=slug, **kw)
