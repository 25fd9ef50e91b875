from conditions.models import Condition, Story
from portal.search import Searchable

SEARCHES = [
    Searchable("Conditions", Condition.objects.published,
               ("name", "synonyms__name", "summary", "sections__body")),
    Searchable("Stories", Story.objects.published, ("title", "summary", "body")),
]
