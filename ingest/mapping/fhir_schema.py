"""A JSON Schema compiled from the ``fhir.resources`` R4B models, checked in Rust (RES-16).

The models validate a resource by building one Python object per element (~140 per study),
which cost 1.4 ms a study, two thirds of the ingest's CPU with every study validated. This
module reads the same models' own metadata once — fields, aliases, element types, required
elements, choice groups (``value[x]``), the primitive types' regular expressions and bounds —
and writes one JSON Schema from it, which ``jsonschema_rs`` checks without any Python object.

The schema says what the models check, and is stricter where they are lax and FHIR is not:
``null`` is refused except as a placeholder in a primitive list, a boolean must be ``true`` or
``false`` (not ``"yes"``), a number a JSON number, and keys the models tolerate outside FHIR
(``fhir_comments``, ``resourceType`` on an element) are refused. Dates, date-times, instants
and times are checked as the models do (their regular expression, then a real calendar date
and time) by the ``fhir-*`` formats below. ``tests/ingest/test_fhir_schema.py`` checks, on
mutated resources, that whatever the models reject is rejected here.
"""

from __future__ import annotations

import datetime
import functools
import re
import types
import typing
from collections.abc import Callable
from typing import Any, Final

from fhir.resources.R4B.group import Group
from fhir.resources.R4B.location import Location
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.researchstudy import ResearchStudy
from fhir_core import types as fhir_types
from pydantic.fields import FieldInfo

RESOURCES: Final = (ResearchStudy, Group, Location, Organization)
"""The resource types this service emits; any other is refused."""

_DATE_PARTS: Final = re.compile(r"(?P<year>\d{4})(-(?P<month>\d{2}))?(-(?P<day>\d{2}))?$")
_LEAP_SECOND: Final = re.compile(r":60(?=(\.[0-9]+)?(Z|[+\-][0-9]{2}:[0-9]{2})?$)")


def _calendar(value: str) -> str:
    """The value with a leap second (``:60``) read as ``:59``, as the models accept it."""
    return _LEAP_SECOND.sub(":59", value)


@functools.lru_cache(maxsize=4096)
def _is_date(value: str) -> bool:
    if not fhir_types.Date.pattern.fullmatch(value):
        return False
    parts = _DATE_PARTS.match(value)
    if parts is not None and not parts["day"]:
        return True  # YYYY or YYYY-MM (the pattern bounds the month)
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


@functools.lru_cache(maxsize=4096)
def _is_date_time(value: str) -> bool:
    if not fhir_types.DateTime.pattern.fullmatch(value):
        return False
    if "T" not in value:
        return _is_date(value)
    try:  # the pattern already requires a time zone with a time
        datetime.datetime.fromisoformat(_calendar(value))
    except ValueError:
        return False
    return True


@functools.lru_cache(maxsize=4096)
def _is_instant(value: str) -> bool:
    return bool(fhir_types.Instant.pattern.fullmatch(value)) and _is_date_time(value)


@functools.lru_cache(maxsize=4096)
def _is_time(value: str) -> bool:
    if not fhir_types.Time.pattern.fullmatch(value):
        return False
    try:
        datetime.time.fromisoformat(_calendar(value))
    except ValueError:
        return False
    return True


# Cached: the same instants recur (every resource of a study carries its document date).
FORMATS: Final[dict[str, Callable[[str], bool]]] = {
    "fhir-date": _is_date,
    "fhir-dateTime": _is_date_time,
    "fhir-instant": _is_instant,
    "fhir-time": _is_time,
}
_TEMPORAL: Final = {
    fhir_types.Instant: "fhir-instant",  # before DateTime, its base class
    fhir_types.DateTime: "fhir-dateTime",
    fhir_types.Date: "fhir-date",
    fhir_types.Time: "fhir-time",
}


def _constraints(marker: Any) -> dict[str, Any]:
    """pattern / minLength / maxLength of a string primitive, from its pydantic metadata."""
    out: dict[str, Any] = {}
    for item in marker:
        name = type(item).__name__
        if name == "MinLen":
            out["minLength"] = item.min_length
        elif name == "MaxLen":
            out["maxLength"] = item.max_length
        elif getattr(item, "pattern", None):
            out["pattern"] = item.pattern
    return out


def _primitive(annotation: Any) -> dict[str, Any]:
    """The schema of a primitive element (``Annotated[str, Code()]``, ``bool``, …)."""
    if annotation is bool:
        return {"type": "boolean"}
    if annotation is str:
        return {"type": "string"}
    base, *metadata = typing.get_args(annotation)
    for marker in metadata:
        for kind, name in _TEMPORAL.items():
            if type(marker) is kind:
                return {"type": "string", "format": name}
        if isinstance(marker, fhir_types.Decimal):
            return {"type": "number"}
        if isinstance(marker, fhir_types.Integer | fhir_types.Integer64):
            return {
                "type": "integer",
                "minimum": marker.min_length,
                "maximum": marker.max_length,
            }
        if isinstance(marker, fhir_types.Base64Binary):
            return {"type": "string", "pattern": marker.regex}
        if isinstance(marker, fhir_types.Url | fhir_types.Xhtml):
            return {"type": "string"}
        if type(marker).__name__ == "UuidVersion":
            return {"type": "string", "format": "uuid"}
        if isinstance(marker, fhir_types.PatternConstraint):
            return {"type": "string", "pattern": marker.pattern.pattern}
        if isinstance(marker, fhir_types.String | fhir_types.Code | fhir_types.Id):
            return {"type": "string", **_constraints(marker)}
    raise TypeError(f"no schema for the primitive {annotation!r} ({base!r})")


def _non_null(annotation: Any) -> list[Any]:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return [a for a in typing.get_args(annotation) if a is not type(None)]
    return [annotation]


class _Compiler:
    def __init__(self) -> None:
        self.defs: dict[str, dict[str, Any]] = {}

    def ref(self, model: type[Any]) -> dict[str, Any]:
        name = model.__name__
        if name not in self.defs:
            self.defs[name] = {}  # reserved first: element types refer to themselves
            self.defs[name] = self.element(model)
        return {"$ref": f"#/$defs/{name}"}

    def value(self, annotation: Any) -> dict[str, Any]:
        """One field's schema: a list (never empty of meaning: complex items are never null)."""
        (kind,) = _non_null(annotation)
        if typing.get_origin(kind) is list:
            (item,) = typing.get_args(kind)
            options = _non_null(item)
            nullable = len(options) < len(typing.get_args(item) or (item,))
            schema = self.single(options[0])
            if nullable:  # a primitive list's placeholder, lined up with its ``_field``
                schema = {"anyOf": [schema, {"type": "null"}]}
            return {"type": "array", "items": schema}
        return self.single(kind)

    def single(self, kind: Any) -> dict[str, Any]:
        if getattr(kind, "__name__", "") == "ResourceType":
            return {"anyOf": [self.ref(model) for model in RESOURCES]}
        if hasattr(kind, "get_model_klass"):
            return self.ref(kind.get_model_klass())
        return _primitive(kind)

    def element(self, model: type[Any]) -> dict[str, Any]:
        fields: dict[str, FieldInfo] = model.model_fields
        properties: dict[str, Any] = {}
        required: list[str] = []
        for name, field in fields.items():
            if name == "fhir_comments":
                continue
            key = field.alias or name
            properties[key] = self.value(field.annotation)
            if field.is_required():
                required.append(key)
        schema: dict[str, Any] = {
            "type": "object",
            "properties": properties,
            "additionalProperties": False,
        }
        if model in RESOURCES:
            properties["resourceType"] = {"const": model.__resource_type__}
            required.append("resourceType")
        if required:
            schema["required"] = required
        rules = self.primitive_required(model, fields) + self.choices(model)
        if rules:
            schema["allOf"] = rules
        return schema

    @staticmethod
    def primitive_required(model: type[Any], fields: dict[str, FieldInfo]) -> list[Any]:
        """A required primitive may be absent when its ``_field`` carries an extension."""
        rules: list[Any] = []
        for name, ext in model.get_required_fields(None):
            key = fields[name].alias or name
            if ext is None:
                rules.append({"required": [key]})
                continue
            ext_key = fields[ext].alias or ext
            # Neither: "'key' is a required property"; only ``_key``: it must hold extensions.
            rules.append({"if": {"not": {"required": [ext_key]}}, "then": {"required": [key]}})
            with_extension = {
                "required": ["extension"],
                "properties": {"extension": {"minItems": 1}},
            }
            rules.append(
                {
                    "if": {"not": {"required": [key]}},
                    "then": {"properties": {ext_key: with_extension}},
                }
            )
        return rules

    @staticmethod
    def choices(model: type[Any]) -> list[Any]:
        """``value[x]``: at most one of the group, and one when the element is required."""
        rules: list[Any] = []
        for group in model.get_one_of_many_fields(None).values():
            rules.append(
                {
                    "dependentSchemas": {
                        choice: {"properties": {other: False for other in group if other != choice}}
                        for choice in group
                    }
                }
            )
            field = model.model_fields[group[0]]
            extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
            if extra.get("one_of_many_required") is True:
                # None of them: "'value[x]' is a required property", in FHIR's own words.
                rules.append(
                    {
                        "if": {"not": {"anyOf": [{"required": [choice]} for choice in group]}},
                        "then": {"required": [f"{extra['one_of_many']}[x]"]},
                    }
                )
        return rules


def compile_schemas() -> dict[str, dict[str, Any]]:
    """resourceType → the JSON Schema of that resource (all four share one set of ``$defs``)."""
    compiler = _Compiler()
    refs = {model.__resource_type__: compiler.ref(model) for model in RESOURCES}
    return {
        name: {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$defs": compiler.defs,
            **ref,
        }
        for name, ref in refs.items()
    }
