"""Translation hook: CTIS texts are mostly English and ECLAIRE publishes French.

Mapping calls a :class:`Translator` on the CTIS texts the reference translated (condition,
therapeutic area, title, outcome and eligibility criteria). The default is the offline
identity; a real service (DeepL, an on-premise model) implements the same one-method protocol.
RIPH studies are French already and are never sent (the reference sent their titles, §4).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable


@runtime_checkable
class Translator(Protocol):
    def translate(self, texts: Sequence[str], target: str = "fr") -> list[str]:
        """One translation per input text, in order."""
        ...


class IdentityTranslator:
    """Offline default: returns the texts unchanged (mapping skips the call entirely)."""

    def translate(self, texts: Sequence[str], target: str = "fr") -> list[str]:
        return list(texts)


class StubTranslator:
    """Marks texts as locally "translated", like the reference without an API key; for tests."""

    def __init__(self, prefix: str = "[Traduction locale] ") -> None:
        self.prefix = prefix
        self.calls = 0

    def translate(self, texts: Sequence[str], target: str = "fr") -> list[str]:
        self.calls += 1
        return [f"{self.prefix}{text}" for text in texts]


IDENTITY = IdentityTranslator()
