"""Booking routes: parse, call the booking service, map its errors. No rules in here."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request, url_for

from server.api.auth import current_user
from server.api.bodies import parse_body, parse_payment
from server.api.idempotency import idempotent
from server.api.limits import rate_limited
from server.api.params import reject_unknown_params
from server.api.problems import problem_response
from server.api.queue import admission_required
from server.api.stream import seat_changes
from server.booking.errors import BookingError
from server.booking.records import BookingRecord
from server.booking.service import BookingService, BookingSettings
from server.extensions import db
from shared.models import BookingInfo, PaymentResult, ReserveRequest

__all__ = ["blueprint", "booking_service"]

blueprint = Blueprint("bookings", __name__)


@blueprint.errorhandler(BookingError)
def _booking_error(error: BookingError) -> Response:
    return problem_response(
        error.status, error.slug, error.title, error.detail, error.headers, **error.extensions
    )


def booking_service() -> BookingService:
    config = current_app.config
    return BookingService(
        db.session(),
        current_app.extensions["boxoffice.holds"],
        current_app.extensions["boxoffice.payments"],
        BookingSettings(
            hold_seconds=config["HOLD_SECONDS"],
            extension_seconds=config["HOLD_EXTENSION_SECONDS"],
            max_extensions=config["HOLD_MAX_EXTENSIONS"],
            currency=config["CURRENCY"],
        ),
        changes=seat_changes(),
    )


def _info(record: BookingRecord) -> BookingInfo:
    return BookingInfo(
        booking_id=record.booking_id,
        event_id=record.event_id,
        status=record.status,  # type: ignore[arg-type]
        tickets=list(record.tickets),
        price=record.price,
        currency=current_app.config["CURRENCY"],
        expires_at=record.expires_at,
        extensions_left=record.extensions_left,
        payment_input_url=url_for("bookings.pay", booking_id=record.booking_id),
        created_at=record.created_at,
        confirmed_at=record.confirmed_at,
    )


def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.post("/bookings/<id:event_id>")
@rate_limited("reserve")
@admission_required
@idempotent
def reserve(event_id: int) -> Response:
    user = current_user()
    reject_unknown_params(())
    body = parse_body(ReserveRequest)
    service = booking_service()
    if body.quantity is not None:  # best available: the server picks the seats
        record = service.reserve_best(user, event_id, body.quantity, body.category)
    else:  # the model lets exactly one of the two through
        record = service.reserve(user, event_id, body.ticket_ids or [])
    response = jsonify(_info(record).to_wire())
    response.status_code = 201
    response.headers["Location"] = url_for("bookings.get_booking", booking_id=record.booking_id)
    return _private(response)


@blueprint.get("/bookings/<booking_id>")
def get_booking(booking_id: str) -> Response:
    user = current_user()
    reject_unknown_params(())
    return _private(jsonify(_info(booking_service().get(user, booking_id)).to_wire()))


@blueprint.delete("/bookings/<booking_id>")
def release(booking_id: str) -> Response:
    user = current_user()
    reject_unknown_params(())
    booking_service().release(user, booking_id)
    return _private(Response(status=204))


@blueprint.post("/bookings/<booking_id>/extend")
def extend(booking_id: str) -> Response:
    user = current_user()
    reject_unknown_params(())
    return _private(jsonify(_info(booking_service().extend(user, booking_id)).to_wire()))


@blueprint.post("/bookings/<booking_id>/payment")
@rate_limited("payment")
@idempotent
def pay(booking_id: str) -> Response:
    user = current_user()
    reject_unknown_params(())
    body = parse_payment()
    record = booking_service().pay(
        user, booking_id, body.payment_details, request_id=request.headers.get("X-Request-ID")
    )
    result = PaymentResult(booking_ids=[record.booking_id], booking_status=record.status)  # type: ignore[arg-type]
    return _private(jsonify(result.to_wire()))
