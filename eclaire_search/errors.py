"""The exception tree and the one place that turns problems into OperationOutcome JSON.

Each exception carries its HTTP status and FHIR issue code, so handlers raise and never build
error bodies themselves. Warnings about a search that still succeeded (an unknown parameter, a
capped ``_count``) use :func:`operation_outcome` too, inside the Bundle.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from eclaire_search.narrative import generated


@dataclass(frozen=True)
class Issue:
    severity: str  # fatal | error | warning | information
    code: str  # FHIR issue type: invalid, not-found, not-supported, transient, ...
    diagnostics: str
    expression: str | None = None  # the search parameter at fault, when there is one

    def as_fhir(self) -> dict[str, Any]:
        issue: dict[str, Any] = {
            "severity": self.severity,
            "code": self.code,
            "diagnostics": self.diagnostics,
        }
        if self.expression:
            issue["expression"] = [self.expression]
        return issue


def operation_outcome(issues: list[Issue], request_id: str | None = None) -> dict[str, Any]:
    """``request_id`` becomes the resource id: the client quotes it, the log line has it.
    The narrative lists the issues (dom-6)."""
    outcome: dict[str, Any] = {"resourceType": "OperationOutcome"}
    if request_id:
        outcome["id"] = request_id
    outcome["text"] = generated(
        "Operation outcome",
        [(f"{i.severity} ({i.code})", i.diagnostics) for i in issues],
    )
    outcome["issue"] = [i.as_fhir() for i in issues]
    return outcome


class FHIRError(Exception):
    """Base of every error the API answers; subclasses fix the status and issue code."""

    status_code: ClassVar[int] = 500
    issue_code: ClassVar[str] = "exception"

    def __init__(
        self, diagnostics: str, *, parameter: str | None = None, detail: str | None = None
    ) -> None:
        super().__init__(diagnostics)
        self.diagnostics = diagnostics
        self.parameter = parameter
        self.detail = detail  # for the log only (engine texts), never sent to the client

    @property
    def headers(self) -> dict[str, str]:
        return {}

    def outcome(self, request_id: str | None = None) -> dict[str, Any]:
        return operation_outcome(
            [Issue("error", self.issue_code, self.diagnostics, self.parameter)], request_id
        )


class InvalidSearch(FHIRError):
    """A malformed parameter value, modifier or prefix: the client's mistake."""

    status_code = 400
    issue_code = "invalid"


class NotSupported(FHIRError):
    """Something FHIR allows but this server does not offer (e.g. searching Location)."""

    status_code = 400
    issue_code = "not-supported"


class HostNotAllowed(FHIRError):
    """The Host (or a trusted proxy's X-Forwarded-Host) is not one links may be built from."""

    status_code = 400
    issue_code = "invalid"


class Forbidden(FHIRError):
    """An endpoint reserved to configured addresses (``/metrics``)."""

    status_code = 403
    issue_code = "forbidden"


class ResourceNotFound(FHIRError):
    status_code = 404
    issue_code = "not-found"


class MethodNotAllowed(FHIRError):
    status_code = 405
    issue_code = "not-supported"

    def __init__(self, diagnostics: str, *, allow: str = "GET, HEAD") -> None:
        super().__init__(diagnostics)
        self.allow = allow

    @property
    def headers(self) -> dict[str, str]:
        return {"Allow": self.allow}


class NotAcceptable(FHIRError):
    status_code = 406
    issue_code = "not-supported"


class UnsupportedMediaType(FHIRError):
    """A POST _search body that is not a form (FHIR search posts form parameters only)."""

    status_code = 415
    issue_code = "not-supported"


class CursorExpired(FHIRError):
    """A paging cursor whose point-in-time has gone: the client must start again."""

    status_code = 410
    issue_code = "expired"


class PayloadTooLarge(FHIRError):
    status_code = 413
    issue_code = "too-costly"


class URITooLong(FHIRError):
    status_code = 414
    issue_code = "too-costly"


class TooManyRequests(FHIRError):
    """The client passed its request budget (per address, configurable)."""

    status_code = 429
    issue_code = "throttled"

    def __init__(self, diagnostics: str, *, retry_after: int) -> None:
        super().__init__(diagnostics)
        self.retry_after = retry_after

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


class BackendUnavailable(FHIRError):
    """OpenSearch cannot be reached or timed out; transient, the client may retry."""

    status_code = 503
    issue_code = "transient"

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": "5"}


class BackendError(FHIRError):
    """OpenSearch answered with an error we did not expect: our bug, not the client's."""

    status_code = 500
    issue_code = "exception"


class InternalError(FHIRError):
    """A bug: the client gets this generic text and the request id, the log the traceback."""

    status_code = 500
    issue_code = "exception"


class MalformedRequest(FHIRError):
    """Not HTTP the server can read (headers too large, bad syntax): answered by the server."""

    status_code = 400
    issue_code = "invalid"


class ServerBusy(FHIRError):
    """Too many requests in progress in this process (``limit_concurrency``)."""

    status_code = 503
    issue_code = "transient"

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": "1"}
