"""Fields derived on save stay in step even when only some fields are saved."""

import pytest

from care_sites.models import CareSite
from trials.models import Trial

pytestmark = pytest.mark.django_db


def test_saving_only_the_source_field_also_saves_what_is_derived_from_it():
    site = CareSite.objects.create(name="Clinic", slug="clinic", summary="s", description="Old")
    site.description = "**New**"
    site.save(update_fields=["description"])
    site.refresh_from_db()
    assert site.description_html == "<p><strong>New</strong></p>"

    trial = Trial.objects.create(nct_id="NCT00000001", brief_title="T", overall_status="RECRUITING",
                                 minimum_age="1 Year")
    trial.minimum_age = "6 Months"
    trial.save(update_fields=["minimum_age"])
    trial.refresh_from_db()
    assert trial.minimum_age_years == 0.5
