from portal.search import Searchable
from trials.models import Trial

SEARCHES = [
    Searchable("Clinical trials", Trial.objects.published,
               ("nct_id", "brief_title", "acronym", "plain_summary", "brief_summary",
                "registry_conditions", "keywords"),
               summary="plain_summary_html"),
]
