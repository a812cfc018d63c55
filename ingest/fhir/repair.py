"""Repair what the production API served outside the IG into the IG's own form, losslessly.

Runs after :mod:`ingest.fhir.normalise` (placeholders already gone). Every repair is a warning
of its own kind, so a run summary tells how much of a mirror was out of shape:

- ``code-from-display``: a category coding with its code only in ``display`` (2023:
  ``{"display": "REG536"}``, ``"IC-Cas 1"``, ``"un essai clinique"``) gets the IG coding;
- ``label-text``: a ``text`` that is the API's label of the element (``"diseaseCondition"``,
  ``"Regulation Code"``, ``"Label Type"``…), not a value, is removed;
- ``condition-text``: a disease condition served as ``coding: [{display}]`` keeps its text as
  ``text`` (the IG's diseaseCondition slice); ``meddra-no-code``: a MedDRA coding without code
  (display "N/A") is dropped, and ``meddra-display``: a display "N/A" beside a code is removed;
- ``sponsor-to-party`` / ``investigator-to-party``: ``sponsor`` and ``principalInvestigator``
  (excluded by the profile) become associatedParty extensions (R5 form), the sponsor named from
  its Organization when it came;
- ``secondary-sponsor``: the pre-0.3 ``eclaire-secondary-sponsor`` extension (its Organization is
  never served) is dropped; ``label-form``: the pre-0.3 ``eclaire-label`` becomes the R5 label;
- ``empty-telecom`` / ``empty-contact``: a ContactPoint without value or extension, a contact
  with nothing but its type, are dropped;
- ``narrative-added``: a study served without narrative gets a short generated one (dom-6);
- Group: ``group-description`` (``characteristic.description``, R6 only) becomes the RES-6
  criterion form, ``group-exclude`` (missing ``exclude``) becomes false, ``group-empty-code``
  drops a characteristic left without code; ``contained-group``: a contained Group (IG 0.1.0)
  becomes the study's ``{id}-enrollment-group``.
"""

from __future__ import annotations

from typing import Any, Final

from eclaire_core import ig_constants as ig
from eclaire_core.resources import ORGANIZATION_PROFILE, group_id
from ingest.mapping.codes import MEDDRA_SYSTEM, eclaire_coding
from ingest.mapping.markdown import html_to_markdown
from ingest.mapping.narrative import generated_narrative
from ingest.sources.text import fold, warn

LABELS: Final = frozenset(
    fold(label)
    for label in (
        "diseaseCondition",
        "medDRACondition",
        "Disease Condition",
        "MedDRA Condition",
        "Regulation Code",
        "Reglementation Precision",
        "Research Study Phase",
        "Label Type",
        "Contact Type",
        "Group characteristic code",
    )
)
"""Folded ``text`` values the production API used as element labels."""
NO_VALUE: Final = frozenset({"n a", ""})
_CS_REGULATION: Final = "eclaire-regulation-code-code-system"
_CS_PRECISION: Final = "eclaire-reglementation-precision-code-system"
_CS_TITLE_TYPE: Final = "eclaire-study-title-type-code-system"
_OLD_LABEL: Final = (
    "https://interop.esante.gouv.fr/ig/fhir/eclaire/StructureDefinition/eclaire-label"
)
_OLD_SECONDARY: Final = (
    "https://interop.esante.gouv.fr/ig/fhir/eclaire/StructureDefinition/eclaire-secondary-sponsor"
)
_LABEL_PARTS: Final = {"labelValue": "value", "labelType": "type"}
_CRITERIA_KINDS: Final = frozenset({"eligibility-criteria", "judgement-criteria"})
_PROFILES: Final = {
    "ResearchStudy": ig.PROFILE_RESEARCHSTUDY,
    "Group": ig.PROFILE_GROUP,
    "Location": ig.PROFILE_LOCATION,
    "Organization": ORGANIZATION_PROFILE,
}


def _keys(cs_id: str) -> dict[str, str]:
    """Folded code, display, and display without its ``(…)`` suffix → code."""
    out: dict[str, str] = {}
    for code, display in ig.CONCEPTS[cs_id].items():
        out.setdefault(fold(display.rsplit("(", 1)[0]), code)
        out[fold(display)] = out[fold(code)] = code
    return out


_CATEGORY_KEYS: Final = {cs: _keys(cs) for cs in (_CS_REGULATION, _CS_PRECISION)}


def _category(study: dict[str, Any], warnings: list[str]) -> None:
    for concept in study.get("category") or []:
        for index, coding in enumerate(concept.get("coding") or []):
            display = coding.get("display")
            if coding.get("code") or not isinstance(display, str):
                continue
            for cs_id, keys in _CATEGORY_KEYS.items():
                if (code := keys.get(fold(display))) is not None:
                    concept["coding"][index] = eclaire_coding(cs_id, code)
                    warn(warnings, "code-from-display", f"category {display!r} coded {code}")
                    break


def _drop_labels(node: Any, warnings: list[str]) -> None:
    """Remove label ``text`` from every CodeableConcept-like dict that has other content."""
    if isinstance(node, list):
        for item in node:
            _drop_labels(item, warnings)
    elif isinstance(node, dict):
        text = node.get("text")
        if isinstance(text, str) and fold(text) in LABELS and set(node) - {"text", "id"}:
            del node["text"]
            warn(warnings, "label-text", f"label text {text!r} removed")
        for key, value in node.items():
            if key != "text":
                _drop_labels(value, warnings)


def _conditions(study: dict[str, Any], warnings: list[str]) -> None:
    kept: list[dict[str, Any]] = []
    for concept in study.get("condition") or []:
        if isinstance(label := concept.get("text"), str) and fold(label) in LABELS:
            del concept["text"]
            warn(warnings, "label-text", f"label text {label!r} removed")
        codings: list[dict[str, Any]] = []
        for coding in concept.get("coding") or []:
            display = coding.get("display")
            if not coding.get("code"):
                if coding.get("system") == MEDDRA_SYSTEM or fold(str(display or "")) in NO_VALUE:
                    warn(warnings, "meddra-no-code", f"condition coding {display!r} without code")
                elif "text" not in concept and isinstance(display, str):
                    concept["text"] = display
                    warn(warnings, "condition-text", f"condition {display[:60]!r} kept as text")
                else:
                    codings.append(coding)
                continue
            if isinstance(display, str) and fold(display) in NO_VALUE:
                del coding["display"]
                warn(warnings, "meddra-display", f"display {display!r} of {coding['code']} removed")
            codings.append(coding)
        if codings:
            concept["coding"] = codings
        else:
            concept.pop("coding", None)
        if set(concept) - {"id"}:
            kept.append(concept)
    if kept:
        study["condition"] = kept
    else:
        study.pop("condition", None)


def _party(role: str, reference: dict[str, Any] | None, name: str | None) -> dict[str, Any]:
    parts: list[dict[str, Any]] = []
    if name:
        parts.append({"url": "name", "valueString": name})
    coding = eclaire_coding("eclaire-study-party-role-code-system", role)
    parts.append({"url": "role", "valueCodeableConcept": {"coding": [coding]}})
    if reference:
        parts.append({"url": "party", "valueReference": reference})
    return {"url": ig.EXT_ASSOCIATED_PARTY_R5, "extension": parts}


def _party_roles(extensions: list[dict[str, Any]]) -> set[str]:
    roles = set()
    for ext in extensions:
        if ext.get("url") == ig.EXT_ASSOCIATED_PARTY_R5:
            for part in ext.get("extension") or []:
                if part.get("url") == "role":
                    concept = part.get("valueCodeableConcept") or {}
                    roles |= {c.get("code") for c in concept.get("coding") or []}
    return roles


def _parties(study: dict[str, Any], sponsor_name: str | None, warnings: list[str]) -> None:
    extensions: list[dict[str, Any]] = study.setdefault("extension", [])
    roles = _party_roles(extensions)
    if (sponsor := study.pop("sponsor", None)) is not None:
        if "lead-sponsor" not in roles:
            ref = {k: v for k, v in sponsor.items() if k in ("reference", "type")} or None
            extensions.append(_party("lead-sponsor", ref, sponsor_name))
        warn(warnings, "sponsor-to-party", "sponsor moved to an associatedParty lead-sponsor")
    if (investigator := study.pop("principalInvestigator", None)) is not None:
        name = investigator.get("display")
        if "primary-investigator" not in roles and name:
            extensions.append(_party("primary-investigator", None, name))
        warn(warnings, "investigator-to-party", "principalInvestigator moved to associatedParty")


def _old_extensions(study: dict[str, Any], warnings: list[str]) -> None:
    out: list[dict[str, Any]] = []
    for ext in study.get("extension") or []:
        if ext.get("url") == _OLD_SECONDARY:
            warn(warnings, "secondary-sponsor", "eclaire-secondary-sponsor (not in IG 0.3) dropped")
            continue
        if ext.get("url") in (_OLD_LABEL, ig.EXT_LABEL_R5):
            parts = [
                {**p, "url": _LABEL_PARTS.get(p.get("url"), p.get("url"))}
                for p in ext.get("extension") or []
            ]
            if ext["url"] == _OLD_LABEL:
                warn(warnings, "label-form", "eclaire-label rewritten as the R5 label")
            if not any(p["url"] == "value" for p in parts):
                warn(warnings, "empty-label", "label without value dropped")
                continue
            for part in parts:
                for coding in (part.get("valueCodeableConcept") or {}).get("coding") or []:
                    if coding.get("code") in ig.CONCEPTS[_CS_TITLE_TYPE]:
                        coding.update(eclaire_coding(_CS_TITLE_TYPE, coding["code"]))
            ext = {"url": ig.EXT_LABEL_R5, "extension": parts}
        out.append(ext)
    study["extension"] = out


def _telecoms(holder: dict[str, Any], warnings: list[str]) -> None:
    telecom = holder.get("telecom")
    if telecom is None:
        return
    kept = [t for t in telecom if t.get("value") or t.get("extension")]
    if len(kept) < len(telecom):
        warn(warnings, "empty-telecom", f"{len(telecom) - len(kept)} telecom(s) without value")
    if kept:
        holder["telecom"] = kept
    else:
        del holder["telecom"]


def _contacts(study: dict[str, Any], warnings: list[str]) -> None:
    kept = []
    for contact in study.get("contact") or []:
        _telecoms(contact, warnings)
        urls = {e.get("url") for e in contact.get("extension") or []}
        if set(contact) - {"extension"} or urls - {ig.EXT_CONTACT_TYPE}:
            kept.append(contact)
        else:
            warn(warnings, "empty-contact", "contact with nothing but its type dropped")
    if kept:
        study["contact"] = kept
    else:
        study.pop("contact", None)


def hoist_contained_group(study: dict[str, Any], warnings: list[str]) -> dict[str, Any] | None:
    """IG 0.1.0's contained Group as the study's own Group resource (None when there is none)."""
    contained = study.pop("contained", None) or []
    groups = [r for r in contained if r.get("resourceType") == "Group"]
    if not groups:
        return None
    group = {**groups[0], "id": group_id(study["id"])}
    local = f"#{groups[0].get('id')}"
    kept = [e for e in study.get("enrollment") or [] if e.get("reference") != local]
    first: dict[str, Any] = next(
        (e for e in study.get("enrollment") or [] if e.get("reference") == local), {}
    )
    enrollment = {**first, "reference": f"Group/{group['id']}", "type": "Group"}
    study["enrollment"] = [enrollment, *kept]
    warn(warnings, "contained-group", "contained Group made the study's enrollment Group")
    return group


def _recruitment_period(study: dict[str, Any], warnings: list[str]) -> None:
    """Both ends as dates, as the mapping writes them (MAP-3): production served a date-time
    start beside a date end, which FHIR's per-1 cannot compare on the same day."""
    for ext in study.get("extension") or []:
        period = ext.get("valuePeriod") if ext.get("url") == ig.EXT_RECRUITMENT_PERIOD else None
        if not isinstance(period, dict):
            continue
        for end in ("start", "end"):
            value = period.get(end)
            if isinstance(value, str) and len(value) > 10 and value[4:5] == "-":
                period[end] = value[:10]
                warn(warnings, "period-precision", f"recruitment period {end} {value!r} as a date")


def _summary_markdown(study: dict[str, Any], warnings: list[str]) -> None:
    """The summary as markdown without HTML (MAP-21), as the mapping writes it."""
    for ext in study.get("extension") or []:
        text = ext.get("valueMarkdown") if ext.get("url") == ig.EXT_DESCRIPTION_SUMMARY_R5 else None
        if isinstance(text, str) and "<" in text and (markdown := html_to_markdown(text)) != text:
            ext["valueMarkdown"] = markdown
            warn(warnings, "summary-markdown", "HTML of the summary rewritten as markdown")


def repair_study(study: dict[str, Any], sponsor_name: str | None, warnings: list[str]) -> None:
    """Repair one normalised ResearchStudy in place."""
    _profile(study, warnings)
    _recruitment_period(study, warnings)
    _summary_markdown(study, warnings)
    _conditions(study, warnings)
    _drop_labels(study, warnings)
    _category(study, warnings)
    _parties(study, sponsor_name, warnings)
    _old_extensions(study, warnings)
    _contacts(study, warnings)
    if "text" not in study:  # dom-6: the 2023 answers carried no narrative
        title = study.get("title")
        study["text"] = generated_narrative(f"Étude {study.get('id')}", [title] if title else [])
        warn(warnings, "narrative-added", "ResearchStudy without narrative")


def repair_group(group: dict[str, Any], warnings: list[str]) -> None:
    kept = []
    for char in group.get("characteristic") or []:
        description = char.pop("description", None)
        code = char.get("code")
        if isinstance(description, str):
            warn(warnings, "group-description", f"characteristic.description {description!r}")
            if description in _CRITERIA_KINDS and isinstance(code, dict):
                code.setdefault("text", description)
                value = char.get("valueCodeableConcept") or {}
                displays = [c.get("display") for c in value.get("coding") or []]
                if "text" not in value and displays and isinstance(displays[0], str):
                    value["text"] = displays[0]
        if "exclude" not in char:
            char["exclude"] = False
            warn(warnings, "group-exclude", "characteristic.exclude missing: false")
        if not code or not any(k.startswith("value") for k in char):
            warn(warnings, "group-empty-code", "characteristic without code or value dropped")
            continue
        kept.append(char)
    if kept:
        group["characteristic"] = kept
    else:
        group.pop("characteristic", None)


def _profile(resource: dict[str, Any], warnings: list[str]) -> None:
    """The reference serves reads without ``meta``: declare the profile the resource has."""
    meta = resource.setdefault("meta", {})
    if not meta.get("profile") and (profile := _PROFILES.get(str(resource.get("resourceType")))):
        meta["profile"] = [profile]
        warn(warnings, "profile-added", f"{resource.get('resourceType')} without meta.profile")


def repair_linked(resource: dict[str, Any], warnings: list[str]) -> None:
    """Repair one normalised Group, Location or Organization in place."""
    _profile(resource, warnings)
    kind = resource.get("resourceType")
    if kind == "Group":
        _drop_labels(resource, warnings)
        repair_group(resource, warnings)
    elif kind in ("Location", "Organization"):
        _telecoms(resource, warnings)
