"""The ``near`` search: FHIR's Location ``near`` syntax applied to a study's sites.

``near=latitude|longitude|distance|units`` (R4 Location-near: units UCUM, km when omitted; the
distance is the server's choice when omitted: 50 km here). A study matches when one of its sites
lies within the distance; each entry then carries the distance of its nearest site in the core
``location-distance`` extension on ``Bundle.entry.search``. Pure: parsing and the extension,
no I/O (the clause and the sort are in ``query.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from eclaire_core.gazetteer import distance_km
from eclaire_search.errors import InvalidSearch

DISTANCE_EXTENSION: Final = "http://hl7.org/fhir/StructureDefinition/location-distance"
UCUM: Final = "http://unitsofmeasure.org"
DEFAULT_DISTANCE_KM: Final = 50.0
MAX_DISTANCE_KM: Final = 20_000.0  # half the Earth's circumference: every site
UNITS_KM: Final = {"km": 1.0, "m": 0.001, "[mi_i]": 1.609344, "mi": 1.609344}


@dataclass(frozen=True)
class GeoNear:
    """A position and a radius, in kilometres whatever the units asked."""

    lat: float
    lon: float
    distance_km: float

    def nearest_km(self, points: list[dict[str, float]]) -> float | None:
        """Distance to the nearest of ``points`` (``{"lat", "lon"}``), None when there are none."""
        if not points:
            return None
        return min(distance_km(self.lat, self.lon, p["lat"], p["lon"]) for p in points)


def _number(text: str, what: str, low: float, high: float) -> float:
    try:
        value = float(text)
    except ValueError:
        raise InvalidSearch(f"near: {what} {text!r} is not a number", parameter="near") from None
    if not low <= value <= high:  # also refuses nan
        raise InvalidSearch(f"near: {what} must be between {low:g} and {high:g}", parameter="near")
    return value


def parse_near(raw: str) -> GeoNear:
    """``45.76|4.83|30|km`` → GeoNear(45.76, 4.83, 30.0); every mistake an InvalidSearch."""
    parts = [p.strip() for p in raw.split("|")]
    if len(parts) < 2 or len(parts) > 4 or not parts[0] or not parts[1]:
        raise InvalidSearch(
            "near: expected latitude|longitude|distance|units (e.g. 45.76|4.83|30|km)",
            parameter="near",
        )
    lat = _number(parts[0], "latitude", -90, 90)
    lon = _number(parts[1], "longitude", -180, 180)
    units = parts[3] if len(parts) == 4 and parts[3] else "km"
    if units not in UNITS_KM:
        raise InvalidSearch(
            f"near: units {units!r} not supported; use {', '.join(UNITS_KM)}", parameter="near"
        )
    distance = DEFAULT_DISTANCE_KM
    if len(parts) >= 3 and parts[2]:
        distance = _number(parts[2], "distance", 0, MAX_DISTANCE_KM / UNITS_KM[units])
        distance *= UNITS_KM[units]
    return GeoNear(lat, lon, distance)


def distance_extension(kilometres: float) -> dict[str, Any]:
    """The core R4 extension for a searchset entry's computed distance (km, 0.1 precision)."""
    return {
        "url": DISTANCE_EXTENSION,
        "valueDistance": {
            "value": round(kilometres, 1),
            "unit": "km",
            "system": UCUM,
            "code": "km",
        },
    }
