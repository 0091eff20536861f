"""The Streamlit front end: pages over the store (`pages.py`), cached reads and safe rendering (`data.py`)."""

# Largest upload, in MB (the app's limit and `server.maxUploadSize`).
UPLOAD_LIMIT_MB = 50
