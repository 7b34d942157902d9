"""Ingest: read and repair articles, chunk them, embed them, write the index (in process or on Ray)."""
