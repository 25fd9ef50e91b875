"""What site search finds of the admin-editable pages."""

from pages.models import Page
from portal.search import Document, Part, Searchable, html_text


def page_document(page):
    return Document(title=page.title, url=page.get_absolute_url(), summary=page.summary,
                    parts=(Part("", "", html_text(page.body_html)),))


SEARCHES = [Searchable(Page, "page", "Page", "Pages", page_document, suggest=False)]
