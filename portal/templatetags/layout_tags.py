import re

import phonenumbers
from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeData, mark_safe

register = template.Library()

# Sanitised HTML splits into tags and the text between them.
TAG = re.compile(r"(<[^>]*>)")
PHONE_REGION = "US"


# An emergency number after "call" or "dial" ("In an emergency, call 911"): the phone
# number matcher leaves such short numbers out, and a number alone may be a count.
EMERGENCY_CALL = re.compile(r"\b((?:call|dial)\s+)(\d{3})\b", re.IGNORECASE)


def _link_emergency_numbers(text):
    return EMERGENCY_CALL.sub(
        lambda match: (f'{match[1]}<a href="tel:{match[2]}">{match[2]}</a>'
                       if phonenumbers.is_emergency_number(match[2], PHONE_REGION)
                       else match[0]), text)


def _link_numbers(text):
    """Escaped text with each phone number in it wrapped in a tel: link."""
    pieces, last = [], 0
    for match in phonenumbers.PhoneNumberMatcher(text, PHONE_REGION):
        number = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        pieces.append(_link_emergency_numbers(text[last:match.start]))
        pieces.append(f'<a href="tel:{number}">{match.raw_string}</a>')
        last = match.end
    pieces.append(_link_emergency_numbers(text[last:]))
    return "".join(pieces)


@register.filter(needs_autoescape=True)
def tel_links(value, autoescape=True):
    """Every phone number becomes a tel: link, in plain text (a phone field) or in HTML that is
    already safe (sanitised Markdown, linebreaksbr); numbers already inside a link stay as
    they are."""
    if value in (None, ""):
        return ""
    if not isinstance(value, SafeData):
        url = tel_url(value)
        if url and not any(phonenumbers.PhoneNumberMatcher(str(value), PHONE_REGION)):
            # A phone field holding one number the matcher finds too loose to pick out
            # (an unusual format): the whole field is the link.
            return format_html('<a href="{}">{}</a>', url, value)
    safe = isinstance(value, SafeData) or not autoescape
    html = str(value) if safe else conditional_escape(value)
    out, in_link = [], 0
    for piece in TAG.split(html):
        if piece.startswith("<"):
            name = (piece[1:].lstrip("/").split(None, 1) or [""])[0].rstrip(">").lower()
            if name == "a":
                in_link += -1 if piece.startswith("</") else 1
            out.append(piece)
        else:
            out.append(piece if in_link > 0 else _link_numbers(piece))
    return mark_safe("".join(out))


@register.filter
def tel_url(value):
    """A tel: URL for one phone number ("" when it is not a number), for call buttons."""
    try:
        number = phonenumbers.parse(str(value or ""), PHONE_REGION)
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_possible_number(number):
        return ""
    return "tel:" + phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
