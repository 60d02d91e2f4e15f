"""The files of an applicant's form page (application or correction), held across errors.

The application form, its kiosk copy and the correction form share this code. A POST
that fails keeps the files that passed their checks (cases.held_uploads). The page then
lists them with a remove box and sends their tokens with the next POST. A new file replaces
the held one of a material that allows one file, and is added to the held ones of
other materials.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest

from onestop.cases.actions import Application
from onestop.cases.held_uploads import (
    HELD_FIELD,
    REMOVE_FIELD,
    HeldScope,
    HeldSelection,
    held_as_uploads,
    hold_uploads,
    refresh_held,
    remove_held,
    select_held,
    session_digest,
)
from onestop.cases.intake import (
    MAX_FILES_PER_MATERIAL,
    CheckedFiles,
    TooManyFiles,
    application_from_request,
    checked_uploads,
)
from onestop.cases.models import Case, HeldUpload
from onestop.cases.uploads import CheckedUpload, RejectedUpload
from onestop.catalog.models import Matter
from onestop.core.errors import OneStopError

# Separates the tokens of the `held` query parameter, since a query parameter may not
# repeat (core.middleware). Tokens are URL-safe Base64, which has no ".".
QUERY_SEPARATOR = "."


def held_scope(
    request: HttpRequest, matter: Matter, case: Case | None = None
) -> HeldScope:
    """Return the scope of the held uploads that the request's form may use."""
    kiosk = bool(getattr(request, "kiosk", False))
    return HeldScope(
        owner=request.user,
        matter=matter,
        case=case,
        session_digest=session_digest(request.session.session_key) if kiosk else "",
    )


def max_files(material: dict[str, Any]) -> int:
    """Return how many files the material takes (`max_files`, 10 when not set)."""
    return int(material.get("max_files") or MAX_FILES_PER_MATERIAL)


@dataclass
class FormFiles:
    """The new and held files of one POST of a form, and what became of them.

    `shown` are the held uploads that the page shows after the POST, by material key.
    """

    scope: HeldScope
    materials: list[dict[str, Any]]
    checked: CheckedFiles
    selection: HeldSelection
    shown: dict[str, list[HeldUpload]] = field(default_factory=dict)

    @classmethod
    def read(
        cls, request: HttpRequest, scope: HeldScope, materials: list[dict[str, Any]]
    ) -> FormFiles:
        """Check the request's new files and look up the held ones that it names.

        A removed held upload is removed at once, as its file is of no further use.
        """
        checked = checked_uploads(request.FILES)
        limits = {material["key"]: max_files(material) for material in materials}
        replacing = {
            key
            for key, files in checked.uploads.items()
            if limits.get(key) == 1 and len(files) == 1
        }
        selection = select_held(
            scope,
            request.POST.getlist(HELD_FIELD),
            removed=request.POST.getlist(REMOVE_FIELD),
            replacing=replacing,
            idempotency_key=request.POST.get("idempotency_key") or None,
        )
        return cls(scope, materials, checked, selection)

    def application(self, request: HttpRequest) -> Application:
        """Return the request's application with the held files among its uploads.

        Raise the error of a held-upload token that cannot be used.
        """
        if self.selection.error is not None:
            raise self.selection.error
        uploads, rejected = self._merged()
        application = application_from_request(
            request.POST,
            request.FILES,
            checked=CheckedFiles(uploads=uploads, rejected=rejected),
        )
        application.held = list(self.selection.use)
        application.files_kept = True
        return application

    def _merged(self) -> tuple[dict[str, list[CheckedUpload]], list[RejectedUpload]]:
        """Return the held and new uploads by material, rejecting too many for one.

        NOTE: only pages apply a material's `max_files`; the API takes up to
        MAX_FILES_PER_MATERIAL files for any material.
        """
        held = held_as_uploads(self.selection.use)
        uploads = {key: list(files) for key, files in held.items()}
        rejected = list(self.checked.rejected)
        limits = {material["key"]: max_files(material) for material in self.materials}
        for key, files in self.checked.uploads.items():
            count = len(uploads.get(key, [])) + len(files)
            limit = limits.get(key, MAX_FILES_PER_MATERIAL)
            if count > limit:
                error = TooManyFiles(count=count, limit=limit, material=key)
                rejected.append(RejectedUpload(material=key, error=error))
                continue
            uploads.setdefault(key, []).extend(files)
        return uploads, rejected

    def succeeded(self) -> None:
        """Remove the held uploads that new files replaced in the filed application."""
        remove_held(self.selection.replaced)

    def failed(self) -> None:
        """Hold the new files that passed their checks, and set `shown`.

        A new file that makes too many for its material is not held, and the held
        file that it was to replace stays.
        """
        limits = {material["key"]: max_files(material) for material in self.materials}
        active = [row for row in self.selection.use if row.used_at is None]
        counts: dict[str, int] = {}
        for row in active:
            counts[row.material_key] = counts.get(row.material_key, 0) + 1
        keep: dict[str, list[CheckedUpload]] = {}
        for key, files in self.checked.uploads.items():
            if (
                key in limits
                and files
                and counts.get(key, 0) + len(files) <= limits[key]
            ):
                keep[key] = files
        replaced = [row for row in self.selection.replaced if row.material_key in keep]
        remove_held(replaced)
        stays = [row for row in self.selection.replaced if row.material_key not in keep]
        refresh_held(self.scope, active + stays)
        held = active + stays + hold_uploads(self.scope, keep)
        self.shown = by_material(held)


def by_material(rows: list[HeldUpload]) -> dict[str, list[HeldUpload]]:
    shown: dict[str, list[HeldUpload]] = {}
    for row in rows:
        shown.setdefault(row.material_key, []).append(row)
    return shown


def shown_on_page(
    scope: HeldScope, request: HttpRequest
) -> tuple[dict[str, list[HeldUpload]], OneStopError | None]:
    """Return the held uploads that a page opened with ?held=<token>.<token> shows, by
    material key, and the error of the first token that cannot be used.

    The language switch opens the page again this way, so that its files stay.
    """
    query = request.GET.get(HELD_FIELD, "")
    if not query:
        return {}, None
    selection = select_held(scope, query.split(QUERY_SEPARATOR))
    active = [row for row in selection.use if row.used_at is None]
    refresh_held(scope, active)
    return by_material(active), selection.error


def held_query(request: HttpRequest, shown: dict[str, list[HeldUpload]]) -> str:
    """Return the query string that opens the page again with the `shown` uploads,
    keeping the page's other query parameters, or "" when nothing is held."""
    tokens = [row.token for rows in shown.values() for row in rows]
    if not tokens:
        return ""
    others = [
        (name, value)
        for name, values in request.GET.lists()
        if name != HELD_FIELD
        for value in values
    ]
    return urlencode([*others, (HELD_FIELD, QUERY_SEPARATOR.join(tokens))])
