"""Turning grounded evidence into the answer: quotes or a generator, the short answer, follow-ups."""
