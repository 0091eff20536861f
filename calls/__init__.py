"""Earnings-call transcript analyser: ingest -> segment -> analyse -> store -> app/export."""

__version__ = "0.1.0"
