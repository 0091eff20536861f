"""The upload page (see calls.ui.pages.upload_page)."""

from calls.ui.pages import upload_page

upload_page()
