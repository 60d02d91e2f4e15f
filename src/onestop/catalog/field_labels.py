"""Labels of the matter fields that the catalogue editor has a box for, by path.

The editor shows each box under its label, and overlay errors name such a field by
its label with the path in brackets, so that a centre admin finds the box.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

MATTER_FIELD_LABELS = {
    # The context keeps the matter's name apart from a person's name (姓名).
    "name": pgettext_lazy("matter", "Name"),
    "time_limits.promised.amount": gettext_lazy(
        "Promised limit (amount in the limit's unit)"
    ),
    "conditions": gettext_lazy("Conditions"),
    "location": gettext_lazy("Place of handling"),
    "hours": gettext_lazy("Opening hours"),
    "consultation": gettext_lazy("Consultation"),
    "complaint": gettext_lazy("Complaints"),
    "materials": gettext_lazy("Materials"),
}


def labelled_path(path: str) -> str:
    """Return a field path for a message in the active language: "名称（name）" for a
    field with a label, and the path alone for any other."""
    label = MATTER_FIELD_LABELS.get(path)
    if label is None:
        return path
    return pgettext("a matter field's label and its path", "%(label)s (%(path)s)") % {
        "label": label,
        "path": path,
    }
