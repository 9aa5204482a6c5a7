from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from threadline.accounts.mfa import reseal_authenticators
from threadline.accounts.sealing import SealError


class Command(BaseCommand):
    help = (
        "Seal every authenticator seed under the first key of THREADLINE_FIELD_KEYS, so older "
        "keys can be removed (safe to repeat)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            moved = reseal_authenticators()
        except SealError as error:
            # Nothing was changed: the whole pass is one transaction.
            raise CommandError(str(error)) from None
        self.stdout.write(f"Authenticators: {moved} resealed under the first key.")
