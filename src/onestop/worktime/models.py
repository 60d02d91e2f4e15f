"""The work calendar (工作日历): published days per region and the years loaded."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The empty region code is the national calendar. Any other code is a six-digit
# GB/T 2260 region (province, city or county) whose days override the national ones.
NATIONAL = ""
# The longest note of a calendar day, in characters.
NOTE_MAX_LENGTH = 100


class CalendarSource(models.TextChoices):
    CHINESECALENDAR = "chinesecalendar", _("chinesecalendar package")
    IMPORT = "import", _("imported file")
    ADMIN = "admin", _("entered by an administrator")


class WorkCalendarDay(models.Model):
    """A published day: a holiday or a make-up workday (调休) of one region."""

    region_code = models.CharField(
        _("region code"), max_length=6, blank=True, default=""
    )
    date = models.DateField(_("date"))
    is_workday = models.BooleanField(_("workday"))
    note = models.CharField(_("note"), max_length=NOTE_MAX_LENGTH, blank=True)
    source = models.CharField(
        _("source"), max_length=20, choices=CalendarSource.choices
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("work calendar day")
        verbose_name_plural = _("work calendar days")
        ordering = ["region_code", "date"]
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "date"], name="worktime_day_region_date_unique"
            ),
        ]

    def __str__(self) -> str:
        kind = _("workday") if self.is_workday else _("rest day")
        return f"{self.region_code or '-'} {self.date.isoformat()} {kind}"


class WorkCalendarYear(models.Model):
    """A year whose official schedule is loaded for a region."""

    region_code = models.CharField(
        _("region code"), max_length=6, blank=True, default=""
    )
    year = models.PositiveSmallIntegerField(_("year"))
    loaded_at = models.DateTimeField(_("loaded at"), default=timezone.now)
    source = models.CharField(
        _("source"), max_length=20, choices=CalendarSource.choices
    )

    class Meta:
        verbose_name = _("work calendar year")
        verbose_name_plural = _("work calendar years")
        ordering = ["region_code", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "year"], name="worktime_year_region_year_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region_code or '-'} {self.year}"
