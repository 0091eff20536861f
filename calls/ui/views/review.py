"""The review page (see calls.ui.pages.review_page)."""

from calls.ui.pages import review_page

review_page()
