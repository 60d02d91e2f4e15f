import json

import pytest
from django.utils import translation

from onestop.core.errors import InvalidInput
from onestop.regions.gb2260 import (
    RegionName,
    all_regions,
    check_county_region,
    check_current_region,
    get_region,
    is_known_birthplace,
    region_path,
    search_regions,
)
from onestop.testing import shared_data

KNOWN_ANSWERS = json.loads(shared_data("ids/identity-codes.json").read_text("utf-8"))[
    "region_gb2260"
]


def _region(code):
    region = get_region(code)
    assert region is not None, code
    return region


def _raised(function, code):
    with pytest.raises(InvalidInput) as caught:
        function(code)
    return caught.value


# Known answers


@pytest.mark.parametrize(("code", "name"), KNOWN_ANSWERS["valid_current"].items())
def test_known_current_code_is_current(code, name):
    region = check_current_region(code)

    assert region.code == code
    assert region.name == name
    assert region.current is True
    assert region.valid_to is None


@pytest.mark.parametrize("code", KNOWN_ANSWERS["invalid"])
def test_known_invalid_code_is_rejected(code):
    error = _raised(check_current_region, code)

    assert error.code in {"region.format", "region.unknown"}
    assert get_region(code) is None
    assert is_known_birthplace(code) is False


@pytest.mark.parametrize("code", KNOWN_ANSWERS["historical_only"])
def test_known_historical_code_is_birthplace_only(code):
    error = _raised(check_current_region, code)

    assert error.code == "region.not_current"
    assert is_known_birthplace(code) is True
    assert _region(code).current is False


# Parsing the packaged list


def test_list_contains_thousands_of_codes():
    codes = [region.code for region in all_regions()]

    assert len(codes) > 6000
    assert codes == sorted(codes)
    assert all(len(code) == 6 and code.isdigit() for code in codes)


def test_historical_code_keeps_its_years():
    region = _region("440624")

    assert region.name == "高明县"
    assert region.valid_from == 1983
    assert region.valid_to == 1994
    assert region.names == (RegionName("高明县", 1983, 1994),)


def test_renamed_code_keeps_every_name():
    region = _region("440111")

    assert region.name == "白云区"
    assert region.current is True
    assert region.valid_from == 1983
    assert region.names == (
        RegionName("郊区", 1983, 1986),
        RegionName("白云区", 1987, None),
    )


def test_code_without_years_is_current():
    region = _region("110101")

    assert region.current is True
    assert region.valid_from is None
    assert region.valid_to is None


def test_code_closed_without_start_year():
    region = _region("110103")

    assert region.name == "崇文区"
    assert region.current is False
    assert region.valid_from is None
    assert region.valid_to == 2010


def test_levels_follow_code_layout():
    assert _region("440000").level == "province"
    assert _region("440600").level == "city"
    assert _region("440604").level == "county"
    assert _region("469001").level == "county"


def test_county_carries_province_and_city_names():
    region = _region("440604")

    assert region.province == "广东省"
    assert region.city == "佛山市"
    assert region.full_name == "广东省佛山市禅城区"
    assert region.province_code == "440000"
    assert region.city_code == "440600"


def test_city_is_its_own_city():
    region = _region("440600")

    assert region.city == "佛山市"
    assert region.full_name == "广东省佛山市"


def test_municipality_district_has_no_city():
    region = _region("110101")

    assert region.city is None
    assert region.full_name == "北京市东城区"


def test_historical_county_has_city_of_its_time():
    region = _region("440524")

    assert region.name == "潮阳县"
    assert region.city == "汕头市"
    assert region.current is False


def test_grouping_codes_are_placeholders():
    assert _region("110100").placeholder is True
    assert _region("440601").placeholder is True
    assert _region("469000").placeholder is True
    assert _region("440604").placeholder is False
    assert _region("441900").placeholder is False


# check_current_region


@pytest.mark.parametrize(
    "code", ["44060", "4406040", "abcdef", " 440604", "４４０６０４"]
)
def test_current_region_rejects_malformed_code(code):
    error = _raised(check_current_region, code)

    assert error.code == "region.format"
    assert error.details == {"value": code}


def test_current_region_rejects_non_string():
    error = _raised(check_current_region, 440604)

    assert error.code == "region.format"


def test_current_region_message_names_unknown_code():
    error = _raised(check_current_region, "440699")

    with translation.override("en"):
        message = error.render()

    assert error.code == "region.unknown"
    assert message == (
        "440699 is not an assigned GB/T 2260 region code. Check the code against the "
        "list of administrative divisions and enter it again."
    )


def test_current_region_message_names_years():
    error = _raised(check_current_region, "440624")

    with translation.override("en"):
        message = error.render()

    assert message == (
        "440624 (高明县) was a region code only from 1983 to 1994. Enter the code of "
        "the region that is in use today."
    )


def test_current_region_message_without_start_year():
    error = _raised(check_current_region, "110103")

    with translation.override("en"):
        message = error.render()

    assert message == (
        "110103 (崇文区) was a region code only until 2010. Enter the code of the "
        "region that is in use today."
    )


def test_current_region_message_in_chinese():
    error = _raised(check_current_region, "440624")

    with translation.override("zh-hans"):
        message = error.render()

    assert message == (
        "440624（高明县）仅在 1983 年至 1994 年间使用，现已停用。"
        "请输入现行的行政区划代码。"
    )


# check_county_region


@pytest.mark.parametrize("code", ["440604", "511602", "110101", "469001", "429021"])
def test_county_region_accepts_county_level_code(code):
    region = check_county_region(code)

    assert region.code == code
    assert region.level == "county"


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("441900", "东莞市"),
        ("442000", "中山市"),
        ("620200", "嘉峪关市"),
        ("460400", "儋州市"),
    ],
)
def test_county_region_accepts_city_without_counties(code, name):
    region = check_county_region(code)

    assert region.name == name
    assert region.level == "city"


def test_four_cities_pass_as_counties():
    accepted = []
    for region in all_regions():
        if region.level != "city" or not region.current:
            continue
        try:
            check_county_region(region.code)
        except InvalidInput:
            continue
        accepted.append(region.code)

    assert accepted == ["441900", "442000", "460400", "620200"]


@pytest.mark.parametrize(
    "code",
    [
        "440000",  # a province
        "110000",  # a municipality
        "440600",  # a city with districts
        "460300",  # 三沙市, with districts since 2020
        "440601",  # 市辖区
        "110100",  # 市辖区 of a municipality
        "469000",  # 省直辖县级行政单位
        "810000",  # a special administrative region
    ],
)
def test_county_region_rejects_other_levels(code):
    error = _raised(check_county_region, code)

    assert error.code == "region.not_county"


def test_county_region_rejects_historical_county():
    error = _raised(check_county_region, "440624")

    assert error.code == "region.not_current"


def test_county_region_message_for_city():
    error = _raised(check_county_region, "440600")

    with translation.override("en"):
        message = error.render()

    assert message == (
        "440600 (佛山市) is a prefecture-level city with counties or districts of its "
        "own. Enter the code of one of those counties or districts."
    )


def test_county_region_message_for_grouping_code():
    error = _raised(check_county_region, "440601")

    with translation.override("en"):
        message = error.render()

    assert message == (
        "440601 (市辖区) groups other regions and is not a region of its own. Enter "
        "the code of a county, a district or a county-level city."
    )


def test_county_region_message_for_province():
    error = _raised(check_county_region, "440000")

    with translation.override("en"):
        message = error.render()

    assert message == (
        "440000 (广东省) is a province-level region. Enter the code of a county, a "
        "district or a county-level city."
    )


# region_path


def test_path_of_county():
    assert [r.code for r in region_path("440604")] == ["440000", "440600", "440604"]


def test_path_skips_municipality_grouping():
    assert [r.code for r in region_path("110101")] == ["110000", "110101"]


def test_path_skips_province_grouping():
    assert [r.code for r in region_path("469001")] == ["460000", "469001"]


def test_path_of_city_without_counties():
    assert [r.name for r in region_path("441900")] == ["广东省", "东莞市"]


def test_path_of_province():
    assert [r.code for r in region_path("440000")] == ["440000"]


def test_path_of_unknown_code_is_empty():
    assert region_path("999999") == []


# search_regions


def test_search_finds_name_part():
    assert [r.code for r in search_regions("禅城")] == ["440604"]


def test_search_finds_name_with_parents():
    assert [r.code for r in search_regions("佛山市禅城区")] == ["440604"]


def test_search_by_code_prefix_lists_city_first():
    codes = [r.code for r in search_regions("4406")]

    assert codes[0] == "440600"
    assert "440604" in codes
    assert "440601" not in codes
    assert "440624" not in codes


def test_search_puts_exact_name_first():
    assert search_regions("东城区")[0].code == "110101"


def test_search_includes_historical_on_request():
    current = [r.code for r in search_regions("高明")]
    with_history = [r.code for r in search_regions("高明", include_historical=True)]

    assert current == ["440608"]
    assert with_history[0] == "440608"
    assert "440624" in with_history


def test_search_respects_limit():
    assert len(search_regions("区", limit=5)) == 5


def test_search_of_blank_text_is_empty():
    assert search_regions("  ") == []
