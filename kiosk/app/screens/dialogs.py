"""Small questions asked over the current screen: "let the seats go?" and "how much cash?"."""

from __future__ import annotations

import hmac
from decimal import Decimal, InvalidOperation
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from kiosk.app.formatting import money

__all__ = ["CashDialog", "ConfirmDialog", "StaffKeyDialog", "change_due"]


class ConfirmDialog(ModalScreen[bool]):
    """Y or Enter says yes; N or Escape says no."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="yes"),
        Binding("n,escape", "answer(False)", "No", id="no"),
    ]

    def __init__(self, question: str, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.question = question
        self.yes = yes
        self.no = no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, classes="dialog-question")
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self.yes} (Y)", id="yes", variant="error")
                yield Button(f"{self.no} (N)", id="no", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


def change_due(total: Decimal, received_text: str) -> tuple[Decimal | None, str]:
    """The change for cash handed over, or None and why it cannot be taken yet.

    Empty means the exact amount.
    """
    text = received_text.strip().lstrip("£€$").replace(",", "")
    if not text:
        return Decimal(0), ""
    try:
        received = Decimal(text)
    except InvalidOperation:
        return None, "Type the amount received, e.g. 50 or 50.00."
    if not received.is_finite() or received < 0:
        return None, "Type the amount received, e.g. 50 or 50.00."
    if received < total:
        return None, f"That is {total - received:,.2f} short of the total."
    return received - total, ""


class CashDialog(ModalScreen[Decimal | None]):
    """Box office: the amount handed over, the change to give back; answers the amount
    received (the total when left empty), or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="cancel")]

    def __init__(self, total: Decimal, currency: str) -> None:
        super().__init__()
        self.total = total
        self.currency = currency

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Cash payment", classes="dialog-title")
            yield Static(f"Total to pay: [b]{money(self.total, self.currency)}[/b]")
            yield Label("Cash received (empty: the exact amount)")
            yield Input(placeholder=f"{self.total:.2f}", id="received", max_length=12)
            yield Static("Change due: —", id="change")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Take cash (Enter)", id="ok", variant="success")
                yield Button("Cancel (Esc)", id="cancel")

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self._update()

    @on(Input.Changed)
    def _update(self) -> None:
        change, problem = change_due(self.total, self.query_one(Input).value)
        self.query_one("#change", Static).update(
            f"[b]Change due: {money(change, self.currency)}[/b]"
            if change is not None
            else f"[red]{problem}[/red]"
        )
        self.query_one("#ok", Button).disabled = change is None

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        change, _problem = change_due(self.total, self.query_one(Input).value)
        if change is not None:
            self.dismiss(self.total + change)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class StaffKeyDialog(ModalScreen[bool]):
    """Kiosk mode: closing the kiosk to the shell needs the staff key; answers whether it was
    typed right."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="cancel")]

    def __init__(self, staff_key: str) -> None:
        super().__init__()
        self._staff_key = staff_key

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Staff only", classes="dialog-title")
            yield Label("Type the staff key to close the kiosk.")
            yield Label("Escape goes back.")
            yield Input(password=True, id="staff-key")
            yield Static("", id="staff-key-error", classes="field-error")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _check(self, event: Input.Submitted) -> None:
        if hmac.compare_digest(event.value.encode(), self._staff_key.encode()):
            self.dismiss(True)
        else:
            event.input.value = ""
            self.query_one("#staff-key-error", Static).update("That is not the staff key.")

    def action_cancel(self) -> None:
        self.dismiss(False)
