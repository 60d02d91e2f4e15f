"""GB/T 2260 administrative division codes (行政区划代码): lookup, validation, search.

The codes come from `stdnum/cn/loc.dat` in the installed python-stdnum package (read
in place, never copied). The file lists each 6-digit code under its 2-digit province,
with the years each name was in use, for example `0604 county="[2002-]禅城区"` and
`0111 county="[1983-1986]郊区,[1987-]白云区"`. A span without a start year runs from
before the first published list, and a span without an end year is still in use.

NOTE: "current" means current in the python-stdnum copy of the list (python-stdnum 2.2
lists changes up to 2025). A division created or abolished after that release is
unknown or still current here until python-stdnum is upgraded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Literal

from django.utils.translation import gettext_lazy as _

from onestop.core.errors import InvalidInput

Level = Literal["province", "city", "county"]

# Names of the codes that group the divisions under a city or a province and are no
# division of their own. 市辖区 groups the districts of a city, 市区 was a city proper
# before 1983 and 县 groups the counties of a municipality. 省直辖县级行政单位 (469000,
# 429000, ...) groups the county-level cities that a province governs directly.
PLACEHOLDER_NAMES = frozenset(
    {
        "市辖区",
        "市区",
        "县",
        "省直辖县级行政单位",
        "省直辖行政单位",
        "自治区直辖县级行政单位",
    }
)

_CODE_PATTERN = re.compile(r"[0-9]{6}")
_PROVINCE_LINE = re.compile(r'(?P<prefix>[0-9]{2}) province="(?P<name>[^"]+)"')
_DIVISION_LINE = re.compile(r'\s+(?P<suffix>[0-9]{4}) county="(?P<names>[^"]+)"')
_NAME_SPAN = re.compile(r"(?:\[(?P<start>[0-9]{4})?-(?P<end>[0-9]{4})?\])?(?P<name>.+)")


@dataclass(frozen=True, slots=True)
class RegionName:
    """One name of a region code and the years it was in use (None: open-ended)."""

    name: str
    valid_from: int | None
    valid_to: int | None


@dataclass(frozen=True, slots=True)
class Region:
    """A GB/T 2260 region code with its latest name, its parents and its validity.

    `province` and `city` are the names of the province and the city the region lies in
    (a city's `city` is its own name). `city` is None for a province, and for a region
    directly under a municipality or a province, such as 110101 or 469001.
    """

    code: str
    name: str
    level: Level
    province: str
    city: str | None
    full_name: str
    valid_from: int | None
    valid_to: int | None
    current: bool
    placeholder: bool
    names: tuple[RegionName, ...]

    @property
    def province_code(self) -> str:
        return self.code[:2] + "0000"

    @property
    def city_code(self) -> str | None:
        return None if self.level == "province" else self.code[:4] + "00"


class InvalidRegionFormat(InvalidInput):
    code = "region.format"
    message = _(
        "“%(value)s” is not a region code. Enter the 6-digit GB/T 2260 code, such as "
        "440604."
    )


class UnknownRegion(InvalidInput):
    code = "region.unknown"
    message = _(
        "%(code)s is not an assigned GB/T 2260 region code. Check the code against the "
        "list of administrative divisions and enter it again."
    )


class RegionNotCurrent(InvalidInput):
    code = "region.not_current"
    message = _(
        "%(code)s (%(name)s) was a region code only from %(valid_from)s to "
        "%(valid_to)s. Enter the code of the region that is in use today."
    )


class RegionNotCounty(InvalidInput):
    code = "region.not_county"
    message = _(
        "%(code)s (%(name)s) is a province-level region. Enter the code of a county, "
        "a district or a county-level city."
    )


_NOT_CURRENT_SINCE_FIRST_LIST = _(
    "%(code)s (%(name)s) was a region code only until %(valid_to)s. Enter the code of "
    "the region that is in use today."
)
_NOT_COUNTY_CITY = _(
    "%(code)s (%(name)s) is a prefecture-level city with counties or districts of its "
    "own. Enter the code of one of those counties or districts."
)
_NOT_COUNTY_PLACEHOLDER = _(
    "%(code)s (%(name)s) groups other regions and is not a region of its own. Enter "
    "the code of a county, a district or a county-level city."
)


def get_region(code: str) -> Region | None:
    """Return the region with this code, current or historical, or None."""
    return _regions().get(code)


def is_known_birthplace(code: str) -> bool:
    """Return whether the code was ever assigned, current or historical.

    The birthplace code of an ID number may be a historical one.
    """
    return code in _regions()


def check_current_region(code: str) -> Region:
    """Return the region with this code, or raise unless the code is in use today."""
    if not isinstance(code, str) or not _CODE_PATTERN.fullmatch(code):
        raise InvalidRegionFormat(value=code)

    region = get_region(code)
    if region is None:
        raise UnknownRegion(code=code)

    if not region.current:
        _raise_not_current(region)
    return region


def check_county_region(code: str) -> Region:
    """Return the county-level region with this code, or raise.

    A service centre serves one county-level region: a county, a district, a
    county-level city, a banner and the like, including the county-level cities
    that a province governs directly (469001 五指山市). A prefecture-level city
    without counties or districts (不设区的地级市 such as 441900 东莞市 and 442000
    中山市) is also accepted, because its city government runs the county-level
    service centre. Provinces, cities with counties and grouping codes (市辖区,
    省直辖县级行政单位) raise RegionNotCounty.
    """
    region = check_current_region(code)

    if region.placeholder:
        raise RegionNotCounty(_NOT_COUNTY_PLACEHOLDER, code=code, name=region.name)

    if region.level == "province":
        raise RegionNotCounty(code=code, name=region.name)

    if region.level == "city" and _has_current_counties(region):
        raise RegionNotCounty(_NOT_COUNTY_CITY, code=code, name=region.name)
    return region


def region_path(code: str) -> list[Region]:
    """Return the province, the city and the county of a code, leaving out groupings.

    The path of 440604 is [广东省, 佛山市, 禅城区], of 110101 [北京市, 东城区]
    (110100 市辖区 is a grouping) and of 441900 [广东省, 东莞市]. An unknown code
    has an empty path.
    """
    region = get_region(code)
    if region is None:
        return []

    candidates = [region.province_code, region.city_code, region.code]
    path: list[Region] = []
    for candidate in dict.fromkeys(c for c in candidates if c is not None):
        parent = get_region(candidate)
        if parent is not None and not parent.placeholder:
            path.append(parent)
    return path


def search_regions(
    text: str, *, include_historical: bool = False, limit: int = 20
) -> list[Region]:
    """Find regions whose code starts with the text or whose name contains it.

    A name matches on its own ("禅城") or with its parents ("佛山市禅城区"). Exact names
    come first, then provinces, cities and counties in code order. Grouping codes are
    never returned, and historical codes only when include_historical is true.
    """
    query = "".join(text.split())
    if not query or limit <= 0:
        return []

    matches = [
        region
        for region in _regions().values()
        if not region.placeholder
        and (region.current or include_historical)
        and _matches(region, query, include_historical)
    ]
    level_order = {"province": 0, "city": 1, "county": 2}
    matches.sort(
        key=lambda r: (r.name != query, level_order[r.level], not r.current, r.code)
    )
    return matches[:limit]


def all_regions() -> list[Region]:
    """Return every region code of the list, current and historical, in code order."""
    return list(_regions().values())


def _matches(region: Region, query: str, include_historical: bool) -> bool:
    if query.isascii() and query.isdigit():
        return region.code.startswith(query)

    if query in region.full_name:
        return True
    return include_historical and any(query in n.name for n in region.names)


def _raise_not_current(region: Region) -> None:
    details = {"code": region.code, "name": region.name, "valid_to": region.valid_to}
    if region.valid_from is None:
        raise RegionNotCurrent(_NOT_CURRENT_SINCE_FIRST_LIST, **details)
    raise RegionNotCurrent(valid_from=region.valid_from, **details)


def _has_current_counties(city: Region) -> bool:
    return city.code[:4] in _city_prefixes_with_current_counties()


@cache
def _city_prefixes_with_current_counties() -> frozenset[str]:
    return frozenset(
        region.code[:4]
        for region in _regions().values()
        if region.current and not region.placeholder and region.level == "county"
    )


@cache
def _regions() -> dict[str, Region]:
    """Parse the packaged list once into regions keyed by code, in code order."""
    history = _read_name_history()

    regions: dict[str, Region] = {}
    for code in sorted(history):
        regions[code] = _build_region(code, history)
    return regions


def _read_name_history() -> dict[str, tuple[RegionName, ...]]:
    text = files("stdnum.cn").joinpath("loc.dat").read_text(encoding="utf-8")

    history: dict[str, tuple[RegionName, ...]] = {}
    province_prefix = ""
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue

        province = _PROVINCE_LINE.fullmatch(line)
        if province:
            province_prefix = province["prefix"]
            continue

        division = _DIVISION_LINE.fullmatch(line)
        if division is None:
            raise ValueError(f"unexpected line in stdnum/cn/loc.dat: {line!r}")
        code = province_prefix + division["suffix"]
        history[code] = tuple(_parse_names(division["names"]))
    return history


def _parse_names(value: str) -> list[RegionName]:
    names = []
    for part in value.split(","):
        match = _NAME_SPAN.fullmatch(part)
        if match is None:
            raise ValueError(f"unexpected name in stdnum/cn/loc.dat: {part!r}")
        start, end = match["start"], match["end"]
        names.append(
            RegionName(
                name=match["name"],
                valid_from=int(start) if start else None,
                valid_to=int(end) if end else None,
            )
        )
    return names


def _build_region(code: str, history: dict[str, tuple[RegionName, ...]]) -> Region:
    names = history[code]
    latest = names[-1]
    current = latest.valid_to is None
    level = _level_of(code)

    starts = [n.valid_from for n in names]
    valid_from = None if None in starts else min(s for s in starts if s is not None)

    province_names = history.get(code[:2] + "0000", names)
    province = _name_during(province_names, latest)
    city = None
    if level == "county":
        city = _parent_city_name(code, history, latest)
    elif level == "city" and latest.name not in PLACEHOLDER_NAMES:
        city = latest.name

    parts = [province, city, latest.name] if level != "province" else [province]
    full_name = "".join(dict.fromkeys(p for p in parts if p))
    return Region(
        code=code,
        name=latest.name,
        level=level,
        province=province,
        city=city,
        full_name=full_name,
        valid_from=valid_from,
        valid_to=latest.valid_to,
        current=current,
        placeholder=latest.name in PLACEHOLDER_NAMES,
        names=names,
    )


def _level_of(code: str) -> Level:
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "city"
    return "county"


def _parent_city_name(
    code: str, history: dict[str, tuple[RegionName, ...]], span: RegionName
) -> str | None:
    city_names = history.get(code[:4] + "00")
    if city_names is None:
        return None

    name = _name_during(city_names, span)
    return None if name in PLACEHOLDER_NAMES else name


def _name_during(names: tuple[RegionName, ...], span: RegionName) -> str:
    """Return the name in use during the span, else the latest name."""
    for candidate in reversed(names):
        if _overlaps(candidate, span):
            return candidate.name
    return names[-1].name


def _overlaps(first: RegionName, second: RegionName) -> bool:
    first_end = first.valid_to if first.valid_to is not None else 9999
    second_end = second.valid_to if second.valid_to is not None else 9999
    first_start = first.valid_from or 0
    second_start = second.valid_from or 0
    return first_start <= second_end and second_start <= first_end
