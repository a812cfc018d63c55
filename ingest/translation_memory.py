"""Translation memory in OpenSearch: every text is paid for once.

Why an index and not a file: the nightly job may run on any host sharing the cluster, and the
memory must survive index rebuilds, so it lives beside the study indices under a name of its
own (``ECLAIRE_TRANSLATION_MEMORY_INDEX``, outside the ``<alias>-*`` pattern that loads clean
up). A document's id is a hash of the source text, the language pair, the glossary and the
text kind (plain or HTML), so a change of any of them is a new entry, never a wrong reuse.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, Final

from opensearchpy import OpenSearch, helpers

MGET_CHUNK: Final = 1000

MEMORY_INDEX_BODY: Final[dict[str, Any]] = {
    "settings": {"index": {"number_of_shards": 1, "number_of_replicas": 0}},
    "mappings": {
        "dynamic": "strict",
        "properties": {
            "source_lang": {"type": "keyword"},
            "target_lang": {"type": "keyword"},
            "glossary": {"type": "keyword"},
            "kind": {"type": "keyword"},
            "characters": {"type": "integer"},
            "created": {"type": "date"},
            "source": {"type": "text", "index": False},
            "translation": {"type": "text", "index": False},
        },
    },
}


class TranslationMemory:
    """Look up and store translations for one language pair, glossary and kind of text."""

    def __init__(
        self,
        client: OpenSearch,
        index: str,
        *,
        source_lang: str,
        target_lang: str,
        glossary: str | None,
        replicas: int = 0,
    ) -> None:
        self.client = client
        self.replicas = replicas
        self.index = index
        self.source_lang = source_lang
        self.target_lang = target_lang
        self.glossary = glossary or ""
        self._ready = False

    def key(self, text: str, kind: str) -> str:
        """The entry id: sha256 of language pair, glossary, kind and text."""
        head = f"{self.source_lang}>{self.target_lang}|{self.glossary}|{kind}\n"
        return hashlib.sha256((head + text).encode("utf-8")).hexdigest()

    def ensure(self) -> None:
        """Create the index on first use (two runs racing: the loser's 400 is fine)."""
        if self._ready:
            return
        if not self.client.indices.exists(index=self.index):
            body = copy.deepcopy(MEMORY_INDEX_BODY)
            body["settings"]["index"]["number_of_replicas"] = self.replicas  # as the studies
            self.client.indices.create(index=self.index, body=body, ignore=400)
        self._ready = True

    def lookup(self, keys: Iterable[str]) -> dict[str, str]:
        """Known translations of ``keys`` (missing keys are absent from the answer)."""
        self.ensure()
        wanted = list(dict.fromkeys(keys))
        found: dict[str, str] = {}
        for start in range(0, len(wanted), MGET_CHUNK):
            chunk = wanted[start : start + MGET_CHUNK]
            answer = self.client.mget(
                index=self.index, body={"ids": chunk}, params={"_source": "translation"}
            )
            for doc in answer["docs"]:
                if doc.get("found"):
                    found[doc["_id"]] = doc["_source"]["translation"]
        return found

    def store(self, entries: Mapping[str, tuple[str, str, str]]) -> None:
        """Save ``{key: (kind, source, translation)}``; a real-time ``mget`` sees it at once."""
        if not entries:
            return
        self.ensure()
        created = datetime.now(UTC).isoformat(timespec="seconds")
        actions: list[dict[str, Any]] = [
            {
                "_op_type": "index",
                "_index": self.index,
                "_id": key,
                "_source": {
                    "source_lang": self.source_lang,
                    "target_lang": self.target_lang,
                    "glossary": self.glossary,
                    "kind": kind,
                    "characters": len(source),
                    "created": created,
                    "source": source,
                    "translation": translation,
                },
            }
            for key, (kind, source, translation) in entries.items()
        ]
        helpers.bulk(self.client, actions, max_retries=3)  # mget is real-time: no refresh
