"""Loading a year's schedule: the parser, the action, the command and the admin."""

from __future__ import annotations

import datetime as dt
import json
import re
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from onestop.regions.gb2260 import UnknownRegion
from onestop.worktime.actions import load_schedule, seed_calendar
from onestop.worktime.errors import (
    ConflictingDay,
    DateMissing,
    EmptySchedule,
    InvalidDate,
    InvalidKind,
    InvalidScheduleFile,
    ScheduleInvalid,
    SeveralYears,
    UnknownKey,
    WorkdayNotOnWeekend,
    YearAlreadyLoaded,
    YearMismatch,
)
from onestop.worktime.models import WorkCalendarDay, WorkCalendarYear
from onestop.worktime.schedule import MAX_FILE_BYTES, parse_schedule

# A made-up 2027 schedule, shaped like a State Council notice but not the official one.
SAMPLE_CSV = """date,kind,note
2027-01-01,holiday,元旦
2027-02-06,holiday,春节
2027-02-07,holiday,春节
2027-02-08,holiday,春节
2027-01-30,workday,春节
"""

SAMPLE_JSON = {
    "year": 2027,
    "holidays": ["2027-01-01", {"date": "2027-10-01", "note": "国庆节"}],
    "workdays": [{"date": "2027-09-26", "note": "国庆节"}],
}


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def stored_days() -> list[tuple]:
    rows = WorkCalendarDay.objects.values_list(
        "region_code", "date", "is_workday", "note"
    )
    return sorted(rows)


# The parser.


def test_csv_schedule_parses_days():
    schedule = parse_schedule(SAMPLE_CSV.encode())

    assert schedule.year == 2027
    assert schedule.holiday_count == 4
    assert schedule.workday_count == 1
    assert schedule.days[0].date == dt.date(2027, 1, 1)
    assert schedule.days[0].note == "元旦"


def test_csv_accepts_bom_blank_and_comment_lines():
    text = "\ufeffdate,kind,note\n# published 2026-11-04\n\n2027-01-01,holiday,元旦\n"

    schedule = parse_schedule(text.encode())

    assert len(schedule.days) == 1


def test_csv_accepts_chinese_kinds():
    text = "date,kind,note\n2027-02-06,休,春节\n2027-01-30,班,春节\n"

    schedule = parse_schedule(text.encode())

    assert schedule.holiday_count == 1
    assert schedule.workday_count == 1


def test_json_schedule_parses_strings_and_objects():
    schedule = parse_schedule(json.dumps(SAMPLE_JSON).encode(), "2027.json")

    assert schedule.year == 2027
    assert [day.date for day in schedule.days] == [
        dt.date(2027, 1, 1),
        dt.date(2027, 9, 26),
        dt.date(2027, 10, 1),
    ]
    assert schedule.days[2].note == "国庆节"
    assert schedule.days[1].is_workday


def test_repeated_line_counts_once():
    text = "date,kind,note\n2027-01-01,holiday,元旦\n2027-01-01,holiday,\n"

    schedule = parse_schedule(text.encode())

    assert len(schedule.days) == 1


def test_invalid_date_names_line_and_value():
    text = "date,kind,note\n2027-01-01,holiday,元旦\n2027/02/06,holiday,春节\n"

    with pytest.raises(InvalidDate) as raised:
        parse_schedule(text.encode())

    assert raised.value.code == "calendar.invalid_date"
    assert raised.value.render() == (
        'line 3: "2027/02/06" is not a date in the form YYYY-MM-DD. Write it as, for '
        "example, 2027-02-06."
    )


def test_invalid_date_message_in_chinese():
    with pytest.raises(InvalidDate) as raised:
        parse_schedule(b"date,kind,note\n2027/02/06,holiday,\n")

    with translation.override("zh-hans"):
        message = raised.value.render()

    assert message.startswith("第 2 行：“2027/02/06”不是 YYYY-MM-DD 格式的日期。")


def test_impossible_date_is_invalid():
    with pytest.raises(InvalidDate) as raised:
        parse_schedule(b"date,kind,note\n2028-02-30,holiday,\n")

    assert raised.value.code == "calendar.invalid_date"
    assert raised.value.render() == (
        'line 2: "2028-02-30" is in the form YYYY-MM-DD, but no such date exists '
        "(2028-02 has 29 days). Check the month and the day."
    )
    with translation.override("zh-hans"):
        message = raised.value.render()
    assert message == (
        "第 2 行：“2028-02-30”格式是 YYYY-MM-DD，但没有这一天"
        "（2028-02 只有 29 天）。请检查月份和日期。"
    )


def test_date_with_month_13_is_invalid():
    with pytest.raises(InvalidDate) as raised:
        parse_schedule(b"date,kind,note\n2027-13-01,holiday,\n")

    assert "(there is no month 13)" in raised.value.render()


def test_invalid_json_date_names_entry():
    document = {"holidays": ["2027-01-01", "1 Feb 2027"]}

    with pytest.raises(InvalidDate) as raised:
        parse_schedule(json.dumps(document).encode(), "2027.json")

    assert raised.value.render().startswith('holidays[1]: "1 Feb 2027"')


def test_invalid_kind_names_line_and_value():
    with pytest.raises(InvalidKind) as raised:
        parse_schedule(b"date,kind,note\n2027-01-01,rest,\n")

    assert raised.value.code == "calendar.invalid_kind"
    assert raised.value.render().startswith('line 2: "rest" is not a kind of day.')


def test_day_both_holiday_and_workday_is_rejected():
    text = "\n".join(
        [
            "date,kind,note",
            "2027-01-30,holiday,",
            "2027-01-01,holiday,",
            "2027-01-30,workday,",
        ]
    )

    with pytest.raises(ConflictingDay) as raised:
        parse_schedule(text.encode())

    assert raised.value.code == "calendar.conflicting_day"
    assert raised.value.render() == (
        "2027-01-30 is listed as a holiday (line 2) and as a workday (line 4). "
        "Keep only the line that the published schedule states."
    )


def test_days_of_several_years_are_rejected():
    text = "date,kind,note\n2026-12-31,holiday,\n2027-01-01,holiday,\n"

    with pytest.raises(SeveralYears) as raised:
        parse_schedule(text.encode())

    assert raised.value.code == "calendar.several_years"
    assert "2026, 2027" in raised.value.render()


def test_json_year_must_match_dates():
    document = {"year": 2028, "holidays": ["2027-01-01"]}

    with pytest.raises(YearMismatch) as raised:
        parse_schedule(json.dumps(document).encode(), "x.json")

    assert "declares the year 2028, but its days fall in 2027" in raised.value.render()


def test_empty_schedule_is_rejected():
    with pytest.raises(EmptySchedule):
        parse_schedule(b"date,kind,note\n")


def test_missing_header_is_rejected():
    with pytest.raises(InvalidScheduleFile) as raised:
        parse_schedule(b"2027-01-01,holiday,\n")

    assert "header date,kind,note" in raised.value.render()


def test_broken_json_names_line():
    with pytest.raises(InvalidScheduleFile) as raised:
        parse_schedule(b'{"holidays": [\n"2027-01-01",\n', "x.json")

    assert "the JSON is invalid (line 3, column 1: a value is expected)" in (
        raised.value.render()
    )
    assert "Expecting" not in raised.value.render()


def test_non_utf8_file_is_rejected():
    with pytest.raises(InvalidScheduleFile) as raised:
        parse_schedule("date,kind,note\n2027-01-01,holiday,元旦\n".encode("gb18030"))

    assert "not UTF-8" in raised.value.render()


def test_oversized_file_is_rejected():
    with pytest.raises(InvalidScheduleFile) as raised:
        parse_schedule(b"#" * (MAX_FILE_BYTES + 1))

    assert "larger than 1 MiB" in raised.value.render()


# The action.


@pytest.mark.django_db
def test_load_schedule_stores_days_and_year():
    result = load_schedule(parse_schedule(SAMPLE_CSV.encode()), actor=None)

    assert result.holidays == 4
    assert result.workdays == 1
    assert not result.replaced
    assert WorkCalendarDay.objects.filter(date__year=2027).count() == 5
    assert WorkCalendarYear.objects.get(year=2027).source == "import"


@pytest.mark.django_db
def test_loaded_year_is_not_overwritten():
    load_schedule(parse_schedule(SAMPLE_CSV.encode()), actor=None)
    before = stored_days()
    other = parse_schedule(b"date,kind,note\n2027-05-03,holiday,\n")

    with pytest.raises(YearAlreadyLoaded) as raised:
        load_schedule(other, actor=None)

    assert raised.value.code == "calendar.year_loaded"
    assert "The 2027 schedule (nationwide) is already loaded" in raised.value.render()
    assert stored_days() == before


@pytest.mark.django_db
def test_replace_overwrites_the_whole_year():
    load_schedule(parse_schedule(SAMPLE_CSV.encode()), actor=None)
    other = parse_schedule(b"date,kind,note\n2027-05-03,holiday,\n")

    result = load_schedule(other, actor=None, replace=True)

    assert result.replaced
    assert stored_days() == [("", dt.date(2027, 5, 3), False, "")]


@pytest.mark.django_db
def test_replace_leaves_other_years_and_regions():
    seed_calendar(years=[2026])
    sample = parse_schedule(SAMPLE_CSV.encode())
    load_schedule(sample, actor=None, region_code="440604")
    load_schedule(sample, actor=None)
    national_2026 = WorkCalendarDay.objects.filter(date__year=2026).count()
    smaller = parse_schedule(b"date,kind,note\n2027-05-03,holiday,\n")

    load_schedule(smaller, actor=None, replace=True)

    assert WorkCalendarDay.objects.filter(date__year=2026).count() == national_2026
    assert WorkCalendarDay.objects.filter(region_code="440604").count() == 5
    assert WorkCalendarDay.objects.filter(region_code="", date__year=2027).count() == 1


# The `calendar` management command.


@pytest.mark.django_db
def test_command_imports_csv_for_region(tmp_path):
    path = write(tmp_path, "2027.csv", SAMPLE_CSV)
    output = StringIO()

    call_command("calendar", "import", str(path), "--region", "440604", stdout=output)

    assert "Loaded 2027 (region 440604): 4 holidays, 1 make-up workday." in (
        output.getvalue()
    )
    assert WorkCalendarYear.objects.get(region_code="440604").year == 2027


@pytest.mark.django_db
def test_command_imports_json(tmp_path):
    path = write(tmp_path, "2027.json", json.dumps(SAMPLE_JSON))

    call_command("calendar", "import", str(path), stdout=StringIO())

    assert WorkCalendarDay.objects.filter(region_code="").count() == 3


@pytest.mark.django_db
def test_command_rejects_loaded_year_without_replace(tmp_path):
    path = write(tmp_path, "2027.csv", SAMPLE_CSV)
    call_command("calendar", "import", str(path), stdout=StringIO())
    smaller = write(tmp_path, "2027b.csv", "date,kind,note\n2027-05-03,holiday,\n")

    with pytest.raises(CommandError, match=r"calendar\.year_loaded"):
        call_command("calendar", "import", str(smaller), stdout=StringIO())

    assert WorkCalendarDay.objects.count() == 5


@pytest.mark.django_db
def test_command_replaces_with_flag(tmp_path):
    path = write(tmp_path, "2027.csv", SAMPLE_CSV)
    call_command("calendar", "import", str(path), stdout=StringIO())
    smaller = write(tmp_path, "2027b.csv", "date,kind,note\n2027-05-03,holiday,\n")
    output = StringIO()

    call_command("calendar", "import", str(smaller), "--replace", stdout=output)

    assert (
        output.getvalue()
        == "Replaced 2027 (nationwide): 1 holiday, 0 make-up workdays.\n"
    )
    assert WorkCalendarDay.objects.count() == 1


@pytest.mark.django_db
def test_command_import_summary_in_chinese(tmp_path):
    path = write(tmp_path, "2027.csv", SAMPLE_CSV)
    output = StringIO()

    with translation.override("zh-hans"):
        call_command("calendar", "import", str(path), stdout=output)

    assert output.getvalue() == "已导入 2027 年（全国）：4 个休息日，1 个调休上班日。\n"


@pytest.mark.django_db
def test_command_error_leaves_calendar_unchanged(tmp_path):
    text = SAMPLE_CSV + "2027-02-06,workday,\n"
    path = write(tmp_path, "2027.csv", text)

    with pytest.raises(CommandError, match=r"calendar\.conflicting_day"):
        call_command("calendar", "import", str(path), stdout=StringIO())

    assert not WorkCalendarDay.objects.exists()
    assert not WorkCalendarYear.objects.exists()


@pytest.mark.django_db
def test_command_rejects_invalid_region(tmp_path):
    path = write(tmp_path, "2027.csv", SAMPLE_CSV)

    with pytest.raises(CommandError, match=r"calendar\.invalid_region"):
        call_command("calendar", "import", str(path), "--region", "guangdong")

    assert not WorkCalendarDay.objects.exists()


def test_command_reports_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("calendar", "import", str(tmp_path / "absent.csv"))


@pytest.mark.django_db
def test_command_seed_runs_once():
    first, second = StringIO(), StringIO()

    call_command("calendar", "seed", stdout=first)
    call_command("calendar", "seed", stdout=second)

    assert first.getvalue().startswith("Loaded 2004–2026: 23 years")
    assert second.getvalue().startswith("Every chinesecalendar year is already loaded.")


@pytest.mark.django_db
def test_command_lists_missing_years():
    output = StringIO()
    seed_calendar()

    call_command("calendar", "missing", "--upto", "2099-01-01", stdout=output)

    assert "2099" in output.getvalue()
    assert "provisional" in output.getvalue()


# The admin import page.


def upload(text: str, name: str = "2027.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


@pytest.fixture
def admin_client_for(client, superuser):
    client.force_login(superuser)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.mark.django_db
@pytest.mark.urls("onestop.worktime.tests.urls")
def test_admin_import_page_shows_form(admin_client_for):
    response = admin_client_for.get(reverse("admin:worktime_workcalendaryear_import"))

    assert response.status_code == 200
    assert b'name="replace"' in response.content


@pytest.mark.django_db
@pytest.mark.urls("onestop.worktime.tests.urls")
def test_admin_import_loads_schedule(admin_client_for):
    url = reverse("admin:worktime_workcalendaryear_import")

    response = admin_client_for.post(
        url, {"file": upload(SAMPLE_CSV), "region_code": ""}
    )

    assert response.status_code == 302
    assert WorkCalendarYear.objects.get(region_code="").year == 2027
    assert WorkCalendarDay.objects.count() == 5


@pytest.mark.django_db
@pytest.mark.urls("onestop.worktime.tests.urls")
def test_admin_import_needs_replace_box(admin_client_for):
    url = reverse("admin:worktime_workcalendaryear_import")
    admin_client_for.post(url, {"file": upload(SAMPLE_CSV)})
    smaller = "date,kind,note\n2027-05-03,holiday,\n"

    response = admin_client_for.post(url, {"file": upload(smaller)})

    assert response.status_code == 200
    assert "is already loaded" in response.content.decode()
    assert WorkCalendarDay.objects.count() == 5


@pytest.mark.django_db
@pytest.mark.urls("onestop.worktime.tests.urls")
def test_admin_import_replaces_with_box(admin_client_for):
    url = reverse("admin:worktime_workcalendaryear_import")
    admin_client_for.post(url, {"file": upload(SAMPLE_CSV)})
    smaller = "date,kind,note\n2027-05-03,holiday,\n"

    response = admin_client_for.post(
        url, {"file": upload(smaller), "replace": "on"}, follow=True
    )

    assert response.redirect_chain[0][1] == 302
    assert WorkCalendarDay.objects.count() == 1
    assert "Replaced 2027 (nationwide): 1 holiday, 0 make-up workdays." in (
        response.content.decode()
    )


@pytest.mark.django_db
@pytest.mark.urls("onestop.worktime.tests.urls")
def test_admin_import_shows_parse_error(admin_client_for):
    url = reverse("admin:worktime_workcalendaryear_import")
    text = "date,kind,note\n2027/02/06,holiday,\n"

    response = admin_client_for.post(url, {"file": upload(text)})

    assert response.status_code == 200
    assert "line 2" in response.content.decode()
    assert "2027/02/06" in response.content.decode()
    assert not WorkCalendarDay.objects.exists()


@pytest.mark.django_db
@pytest.mark.urls("onestop.worktime.tests.urls")
def test_admin_import_page_in_chinese(client, superuser):
    client.force_login(superuser)

    response = client.get(
        reverse("admin:worktime_workcalendaryear_import"),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    assert "导入年度节假日安排" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.urls("onestop.worktime.tests.urls")
def test_admin_import_forbidden_to_centre_admin(client, centre_admin):
    client.force_login(centre_admin)

    response = client.get(reverse("admin:worktime_workcalendaryear_import"))

    assert response.status_code == 403


@pytest.mark.django_db
@pytest.mark.urls("onestop.worktime.tests.urls")
def test_admin_import_needs_sign_in(client):
    response = client.get(reverse("admin:worktime_workcalendaryear_import"))

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


# Checks of the days against the weekday, and of the region code.


def test_workday_on_weekday_is_rejected():
    text = "date,kind,note\n2027-01-06,workday,周三上班\n"

    with pytest.raises(WorkdayNotOnWeekend) as raised:
        parse_schedule(text.encode())

    assert raised.value.code == "calendar.workday_not_on_weekend"
    assert raised.value.render() == (
        "line 2: 2027-01-06 is a Wednesday, which is a workday anyway. A make-up "
        "workday (调休上班) is a Saturday or a Sunday. Check the date, or write "
        '"holiday" if the day is a rest day.'
    )


def test_workday_on_weekday_message_in_chinese():
    with pytest.raises(WorkdayNotOnWeekend) as raised:
        parse_schedule(b"date,kind,note\n2027-01-06,workday,\n")

    with translation.override("zh-hans"):
        message = raised.value.render()

    assert message.startswith("第 2 行：2027-01-06 是星期三，本来就是工作日。")
    assert message.endswith("如果当天休息，请写“holiday”。")
    assert '"' not in message


def test_json_workday_on_weekday_names_entry():
    document = {"workdays": ["2027-01-30", "2027-02-01"]}

    with pytest.raises(WorkdayNotOnWeekend) as raised:
        parse_schedule(json.dumps(document).encode(), "2027.json")

    assert raised.value.render().startswith(
        "workdays[1]: 2027-02-01 is a Monday, which is a workday anyway."
    )


def test_holiday_on_weekend_is_accepted():
    text = "date,kind,note\n2027-02-06,holiday,春节\n2027-02-07,holiday,春节\n"

    schedule = parse_schedule(text.encode())

    assert schedule.holiday_count == 2


SEVERAL_ERRORS_CSV = """date,kind,note
2027/02/06,holiday,春节
2027-02-07,rest,春节
2027-01-06,workday,周三上班
2027-01-30,workday,春节
"""


def test_every_error_of_file_is_listed():
    with pytest.raises(ScheduleInvalid) as raised:
        parse_schedule(SEVERAL_ERRORS_CSV.encode())

    message = raised.value.render()
    assert raised.value.code == "calendar.schedule_invalid"
    assert [error.code for error in raised.value.errors] == [
        "calendar.invalid_date",
        "calendar.invalid_kind",
        "calendar.workday_not_on_weekend",
    ]
    assert message.startswith("The schedule file has 3 errors.")
    assert 'calendar.invalid_date: line 2: "2027/02/06"' in message
    assert 'calendar.invalid_kind: line 3: "rest"' in message
    assert "calendar.workday_not_on_weekend: line 4: 2027-01-06" in message


def test_error_list_of_one_is_singular():
    with pytest.raises(InvalidKind) as raised:
        parse_schedule(b"date,kind,note\n2027-05-03,rest,\n")

    message = ScheduleInvalid([raised.value]).render()

    assert message.startswith("The schedule file has 1 error. Fix it and import")
    assert 'calendar.invalid_kind: line 2: "rest"' in message


def test_error_list_message_in_chinese():
    with pytest.raises(ScheduleInvalid) as raised:
        parse_schedule(SEVERAL_ERRORS_CSV.encode())

    with translation.override("zh-hans"):
        message = raised.value.render()

    assert message.startswith("节假日安排文件有 3 处错误。请逐一改正后重新导入：\n")
    assert "第 4 行：2027-01-06 是星期三" in message


@pytest.mark.django_db
def test_command_lists_every_error(tmp_path):
    path = write(tmp_path, "2027.csv", SEVERAL_ERRORS_CSV)

    with pytest.raises(CommandError) as raised:
        call_command("calendar", "import", str(path), stdout=StringIO())

    assert str(raised.value).startswith("calendar.schedule_invalid:")
    assert "line 2" in str(raised.value)
    assert "line 3" in str(raised.value)
    assert "line 4" in str(raised.value)
    assert not WorkCalendarDay.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("region", "code"),
    [("999999", "region.unknown"), ("440600", None), ("440000", None)],
)
def test_command_checks_region_against_gb2260(tmp_path, region, code):
    path = write(tmp_path, "2027.csv", SAMPLE_CSV)

    if code is None:
        call_command(
            "calendar", "import", str(path), "--region", region, stdout=StringIO()
        )
        assert WorkCalendarYear.objects.get(region_code=region).year == 2027
        return
    with pytest.raises(CommandError, match=rf"{re.escape(code)}: 999999 is not an"):
        call_command("calendar", "import", str(path), "--region", region)

    assert not WorkCalendarDay.objects.exists()


@pytest.mark.django_db
def test_load_schedule_rejects_unknown_region():
    with pytest.raises(UnknownRegion):
        load_schedule(
            parse_schedule(SAMPLE_CSV.encode()), actor=None, region_code="999999"
        )

    assert not WorkCalendarYear.objects.exists()


@pytest.mark.django_db
@pytest.mark.urls("onestop.worktime.tests.urls")
def test_admin_import_lists_every_error(admin_client_for):
    url = reverse("admin:worktime_workcalendaryear_import")

    response = admin_client_for.post(url, {"file": upload(SEVERAL_ERRORS_CSV)})

    page = response.content.decode()
    assert response.status_code == 200
    assert "2027/02/06" in page
    assert "&quot;rest&quot;" in page
    assert "2027-01-06 is a Wednesday" in page
    assert not WorkCalendarDay.objects.exists()


@pytest.mark.django_db
def test_command_lists_long_and_hidden_notes(tmp_path):
    long_note = "春" * 101
    path = write(
        tmp_path,
        "2027.csv",
        "date,kind,note\n"
        f"2027-01-01,holiday,{long_note}\n"
        "2027-02-06,holiday,春\u200b节\n"
        "2027-02-07,holiday,春\x07节\n"
        "2027-02-08,holiday,春节\n",
    )

    with translation.override("en"), pytest.raises(CommandError) as raised:
        call_command("calendar", "import", str(path), stdout=StringIO())

    message = str(raised.value)
    assert message.startswith("calendar.schedule_invalid: The schedule file has 3")
    assert (
        "calendar.note_too_long: line 2: the note has 101 characters, but a note may "
        "have at most 100."
    ) in message
    assert (
        "calendar.note_character_invalid: line 3: the note contains U+200B "
        "(ZERO WIDTH SPACE)"
    ) in message
    assert "calendar.note_character_invalid: line 4: the note contains U+0007" in (
        message
    )
    assert not WorkCalendarDay.objects.filter(date__year=2027).exists()


def test_note_of_100_characters_accepted():
    content = f"date,kind,note\n2027-01-01,holiday,{'元' * 100}\n".encode()

    schedule = parse_schedule(content, "2027.csv")

    assert schedule.days[0].note == "元" * 100


# Problems of a file's shape: several years, misspelt keys.


def test_several_years_names_lines_of_each_year():
    text = "date,kind,note\n2027-01-01,holiday,\n2028-01-29,holiday,\n2027-02-06,holiday,\n"

    with pytest.raises(SeveralYears) as raised:
        parse_schedule(text.encode())

    message = raised.value.render()
    assert message.startswith("The file lists days of the years 2027, 2028,")
    assert "The days of each year are at 2027: line 2, line 4; 2028: line 3." in message


def test_several_years_counts_locations_beyond_five():
    holidays = [f"2027-01-{day:02d}" for day in range(1, 8)] + ["2028-01-29"]
    document = {"holidays": holidays}

    with pytest.raises(SeveralYears) as raised:
        parse_schedule(json.dumps(document).encode(), "days.json")

    message = raised.value.render()
    assert (
        "2027: holidays[0], holidays[1], holidays[2], holidays[3], holidays[4] "
        "and 2 more; 2028: holidays[7]." in message
    )


def test_several_years_in_chinese():
    text = "date,kind,note\n2027-01-01,holiday,\n2028-01-29,holiday,\n"

    with pytest.raises(SeveralYears) as raised:
        parse_schedule(text.encode())
    with translation.override("zh-hans"):
        message = raised.value.render()

    assert "2027：第 2 行；2028：第 3 行" in message


def test_json_entry_without_date_key():
    document = {"holidays": ["2028-01-28", {"dat": "2028-01-29"}]}

    with pytest.raises(ScheduleInvalid) as raised:
        parse_schedule(json.dumps(document).encode(), "2028.json")

    errors = raised.value.errors
    assert [error.code for error in errors] == [
        "calendar.unknown_key",
        "calendar.date_missing",
    ]
    assert isinstance(errors[0], UnknownKey)
    assert isinstance(errors[1], DateMissing)
    assert (
        errors[0].render().startswith('holidays[1]: "dat" is not a key of a day entry.')
    )
    assert errors[1].render().startswith('holidays[1]: the entry has no "date" key.')
    assert "is not a date" not in raised.value.render()


def test_json_entry_missing_date_alone():
    document = {"workdays": [{"note": "春节"}]}

    with pytest.raises(DateMissing) as raised:
        parse_schedule(json.dumps(document).encode(), "2027.json")

    assert raised.value.code == "calendar.date_missing"
    assert raised.value.render().startswith('workdays[0]: the entry has no "date"')


def test_json_unknown_document_key():
    document = {"year": 2027, "holiday": ["2027-01-01"], "workdays": ["2027-01-30"]}

    with pytest.raises(UnknownKey) as raised:
        parse_schedule(json.dumps(document).encode(), "2027.json")

    assert raised.value.code == "calendar.unknown_key"
    assert raised.value.render().startswith(
        'The JSON document has the key "holiday", which is not one of "year",'
    )


def test_json_key_errors_in_chinese():
    document = {"holidays": [{"dat": "2028-01-29"}]}

    with pytest.raises(ScheduleInvalid) as raised:
        parse_schedule(json.dumps(document).encode(), "2028.json")
    with translation.override("zh-hans"):
        rendered = [error.render() for error in raised.value.errors]

    assert rendered[0].startswith("holidays[0]：“dat”不是日期条目的键")
    assert rendered[1].startswith("holidays[0]：条目缺少“date”键")


@pytest.mark.django_db
@pytest.mark.urls("onestop.worktime.tests.urls")
def test_admin_import_shows_error_codes(admin_client_for):
    url = reverse("admin:worktime_workcalendaryear_import")

    several = admin_client_for.post(url, {"file": upload(SEVERAL_ERRORS_CSV)})
    single = admin_client_for.post(
        url, {"file": upload("date,kind,note\n2027-01-01,rest,\n")}
    )

    page = several.content.decode()
    assert "calendar.invalid_date: line 2" in page
    assert "calendar.invalid_kind: line 3" in page
    assert "calendar.workday_not_on_weekend: line 4" in page
    assert "calendar.invalid_kind: line 2" in single.content.decode()
