"""What a person may write in ``_text`` / ``_content``: words, "phrases", OR, NOT and grouping.

Rulings API-8: the user's syntax is limited to those four; everything else is plain words. The
text is parsed here into a small tree that ``query.py`` turns into match queries, so no
user text ever reaches an engine-side query parser (``query_string`` nor
``simple_query_string``). Pure, and forgiving: an unclosed quote or bracket closes at the end,
a stray operator is ignored, nothing a person types is an error.

Grammar (implicit AND binds tighter than OR, as in every search box)::

    query   := any ( ("OR" | "|") any )*
    any     := unit+                        consecutive plain words merge into one Words
    unit    := ("-" | "NOT") unit | '"' phrase '"' | "(" query ")" | word
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(r'"[^"]*"?|[()|]|[^\s()|"]+')
OR_WORDS = frozenset({"OR", "|"})
NOT_WORDS = frozenset({"NOT"})
AND_WORDS = frozenset({"AND", "+", "&&"})


@dataclass(frozen=True)
class Words:
    """Plain words typed together: all preferred, most required (``translate`` decides)."""

    text: str


@dataclass(frozen=True)
class Phrase:
    text: str


@dataclass(frozen=True)
class Not:
    node: Node


@dataclass(frozen=True)
class AllOf:
    """Every positive part required, negated parts excluded."""

    parts: tuple[Node, ...]


@dataclass(frozen=True)
class AnyOf:
    parts: tuple[Node, ...]


Node = Words | Phrase | Not | AllOf | AnyOf


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


class _Parser:
    def __init__(self, text: str) -> None:
        self.items = tokens(text)
        self.at = 0

    def peek(self) -> str | None:
        return self.items[self.at] if self.at < len(self.items) else None

    def take(self) -> str:
        self.at += 1
        return self.items[self.at - 1]

    def query(self, nested: bool = False) -> Node | None:
        alternatives: list[Node] = []
        while (item := self.peek()) is not None:
            if item == ")":
                if nested:
                    break
                self.take()  # a stray closing bracket: ignored
                continue
            if item in OR_WORDS:
                self.take()
                continue
            part = self.sequence(nested)
            if part is not None:
                alternatives.append(part)
        return _one(alternatives, AnyOf)

    def sequence(self, nested: bool) -> Node | None:
        parts: list[Node] = []
        words: list[str] = []

        def flush() -> None:
            if words:
                parts.append(Words(" ".join(words)))
                words.clear()

        while (item := self.peek()) is not None and item not in OR_WORDS:
            if item == ")":
                if nested:
                    break
                self.take()
                continue
            if item in AND_WORDS:
                self.take()
                continue
            unit = self.unit()
            if isinstance(unit, str):
                words.append(unit)
            elif unit is not None:
                flush()
                parts.append(unit)
        flush()
        return _one(parts, AllOf)

    def unit(self) -> Node | str | None:
        item = self.take()
        negated = item in NOT_WORDS or (item.startswith("-") and len(item) > 1)
        if item in NOT_WORDS or item == "-":
            if self.peek() is None or self.peek() in OR_WORDS or self.peek() == ")":
                return None
            inner = self.unit()
            if isinstance(inner, str):
                inner = Words(inner)
            return Not(inner) if inner is not None else None
        if negated:
            self.items.insert(self.at, item[1:])
            inner = self.unit()
            if isinstance(inner, str):
                inner = Words(inner)
            return Not(inner) if inner is not None else None
        if item.startswith('"'):
            text = item.strip('"').strip()
            return Phrase(text) if text else None
        if item == "(":
            inner = self.query(nested=True)
            if self.peek() == ")":
                self.take()
            return inner
        return item


def _one(parts: list[Node], kind: type[AllOf] | type[AnyOf]) -> Node | None:
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    return kind(tuple(parts))


def parse(text: str) -> Node | None:
    """The tree of ``text``; ``None`` when it holds no searchable word."""
    return _Parser(text).query()
