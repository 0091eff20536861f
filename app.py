"""The Streamlit app: `streamlit run app.py` (or `calls app`). All of it lives in calls.ui."""

from calls.ui.main import main

main()
