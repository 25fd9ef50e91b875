"""Turn configuration URLs from the environment into Django settings."""

from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


def mailer_from_url(url):
    """Return one MAILERS entry for an EMAIL_URL.

    smtp://user:pass@host:port, smtp+tls://... (STARTTLS), smtp+ssl://... (implicit TLS),
    console: (print messages), file:///absolute/dir (one file per message).
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "console":
        return {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme == "file":
        if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
            raise ImproperlyConfigured("EMAIL_URL file: needs an absolute directory path.")
        return {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": unquote(parts.path)},
        }
    if scheme in {"smtp", "smtp+tls", "smtp+ssl", "smtps"}:
        if not parts.hostname:
            raise ImproperlyConfigured("EMAIL_URL needs a host, e.g. smtp://user:pass@host:587.")
        use_ssl = scheme in {"smtp+ssl", "smtps"}
        use_tls = scheme == "smtp+tls"
        default_port = 465 if use_ssl else 587 if use_tls else 25
        return {
            "BACKEND": SMTP_BACKEND,
            "OPTIONS": {
                "host": parts.hostname,
                "port": parts.port or default_port,
                "username": unquote(parts.username or ""),
                "password": unquote(parts.password or ""),
                "use_tls": use_tls,
                "use_ssl": use_ssl,
                "timeout": 10,
            },
        }
    raise ImproperlyConfigured(
        f"EMAIL_URL scheme {scheme!r} is not supported "
        "(use smtp://, smtp+tls://, smtp+ssl://, console: or file:///dir)."
    )


# The secret key `make run` uses when DJANGO_SECRET_KEY is unset with debug on. It is
# published with the code, so a deployment using it is warned about (portal.checks).
DEVELOPMENT_SECRET_KEY = "insecure-local-development-key-only-used-with-debug-on"
