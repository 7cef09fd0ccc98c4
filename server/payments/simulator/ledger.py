"""The simulator's memory: charges by key and id behind one lock, journaled to survive restarts.

The journal is JSON lines, appended and flushed as each charge completes or is refunded, and
replayed at start, so a killed simulator forgets nothing it answered. A charge still processing
is never journaled: if the process dies first, the key is unknown after a restart and a retry
with it charges afresh. A torn last line (killed mid-write) is dropped. The journal is locked
(``flock``), so two simulators cannot share it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import json
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from .cards import ChargeRequest

__all__ = [
    "ChargeRecord",
    "JournalError",
    "KeyInUse",
    "KeyReused",
    "Ledger",
    "NotRefundable",
]


@dataclass(slots=True)
class ChargeRecord:
    """One charge attempt under one idempotency key, and the answer that was given."""

    charge_id: str
    idempotency_key: str
    fingerprint: str
    """Hash of the request body: the same key with another body is refused."""
    amount: str
    currency: str
    method: str
    card_last4: str | None
    created_at: str
    status: str
    """``pending``, ``succeeded``, ``failed`` (declined) or ``refunded``."""
    failure_code: str | None = None
    failure_message: str | None = None
    refunded_at: str | None = None
    response_status: int | None = None
    response_body: dict[str, Any] | None = None
    """The first answer, replayed verbatim for the same key."""

    def public(self) -> dict[str, Any]:
        """The charge object the API shows."""
        return {
            "object": "charge",
            "id": self.charge_id,
            "idempotency_key": self.idempotency_key,
            "amount": self.amount,
            "currency": self.currency,
            "status": self.status,
            "method": self.method,
            "card_last4": self.card_last4,
            "created_at": self.created_at,
            "refunded_at": self.refunded_at,
            "failure_code": self.failure_code,
            "failure_message": self.failure_message,
        }


class KeyReused(Exception):
    """The key was used before with a different request body."""


class KeyInUse(Exception):
    """A request with this key is still being processed."""


class NotRefundable(Exception):
    """Only a succeeded charge can be refunded; ``status`` says what it is instead."""

    def __init__(self, status: str) -> None:
        super().__init__(status)
        self.status = status


class JournalError(RuntimeError):
    """The journal is locked by another simulator or cannot be read."""


class Ledger:
    """Thread-safe store of charges; ``journal_path=None`` keeps everything in memory only."""

    def __init__(self, journal_path: Path | None) -> None:
        self._lock = threading.Lock()
        self._by_key: dict[str, ChargeRecord] = {}
        self._by_id: dict[str, ChargeRecord] = {}
        self._journal: IO[bytes] | None = None
        if journal_path is not None:
            self._journal = _open_locked(journal_path)
            self._replay(self._journal)

    def close(self) -> None:
        """Release the journal (and its lock)."""
        with self._lock:
            if self._journal is not None:
                self._journal.close()
                self._journal = None

    def begin(
        self, key: str, fingerprint: str, validate: Callable[[], ChargeRequest]
    ) -> tuple[ChargeRecord, ChargeRequest | None]:
        """Start a charge, or find the finished one to replay (then the request is None).

        ``validate`` runs under the lock, after the key check: a known key is answered from
        memory even when the new body would be invalid, and an invalid request stores nothing.
        """
        with self._lock:
            known = self._by_key.get(key)
            if known is not None:
                if known.fingerprint != fingerprint:
                    raise KeyReused(key)
                if known.status == "pending":
                    raise KeyInUse(key)
                return dataclasses.replace(known), None
            request = validate()
            record = ChargeRecord(
                charge_id=f"ch_{secrets.token_hex(12)}",
                idempotency_key=key,
                fingerprint=fingerprint,
                amount=str(request.amount),
                currency=request.currency,
                method=request.method,
                card_last4=request.card_last4,
                created_at=_now(),
                status="pending",
            )
            self._by_key[key] = self._by_id[record.charge_id] = record
            return dataclasses.replace(record), request

    def complete(
        self,
        charge_id: str,
        *,
        status: str,
        response: Callable[[ChargeRecord], tuple[int, dict[str, Any]]],
        failure_code: str | None = None,
        failure_message: str | None = None,
    ) -> ChargeRecord:
        """Settle a pending charge, journal it, and store the answer built by ``response``."""
        with self._lock:
            record = self._by_id[charge_id]
            record.status = status
            record.failure_code = failure_code
            record.failure_message = failure_message
            record.response_status, record.response_body = response(record)
            self._append({"op": "charge", **dataclasses.asdict(record)})
            return dataclasses.replace(record)

    def abandon(self, charge_id: str) -> None:
        """Forget a pending charge that failed unexpectedly, so its key can be retried."""
        with self._lock:
            record = self._by_id.get(charge_id)
            if record is not None and record.status == "pending":
                del self._by_id[charge_id], self._by_key[record.idempotency_key]

    def refund(self, charge_id: str) -> ChargeRecord | None:
        """Refund a succeeded charge in full; a refunded one is returned as it is."""
        with self._lock:
            record = self._by_id.get(charge_id)
            if record is None:
                return None
            if record.status not in ("succeeded", "refunded"):
                raise NotRefundable(record.status)
            if record.status == "succeeded":
                record.status, record.refunded_at = "refunded", _now()
                self._append({"op": "refund", "charge_id": charge_id, "at": record.refunded_at})
            return dataclasses.replace(record)

    def by_key(self, key: str) -> ChargeRecord | None:
        """The charge made with ``key``, in its current state."""
        with self._lock:
            record = self._by_key.get(key)
            return None if record is None else dataclasses.replace(record)

    def by_id(self, charge_id: str) -> ChargeRecord | None:
        """The charge with that id, in its current state."""
        with self._lock:
            record = self._by_id.get(charge_id)
            return None if record is None else dataclasses.replace(record)

    def _append(self, entry: dict[str, Any]) -> None:
        """Write one line and flush it to the OS: it survives the process being killed."""
        if self._journal is not None:
            self._journal.write(json.dumps(entry, separators=(",", ":")).encode() + b"\n")
            self._journal.flush()

    def _replay(self, journal: IO[bytes]) -> None:
        journal.seek(0)
        data = journal.read()
        complete = data[: data.rfind(b"\n") + 1]
        if len(complete) < len(data):
            journal.truncate(len(complete))  # a torn last line: its answer was never sent
        fields = {field.name for field in dataclasses.fields(ChargeRecord)}
        for number, line in enumerate(complete.splitlines(), start=1):
            try:
                entry = json.loads(line)
                if entry["op"] == "charge":
                    record = ChargeRecord(**{k: v for k, v in entry.items() if k in fields})
                    self._by_key[record.idempotency_key] = self._by_id[record.charge_id] = record
                elif entry["op"] == "refund":
                    refunded = self._by_id[entry["charge_id"]]
                    refunded.status, refunded.refunded_at = "refunded", entry["at"]
                else:
                    raise ValueError(f"unknown op {entry['op']!r}")
            except (ValueError, KeyError, TypeError) as error:
                raise JournalError(f"{journal.name}:{number}: unreadable entry: {error}") from None


def _open_locked(path: Path) -> IO[bytes]:
    path.parent.mkdir(parents=True, exist_ok=True)
    journal = path.open("a+b")
    try:
        fcntl.flock(journal, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        journal.close()
        raise JournalError(f"{path} is in use by another payment simulator") from None
    with contextlib.suppress(OSError):
        path.chmod(0o600)
    return journal


def _now() -> str:
    return datetime.now(UTC).isoformat()
