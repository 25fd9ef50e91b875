"""One mailbox, one spelling: the newsletter's rules for email addresses.

Addresses that reach the same mailbox can be typed in many ways: fullwidth letters, an
internationalised domain in Unicode or in its ASCII (IDNA) form, any case in the domain, or
the decomposed (NFD) form of accented letters. `normalise` turns each into one stored form and
`address_key` into one comparison key, so they share one subscriber and one rate limit.
"""

import ipaddress
import unicodedata

from django.core.exceptions import ValidationError

LOCAL_HOSTS = {"localhost", "localhost.localdomain"}


def _split(address):
    address = unicodedata.normalize("NFKC", address).strip()
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain:
        raise ValidationError("Please enter a whole email address, like name@example.org.",
                              code="invalid")
    return local, domain


def ascii_domain(domain):
    """The domain in lower-case ASCII: IDNA for Unicode labels (nameprep folds the case)."""
    domain = domain.rstrip(".")
    try:
        return domain.encode("idna").decode("ascii").lower()
    except UnicodeError as error:
        raise ValidationError(
            "Please check the part after the @: it is not a domain name mail can reach.",
            code="invalid",
        ) from error


def normalise(address):
    """The address as we store it: NFKC, the domain in lower-case IDNA, the local part as typed.

    Raises ValidationError for what cannot be a public mailbox: no domain, `localhost`, an IP
    address, or a bare host name without a dot.
    """
    local, domain = _split(address)
    bare = domain[1:-1] if domain.startswith("[") and domain.endswith("]") else domain
    try:
        ipaddress.ip_address(bare.removeprefix("IPv6:").removeprefix("ipv6:"))
    except ValueError:
        pass
    else:
        raise ValidationError(
            "Please use an address with a domain name, not an IP address.", code="ip_literal"
        )
    domain = ascii_domain(domain)
    if domain in LOCAL_HOSTS or domain.endswith(".localhost") or "." not in domain:
        raise ValidationError(
            "Please use an address that can receive mail from the internet, like "
            "name@example.org.", code="local_domain",
        )
    return f"{local}@{domain}"


def address_key(address):
    """How two addresses are compared: the normalised form in lower case. Total, so that it
    works for any stored value, even one the rules above would now refuse."""
    try:
        local, domain = _split(address)
        domain = ascii_domain(domain)
    except ValidationError:
        return unicodedata.normalize("NFKC", address).strip().lower()
    return f"{local}@{domain}".lower()
