"""Validation of mapped resources, separate from mapping because it costs far more.

Structure and datatypes are checked against the ``fhir.resources`` R4B models
(``fhir.resources.R4B``; the package ships no 4.0.1 models), compiled once into a JSON Schema
that ``jsonschema_rs`` checks in Rust (``fhir_schema.py``, RES-16): the same rules, 20 times
cheaper than building the models' objects. For these four resource types R4B
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

import functools
import xml.parsers.expat as expat
from typing import Any, Final

import jsonschema_rs

from ingest.mapping.fhir_schema import FORMATS, compile_schemas
from ingest.mapping.model import MappedStudy, RecordRejected

_MESSAGE_LIMIT: Final = 300
_XHTML_DIV: Final = "{http://www.w3.org/1999/xhtml}div"


def _fail(resource: dict[str, Any], message: str) -> RecordRejected:
    label = f"{resource.get('resourceType')}/{resource.get('id')}"
    return RecordRejected(f"validation failed: {label}: {message}", "invalid")


@functools.cache
def validators() -> dict[str, jsonschema_rs.Validator]:
    """resourceType → its compiled validator, built once per process (~0.1 s)."""
    return {
        name: jsonschema_rs.validator_for(schema, formats=FORMATS, validate_formats=True)
        for name, schema in compile_schemas().items()
    }


def _schema_message(validator: jsonschema_rs.Validator, resource: dict[str, Any]) -> str:
    """Where and what: ``characteristic.0: 'exclude' is a required property (+1 more)``."""
    errors = list(validator.iter_errors(resource))
    first = errors[0]
    where = ".".join(str(part) for part in first.instance_path) or "(resource)"
    if isinstance(first.kind, jsonschema_rs.ValidationErrorKind.FalseSchema):
        what = "a second value of the same choice element (only one value[x] is allowed)"
    else:
        what = first.message
    if len(what) > _MESSAGE_LIMIT:
        what = what[:_MESSAGE_LIMIT] + "…"
    more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{where}: {what}{more}"


def _root_tag(xml: str) -> str:
    """The root element's ``{namespace}name``, checking the whole text is well-formed XML.

    expat alone, without building the tree ElementTree would (half the cost): the narrative
    holds the whole source record (RES-11)."""
    parser = expat.ParserCreate(namespace_separator="}")
    names: list[str] = []

    def start(name: str, attributes: Any) -> None:
        if not names:
            names.append(name)

    parser.StartElementHandler = start
    parser.Parse(xml, True)
    return "{" + names[0] if "}" in names[0] else names[0]


def _check_narrative(resource: dict[str, Any]) -> None:
    text = resource.get("text")
    if text is None:
        return
    try:
        tag = _root_tag(text["div"])
    except expat.ExpatError as exc:
        raise _fail(resource, f"text.div is not well-formed XHTML: {exc}") from None
    if tag != _XHTML_DIV:
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
    validator = validators().get(resource.get("resourceType", ""))
    if validator is None:
        raise _fail(resource, "unexpected resource type")
    if not validator.is_valid(resource):
        raise _fail(resource, _schema_message(validator, resource))
    _check_narrative(resource)
    _check_profile_rules(resource)


def validate(mapped: MappedStudy) -> None:
    """Validate every resource of a mapped study; the first failure is raised."""
    for resource in mapped.resources():
        validate_resource(resource)
