"""Receipts and tickets for the kiosk: the booking's QR code as terminal text, printable PDF
tickets (one page per seat), and delivery to a print command or a folder.

No Textual here: screens call these functions and show the results.
"""

from __future__ import annotations

from kiosk.tickets._delivery import PRINT_TIMEOUT, TicketDeliveryError, deliver_tickets
from kiosk.tickets._pdf import PAGE_SIZE_MM, render_tickets_pdf
from kiosk.tickets._qr import QUIET_ZONE, qr_lines, qr_matrix, ticket_code
from kiosk.tickets._text import format_price, printable

__all__ = [
    "PAGE_SIZE_MM",
    "PRINT_TIMEOUT",
    "QUIET_ZONE",
    "TicketDeliveryError",
    "deliver_tickets",
    "format_price",
    "printable",
    "qr_lines",
    "qr_matrix",
    "render_tickets_pdf",
    "ticket_code",
]
