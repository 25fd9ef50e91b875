"""Uploaded images: only JPEG, PNG, WebP and GIF, by their content and a matching name."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from care_sites.models import CareSite
from portal.validators import validate_image_file

pytestmark = pytest.mark.django_db


def image_bytes(kind):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), "#0b5394").save(buffer, format=kind)
    return buffer.getvalue()


def upload(name, kind):
    return SimpleUploadedFile(name, image_bytes(kind), content_type="image/png")


@pytest.mark.parametrize(("name", "kind"), [
    ("photo.jpg", "JPEG"), ("photo.JPEG", "JPEG"), ("photo.png", "PNG"),
    ("photo.webp", "WEBP"), ("photo.gif", "GIF"),
])
def test_the_four_web_image_types_with_their_endings_are_accepted(name, kind):
    validate_image_file(upload(name, kind))


@pytest.mark.parametrize(("name", "kind", "message"), [
    ("photo.pdf", "PNG", 'a PNG image but its name ends in ".pdf"'),
    ("photo.ps", "GIF", 'a GIF image but its name ends in ".ps"'),
    ("photo.png", "JPEG", 'a JPEG image but its name ends in ".png"'),
    ("photo", "PNG", 'ends in "nothing"'),
    ("photo.bmp", "BMP", "this file is a BMP file"),
    ("photo.tiff", "TIFF", "this file is a TIFF file"),
])
def test_other_types_and_mismatched_names_are_refused(name, kind, message):
    with pytest.raises(ValidationError) as error:
        validate_image_file(upload(name, kind))
    assert message in error.value.messages[0]


def test_text_is_not_an_image():
    fake = SimpleUploadedFile("photo.png", b"%!PS-Adobe-3.0\n", content_type="image/png")
    with pytest.raises(ValidationError, match="not one of those"):
        validate_image_file(fake)


def post_site(client, image):
    return client.post("/admin/care_sites/caresite/add/", {
        "name": "Sleep Clinic", "slug": "sleep-clinic", "kind": CareSite.Kind.CLINIC,
        "summary": "Help for children who cannot sleep.", "description": "Weekdays.",
        "image": image, "image_alt": "A quiet bedroom", "phone": "", "email": "",
        "status": CareSite.Status.DRAFT, "publish_at_0": "2025-01-06",
        "publish_at_1": "08:00:00", "order": "0",
    })


@pytest.mark.parametrize(("name", "kind"), [("sleep.pdf", "PNG"), ("sleep.ps", "GIF")])
def test_the_admin_refuses_a_picture_named_as_a_document(editor_client, media_root, name,
                                                        kind):
    response = post_site(editor_client, upload(name, kind))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["image"]
    assert f"This file is a {kind} image but its name ends in" in errors[0]
    assert not CareSite.objects.exists()
    assert not list(media_root.rglob("*"))


def test_the_admin_takes_a_webp_picture(editor_client, media_root):
    response = post_site(editor_client, upload("sleep.webp", "WEBP"))
    assert response.status_code == 302
    assert CareSite.objects.get().image.name.endswith(".webp")
