"""The qa page (see calls.ui.pages.qa_page)."""

from calls.ui.pages import qa_page

qa_page()
