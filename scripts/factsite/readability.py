"""Reading grade of a page's text (US school grade, Flesch-Kincaid, via textstat)."""

from __future__ import annotations

import textstat


def grade(text: str) -> float:
    """Flesch-Kincaid grade; 0.0 for a page with no words."""
    if not text.strip():
        return 0.0
    return float(textstat.flesch_kincaid_grade(text))
