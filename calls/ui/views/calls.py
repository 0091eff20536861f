"""The calls page (see calls.ui.pages.calls_page)."""

from calls.ui.pages import calls_page

calls_page()
