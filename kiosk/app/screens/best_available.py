"""Asks how many seats and (optionally) which price category, for "Best available": the server
then picks N adjacent seats and holds them in one step."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

from kiosk.app.formatting import money
from shared.models import PriceCategoryPrice

__all__ = ["BestAvailableDialog", "BestRequest"]

MAX_SEATS = 10


@dataclass(frozen=True, slots=True)
class BestRequest:
    quantity: int
    #: A price category ID, or None for the best the server can find.
    category: str | None


class BestAvailableDialog(ModalScreen[BestRequest | None]):
    """Enter holds, Escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="cancel"),
    ]

    def __init__(
        self, prices: Sequence[PriceCategoryPrice], currency: str, *, quantity: int = 2
    ) -> None:
        super().__init__()
        self.prices = list(prices)
        self.currency = currency
        self.quantity = quantity

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Label("Best available seats", classes="dialog-title")
            yield Label(f"How many seats? (1–{MAX_SEATS}, side by side in one row)")
            yield Input(str(self.quantity), id="quantity", type="integer", max_length=2)
            yield Static("", id="quantity-error", classes="field-error")
            yield Label("Price category")
            with RadioSet(id="category"):
                yield RadioButton("Best available in any category", value=True, id="any")
                for price in self.prices:
                    yield RadioButton(
                        f"{escape(price.name)}  {money(price.price, self.currency)}",
                        id=f"category-{price.category}",
                    )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Find and hold", id="ok", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#quantity", Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        text = self.query_one("#quantity", Input).value.strip()
        quantity = int(text) if text.isdigit() else 0
        if not 1 <= quantity <= MAX_SEATS:
            self.query_one("#quantity-error", Static).update(
                f"Enter a number from 1 to {MAX_SEATS}."
            )
            self.query_one("#quantity", Input).focus()
            return
        pressed = self.query_one(RadioSet).pressed_index
        category = self.prices[pressed - 1].category if pressed > 0 else None
        self.dismiss(BestRequest(quantity, category))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
