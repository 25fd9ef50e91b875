"""Every kind of publishable content refuses an "Unpublish from" time that does not come
after its "Publish from" time, in its own checks and so in its admin form."""

import datetime

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import timezone

from portal.models import Publishable

PUBLISHABLE = sorted(
    (model for model in apps.get_models()
     if issubclass(model, Publishable) and not model._meta.proxy),
    key=lambda model: model._meta.label,
)


def test_every_kind_of_content_is_checked():
    labels = {model._meta.label for model in PUBLISHABLE}
    assert {"conditions.Condition", "conditions.Story", "conditions.GlossaryTerm",
            "trials.Trial", "care_sites.CareSite", "care_sites.Location",
            "care_sites.SupportService", "pages.Page", "pages.PrivacyNotice"} <= labels


@pytest.mark.django_db
@pytest.mark.parametrize("model", PUBLISHABLE, ids=lambda model: model._meta.label)
def test_unpublishing_before_publishing_is_refused(model):
    publish_at = timezone.now() + datetime.timedelta(days=5)
    item = model(publish_at=publish_at, unpublish_at=publish_at - datetime.timedelta(days=4))
    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert error.value.message_dict["unpublish_at"] == [
        "Unpublishing must come after publishing."]
    item.unpublish_at = publish_at + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:  # other fields are still missing
        item.full_clean()
    assert "unpublish_at" not in error.value.message_dict
