from django.contrib.postgres.operations import CreateExtension
from django.db import migrations


class Migration(migrations.Migration):
    """Levenshtein distances for the search's look-alike names (portal.search.TYPO_LENGTHS):
    only a misspelling of a name finds it. Nothing on SQLite."""

    dependencies = [("portal", "0012_search_headings")]

    operations = [CreateExtension("fuzzystrmatch")]
