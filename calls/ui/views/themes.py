"""The themes page (see calls.ui.pages.themes_page)."""

from calls.ui.pages import themes_page

themes_page()
