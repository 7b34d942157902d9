"""Grounded question answering over news archives: every claim cited, or an honest abstention."""

from assistant.api import Assistant
from assistant.ingest.ingestor import IngestReport
from assistant.schema import Answer, Citation, QuestionError
from assistant.settings import Settings

__all__ = ["Answer", "Assistant", "Citation", "IngestReport", "QuestionError", "Settings"]
