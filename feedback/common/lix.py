"""LIX, the Swedish readability index: words per sentence plus the share of long words.

LIX = words / sentences + 100 * long words / words, where a long word has more than six
letters and a sentence ends at . ! ? or : (lix.se). Under 30 is very easy, 30-40 easy,
40-50 medium, 50-60 hard, over 60 very hard. Numbers are not words."""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_SENTENCE_END = re.compile(r"[.!?:]+")
HARD_FROM = 40  # members' texts should stay easy: the hint speaks up above this


@dataclass(frozen=True)
class Readability:
    score: float
    words: int
    sentences: int
    long_words: tuple[str, ...]  # each long word once, longest first

    @property
    def hard(self) -> bool:
        return self.score > HARD_FROM

    @property
    def band(self) -> str:
        if self.score < 30:
            return "very_easy"
        if self.score < 40:
            return "easy"
        if self.score < 50:
            return "medium"
        if self.score < 60:
            return "hard"
        return "very_hard"


def readability(text: str | None) -> Readability | None:
    """None for a text without words."""
    words = [w for w in _WORD.findall(text or "")]
    if not words:
        return None
    letters = lambda w: sum(ch.isalpha() for ch in w)  # noqa: E731  (hyphens do not count)
    long_words = [w for w in words if letters(w) > 6]
    # A last sentence without a full stop still counts as one.
    sentences = len(_SENTENCE_END.findall(text or ""))
    if not re.search(r"[.!?:]+\W*$", (text or "").strip()):
        sentences += 1
    score = len(words) / sentences + 100 * len(long_words) / len(words)
    unique = sorted({w.lower(): w for w in long_words}.values(), key=lambda w: (-len(w), w.lower()))
    return Readability(round(score, 1), len(words), sentences, tuple(unique))
