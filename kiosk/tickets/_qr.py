"""QR codes of bookings and tickets, as a module matrix (for print) and as half-block text
(for the receipt screen). segno does the encoding; this module only lays the modules out."""

from __future__ import annotations

import segno

__all__ = ["QUIET_ZONE", "qr_lines", "qr_matrix", "ticket_code"]

#: Light modules around the symbol that the QR standard requires for a reliable scan.
QUIET_ZONE = 4

#: One character cell shows two modules, top and bottom; a drawn half is a *light* module.
_HALF_BLOCKS = {
    (True, True): "█",
    (True, False): "▀",
    (False, True): "▄",
    (False, False): " ",
}


def ticket_code(booking_id: str, ticket_id: int) -> str:
    """What a ticket's QR code says: enough for a gate scanner to look the ticket up."""
    return f"boxoffice:{booking_id}:{ticket_id}"


def qr_matrix(data: str, *, error: str = "L") -> list[list[bool]]:
    """Rows of modules, True for dark, with the quiet zone included.

    ``error`` is the least error correction wanted (L, M, Q, H); segno raises it further when
    that costs no extra size. Printed tickets ask for M to survive folds and smudges.
    """
    if not data:
        raise ValueError("a QR code needs something to encode")
    code = segno.make_qr(data, error=error, boost_error=True)
    return [[bool(module) for module in row] for row in code.matrix_iter(border=QUIET_ZONE)]


def qr_lines(data: str) -> list[str]:
    """The QR code of ``data`` as lines of half blocks (▀ ▄ █ and space).

    The characters draw the *light* modules and the quiet zone, and spaces leave the dark
    modules to the background. Shown in a light colour on a dark background (a terminal's
    usual text on its usual background, or e.g. ``color: white; background: black``), the code
    is dark on light as phone cameras expect, and the quiet zone is part of the text rather
    than borrowed from whatever surrounds it. Each line is as many cells wide as the code has
    modules, and a terminal cell is about twice as tall as wide, so the code comes out square.
    """
    light = [[not dark for dark in row] for row in qr_matrix(data)]
    if len(light) % 2:
        light.append([False] * len(light[0]))  # below the code: the bare background
    return [
        "".join(_HALF_BLOCKS[top, bottom] for top, bottom in zip(upper, lower, strict=True))
        for upper, lower in zip(light[::2], light[1::2], strict=True)
    ]
