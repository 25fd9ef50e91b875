from pages.models import Page
from portal.search import Searchable

SEARCHES = [Searchable("Pages", Page.objects.published, ("title", "summary", "body"))]
