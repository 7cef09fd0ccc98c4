"""The line at the top: which terminal this is and where you are (Home › Event › Hold), so
nobody at the counter has to guess how they got here or how to get back."""

from __future__ import annotations

from textual.markup import escape
from textual.widgets import Static

__all__ = ["TopBar"]


class TopBar(Static):
    """Mode on the left, the trail of open screens after it."""

    DEFAULT_CSS = """
    TopBar {
        height: 1;
        padding: 0 1;
        background: $primary;
        color: $text;
    }
    """

    def show_trail(self, mode_label: str, crumbs: list[str]) -> None:
        trail = " › ".join(escape(crumb) for crumb in crumbs)
        self.update(f"[b]BOXOFFICE[/b] · {mode_label}  │  {trail}")
