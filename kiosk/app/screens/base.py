"""What every kiosk screen shares: the top bar with the trail back home, the problem banner,
the footer of key bindings, and one place where failed server calls become messages."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar, cast

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer
from textual.worker import Worker, WorkerState, get_current_worker

from kiosk.app.explain import explain, is_connection_problem
from kiosk.app.widgets import ProblemBanner, TopBar

if TYPE_CHECKING:
    from kiosk.app.api import BoxofficeApi
    from kiosk.app.app import KioskApp

__all__ = ["KioskScreen"]


class KioskScreen(Screen[None]):
    """A full screen of the kiosk; subclasses yield their content from :meth:`compose_body`.

    Server calls run in ``@work(thread=True, exclusive=True, exit_on_error=False)`` methods
    that :meth:`answer` with a message; when one raises, :meth:`failed` says what went wrong.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="back", tooltip="Go back one screen"),
        Binding(
            "f5",
            "reload",
            "Refresh",
            id="reload",
            show=False,
            tooltip="Load this screen's data again",
        ),
    ]

    #: The screen's name in the trail at the top (``Home › Orchestra Night › Hold``).
    crumb: str = ""

    def compose(self) -> ComposeResult:
        yield TopBar(id="top-bar")
        yield ProblemBanner(id="banner")
        yield from self.compose_body()
        yield Footer(compact=True)

    def compose_body(self) -> Iterable[Widget]:
        return ()

    def on_screen_resume(self) -> None:
        self.show_trail()

    def show_trail(self) -> None:
        crumbs = [s.crumb for s in self.app.screen_stack if isinstance(s, KioskScreen)]
        self.query_one(TopBar).show_trail(self.kiosk.mode_label, crumbs)

    @property
    def kiosk(self) -> KioskApp:
        return cast("KioskApp", self.app)

    @property
    def api(self) -> BoxofficeApi:
        return self.kiosk.api

    @property
    def banner(self) -> ProblemBanner:
        return self.query_one(ProblemBanner)

    # server calls ------------------------------------------------------------------------
    def answer(self, message: Message) -> None:
        """From a worker thread: deliver a result, unless a newer call has replaced this one."""
        if not get_current_worker().is_cancelled:
            self.post_message(message)

    def reload(self) -> None:
        """Fetch what this screen shows again (F5, and the banner's automatic retries)."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.SUCCESS:
            self.banner.clear()
        elif event.state is WorkerState.ERROR and event.worker.error is not None:
            self.failed(event.worker.error)

    def failed(self, error: BaseException) -> None:
        """Say what went wrong; screens handle the errors they expect first, then call this."""
        explanation = explain(error, self.seat_labels)
        if is_connection_problem(error):
            self.banner.show(f"{explanation.title}: {explanation.message}", retry=self.retry)
            return
        self.notify(
            explanation.message,
            title=explanation.title,
            severity="error",
            timeout=8,
            markup=False,
        )

    def retry(self) -> None:
        """What the banner retries: by default the screen's own data."""
        self.reload()

    def seat_labels(self, ticket_ids: list[int]) -> str:
        """Seat names for ticket IDs in messages; screens that know the seats say them."""
        return f"{len(ticket_ids)} of the seats"

    # actions -----------------------------------------------------------------------------
    def action_back(self) -> None:
        self.dismiss()

    def action_reload(self) -> None:
        if not self.banner.retry_now():
            self.reload()
