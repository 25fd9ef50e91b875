"""One mailbox, one spelling: the newsletter's rules for email addresses.

Addresses that reach the same mailbox can be typed in many ways: fullwidth letters, an
internationalised domain in Unicode or in its ASCII (IDNA) form, any case in the domain, or
the decomposed (NFD) form of accented letters. `normalise` turns each into one stored form and
`address_key` into one comparison key, so they share one subscriber. `mailbox_key` goes
further for the signup limit only: sub-addresses (`sam+news@`) and, at Gmail, dots in the
local part reach the same inbox, so they share one hourly allowance of confirmation emails.
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


# Domains where dots in the local part are ignored: s.am@ and sam@ are one Gmail inbox.
DOTLESS_DOMAINS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}


def mailbox_key(address):
    """The inbox an address delivers to, as far as it can be told from the address: its
    comparison key without a `+tag` (most mail services deliver sam+anything@ to sam@), and
    at Gmail without dots. Only for limiting the confirmation emails one inbox receives;
    two such addresses remain two subscribers, as their owner may want."""
    key = address_key(address)
    local, at, domain = key.rpartition("@")
    if not at:
        return key
    local = local.split("+", 1)[0] or local
    if domain in DOTLESS_DOMAINS:
        local, domain = local.replace(".", "") or local, DOTLESS_DOMAINS[domain]
    return f"{local}@{domain}"
