from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from PIL import Image, UnidentifiedImageError

# The image formats we accept (as Pillow names them) and the file name endings of each.
IMAGE_FORMATS = {
    "JPEG": {".jpg", ".jpeg"},
    "PNG": {".png"},
    "WEBP": {".webp"},
    "GIF": {".gif"},
}
ACCEPTED = "JPEG, PNG, WebP or GIF"


def image_format(file):
    """The format Pillow reads from the file's content (not its name), or None."""
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        with Image.open(file) as image:
            return image.format
    except (UnidentifiedImageError, OSError, ValueError):
        return None
    finally:
        file.seek(position)


def validate_image_type(file):
    """Only JPEG, PNG, WebP and GIF, judged by the content, with a name ending that matches
    it: a picture named .pdf would be served as a PDF."""
    found = image_format(file)
    if found not in IMAGE_FORMATS:
        raise ValidationError(
            f"Please upload a {ACCEPTED} image; this file is "
            f"{'a ' + found + ' file' if found else 'not one of those'}."
        )
    ending = PurePath(file.name or "").suffix.lower()
    if ending not in IMAGE_FORMATS[found]:
        expected = " or ".join(sorted(IMAGE_FORMATS[found]))
        raise ValidationError(
            f"This file is a {found} image but its name ends in \"{ending or 'nothing'}\". "
            f"Please rename it to end in {expected} and upload it again."
        )


def validate_image_file(file):
    """Refuse images of other types (validate_image_type) or too large to serve well."""
    if getattr(file, "_committed", False) is False:  # a new upload, not the stored file
        validate_image_type(file)
    if file.size > settings.MAX_IMAGE_BYTES:
        raise ValidationError(
            f"This image is {filesizeformat(file.size)}. "
            f"Please upload one of at most {filesizeformat(settings.MAX_IMAGE_BYTES)}."
        )
    width = getattr(file, "width", None) or 0
    height = getattr(file, "height", None) or 0
    if max(width, height) > settings.MAX_IMAGE_SIDE:
        raise ValidationError(
            f"This image is {width}x{height} pixels. Please make it at most "
            f"{settings.MAX_IMAGE_SIDE} pixels on each side."
        )
