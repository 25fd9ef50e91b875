from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat


def validate_image_file(file):
    """Refuse images too large to serve well; Pillow has already checked it is an image."""
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
