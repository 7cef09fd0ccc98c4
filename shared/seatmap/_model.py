"""What a loaded seat map looks like to the server and the kiosk: frozen, expanded, checked."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "GeneralAdmissionArea",
    "PriceCategory",
    "Seat",
    "SeatMap",
    "SeatMapError",
    "Section",
    "Stage",
]


class SeatMapError(ValueError):
    """A layout that cannot be used, saying which file, where in it and what is wrong.

    ``str()`` reads ``"<source>: <$.json.path>: <what is wrong>"``. For a file that is not valid
    JSON the path is ``$`` and ``line``/``column`` say where reading stopped.
    """

    def __init__(
        self,
        source: str,
        path: str,
        message: str,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(f"{source}: {path}: {message}")
        self.source = source
        self.path = path
        self.message = message
        self.line = line
        self.column = column

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.source, self.path, self.message, self.line, self.column))


@dataclass(frozen=True, slots=True)
class PriceCategory:
    """A price band of the layout; the event sets what each band costs."""

    id: str
    name: str


@dataclass(frozen=True, slots=True)
class Stage:
    """The stage (or pitch) rectangle, drawn so buyers can see where they will face."""

    label: str
    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class Seat:
    """One sellable place: a reserved seat, or one place in a general-admission area."""

    #: Stable ID stored on tickets: ``"section:row:label"``, or ``"area:GA:n"``.
    seat_id: str
    section: str
    row: str | None
    #: As printed on the ticket.
    label: str
    #: Grid cell; None for general-admission places.
    x: int | None
    y: int | None
    category: str
    accessible: bool = False
    companion: bool = False
    obstructed: bool = False
    general_admission: bool = False


@dataclass(frozen=True, slots=True)
class GeneralAdmissionArea:
    """A standing or unreserved area sold by count, drawn as a rectangle."""

    id: str
    name: str
    capacity: int
    category: str
    x: int
    y: int
    width: int
    height: int

    def places(self) -> Iterator[Seat]:
        """Its places ``1..capacity``, made on demand since a floor can hold thousands."""
        prefix = f"{self.id}:GA:"
        for n in range(1, self.capacity + 1):
            label = str(n)
            yield Seat(
                prefix + label, self.id, None, label, None, None, self.category,
                general_admission=True,
            )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Section:
    """A block of reserved seats, expanded in row order then along each row."""

    id: str
    name: str
    seats: tuple[Seat, ...] = field(repr=False)


@dataclass(frozen=True, repr=False)
class SeatMap:
    """A validated venue layout with every seat expanded."""

    #: The JSON as written (compact rows); what is stored and sent to clients.
    document: dict[str, Any] = field(compare=False)
    name: str
    width: int
    height: int
    stage: Stage
    #: Best first.
    categories: tuple[PriceCategory, ...]
    sections: tuple[Section, ...]
    general_admission: tuple[GeneralAdmissionArea, ...]

    @property
    def capacity(self) -> int:
        """Reserved seats plus general-admission places: what can be sold."""
        seats = sum(len(section.seats) for section in self.sections)
        return seats + sum(area.capacity for area in self.general_admission)

    def seats(self) -> Iterator[Seat]:
        """Reserved seats, section by section."""
        for section in self.sections:
            yield from section.seats

    def places(self) -> Iterator[Seat]:
        """Every sellable place: the reserved seats, then each general-admission place."""
        yield from self.seats()
        for area in self.general_admission:
            yield from area.places()

    def __repr__(self) -> str:
        return f"SeatMap(name={self.name!r}, capacity={self.capacity})"
