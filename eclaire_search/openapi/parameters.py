"""OpenAPI Parameter Objects generated from the search-parameter table.

Names, types, modifiers, prefixes, closed code lists and descriptions all come from
``searchparams``; the only thing written here is an example per parameter (the table has no
example column), and a test parses every example against the table so none can drift.
"""

from __future__ import annotations

from typing import Any

from eclaire_search.facets import FACETS, MAX_FACET_SIZE
from eclaire_search.search_request import FORMATS_JSON, FORMATS_XML, SUMMARY_VALUES, TOTAL_VALUES
from eclaire_search.searchparams import (
    BY_NAME,
    INCLUDES,
    RESULT_PARAMS,
    SEARCH_PARAMS,
    SORT_FIELDS,
    ParamType,
    SearchParam,
)

Json = dict[str, Any]

# (value, summary) pairs; the first one is what the docs page pre-fills.
EXAMPLES: dict[str, tuple[tuple[str, str], ...]] = {
    "_id": (
        ("2021-A01861-40", "one study (ID-RCB)"),
        ("2021-A01861-40,2022-500014-26-00", "any of two studies"),
    ),
    "identifier": (
        ("2022-500014-26-00", "EU CT number"),
        ("https://clinicaltrials.gov|NCT09990000", "NCT number with its system"),
    ),
    "status": (
        ("active", "in progress"),
        ("approved,active", "about to start or in progress"),
        ("http://hl7.org/fhir/research-study-status|completed", "with the code system"),
    ),
    "_lastUpdated": (
        ("ge2022-11-06T15:00", "changed since 6 Nov 2022 15:00 (Paris time)"),
        ("2024", "changed during 2024"),
    ),
    "_text": (
        ("sommeil", "a word in title or labels"),
        ('"cancer du sein" OR mélanome', "a phrase or another word"),
    ),
    "_content": (
        ("insomnie", "a word in summary, conditions or criteria"),
        ("sommeil -enfant", "with one word excluded"),
    ),
    "title": (("Évaluation", "title starts with"),),
    "therapeutic-area": (("Cardiologie", "therapeutic area starts with"),),
    "near": (
        ("45.76|4.83|30|km", "a site within 30 km of Lyon"),
        ("48.85|2.35|5000|m", "a site within 5 km of central Paris"),
    ),
    "category": (
        ("JARDE", "research involving people (loi Jardé)"),
        ("REG536", "clinical trial of a medicinal product (CTIS)"),
        ("cat2-jarde", "a regulation precision"),
    ),
    "phase": (
        ("phase-3", "HL7 phase code"),
        ("phase-III", "ECLAIRE source phase code"),
    ),
    "recruitment-status": (
        ("recruiting", "recruitment open"),
        ("upcoming,recruiting", "open or about to open"),
    ),
    "condition": (("https://www.meddra.org|10090001", "MedDRA code"),),
    "location": (("FR", "France"),),
    "site-city": (
        ("Saint-Étienne", "a city (accents and hyphens ignored)"),
        ("lyon", "lower case works"),
    ),
    "site-postal-code": (
        ("75", "Paris (a département)"),
        ("69002", "one postal code"),
    ),
    "age": (("30", "admits 30-year-olds"),),
    "gender": (("female", "admits women"),),
    "sponsor-name": (("Laboratoire", "sponsor name starts with"),),
    "recruitment-date": (
        ("ge2024-01-01", "recruiting on or after 1 Jan 2024"),
        ("2023", "recruitment period within 2023"),
    ),
}
MODIFIER_EXAMPLES: dict[str, tuple[str, str]] = {
    "title:contains": ("cardiaque", "title contains"),
    "title:exact": ("Évaluation du sommeil à l'hôpital", "whole title"),
    "site-city:exact": ("Lyon", "whole city name"),
    "site-city:contains": ("tienne", "city name contains"),
    "site-postal-code:exact": ("42270", "whole postal code"),
    "sponsor-name:exact": ("Laboratoire Fictif SA", "whole sponsor name"),
    "sponsor-name:contains": ("Fictif", "sponsor name contains"),
    "therapeutic-area:exact": ("Neurologie", "whole therapeutic area"),
    "therapeutic-area:contains": ("Neoplasms", "therapeutic area contains"),
    "condition:text": ("cancer", "words in the condition texts"),
}
MODIFIER_MEANING = {
    "not": "none of the given codes (a study without the element matches)",
    "exact": "the whole value, exactly",
    "contains": "the value anywhere (case and accents ignored)",
    "text": "full text on the coded element's text",
}


def component_key(name: str) -> str:
    """Component names allow [A-Za-z0-9._-] only: ``status:not`` becomes ``status.not``."""
    return name.replace(":", ".")


def examples_for(name: str) -> tuple[tuple[str, str], ...]:
    if name in MODIFIER_EXAMPLES:
        return (MODIFIER_EXAMPLES[name],)
    base, _, modifier = name.partition(":")
    found = EXAMPLES.get(BY_NAME[base].name if base in BY_NAME else base, ())  # aliases too
    if modifier == "not":
        return tuple((value, f"anything but: {summary}") for value, summary in found[:1])
    return found


def _example_map(name: str, as_array: bool) -> Json:
    return {
        f"e{i}": {"summary": summary, "value": [value] if as_array else value}
        for i, (value, summary) in enumerate(examples_for(name), start=1)
    }


def describe(param: SearchParam, modifier: str | None = None) -> str:
    """The table's description, then the facts a client needs, all read from the row."""
    lines = [param.description]
    if modifier:
        lines = [f"`{param.name}:{modifier}`: {MODIFIER_MEANING[modifier]}. {param.description}"]
    lines.append(f"FHIR type `{param.fhir_type}`, expression `{param.expression}`.")
    if param.codes:
        lines.append("Codes: " + ", ".join(f"`{c}`" for c in param.codes) + ".")
    if param.systems:
        lines.append("Systems: " + ", ".join(f"`{s}`" for s in sorted(param.systems)) + ".")
    if param.type is ParamType.TOKEN and modifier != "text":
        lines.append("Comma-separated values match any of them; repeat the parameter for all.")
    if param.prefixes and param.type is not ParamType.TEXT:
        lines.append("Prefixes: " + ", ".join(sorted(param.prefixes)) + ".")
    if param.modifiers and modifier is None:
        lines.append("Modifiers: " + ", ".join(f":{m}" for m in sorted(param.modifiers)) + ".")
    if param.definition:
        lines.append(f"Definition: {param.definition}")
    return "\n\n".join(lines)


def search_names() -> list[tuple[str, SearchParam, str | None]]:
    """Every query name the table accepts: names, aliases and name:modifier forms."""
    found: list[tuple[str, SearchParam, str | None]] = []
    for param in SEARCH_PARAMS:
        for name in (param.name, *param.aliases):
            found.append((name, param, None))
            found.extend((f"{name}:{m}", param, m) for m in sorted(param.modifiers))
    return found


def value_schema(param: SearchParam) -> Json:
    """Dates repeat to make a range (ge… and le…), so they are arrays; the rest are strings."""
    if param.type is ParamType.DATE:
        return {"type": "array", "items": {"type": "string"}}
    return {"type": "string"}


def search_parameter(name: str, param: SearchParam, modifier: str | None) -> Json:
    schema = value_schema(param)
    as_array = schema["type"] == "array"
    parameter: Json = {
        "name": name,
        "in": "query",
        "required": False,
        "description": describe(param, modifier),
        "schema": schema,
        "x-fhir-type": param.fhir_type,
    }
    if as_array:
        parameter.update(style="form", explode=True)
    examples = _example_map(name, as_array)
    if examples:
        parameter["examples"] = examples
    return parameter


def _enum(values: tuple[str, ...] | list[str]) -> Json:
    return {"type": "string", "enum": list(values)}


def result_schemas() -> dict[str, Json]:
    """Value schemas of the result parameters; the descriptions are RESULT_PARAMS'."""
    descending = [f"-{name}" for name in SORT_FIELDS if name != "_score"]
    return {
        "_count": {"type": "integer", "minimum": 0, "examples": [20]},
        "_sort": {"type": "string", "examples": [",".join(descending[:2]), "title"]},
        "_include": {"type": "array", "items": _enum(["*", *INCLUDES])},
        "_summary": _enum(SUMMARY_VALUES),
        "_elements": {"type": "string", "examples": ["id,title,status"]},
        "_total": _enum(TOTAL_VALUES),
        "_format": _enum([*FORMATS_JSON, *FORMATS_XML]),
        "_pretty": _enum(("true", "false")),
        "_cursor": {"type": "string"},
        "_getpagesoffset": {"type": "integer", "minimum": 0, "maximum": 9999},
    }


def result_parameter(name: str) -> Json:
    schema = result_schemas()[name]
    parameter: Json = {
        "name": name,
        "in": "query",
        "required": False,
        "description": RESULT_PARAMS[name],
        "schema": schema,
    }
    if schema.get("type") == "array":
        parameter.update(style="form", explode=True)
    return parameter


def facet_parameters() -> list[Json]:
    names = sorted(FACETS)
    return [
        {
            "name": "fields",
            "in": "query",
            "required": True,
            "description": "Comma list of facet names: " + ", ".join(names) + ".",
            "schema": {"type": "string"},
            "examples": {
                "e1": {"summary": "two facets", "value": "status,category"},
                "e2": {"summary": "every facet", "value": ",".join(names)},
            },
        },
        {
            "name": "size",
            "in": "query",
            "required": False,
            "description": f"Values per facet, 1 to {MAX_FACET_SIZE} (default 50).",
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_FACET_SIZE},
        },
    ]


def parameter_components() -> dict[str, Json]:
    """Every search and result parameter, keyed for ``#/components/parameters/…``."""
    components = {
        component_key(name): search_parameter(name, param, modifier)
        for name, param, modifier in search_names()
    }
    components.update({component_key(name): result_parameter(name) for name in RESULT_PARAMS})
    for parameter in facet_parameters():
        components[f"facet.{parameter['name']}"] = parameter
    return components


def refs(names: list[str]) -> list[Json]:
    return [{"$ref": f"#/components/parameters/{component_key(n)}"} for n in names]


def search_refs(*, results: tuple[str, ...] = tuple(RESULT_PARAMS)) -> list[Json]:
    return refs([name for name, _, _ in search_names()] + list(results))


def form_body_schema() -> Json:
    """The POST _search form: the same names as the query string, values as strings."""
    properties: dict[str, Json] = {}
    for name, param, modifier in search_names():
        properties[name] = {"description": describe(param, modifier), **value_schema(param)}
    for name in RESULT_PARAMS:
        properties[name] = {"description": RESULT_PARAMS[name], **result_schemas()[name]}
    return {"type": "object", "properties": properties, "additionalProperties": True}
