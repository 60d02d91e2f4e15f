"""`onestop provision --region CODE --pack PACK --bindings FILE`: create or update a centre."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onestop.catalog.actions import provision_centre
from onestop.catalog.bindings import read_bindings
from onestop.catalog.packs.loader import load_pack
from onestop.core.errors import OneStopError
from onestop.core.management.base import OneStopCommand
from onestop.core.progress import progress_bar
from onestop.regions.gb2260 import check_county_region


class Command(OneStopCommand):
    help = gettext_lazy(
        "Create the service centre of a county-level region from a catalogue pack, binding the "
        "pack's department roles to real departments. Running it again updates the centre."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--region", required=True, help=_("GB/T 2260 county-level code")
        )
        parser.add_argument(
            "--pack", required=True, type=Path, help=_("pack folder or .zip")
        )
        parser.add_argument(
            "--bindings",
            required=True,
            type=Path,
            help=_("YAML file: role -> name, uscc"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            region = check_county_region(options["region"])
            pack = load_pack(options["pack"])
            bindings = read_bindings(
                options["bindings"],
                known_roles=set(pack.departments),
                required_roles={matter["department"] for matter in pack.matters},
            )
            with progress_bar(f"{region.name} {region.code}") as progress:
                result = provision_centre(
                    actor=None,
                    region_code=region.code,
                    pack=pack,
                    bindings=bindings.departments,
                    name=bindings.centre_name,
                    progress=progress,
                )
        except OneStopError as error:
            raise CommandError(f"{error.code}: {error.render_for_command()}") from None
        self.stdout.write(result.message())
