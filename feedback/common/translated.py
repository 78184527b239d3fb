"""Records written in Swedish (or their source language) with translations beside them."""

from __future__ import annotations

from typing import Any


class Translated:
    """A mixin for models whose text has translations in a collection of rows that each carry a
    `language`. A translation counts only when its main field is filled in; otherwise the member
    reads the source text."""

    translations_attr = "translations"

    def translation_in(self, lang: str, main_field: str) -> Any | None:
        return next(
            (t for t in getattr(self, self.translations_attr) if t.language == lang and getattr(t, main_field)),
            None,
        )
