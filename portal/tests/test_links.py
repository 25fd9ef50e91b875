"""Links to many pages of one kind, built from one reversed address."""

import pytest
from django.urls import NoReverseMatch, path, register_converter

from portal.links import detail_link


class Shouting:
    """A converter that does not write the slug into the address as given."""

    regex = "[A-Z-]+"

    def to_python(self, value):
        return value.lower()

    def to_url(self, value):
        return value.upper()


register_converter(Shouting, "shouting")
urlpatterns = [path("loud/<shouting:slug>/", lambda request, slug: None, name="loud")]


def test_a_link_is_the_address_reverse_gives(db):
    from django.urls import reverse

    link = detail_link("conditions:condition-detail")
    for slug in ["neuroblastoma", "wilms_tumour-2", "a1"]:
        assert link(slug) == reverse("conditions:condition-detail", kwargs={"slug": slug})


def test_a_view_without_a_slug_has_no_links():
    with pytest.raises(NoReverseMatch):
        detail_link("conditions:condition-list")


@pytest.mark.urls("portal.tests.test_links")
def test_an_address_that_changes_the_slug_is_refused():
    with pytest.raises(ValueError, match="does not write its slug"):
        detail_link("loud")
