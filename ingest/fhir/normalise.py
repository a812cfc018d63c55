"""Make resources read from another FHIR server look like the ones this project maps.

The index must be uniform whatever fed it, so on the way in:

- extension URLs of the production API (``https://hl7.org/fhir/R4/researchstudy-definitions
  .html#ResearchStudy.descriptionSummary``, ``https://hl7.org/fhir/5.0/StructureDefinition/
  extension-ResearchStudy.…``) become the IG canonical ones (rulings R4);
- the MedDRA system ``http://terminology.hl7.org/CodeSystem/mdr`` becomes
  ``https://www.meddra.org`` (R14);
- the placeholder ``INDISPONIBLE`` that older resources carry in optional fields is dropped
  with a counted warning (R15), and so is whatever it leaves empty: an element with no content,
  an extension with no value, a narrative with no ``div`` (FHIR forbids empty elements).

Mandatory elements that vanish this way (``status``, ``id``) are judged by the caller.
"""

from __future__ import annotations

from typing import Any, Final

from eclaire_core import ig_constants as ig
from ingest.mapping.codes import MEDDRA_SYSTEM
from ingest.sources.text import warn

PLACEHOLDER: Final = "indisponible"
MEDDRA_ALIASES: Final = frozenset(
    {
        MEDDRA_SYSTEM,
        "https://www.meddra.org/",
        "http://www.meddra.org",
        "http://terminology.hl7.org/CodeSystem/mdr",
    }
)
_R5_EXTENSIONS: Final = {
    url.rsplit(".", 1)[1]: url
    for url in (
        ig.EXT_ASSOCIATED_PARTY_R5,
        ig.EXT_DESCRIPTION_SUMMARY_R5,
        ig.EXT_LABEL_R5,
        ig.EXT_OUTCOME_MEASURE_R5,
    )
}
_R5_PREFIXES: Final = (
    "https://hl7.org/fhir/5.0/StructureDefinition/extension-ResearchStudy.",
    "http://hl7.org/fhir/5.0/StructureDefinition/extension-ResearchStudy.",
    "https://hl7.org/fhir/R4/researchstudy-definitions.html#ResearchStudy.",
    "http://hl7.org/fhir/R4/researchstudy-definitions.html#ResearchStudy.",
)
_EXTENSION_KEYS: Final = frozenset({"extension", "modifierExtension"})
_DROP: Final = object()


def canonical_extension_url(url: str) -> str:
    """The IG canonical URL of a known R5 ResearchStudy extension; any other URL unchanged."""
    for prefix in _R5_PREFIXES:
        if url.startswith(prefix):
            return _R5_EXTENSIONS.get(url[len(prefix) :], url)
    return url


def is_placeholder(value: Any) -> bool:
    return isinstance(value, str) and value.strip().casefold() == PLACEHOLDER


def _has_value(extension: dict[str, Any]) -> bool:
    return "extension" in extension or any(k.startswith("value") for k in extension)


def _map(node: dict[str, Any], path: str, warnings: list[str], is_extension: bool) -> Any:
    out: dict[str, Any] = {}
    for key, value in node.items():
        cleaned = _clean(value, f"{path}.{key}", warnings, key in _EXTENSION_KEYS)
        if cleaned is not _DROP:
            out[key] = cleaned
    if is_extension:
        if not isinstance(out.get("url"), str) or not _has_value(out):
            return _DROP
        out["url"] = canonical_extension_url(out["url"])
    if out.get("system") in MEDDRA_ALIASES:
        out["system"] = MEDDRA_SYSTEM
    if "div" in node and "div" not in out:  # a narrative without its XHTML is not one
        return _DROP
    return out if set(out) - {"id"} else _DROP


def _clean(node: Any, path: str, warnings: list[str], in_extensions: bool = False) -> Any:
    if isinstance(node, str):
        if is_placeholder(node):
            warn(warnings, "indisponible", f"{path}: placeholder {node.strip()!r} dropped")
            return _DROP
        return node
    if isinstance(node, list):
        items = (
            _clean(item, f"{path}[{i}]", warnings, in_extensions) for i, item in enumerate(node)
        )
        kept = [item for item in items if item is not _DROP]
        return kept or _DROP
    if isinstance(node, dict):
        return _map(node, path, warnings, in_extensions)
    return node


def normalise(resource: dict[str, Any], warnings: list[str]) -> dict[str, Any]:
    """A cleaned copy of ``resource`` (the original is left as read, for the dead letters)."""
    label = f"{resource.get('resourceType')}/{resource.get('id')}"
    out: dict[str, Any] = {}
    for key, value in resource.items():
        cleaned = _clean(value, f"{label}.{key}", warnings, key in _EXTENSION_KEYS)
        if cleaned is not _DROP:
            out[key] = cleaned
    return out
