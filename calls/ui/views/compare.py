"""The compare page (see calls.ui.pages.compare_page)."""

from calls.ui.pages import compare_page

compare_page()
