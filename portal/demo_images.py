"""Pictures generated for the demo content, so the repository holds no demo image files."""

import io

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw


def demo_image(foreground, background, shape="person"):
    """A plain 960x540 PNG: a simple figure or building in two colours."""
    image = Image.new("RGB", (960, 540), background)
    draw = ImageDraw.Draw(image)
    if shape == "building":
        draw.rectangle((300, 160, 660, 500), fill=foreground)
        for x in range(340, 640, 80):
            for y in range(200, 440, 80):
                draw.rectangle((x, y, x + 40, y + 40), fill=background)
    else:
        draw.ellipse((380, 120, 580, 320), fill=foreground)
        draw.rounded_rectangle((330, 300, 630, 500), radius=80, fill=foreground)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return ContentFile(buffer.getvalue())
