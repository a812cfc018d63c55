"""The DeepL service behind the :class:`~ingest.translation.Translator` protocol.

The official ``deepl`` client does the HTTP work, including its own exponential backoff on
429 and 5xx answers (up to ``deepl.http_client.max_network_retries`` retries). What it cannot
decide is what a failure means for an ingest run: here every way the service stops answering
(quota exhausted — HTTP 456 —, a bad key, throttling or an outage that outlasted the retries)
becomes :class:`TranslationUnavailable`, and the run goes on with the texts untranslated.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import deepl

from ingest.translation import TranslationUnavailable

MAX_TEXTS_PER_REQUEST: Final = 50
"""DeepL accepts up to 50 texts in one ``/v2/translate`` request."""
MAX_CHARACTERS_PER_REQUEST: Final = 30_000
"""Keeps a request body well under DeepL's 128 KiB limit."""
FORMALITY: Final = "prefer_more"  # as the reference: formal French ("vous")


class DeepLTranslator:
    """Translate English texts into French with DeepL (source language fixed: CTIS is EN)."""

    def __init__(
        self, auth_key: str, *, server_url: str | None = None, glossary_id: str | None = None
    ) -> None:
        self._client = deepl.Translator(
            auth_key, server_url=server_url, send_platform_info=False
        ).set_app_info("eclaire-search", "0.1.0")
        self.glossary_id = glossary_id
        self.requests = 0
        self.billed_characters = 0

    def translate(
        self, texts: Sequence[str], target: str = "fr", *, html: bool = False
    ) -> list[str]:
        """One request; ``html`` lets DeepL keep tags such as ``<br>`` in place."""
        self.requests += 1
        try:
            results = self._client.translate_text(
                list(texts),
                source_lang="EN",
                target_lang=target.upper(),
                formality=FORMALITY,
                glossary=self.glossary_id,
                tag_handling="html" if html else None,
            )
        except deepl.QuotaExceededException as exc:
            raise TranslationUnavailable("quota-exhausted", str(exc)) from exc
        except deepl.AuthorizationException as exc:
            raise TranslationUnavailable("authorization-failed", str(exc)) from exc
        except deepl.TooManyRequestsException as exc:
            raise TranslationUnavailable("too-many-requests", str(exc)) from exc
        except deepl.DeepLException as exc:
            raise TranslationUnavailable("service-error", str(exc)) from exc
        out = results if isinstance(results, list) else [results]
        self.billed_characters += sum(r.billed_characters or 0 for r in out)
        return [r.text for r in out]

    def close(self) -> None:
        self._client.close()
