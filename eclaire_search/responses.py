"""FHIR JSON responses (orjson, ``application/fhir+json; charset=utf-8``)."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.responses import Response

from eclaire_search import requestctx
from eclaire_search.errors import FHIRError

FHIR_JSON = "application/fhir+json; charset=utf-8"


def error_response(error: FHIRError) -> FHIRResponse:
    """The one way an error leaves the app: its OperationOutcome (stamped with the request id),
    status and headers; never stored by a cache."""
    headers = {**error.headers, "Cache-Control": "no-store"}
    if rid := requestctx.request_id():
        headers["X-Request-Id"] = rid
    return FHIRResponse(
        error.outcome(requestctx.request_id()), status_code=error.status_code, headers=headers
    )


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
