"""Short generated narratives for the resources the API itself builds.

FHIR asks every DomainResource for a human-readable ``text`` (dom-6); the HL7 validator warns
on CapabilityStatement, SearchParameter and OperationOutcome without one. Values are escaped:
diagnostics may quote what a client typed.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

XHTML = "http://www.w3.org/1999/xhtml"


def generated(title: str, rows: Iterable[tuple[str, str]] = ()) -> dict[str, str]:
    """``text`` with a heading and one ``label: value`` line per row."""
    items = "".join(f"<li>{escape(label)}: {escape(value)}</li>" for label, value in rows)
    body = f"<p>{escape(title)}</p>" + (f"<ul>{items}</ul>" if items else "")
    return {"status": "generated", "div": f'<div xmlns="{XHTML}">{body}</div>'}
