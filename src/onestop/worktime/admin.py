"""Admin screens of the work calendar: stored days, loaded years, the import."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from onestop.core.errors import OneStopError
from onestop.worktime.actions import load_schedule
from onestop.worktime.errors import ScheduleInvalid
from onestop.worktime.models import WorkCalendarDay, WorkCalendarYear
from onestop.worktime.schedule import MAX_FILE_BYTES, parse_schedule


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows change only through the actions, so the admin lists them without editing."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WorkCalendarDay)
class WorkCalendarDayAdmin(ReadOnlyAdmin):
    list_display = ["date", "region_code", "is_workday", "note", "source"]
    list_filter = ["is_workday", "source", "region_code"]
    date_hierarchy = "date"
    search_fields = ["note", "region_code"]


class ImportScheduleForm(forms.Form):
    file = forms.FileField(
        label=_("Schedule file"),
        help_text=_("CSV (date,kind,note) or JSON, UTF-8, at most 1 MiB."),
    )
    region_code = forms.CharField(
        label=_("Region code"),
        required=False,
        max_length=6,
        help_text=_("Six-digit GB/T 2260 code. Leave empty for the national calendar."),
    )
    replace = forms.BooleanField(
        label=_("Replace the loaded year"),
        required=False,
        help_text=_("Tick to overwrite a year that is already loaded for this region."),
    )


@admin.register(WorkCalendarYear)
class WorkCalendarYearAdmin(ReadOnlyAdmin):
    list_display = ["year", "region_code", "source", "loaded_at"]
    list_filter = ["source", "region_code"]
    change_list_template = "worktime/year_change_list.html"

    def get_urls(self) -> list[URLPattern]:
        import_url = path(
            "import/",
            self.admin_site.admin_view(self.import_view),
            name="worktime_workcalendaryear_import",
        )
        return [import_url, *super().get_urls()]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Show the import form, and load an uploaded schedule with `load_schedule`."""
        if not request.user.has_perm("worktime.view_workcalendaryear"):
            raise DjangoPermissionDenied

        form = ImportScheduleForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                self._load(request, form.cleaned_data)
            except ScheduleInvalid as error:
                for problem in error.errors:
                    form.add_error(None, str(problem))
            except OneStopError as error:
                form.add_error(None, str(error))
            else:
                changelist = reverse("admin:worktime_workcalendaryear_changelist")
                return HttpResponseRedirect(changelist)

        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Import a year's schedule"),
            "form": form,
        }
        return TemplateResponse(request, "worktime/import_schedule.html", context)

    def _load(self, request: HttpRequest, data: dict[str, Any]) -> None:
        upload = data["file"]
        content = upload.read(MAX_FILE_BYTES + 1)
        schedule = parse_schedule(content, upload.name)
        result = load_schedule(
            schedule,
            actor=request.user,
            region_code=data["region_code"] or "",
            replace=data["replace"],
        )
        messages.success(request, result.message())
