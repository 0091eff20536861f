"""The guidance page (see calls.ui.pages.guidance_page)."""

from calls.ui.pages import guidance_page

guidance_page()
