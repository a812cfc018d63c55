"""FHIR JSON responses (orjson, ``application/fhir+json; charset=utf-8``)."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.responses import Response

from eclaire_search.errors import FHIRError

FHIR_JSON = "application/fhir+json; charset=utf-8"


def error_response(error: FHIRError) -> FHIRResponse:
    """The one way an error leaves the app: its OperationOutcome, status and headers."""
    return FHIRResponse(error.outcome(), status_code=error.status_code, headers=error.headers)


class FHIRResponse(Response):
    media_type = FHIR_JSON

    def __init__(
        self,
        content: Any,
        status_code: int = 200,
        *,
        pretty: bool = False,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.pretty = pretty
        super().__init__(content, status_code=status_code, headers=headers)

    def render(self, content: Any) -> bytes:
        if self.pretty:  # stored fragments are spliced as they are: re-read them to indent
            return orjson.dumps(orjson.loads(orjson.dumps(content)), option=orjson.OPT_INDENT_2)
        return orjson.dumps(content)
