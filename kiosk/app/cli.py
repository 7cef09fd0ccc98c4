"""``boxoffice kiosk``: the box-office terminal or the self-service kiosk, on a running server."""

from __future__ import annotations

import contextlib
import os
from typing import cast

import click

from kiosk.app.settings import KioskSettings, Mode
from kiosk.cli._common import open_client, server_option
from kiosk.cli._errors import BoxofficeCommand
from shared.errors import BoxofficeError

__all__ = ["kiosk"]


@click.command(cls=BoxofficeCommand)
@server_option
@click.option(
    "--mode",
    type=click.Choice(["box-office", "kiosk"]),
    default="box-office",
    show_default=True,
    help="box-office: staff selling at a counter (cash, printing); kiosk: self-service.",
)
def kiosk(server: str, mode: str) -> None:
    """Sell tickets in a terminal: search, seat map, hold, pay, receipt.

    Needs BOXOFFICE_TOKEN (boxoffice token USER prints one). Tickets are printed with
    BOXOFFICE_PRINT_COMMAND (e.g. lp), else saved to BOXOFFICE_TICKETS_DIR (./tickets); a
    self-service kiosk starts over after BOXOFFICE_KIOSK_IDLE_SECONDS (60) untouched.
    """
    from kiosk.app.app import KioskApp

    try:
        settings = KioskSettings.from_environment(cast(Mode, mode))
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    currency = os.environ.get("BOXOFFICE_CURRENCY", "").strip().upper() or "GBP"
    with open_client(server, signed_in=True) as client:
        app = KioskApp(client, settings.mode, settings=settings, currency=currency)
        try:
            app.run()
        finally:
            # Closed mid-sale: the seats go back on sale now (else in a few minutes anyway).
            if app.active_hold is not None:
                with contextlib.suppress(BoxofficeError):
                    client.release(app.active_hold.booking_id)
