"""The hold: the seats, the total, how long they stay held (extend or let go), and payment by
card (checked before it is sent) or, at the box office, cash."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from textual import on, work
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Label, Static

from kiosk.app.formatting import SeatNames, money, when
from kiosk.app.screens.base import KioskScreen
from kiosk.app.screens.dialogs import CashDialog, ConfirmDialog
from kiosk.app.widgets import HoldCountdown, PaymentForm
from shared.errors import (
    BookingClosed,
    HoldExpired,
    InvalidPayment,
    NotFound,
    PaymentDeclined,
    PaymentTimeout,
    ServiceUnavailable,
)
from shared.models import BookingInfo, BookingStatus, EventDetail

__all__ = ["HoldScreen"]


class HoldScreen(KioskScreen):
    """Opened with a fresh hold; leaves to the receipt when paid, to the map otherwise."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back (let seats go)", id="back"),
        Binding("f2", "extend", "Extend", id="extend", tooltip="Two more minutes to pay"),
        Binding("f3", "release", "Release", id="release", tooltip="Let the seats go now"),
        Binding("f4", "cash", "Cash", id="cash", tooltip="Take cash (box office only)"),
    ]
    crumb = "Hold and pay"

    @dataclass
    class Extended(Message):
        booking: BookingInfo

    @dataclass
    class Released(Message):
        pass

    @dataclass
    class Paid(Message):
        booking: BookingInfo
        cash_received: Decimal | None

    def __init__(self, booking: BookingInfo, detail: EventDetail, names: SeatNames) -> None:
        super().__init__()
        self.booking = booking
        self.detail = detail
        self.names = names
        self._busy = False
        self._done = False

    def compose_body(self) -> Iterable[Widget]:
        booking, event, venue = self.booking, self.detail.event, self.detail.venue
        with Horizontal(id="hold-body"):
            with Vertical(id="hold-left"):
                yield Label(event.title, classes="screen-title", markup=False)
                yield Static(
                    f"{when(event.start_time)}\n{venue.title}, {venue.location}", markup=False
                )
                yield HoldCountdown(booking.expires_at, self.kiosk.clock, id="countdown")
                with VerticalScroll(id="hold-seats"):
                    yield Static(self._seat_lines(), id="seats", markup=False)
                yield Static(
                    f"[b]Total {money(booking.price, booking.currency)}[/b]", id="hold-total"
                )
                yield Static("", id="extensions")
                with Horizontal(id="hold-actions"):
                    yield Button("Extend (F2)", id="extend")
                    yield Button("Release (F3)", id="release", variant="error")
            with Vertical(id="hold-right"):
                yield Label("Payment", classes="pane-title")
                yield PaymentForm(
                    lambda: self.kiosk.clock().astimezone().date(),
                    allow_cash=self.kiosk.settings.box_office,
                    id="payment",
                )

    def on_mount(self) -> None:
        self._show_extensions()
        self.query_one("#number").focus()

    def _seat_lines(self) -> str:
        tickets = self.booking.tickets
        seats = [self.names.full(t) for t in tickets]
        categories = [self.names.category(t.category) for t in tickets]
        prices = [money(t.price, self.booking.currency) for t in tickets]
        widths = [max(map(len, column)) for column in (seats, categories, prices)]
        return "\n".join(
            f"{seat:<{widths[0]}}  {category:<{widths[1]}}  {price:>{widths[2]}}"
            for seat, category, price in zip(seats, categories, prices, strict=True)
        )

    def _show_extensions(self) -> None:
        left = self.booking.extensions_left
        self.query_one("#extensions", Static).update(
            f"{left} extension{'s' if left != 1 else ''} left" if left else "No extensions left"
        )
        self.query_one("#extend", Button).disabled = left == 0 or self._busy
        self.refresh_bindings()

    def seat_labels(self, ticket_ids: list[int]) -> str:
        known = [t for t in self.booking.tickets if t.ticket_id in ticket_ids]
        return self.names.listing(known) if known else super().seat_labels(ticket_ids)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cash" and not self.kiosk.settings.box_office:
            return False
        if action == "extend" and self.booking.extensions_left == 0:
            return None  # shown, greyed out
        return True

    # extend and release ------------------------------------------------------------------
    def action_extend(self) -> None:
        if not self._busy and self.booking.extensions_left:
            self._set_busy(True)
            self.extend()

    @on(Button.Pressed, "#extend")
    def _extend_pressed(self) -> None:
        self.action_extend()

    @work(thread=True, exclusive=True, group="extend", exit_on_error=False)
    def extend(self) -> None:
        self.answer(self.Extended(self.api.extend(self.booking.booking_id)))

    @on(Extended)
    def _extended(self, message: Extended) -> None:
        self.booking = message.booking
        self._set_busy(False)
        self.query_one(HoldCountdown).restart(message.booking.expires_at)
        self._show_extensions()
        self.notify("Two more minutes to pay.", title="Hold extended")

    def action_release(self) -> None:
        if not self._busy:
            self._set_busy(True)
            self.release()

    @on(Button.Pressed, "#release")
    def _release_pressed(self) -> None:
        self.action_release()

    def action_back(self) -> None:
        if self._busy:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.action_release()

        self.app.push_screen(
            ConfirmDialog("Let these seats go and choose again?", "Let them go", "Keep them"),
            answered,
        )

    @work(thread=True, exclusive=True, group="release", exit_on_error=False)
    def release(self) -> None:
        self.api.release(self.booking.booking_id)
        self.answer(self.Released())

    @on(Released)
    def _released(self) -> None:
        self.notify("The seats are back on sale.", title="Seats released")
        self._leave()

    # payment -----------------------------------------------------------------------------
    @on(PaymentForm.CardSubmitted)
    def _card(self, message: PaymentForm.CardSubmitted) -> None:
        if not self._busy:
            self._set_busy(True)
            self.pay(message.check.payment_details(), None)

    def action_cash(self) -> None:
        if self._busy or not self.kiosk.settings.box_office:
            return

        def received(amount: Decimal | None) -> None:
            if amount is not None:
                self._set_busy(True)
                self.pay({"method": "cash"}, amount)

        self.app.push_screen(CashDialog(self.booking.price, self.booking.currency), received)

    @on(PaymentForm.CashChosen)
    def _cash_chosen(self) -> None:
        self.action_cash()

    @work(thread=True, exclusive=True, group="pay", exit_on_error=False)
    def pay(self, details: dict[str, Any], cash_received: Decimal | None) -> None:
        self.api.pay(self.booking, details)
        self.answer(self.Paid(self.api.booking(self.booking.booking_id), cash_received))

    @on(Paid)
    def _paid(self, message: Paid) -> None:
        from kiosk.app.screens.receipt import ReceiptScreen

        self._done = True
        self.kiosk.hold_ended()
        receipt = ReceiptScreen(message.booking, self.detail, self.names, message.cash_received)
        self.app.switch_screen(receipt)

    # endings -----------------------------------------------------------------------------
    @on(HoldCountdown.Expired)
    def _expired(self) -> None:
        if self._busy or self._done:
            return  # a payment is on its way: the server has the last word
        self.kiosk.release_quietly(self.booking)  # in case this clock runs ahead of the server's
        self.notify(
            "The hold ran out and the seats went back on sale. Choose seats again.",
            title="Hold expired",
            severity="warning",
            timeout=10,
        )
        self._leave()

    def _leave(self) -> None:
        """Back to the map, which reloads who has what."""
        if self._done:
            return
        self._done = True
        self.kiosk.hold_ended()
        self.dismiss()

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.query_one(PaymentForm).set_busy(busy)
        self.query_one("#release", Button).disabled = busy
        self.query_one("#extend", Button).disabled = busy or not self.booking.extensions_left

    def failed(self, error: BaseException) -> None:
        self._set_busy(False)
        form = self.query_one(PaymentForm)
        if isinstance(error, PaymentDeclined):
            other = " or take cash" if self.kiosk.settings.box_office else ""
            form.show_server_error(
                f"Declined: {error.reason} The seats are still held: try another card{other}."
            )
        elif isinstance(error, InvalidPayment):
            form.show_server_error(error.message, error.field)
        elif isinstance(error, PaymentTimeout):
            form.show_server_error(
                "The payment service did not answer in time. Press Pay again: the card is "
                "never charged twice."
            )
        elif isinstance(error, HoldExpired) or _hold_is_over(error):
            super().failed(error)
            self._leave()
        else:
            if isinstance(error, ServiceUnavailable):
                form.set_form_error(
                    "No answer from the server. Nothing is lost: this screen checks the "
                    "booking again by itself; the card is never charged twice."
                )
            super().failed(error)

    # checking on the booking ---------------------------------------------------------------
    def reload(self) -> None:
        """After a lost answer: did the payment go through? Is the hold still there?"""
        if not self._busy:
            self.check_booking()

    @work(thread=True, exclusive=True, group="check", exit_on_error=False)
    def check_booking(self) -> None:
        self.answer(self.Checked(self.api.booking(self.booking.booking_id)))

    @dataclass
    class Checked(Message):
        booking: BookingInfo

    @on(Checked)
    def _checked(self, message: Checked) -> None:
        booking = message.booking
        self.query_one(PaymentForm).set_form_error("")
        if booking.status is BookingStatus.BOOKED:
            self.post_message(self.Paid(booking, None))
        elif booking.status is BookingStatus.PENDING:
            self.booking = booking
            self.query_one(HoldCountdown).restart(booking.expires_at)
            self._show_extensions()
        else:
            self.notify(
                "The hold has ended and the seats went back on sale. Choose seats again.",
                title="Hold ended",
                severity="warning",
            )
            self._leave()


def _hold_is_over(error: BaseException) -> bool:
    """Paying or releasing a hold that expired or was cancelled (not: no extensions left)."""
    if isinstance(error, NotFound):
        return True
    return (
        isinstance(error, BookingClosed)
        and error.problem is not None
        and error.problem.slug != "extension-limit-reached"
    )
