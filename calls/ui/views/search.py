"""The search page (see calls.ui.pages.search_page)."""

from calls.ui.pages import search_page

search_page()
