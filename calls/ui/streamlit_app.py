"""The script `calls app` hands to `streamlit run` (the repository's app.py is the same)."""

from calls.ui.main import main

main()
