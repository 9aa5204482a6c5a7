from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from threadline.library.checks import ContentError
from threadline.library.services import sync_shipped_library


class Command(BaseCommand):
    help = "Load the shipped plan library from threadline/library/data/ (safe to repeat)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = sync_shipped_library()
        except ContentError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Library: {len(result.created)} added, {len(result.updated)} updated, "
            f"{len(result.retired)} retired, {result.unchanged} unchanged."
        )
