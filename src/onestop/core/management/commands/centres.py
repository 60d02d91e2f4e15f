"""`onestop centres`: list the service centres of this deployment."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onestop.core.management.base import OneStopCommand
from onestop.core.models import Centre


class Command(OneStopCommand):
    help = gettext_lazy(
        "List the service centres: region code, slug and name, one a line."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        centres = Centre.objects.order_by("region_code")
        if not centres.exists():
            self.stdout.write(
                _("No service centres. Create one with `onestop provision`.")
            )
            return
        for centre in centres:
            self.stdout.write(f"{centre.region_code}  {centre.slug}  {centre.name}")
