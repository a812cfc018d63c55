"""Query string → typed :class:`SearchRequest`. Pure: no I/O, every mistake an InvalidSearch.

FHIR R4 search semantics: repeated parameters AND, comma-separated values OR, empty values are
ignored, unknown parameters are reported as warnings (or refused under ``handling=strict``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from eclaire_search.errors import InvalidSearch, Issue, NotAcceptable
from eclaire_search.geo import GeoNear, parse_near
from eclaire_search.paging import check_offset
from eclaire_search.searchparams import (
    BY_NAME,
    INCLUDE_TARGETS,
    INCLUDES,
    RESULT_PARAMS,
    SORT_FIELDS,
    ParamType,
    SearchParam,
)

MAX_VALUE_LENGTH = 512
MAX_STRING_LENGTH = 100  # names, cities, postal codes: longer is not a real value
SUMMARY_VALUES = ("true", "false", "text", "data", "count")
TOTAL_VALUES = ("none", "estimate", "accurate")
FORMATS_JSON = ("json", "application/json", "application/fhir+json")
FORMATS_XML = ("xml", "text/xml", "application/xml", "application/fhir+xml")
ELEMENT_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")
# ResearchStudy's top-level elements in FHIR R4: other _elements names are warned about.
# fmt: off
RESEARCH_STUDY_ELEMENTS = frozenset({
    "id", "meta", "implicitRules", "language", "text", "contained", "extension",
    "modifierExtension", "identifier", "title", "protocol", "partOf", "status",
    "primaryPurposeType", "phase", "category", "focus", "condition", "contact", "relatedArtifact",
    "keyword", "location", "description", "enrollment", "period", "sponsor",
    "principalInvestigator", "site", "reasonStopped", "note", "arm", "objective",
})
# fmt: on
DATE_VALUE = re.compile(
    r"^(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2})"
    r"(?:T(?P<H>\d{2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.(?P<f>\d{1,9}))?)?"
    r"(?P<tz>Z|[+-]\d{2}:\d{2})?)?)?)?\Z",
    re.ASCII,
)


@dataclass(frozen=True)
class Token:
    """``code`` (system None: any system), ``|code`` (system ''), ``system|code``."""

    code: str
    system: str | None = None


@dataclass(frozen=True)
class DateRange:
    """A FHIR date search value: prefix and the implicit range [start, end) it denotes."""

    prefix: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Number:
    prefix: str
    value: float


Value = Token | DateRange | Number | GeoNear | str
NUMBER_VALUE = re.compile(r"^(?P<prefix>[a-z]{2})?(?P<number>-?\d+(\.\d+)?)\Z", re.ASCII)


@dataclass(frozen=True)
class Criterion:
    param: SearchParam
    modifier: str | None
    values: tuple[Value, ...]  # OR-ed


@dataclass(frozen=True)
class SortKey:
    field: str
    descending: bool


@dataclass(frozen=True)
class SearchRequest:
    criteria: tuple[Criterion, ...] = ()
    count: int = 20
    sort: tuple[SortKey, ...] = ()
    includes: frozenset[str] = frozenset()
    summary: str | None = None
    elements: tuple[str, ...] | None = None
    total: Literal["none", "estimate", "accurate"] = "accurate"
    cursor: str | None = None
    offset: int = 0  # _getpagesoffset: rank of the first result (offset paging)
    pretty: bool = False
    warnings: tuple[Issue, ...] = ()
    # The parameters actually used, normalised, for the self link.
    used: tuple[tuple[str, str], ...] = field(default=())

    @property
    def has_text(self) -> bool:
        return any(c.param.type is ParamType.TEXT for c in self.criteria)

    @property
    def near(self) -> GeoNear | None:
        """The ``near`` position, which sorting by distance and the entries' distances use."""
        for criterion in self.criteria:
            if isinstance(criterion.values[0], GeoNear):
                return criterion.values[0]
        return None


def split_commas(value: str) -> list[str]:
    r"""Split on commas not escaped as ``\,`` (FHIR escaping)."""
    parts = re.split(r"(?<!\\),", value)
    return [p.replace("\\,", ",").strip() for p in parts]


def parse_token(raw: str, param: SearchParam) -> Token:
    if "|" in raw:
        system, _, code = raw.partition("|")
        token = Token(code=code, system=system)
    else:
        token = Token(code=raw)
    if not token.code:
        raise InvalidSearch(f"{param.name}: empty code in {raw!r}", parameter=param.name)
    if param.codes and token.code not in param.codes:
        raise InvalidSearch(
            f"{param.name}: unknown code {token.code!r}; expected one of {', '.join(param.codes)}",
            parameter=param.name,
        )
    return token


def parse_date(raw: str, param_name: str, tz: ZoneInfo, now: datetime) -> DateRange:
    prefix = raw[:2] if raw[:2].isalpha() else "eq"
    text = raw[2:] if raw[:2].isalpha() else raw
    if prefix not in BY_NAME[param_name].prefixes:
        raise InvalidSearch(f"{param_name}: unknown prefix {prefix!r}", parameter=param_name)
    match = DATE_VALUE.match(text)
    if not match:
        raise InvalidSearch(
            f"{param_name}: {text!r} is not a FHIR date (yyyy, yyyy-mm, yyyy-mm-dd or a dateTime)",
            parameter=param_name,
        )
    try:
        return _date_range(prefix, match.groupdict(), tz, now)
    except (ValueError, OverflowError) as exc:  # 2023-02-30, or past year 9999 at the edges
        raise InvalidSearch(f"{param_name}: {text!r}: {exc}", parameter=param_name) from None


def _date_range(prefix: str, g: dict[str, str | None], tz: ZoneInfo, now: datetime) -> DateRange:
    """The implicit range of a matched FHIR date; raises ValueError/OverflowError."""
    zone = tz if g["tz"] is None else datetime.fromisoformat(f"2000-01-01T00:00{g['tz']}").tzinfo
    year, month, day = int(g["y"] or 0), int(g["m"] or 1), int(g["d"] or 1)
    clock = (int(g["H"] or 0), int(g["M"] or 0), int(g["S"] or 0))
    micro = int((g["f"] or "0").ljust(6, "0")[:6])
    start = datetime(year, month, day, *clock, micro, tzinfo=zone)
    if g["m"] is None:
        end = start.replace(year=year + 1)
    elif g["d"] is None:
        end = start.replace(year=year + month // 12, month=month % 12 + 1)
    elif g["H"] is None:
        end = datetime.combine(date(year, month, day) + timedelta(days=1), start.timetz())
    elif g["S"] is None:
        end = start + timedelta(minutes=1)
    elif g["f"] is None:
        end = start + timedelta(seconds=1)
    else:
        end = start + timedelta(microseconds=1)
    if prefix == "ap":  # FHIR leaves "approximately" to the server: 10 % of the gap to now.
        slack = max(abs(now - start) * 0.1, timedelta(days=1))
        start, end = start - slack, end + slack
    return DateRange(prefix, start, end)


def parse_number(raw: str, param: SearchParam) -> Number:
    match = NUMBER_VALUE.match(raw)
    if not match:
        raise InvalidSearch(f"{param.name}: {raw!r} is not a number", parameter=param.name)
    prefix = match["prefix"] or "eq"
    value = float(match["number"])
    low, high = param.bounds
    if not low <= value <= high:
        raise InvalidSearch(
            f"{param.name}: {raw!r} is outside {low:g} to {high:g}", parameter=param.name
        )
    if prefix not in param.prefixes:
        allowed = ", ".join(sorted(param.prefixes))
        raise InvalidSearch(
            f"{param.name}: prefix {prefix!r} not supported (use {allowed})", parameter=param.name
        )
    return Number(prefix, value)


def parse_text(raw: str, param: SearchParam) -> str:
    if len(raw) > MAX_VALUE_LENGTH:
        raise InvalidSearch(
            f"{param.name}: longer than {MAX_VALUE_LENGTH} characters", parameter=param.name
        )
    return raw


def parse_count(raw: str, max_count: int) -> tuple[int, Issue | None]:
    if not (raw.isascii() and raw.isdigit()):
        raise InvalidSearch(f"_count: {raw!r} is not a non-negative integer", parameter="_count")
    count = int(raw)
    if count > max_count:
        return max_count, Issue(
            "warning",
            "processing",
            f"_count={count} is above the maximum; {max_count} used",
            "_count",
        )
    return count, None


def parse_offset(raw: str | None, count: int) -> int:
    """_getpagesoffset (the production API's offset paging), within the engine's window."""
    if raw is None:
        return 0
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
        raise InvalidSearch(
            f"_getpagesoffset: {raw!r} is not a non-negative integer", parameter="_getpagesoffset"
        )
    offset = int(raw)
    check_offset(offset, count)
    return offset


def parse_sort(raw: str, has_text: bool, has_near: bool = False) -> tuple[SortKey, ...]:
    keys = []
    usable = {"_score": has_text, "near": has_near}
    for item in split_commas(raw):
        if not item:
            continue
        descending = item.startswith("-")
        name = item.lstrip("-")
        if name not in SORT_FIELDS or not usable.get(name, True):
            allowed = ", ".join(n for n in SORT_FIELDS if usable.get(n, True))
            raise InvalidSearch(f"_sort: cannot sort on {name!r}; use {allowed}", parameter="_sort")
        keys.append(SortKey(SORT_FIELDS[name], descending))
    return tuple(keys)


def parse_include(raw: str) -> set[str]:
    """``*``, ``Type:param`` or the three-part ``Type:param:Target`` with the param's target."""
    found: set[str] = set()
    for item in split_commas(raw):
        two_part = item.rsplit(":", 1)[0] if item.count(":") == 2 else item
        if item == "*":
            found.update(INCLUDES)
            found.add("*")
        elif two_part in INCLUDES and (
            two_part == item or item.rsplit(":", 1)[1] == INCLUDE_TARGETS[two_part]
        ):
            found.add(two_part)
        elif item:
            three_part = [f"{i}:{INCLUDE_TARGETS[i]}" for i in INCLUDES]
            raise InvalidSearch(
                f"_include: {item!r} is not supported; use *, {', '.join(INCLUDES)}"
                f" or {', '.join(three_part)}",
                parameter="_include",
            )
    return found


def parse_search(
    items: list[tuple[str, str]],
    *,
    default_count: int = 20,
    max_count: int = 1000,
    tz: ZoneInfo | None = None,
    strict: bool = False,
    now: datetime | None = None,
) -> SearchRequest:
    """Turn the (name, value) pairs of a query string or form body into a SearchRequest."""
    zone = tz or ZoneInfo("Europe/Paris")
    moment = now or datetime.now(zone)
    criteria: list[Criterion] = []
    warnings: list[Issue] = []
    used: list[tuple[str, str]] = []
    options: dict[str, str] = {}
    includes: set[str] = set()
    for key, value in items:
        value = value.strip()
        if value == "":
            continue  # FHIR: empty parameters are ignored
        name, _, modifier = key.partition(":")
        if name == "_include":
            includes |= parse_include(value)
            used.append((key, value))
        elif name in RESULT_PARAMS and not modifier:
            if name in options and name != "_cursor":
                raise InvalidSearch(f"{name} given more than once", parameter=name)
            options[name] = value
            if name not in ("_cursor", "_getpagesoffset"):  # paging position, not the search
                used.append((key, value))
        elif name in BY_NAME:
            criteria.append(parse_criterion(BY_NAME[name], modifier or None, value, zone, moment))
            used.append((key, value))
        else:
            message = f"Unknown search parameter {key!r} ignored"
            if strict:
                raise InvalidSearch(message.replace(" ignored", ""), parameter=key)
            warnings.append(Issue("warning", "not-supported", message, key))
    count = default_count
    if "_count" in options:
        count, warning = parse_count(options["_count"], max_count)
        if warning:
            warnings.append(warning)
        used = [(k, str(count)) if k == "_count" else (k, v) for k, v in used]  # as served
    offset = parse_offset(options.get("_getpagesoffset"), count)
    if offset and "_cursor" in options:
        raise InvalidSearch(
            "_getpagesoffset and _cursor cannot be combined: a cursor already says where "
            "the page starts",
            parameter="_getpagesoffset",
        )
    has_text = any(c.param.type is ParamType.TEXT for c in criteria)
    summary = options.get("_summary")
    if summary is not None and summary not in SUMMARY_VALUES:
        raise InvalidSearch(
            f"_summary must be one of {', '.join(SUMMARY_VALUES)}", parameter="_summary"
        )
    total = options.get("_total", "accurate")
    if total not in TOTAL_VALUES:
        raise InvalidSearch(f"_total must be one of {', '.join(TOTAL_VALUES)}", parameter="_total")
    elements = None
    if "_elements" in options:
        elements = tuple(e for e in split_commas(options["_elements"]) if e)
        bad = [e for e in elements if not ELEMENT_NAME.match(e)]
        if bad:
            raise InvalidSearch(
                f"_elements: {bad[0]!r} is not an element name", parameter="_elements"
            )
        unknown = [e for e in elements if e not in RESEARCH_STUDY_ELEMENTS]
        if unknown:
            warnings.append(
                Issue(
                    "warning",
                    "not-supported",
                    f"_elements: {', '.join(unknown)} not elements of ResearchStudy; ignored",
                    "_elements",
                )
            )
    check_format(options.get("_format"))
    pretty = options.get("_pretty", "false")
    if pretty not in ("true", "false"):
        raise InvalidSearch("_pretty must be true or false", parameter="_pretty")
    return SearchRequest(
        criteria=tuple(criteria),
        count=count,
        sort=parse_sort(
            options.get("_sort", ""),
            has_text,
            any(c.param.type is ParamType.NEAR for c in criteria),
        ),
        includes=frozenset(includes),
        summary=summary,
        elements=elements,
        total=total,  # type: ignore[arg-type]
        cursor=options.get("_cursor"),
        offset=offset,
        pretty=pretty == "true",
        warnings=tuple(warnings),
        used=tuple(used),
    )


def parse_criterion(
    param: SearchParam, modifier: str | None, value: str, tz: ZoneInfo, now: datetime
) -> Criterion:
    if modifier is not None and modifier not in param.modifiers:
        raise InvalidSearch(
            f"{param.name}: modifier :{modifier} is not supported", parameter=param.name
        )
    if param.type is ParamType.TEXT or modifier == "text":
        return Criterion(param, modifier, (parse_text(value, param),))
    if param.type is ParamType.NEAR:  # one position: its commas would be ambiguous with ORs
        if len(value) > MAX_STRING_LENGTH or "," in value:
            raise InvalidSearch(
                "near: one position, latitude|longitude|distance|units", parameter=param.name
            )
        return Criterion(param, modifier, (parse_near(value),))
    raw_values = [v for v in split_commas(value) if v]
    if not raw_values:
        raise InvalidSearch(f"{param.name}: no value", parameter=param.name)
    if len(raw_values) > 100:
        raise InvalidSearch(f"{param.name}: more than 100 values", parameter=param.name)
    values: list[Value]
    if param.type is ParamType.TOKEN:
        values = [parse_token(v, param) for v in raw_values]
    elif param.type is ParamType.DATE:
        values = [parse_date(v, param.name, tz, now) for v in raw_values]
    elif param.type is ParamType.NUMBER:
        values = [parse_number(v, param) for v in raw_values]
    else:
        too_long = [v for v in raw_values if len(v) > MAX_STRING_LENGTH]
        if too_long:
            raise InvalidSearch(
                f"{param.name}: values are at most {MAX_STRING_LENGTH} characters",
                parameter=param.name,
            )
        values = list(raw_values)
    return Criterion(param, modifier, tuple(values))


JSON_RANGES = ("*/*", "application/*", *FORMATS_JSON[1:])


def check_accept(header: str | None) -> None:
    """``Accept`` asking for XML and not JSON is a 406, like ``_format=xml`` (API-4).

    Other media types (``text/html`` alone, say) still get JSON: a lenient answer that a
    browser can show, rather than an error.
    """
    if not header:
        return
    wanted: list[str] = []
    for item in header.split(","):
        media, *options = (part.strip() for part in item.split(";"))
        quality = next((o[2:] for o in options if o.replace(" ", "").startswith("q=")), "1")
        try:
            acceptable = float(quality) > 0
        except ValueError:
            acceptable = True
        if acceptable and media:
            wanted.append(media.lower())
    if any(m in JSON_RANGES for m in wanted):
        return
    if any(m in FORMATS_XML for m in wanted):
        raise NotAcceptable("XML is not supported; ask for application/fhir+json")


def check_format(raw: str | None) -> None:
    """_format: JSON is all we serve; XML is a 406, anything else a 400 (API-4)."""
    if raw is None or raw in FORMATS_JSON:
        return
    if raw in FORMATS_XML:
        raise NotAcceptable("XML is not supported; use _format=json")
    raise InvalidSearch(f"_format: {raw!r} is not supported; use json", parameter="_format")
