"""Make resources read from another FHIR server look like the ones this project maps.

The index must be uniform whatever fed it, so on the way in:

- extension URLs of the production API (``https://hl7.org/fhir/R4/researchstudy-definitions
  .html#ResearchStudy.descriptionSummary``, ``https://hl7.org/fhir/5.0/StructureDefinition/
  extension-ResearchStudy.…``) become the IG canonical ones (RES-4);
- the MedDRA system ``http://terminology.hl7.org/CodeSystem/mdr`` becomes
  ``https://www.meddra.org`` (RES-14); a coding of an IG CodeSystem served with an older IG
  version (0.1.0, 0.2.0, 0.3.0) gets the package's (RES-5), and strings lose the leading and
  trailing whitespace FHIR forbids;
- the placeholders ``INDISPONIBLE`` and ``Donnée(s) non disponible(s)`` that the production API
  carries in optional fields are dropped with a counted warning (RES-15), and so is whatever they
  leave empty: an element with no content, an extension with no value, a narrative with no
  ``div`` (FHIR forbids empty elements);
- an extension served without ``url`` (2023 contacts: the name, address and affiliation) gets
  the IG URL its place and value type fix (:func:`ingest.fhir.placement.place`), else it is
  dropped with a warning.

Mandatory elements that vanish this way (``status``, ``id``) are judged by the caller.
"""

from __future__ import annotations

from typing import Any, Final

from eclaire_core import ig_constants as ig
from ingest.fhir.placement import place
from ingest.mapping.codes import MEDDRA_SYSTEM
from ingest.sources.text import fold, warn

PLACEHOLDERS: Final = frozenset(
    {"indisponible", "donnee non disponible", "donnees non disponible", "donnees non disponibles"}
)
"""Folded (:func:`fold`) forms of the production API's "no value" strings."""
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
_QUALIFIERS: Final = frozenset({"id", "use", "type", "system", "version", "rank"})
"""Keys that only qualify a value: an element left with nothing else after a drop is empty
(a HumanName ``{"use": "official"}``, a ContactPoint without ``value``)."""
_DROP: Final = object()
_IG_SYSTEMS: Final = {url: cs for cs, url in ig.CODE_SYSTEMS.items()}
"""IG CodeSystem URL → its id: a coding of a known code is versioned with the IG package."""
_HL7_VERSIONS: Final = {"http://terminology.hl7.org/CodeSystem/research-study-phase": "1.0.0"}
"""HL7 CodeSystems whose version the production API misstated (4.0.1 is FHIR's, not theirs)."""


def canonical_extension_url(url: str) -> str:
    """The IG canonical URL of a known R5 ResearchStudy extension; any other URL unchanged."""
    for prefix in _R5_PREFIXES:
        if url.startswith(prefix):
            return _R5_EXTENSIONS.get(url[len(prefix) :], url)
    return url


def is_placeholder(value: Any) -> bool:
    return isinstance(value, str) and fold(value) in PLACEHOLDERS


def _has_value(extension: dict[str, Any]) -> bool:
    return "extension" in extension or any(k.startswith("value") for k in extension)


def _ig_version(coding: dict[str, Any], path: str, warnings: list[str]) -> None:
    system, version = str(coding.get("system")), coding.get("version")
    cs = _IG_SYSTEMS.get(system)
    if cs and coding.get("code") in ig.CONCEPTS[cs]:
        wanted = ig.IG_VERSION
    elif (wanted := _HL7_VERSIONS.get(system, "")) == "":
        return
    if version not in (None, wanted):
        warn(warnings, "coding-version", f"{path}: {system} version {version!r}")
        coding["version"] = wanted


def _map(node: dict[str, Any], path: str, warnings: list[str], name: str, owner: str | None) -> Any:
    out: dict[str, Any] = {}
    for key, value in node.items():
        cleaned = _clean(
            value, f"{path}.{key}", warnings, key, name if key in _EXTENSION_KEYS else None
        )
        if cleaned is not _DROP:
            out[key] = cleaned
    if len(out) < len(node) and set(out) <= _QUALIFIERS:
        return _DROP
    if owner is not None:  # an extension of the element ``owner``
        if not _has_value(out):
            return _DROP
        if not isinstance(out.get("url"), str):
            return out  # placed (or dropped) with its siblings, see _clean
        out["url"] = canonical_extension_url(out["url"])
    if out.get("system") in MEDDRA_ALIASES:
        out["system"] = MEDDRA_SYSTEM
    _ig_version(out, path, warnings)
    if "div" in node and "div" not in out:  # a narrative without its XHTML is not one
        return _DROP
    return out if set(out) - {"id"} else _DROP


def _clean(node: Any, path: str, warnings: list[str], name: str, owner: str | None = None) -> Any:
    """``name`` is the element's own name; ``owner`` the element an extension list belongs to."""
    if isinstance(node, str):
        if is_placeholder(node):
            warn(warnings, "indisponible", f"{path}: placeholder {node.strip()!r} dropped")
            return _DROP
        if not node.strip():
            warn(warnings, "empty-string", f"{path}: empty string dropped")
            return _DROP
        if node != node.strip() and name != "div":
            warn(warnings, "whitespace", f"{path}: leading or trailing whitespace trimmed")
            return node.strip()
        return node
    if isinstance(node, list):
        items = (_clean(item, f"{path}[{i}]", warnings, name, owner) for i, item in enumerate(node))
        kept = [item for item in items if item is not _DROP]
        if owner is not None:
            kept = place(owner, kept, path, warnings)
        return kept or _DROP
    if isinstance(node, dict):
        return _map(node, path, warnings, name, owner)
    return node


def normalise(resource: dict[str, Any], warnings: list[str]) -> dict[str, Any]:
    """A cleaned copy of ``resource`` (the original is left as read, for the dead letters)."""
    kind = str(resource.get("resourceType"))
    label = f"{kind}/{resource.get('id')}"
    out: dict[str, Any] = {}
    for key, value in resource.items():
        cleaned = _clean(
            value, f"{label}.{key}", warnings, key, kind if key in _EXTENSION_KEYS else None
        )
        if cleaned is not _DROP:
            out[key] = cleaned
    return out
