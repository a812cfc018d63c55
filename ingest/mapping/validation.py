"""Validation of mapped resources, separate from mapping because it costs far more.

Structure and datatypes are checked with the ``fhir.resources`` R4B models
(``fhir.resources.R4B``); the package ships no 4.0.1 models. For these four resource types R4B
(4.3.0) is the same as R4 (4.0.1): ResearchStudy, Group (and its characteristic), Location and
Organization have the same elements, cardinalities and types, and so do the datatypes used here
(Identifier, Reference, CodeableConcept, Coding, ContactDetail, ContactPoint, HumanName,
Address, Period, Range, Quantity, Meta, Narrative). The only R4B change that touches them is
``Extension.value[x]``: it admits the new CodeableReference and RatioRange types and no longer
Meta. This mapping emits none of the three, so an R4B-valid resource built here is R4-valid.

``fhir.resources`` does not parse the narrative's XHTML nor know the IG profiles, so this module
adds those checks: a well-formed ``<div>`` in the XHTML namespace, ``meta.profile`` present,
and the profile constraints a mapping bug could break (identifier ``use``, no ``sponsor``).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any, Final

from fhir.resources.R4B.group import Group
from fhir.resources.R4B.location import Location
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.researchstudy import ResearchStudy
from pydantic import ValidationError

from ingest.mapping.model import MappedStudy, RecordRejected

_MODELS: Final[dict[str, Any]] = {
    "ResearchStudy": ResearchStudy,
    "Group": Group,
    "Location": Location,
    "Organization": Organization,
}
_XHTML_DIV: Final = "{http://www.w3.org/1999/xhtml}div"


def _fail(resource: dict[str, Any], message: str) -> RecordRejected:
    label = f"{resource.get('resourceType')}/{resource.get('id')}"
    return RecordRejected(f"validation failed: {label}: {message}", "invalid")


def _pydantic_message(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    more = f" (+{error.error_count() - 1} more)" if error.error_count() > 1 else ""
    return f"{where}: {first['msg']}{more}"


def _check_narrative(resource: dict[str, Any]) -> None:
    text = resource.get("text")
    if text is None:
        return
    try:
        root = ET.fromstring(text["div"])
    except ET.ParseError as exc:
        raise _fail(resource, f"text.div is not well-formed XHTML: {exc}") from None
    if root.tag != _XHTML_DIV:
        raise _fail(resource, "text.div is not an XHTML <div>")


def _check_profile_rules(resource: dict[str, Any]) -> None:
    if not resource.get("meta", {}).get("profile"):
        raise _fail(resource, "meta.profile missing")
    if resource["resourceType"] == "ResearchStudy":
        if "sponsor" in resource or "principalInvestigator" in resource:
            raise _fail(resource, "sponsor/principalInvestigator are excluded by the profile")
        if any("use" not in ident for ident in resource.get("identifier", [])):
            raise _fail(resource, "identifier without use (the profile slices on use)")


def validate_resource(resource: dict[str, Any]) -> None:
    """Raise RecordRejected if ``resource`` is not a valid R4 resource of its profile."""
    model = _MODELS.get(resource.get("resourceType", ""))
    if model is None:
        raise _fail(resource, "unexpected resource type")
    try:
        model.model_validate(resource)
    except ValidationError as exc:
        raise _fail(resource, _pydantic_message(exc)) from None
    _check_narrative(resource)
    _check_profile_rules(resource)


def validate(mapped: MappedStudy) -> None:
    """Validate every resource of a mapped study; the first failure is raised."""
    for resource in mapped.resources():
        validate_resource(resource)
