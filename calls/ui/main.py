"""Entry point of the Streamlit app (`calls app` or `streamlit run app.py`)."""

from __future__ import annotations

import streamlit as st

from calls.ui.pages import build_pages


def main() -> None:
    """Configure the page and run the selected one."""
    st.set_page_config(page_title="calls · earnings-call analyser", page_icon=":material/record_voice_over:", layout="wide")
    st.navigation(build_pages()).run()
