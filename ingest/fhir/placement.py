"""Give an extension served without ``url`` the IG URL that its place and value type fix.

The 2023 production API served contacts whose name, address and affiliation were extensions
without ``url`` (e.g. 2021-A01861-40, "Sylvie ODIER"): the value is real, only the URL is
missing. Where the element holding the list and the value type leave one IG extension, that URL
is set (warning ``extension-placed``); where they leave none, or it is already taken (each of
these slices is 0..1), the extension is dropped (warning ``extension-unplaced``).
"""

from __future__ import annotations

from typing import Any, Final

from eclaire_core import ig_constants as ig
from ingest.sources.text import warn

_BY_SHAPE: Final[dict[tuple[str, str], str]] = {
    ("contact", "valueHumanName"): ig.EXT_CONTACT_NAME,
    ("contact", "valueAddress"): ig.EXT_CONTACT_ADDRESS,
    ("contact", "valueString"): ig.EXT_CONTACT_AFFILIATION,
    ("contact", "valueCodeableConcept"): ig.EXT_CONTACT_TYPE,
    ("telecom", "valueHumanName"): ig.EXT_SITE_CONTACT_NAME,
    ("ResearchStudy", "valuePeriod"): ig.EXT_RECRUITMENT_PERIOD,
    ("ResearchStudy", "valueInstant"): ig.EXT_REVIEW_DATE,
    ("ResearchStudy", "valueMarkdown"): ig.EXT_DESCRIPTION_SUMMARY_R5,
    ("ResearchStudy", "valueString"): ig.EXT_THERAPEUTIC_AREA,
}
"""(element holding the extension list, value[x] key) → the one IG extension of that shape."""
_RECRUITMENT_SYSTEM: Final = ig.CODE_SYSTEMS["eclaire-status-recruitment-code-system"]


def _value_key(extension: dict[str, Any]) -> str | None:
    keys = [k for k in extension if k.startswith("value")]
    return keys[0] if len(keys) == 1 else None


def _url_for(owner: str, extension: dict[str, Any]) -> str | None:
    key = _value_key(extension)
    if key is None:
        return None
    if (owner, key) == ("ResearchStudy", "valueCodeableConcept"):
        systems = {c.get("system") for c in extension[key].get("coding") or []}
        return ig.EXT_RECRUITMENT_STATUS if _RECRUITMENT_SYSTEM in systems else None
    return _BY_SHAPE.get((owner, key))


def place(
    owner: str, extensions: list[Any], path: str, warnings: list[str]
) -> list[dict[str, Any]]:
    """The list with every URL-less extension placed or dropped; order is kept."""
    if all(isinstance(e, dict) and isinstance(e.get("url"), str) for e in extensions):
        return extensions
    taken = {e.get("url") for e in extensions if isinstance(e, dict)}
    out: list[dict[str, Any]] = []
    for index, extension in enumerate(extensions):
        if not isinstance(extension, dict):
            continue
        if isinstance(extension.get("url"), str):
            out.append(extension)
            continue
        url = _url_for(owner, extension)
        where = f"{path}[{index}]"
        if url is None or url in taken:
            why = "already present" if url else f"no IG extension of that shape on {owner}"
            warn(warnings, "extension-unplaced", f"{where}: extension without url dropped ({why})")
            continue
        taken.add(url)
        warn(warnings, "extension-placed", f"{where}: extension without url placed as {url}")
        out.append({"url": url, **extension})
    return out
