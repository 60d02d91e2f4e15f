"""Date and time formats of pages, the same in every language (settings.FORMAT_MODULE_PATH).

Pages show dates as 2026-12-05 and times as 2026-12-05 14:30, in Chinese and in English,
so a date reads the same on every surface. The API writes ISO 8601 instead. The format
strings are Django's: https://docs.djangoproject.com/en/stable/ref/templates/builtins/#date
"""

DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
MONTH_DAY_FORMAT = "m-d"
YEAR_MONTH_FORMAT = "Y-m"
