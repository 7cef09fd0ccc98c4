"""The receipt: booking ID, event, seats, total and the booking's QR code; at the box office
the tickets can be printed (or saved as a PDF). A self-service kiosk starts over by itself."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from textual import on, work
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Label, Static

from kiosk.app.formatting import SeatNames, money, when
from kiosk.app.screens.base import KioskScreen
from kiosk.tickets import TicketDeliveryError, deliver_tickets, qr_lines, render_tickets_pdf
from shared.models import BookingInfo, EventDetail

__all__ = ["ReceiptScreen"]


class ReceiptScreen(KioskScreen):
    """Enter, N or Escape: the next sale."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "New sale", id="back", show=False),
        Binding("n", "new_sale", "New sale", id="new-sale", tooltip="Back to the search"),
        Binding("p", "print", "Print tickets", id="print", tooltip="Print or save the tickets"),
    ]
    crumb = "Receipt"

    @dataclass
    class Delivered(Message):
        message: str
        ok: bool

    def __init__(
        self,
        booking: BookingInfo,
        detail: EventDetail,
        names: SeatNames,
        cash_received: Decimal | None = None,
    ) -> None:
        super().__init__()
        self.booking = booking
        self.detail = detail
        self.names = names
        self.cash_received = cash_received

    def compose_body(self) -> Iterable[Widget]:
        booking, event, venue = self.booking, self.detail.event, self.detail.venue
        currency = booking.currency
        count = len(booking.tickets)
        paid = money(booking.price, currency)
        if self.cash_received is not None:
            change = money(self.cash_received - booking.price, currency)
            paid += f" in cash\nreceived {money(self.cash_received, currency)}, change {change}"
        rows = [
            ("Event", event.title),
            ("When", when(event.start_time)),
            ("Venue", f"{venue.title}, {venue.location}"),
            (f"Seat{'s' if count != 1 else ''}", self.names.listing(booking.tickets)),
            ("Paid", paid),
        ]
        with Horizontal(id="receipt-body"):
            with Vertical(id="receipt-left"):
                yield Label("✔ Paid: enjoy the show", id="receipt-title")
                yield Static("[dim]Booking ID[/dim]", id="booking-label")
                yield Static(booking.booking_id, id="booking-id", markup=False)
                yield Static(
                    "\n".join(_row(name, value) for name, value in rows), id="receipt-details"
                )
                with Horizontal(id="receipt-actions"):
                    if self.kiosk.settings.box_office:
                        yield Button("Print tickets (P)", id="print", variant="primary")
                    yield Button("New sale (N)", id="new-sale", variant="success")
                yield Static("", id="delivery")
                if not self.kiosk.settings.box_office:
                    yield Static(
                        "Show the QR code at the door. This screen clears itself shortly.",
                        id="kiosk-hint",
                    )
            with Vertical(id="receipt-qr"):
                yield Static("\n".join(qr_lines(booking.booking_id)), id="qr")
                yield Static("Scan at the door", id="qr-caption")

    def on_mount(self) -> None:
        self.query_one("#new-sale", Button).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "print":
            return self.kiosk.settings.box_office
        return True

    def action_back(self) -> None:
        self.action_new_sale()

    @on(Button.Pressed, "#new-sale")
    def action_new_sale(self) -> None:
        self.kiosk.go_home()

    @on(Button.Pressed, "#print")
    def action_print(self) -> None:
        if not self.kiosk.settings.box_office:
            return
        self.query_one("#delivery", Static).update("Preparing the tickets…")
        self.query_one("#print", Button).disabled = True
        self.deliver()

    @work(thread=True, exclusive=True, group="print", exit_on_error=False)
    def deliver(self) -> None:
        settings = self.kiosk.settings
        try:
            pdf = render_tickets_pdf(self.booking, self.detail.event, self.detail.venue)
            message = deliver_tickets(
                pdf,
                self.booking.booking_id,
                print_command=settings.print_command,
                folder=settings.tickets_dir,
            )
        except TicketDeliveryError as error:
            self.answer(self.Delivered(str(error), ok=False))
        else:
            self.answer(self.Delivered(message, ok=True))

    @on(Delivered)
    def _delivered(self, message: Delivered) -> None:
        self.query_one("#print", Button).disabled = False
        status = self.query_one("#delivery", Static)
        status.update(message.message)
        status.set_class(not message.ok, "-error")
        self.notify(
            message.message,
            title="Tickets" if message.ok else "Printing failed",
            severity="information" if message.ok else "error",
            markup=False,
        )

    def failed(self, error: BaseException) -> None:
        for button in self.query("#print").results(Button):
            button.disabled = False
        super().failed(error)


def _row(name: str, value: str) -> str:
    """``Seats  Stalls A3, A4``, later lines of the value indented under the first."""
    first, *more = escape(value).split("\n")
    lines = [f"[dim]{name:<6}[/dim] {first}", *(f"{'':<6} {line}" for line in more)]
    return "\n".join(lines)
