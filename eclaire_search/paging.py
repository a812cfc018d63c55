"""Opaque, signed paging cursors: search_after values + point-in-time id + direction.

A cursor is tied to the search it came from (a fingerprint of its parameters) and signed, so
a forged or edited cursor is a 400, never a 500; an expired point-in-time is a 410.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

import orjson

from eclaire_search.errors import InvalidSearch


@dataclass(frozen=True)
class Cursor:
    after: list[Any]
    pit_id: str | None
    backwards: bool  # True for a `previous` link: walk the sort in reverse from `after`
    page: int  # 0-based page number, for the `previous` link on page 1 → first


def fingerprint(used: tuple[tuple[str, str], ...]) -> str:
    canonical = "&".join(f"{k}={v}" for k, v in sorted(used))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


class CursorCodec:
    def __init__(self, secret: bytes) -> None:
        self.secret = secret

    def _sign(self, payload: bytes) -> str:
        return hmac.new(self.secret, payload, hashlib.sha256).hexdigest()[:32]

    def encode(self, cursor: Cursor, used: tuple[tuple[str, str], ...]) -> str:
        payload = orjson.dumps(
            {
                "a": cursor.after,
                "p": cursor.pit_id,
                "b": cursor.backwards,
                "n": cursor.page,
                "f": fingerprint(used),
            }
        )
        token = base64.urlsafe_b64encode(payload).decode().rstrip("=")
        return f"{token}.{self._sign(payload)}"

    def decode(self, text: str, used: tuple[tuple[str, str], ...]) -> Cursor:
        invalid = InvalidSearch(
            "_cursor: not a cursor this server issued for this search", parameter="_cursor"
        )
        token, _, signature = text.partition(".")
        try:
            payload = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        except (ValueError, TypeError):
            raise invalid from None
        if not hmac.compare_digest(self._sign(payload), signature):
            raise invalid
        data = orjson.loads(payload)
        if data.get("f") != fingerprint(used):
            raise invalid
        return Cursor(after=data["a"], pit_id=data["p"], backwards=data["b"], page=data["n"])
