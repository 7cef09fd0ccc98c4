"""The payment form: card number, expiry (MM/YY) and CVC, each checked before anything is sent,
with the problem written under the field it belongs to; and, at the box office, cash."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Label, Static

from kiosk.app.card import CardCheck, check_card, format_card_number

__all__ = ["PaymentForm"]

#: The API's ``field`` names for the form's inputs.
_SERVER_FIELDS = {"cardNumber": "number", "expiry": "expiry", "cvc": "cvc"}
_FIELDS = ("number", "expiry", "cvc")


class PaymentForm(Vertical):
    """Posts :class:`CardSubmitted` with checked details, or :class:`CashChosen`. Enter moves
    to the next field and, on the last one, pays."""

    DEFAULT_CSS = """
    PaymentForm { height: auto; }
    PaymentForm .field-error { color: $error; height: auto; }
    PaymentForm .field-error.-empty { display: none; }
    PaymentForm Horizontal { height: auto; }
    PaymentForm #expiry-box { width: 1fr; height: auto; padding-right: 1; }
    PaymentForm #cvc-box { width: 1fr; height: auto; }
    PaymentForm #form-error { color: $error; text-style: bold; height: auto; }
    PaymentForm #form-error.-empty { display: none; }
    PaymentForm #pay-row Button { width: 1fr; min-width: 0; }
    """

    @dataclass
    class CardSubmitted(Message):
        check: CardCheck

    class CashChosen(Message):
        pass

    def __init__(
        self, today: Callable[[], date], *, allow_cash: bool, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self._today = today
        self.allow_cash = allow_cash

    def compose(self) -> ComposeResult:
        yield Label("Card number")
        yield Input(placeholder="1234 5678 9012 3456", id="number", max_length=23)
        yield Static("", id="number-error", classes="field-error -empty", markup=False)
        with Horizontal():
            with Vertical(id="expiry-box"):
                yield Label("Expiry (MM/YY)")
                yield Input(placeholder="MM/YY", id="expiry", max_length=7)
                yield Static("", id="expiry-error", classes="field-error -empty", markup=False)
            with Vertical(id="cvc-box"):
                yield Label("CVC")
                yield Input(placeholder="123", id="cvc", max_length=4, password=True)
                yield Static("", id="cvc-error", classes="field-error -empty", markup=False)
        yield Static("", id="form-error", classes="-empty", markup=False)
        with Horizontal(id="pay-row"):
            yield Button("Pay by card", id="pay", variant="success")
            if self.allow_cash:
                yield Button("Cash (F4)", id="cash", variant="warning")

    @on(Input.Submitted, "#number")
    def _next_after_number(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#expiry", Input).focus()

    @on(Input.Submitted, "#expiry")
    def _next_after_expiry(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#cvc", Input).focus()

    @on(Input.Submitted, "#cvc")
    @on(Button.Pressed, "#pay")
    def _submit(self, event: Input.Submitted | Button.Pressed) -> None:
        event.stop()
        self.submit()

    @on(Button.Pressed, "#cash")
    def _cash(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.CashChosen())

    @on(Input.Blurred, "#number")
    def _tidy_number(self) -> None:
        number = self.query_one("#number", Input)
        if number.value.replace(" ", "").isdigit():
            number.value = format_card_number(number.value)

    def submit(self) -> None:
        """Check the fields; post :class:`CardSubmitted` only when all three are right."""
        check = check_card(
            self.query_one("#number", Input).value,
            self.query_one("#expiry", Input).value,
            self.query_one("#cvc", Input).value,
            today=self._today(),
        )
        self.show_errors(check.errors)
        self.set_form_error("")
        if check.ok:
            self.post_message(self.CardSubmitted(check))
        else:
            first = next(field for field in _FIELDS if field in check.errors)
            self.query_one(f"#{first}", Input).focus()

    def show_errors(self, errors: dict[str, str]) -> None:
        for field in _FIELDS:
            message = errors.get(field, "")
            error = self.query_one(f"#{field}-error", Static)
            error.update(message)
            error.set_class(not message, "-empty")
            self.query_one(f"#{field}", Input).set_class(bool(message), "-invalid")

    def show_server_error(self, message: str, field: str | None = None) -> None:
        """An answer from the payment service: under its field if it names one."""
        own = _SERVER_FIELDS.get(field or "")
        if own is not None:
            self.show_errors({own: message})
            self.query_one(f"#{own}", Input).focus()
        else:
            self.set_form_error(message)

    def set_form_error(self, message: str) -> None:
        error = self.query_one("#form-error", Static)
        error.update(message)
        error.set_class(not message, "-empty")

    @property
    def form_error(self) -> str:
        return str(self.query_one("#form-error", Static).render())

    def set_busy(self, busy: bool) -> None:
        """While a payment is on its way: no second press, and say so."""
        pay = self.query_one("#pay", Button)
        pay.disabled = busy
        pay.label = "Paying…" if busy else "Pay by card"
        for cash in self.query("#cash").results(Button):
            cash.disabled = busy
