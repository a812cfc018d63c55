"""French presentation of numbers, distances, phone numbers and registry numbers (Jinja filters).

People read "19 053 études" and "01 03 66 58 02", not "19053" and "0103665802"; an NCT or
EU CT number is most useful as a link to the registry that holds the study's full record.
"""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import quote

NBSP: Final = "\u00a0"  # between digit groups and before units: never broken across lines
NCT: Final = re.compile(r"^NCT\d{8}$")
EU_CT: Final = re.compile(r"^\d{4}-5\d{5}-\d{2}-\d{2}$")  # CTIS numbers (2023-500001-12-00)
EUDRACT: Final = re.compile(r"^\d{4}-\d{6}-\d{2}$")
FRENCH_PHONE: Final = re.compile(r"^(?:\+33|0033|0)([1-9]\d{8})$")


def nombre(value: int | float | None) -> str:
    """``19053`` → ``19 053``; decimals with a comma (``1,7``)."""
    if value is None:
        return ""
    if isinstance(value, float) and not value.is_integer():
        whole, _, decimals = f"{value:,.1f}".partition(".")
        return whole.replace(",", NBSP) + "," + decimals
    return f"{int(value):,}".replace(",", NBSP)


def distance(kilometres: float | None) -> str:
    """``1.74`` → ``1,7 km``, ``23.4`` → ``23 km``, under 1 km in metres rounded to 100 m."""
    if kilometres is None:
        return ""
    if kilometres < 1:
        return f"{max(100, round(kilometres * 10) * 100)}{NBSP}m"
    if kilometres < 10:
        return f"{nombre(round(kilometres, 1))}{NBSP}km"
    return f"{nombre(round(kilometres))}{NBSP}km"


def telephone(value: str) -> str:
    """``0103665802`` or ``+33 1 03 66 58 02`` → ``01 03 66 58 02``; others unchanged."""
    digits = re.sub(r"[\s.\-()]", "", value)
    match = FRENCH_PHONE.match(digits)
    if not match:
        return value
    national = "0" + match[1]
    return NBSP.join(national[i : i + 2] for i in range(0, 10, 2))


def registry_url(value: str) -> str | None:
    """The public registry page of a trial number, or None for numbers no registry shows."""
    number = value.strip()
    if NCT.match(number):
        return f"https://clinicaltrials.gov/study/{number}"
    if EU_CT.match(number):
        return (
            f"https://euclinicaltrials.eu/search-for-clinical-trials/?lang=fr&EUCT={quote(number)}"
        )
    if EUDRACT.match(number):
        return f"https://www.clinicaltrialsregister.eu/ctr-search/search?query={quote(number)}"
    return None


FILTERS: Final = {
    "nombre": nombre,
    "distance": distance,
    "telephone": telephone,
    "registry_url": registry_url,
}
