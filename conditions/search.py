from conditions.models import Condition, GlossaryTerm, Story
from portal.search import Searchable

SEARCHES = [
    Searchable("Conditions", Condition.objects.published,
               ("name", "synonyms__name", "summary", "sections__body")),
    Searchable("Stories", Story.objects.published, ("title", "summary", "body")),
    Searchable("Words explained", GlossaryTerm.objects.published,
               ("term", "other_forms", "definition"), summary="definition"),
]
