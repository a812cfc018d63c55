"""Dead letters: records set aside with the reason, so a bad record never stops a run.

One NDJSON line per record (or per unreadable file): source file, index in the file's array,
id if known, a short ``kind`` for counting, the human ``reason`` and the raw record as read.
An operator can fix the source and replay exactly those records.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Protocol

import orjson


@dataclass(frozen=True, slots=True)
class DeadLetter:
    file: str
    index: int | None
    id: str | None
    kind: str
    reason: str
    raw: Any = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "index": self.index,
            "id": self.id,
            "kind": self.kind,
            "reason": self.reason,
            "raw": self.raw,
        }


class DeadLetterSink(Protocol):
    def write(self, letter: DeadLetter) -> None: ...


class MemoryDeadLetters:
    """Keeps dead letters in a list (tests, small runs)."""

    def __init__(self) -> None:
        self.letters: list[DeadLetter] = []

    def write(self, letter: DeadLetter) -> None:
        self.letters.append(letter)


class DeadLetterWriter:
    """Appends dead letters to an NDJSON file and counts them by kind."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.counts: Counter[str] = Counter()
        path.parent.mkdir(parents=True, exist_ok=True)
        self._handle: IO[bytes] | None = open(path, "ab")  # noqa: SIM115 - closed by close()

    def write(self, letter: DeadLetter) -> None:
        if self._handle is None:
            raise ValueError("dead-letter file is closed")
        line = orjson.dumps(letter.to_dict(), default=repr, option=orjson.OPT_APPEND_NEWLINE)
        self._handle.write(line)
        self.counts[letter.kind] += 1

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def __enter__(self) -> DeadLetterWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def read_dead_letters(path: Path) -> list[dict[str, Any]]:
    """All dead letters of a file (for tests and the replay tooling)."""
    with open(path, "rb") as handle:
        return [orjson.loads(line) for line in handle if line.strip()]
