#!/usr/bin/env python
import os
import sys

# Commands that read only the code (models and migration files) and never sign anything:
# they run without configuration, e.g. the migrations check in CI or a pre-commit hook.
CODE_ONLY_COMMANDS = {"makemigrations"}


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    if sys.argv[1:2] and sys.argv[1] in CODE_ONLY_COMMANDS and not os.environ.get(
            "DJANGO_SECRET_KEY"):
        from portal.conf import DEVELOPMENT_SECRET_KEY

        os.environ["DJANGO_SECRET_KEY"] = DEVELOPMENT_SECRET_KEY
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as error:
        sys.exit(f"Configuration error: {error} (see README.md, Configuration)")


if __name__ == "__main__":
    main()
