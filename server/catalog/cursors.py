"""Opaque, signed keyset cursors: a client can pass them back but not forge or reuse them."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer

__all__ = ["CursorError", "CursorSigner"]


class CursorError(ValueError):
    """The cursor was forged, damaged, or belongs to another query."""


class CursorSigner:
    """Signs the position of the last row of a page together with the query it belongs to."""

    def __init__(self, secret_key: str) -> None:
        self._serializer = URLSafeSerializer(secret_key, salt="boxoffice.cursor.v1")

    @staticmethod
    def fingerprint(query: dict[str, Any]) -> str:
        """A short digest of the filters, so a cursor from one search cannot page another."""
        canonical = json.dumps(query, sort_keys=True, default=str)
        return hashlib.blake2s(canonical.encode(), digest_size=8).hexdigest()

    def dump(self, query: dict[str, Any], state: dict[str, Any]) -> str:
        """Encode ``state`` (the keyset position and frozen bounds) for ``query``."""
        return self._serializer.dumps({"q": self.fingerprint(query), "s": state})

    def load(self, token: str, query: dict[str, Any]) -> dict[str, Any]:
        """Decode a cursor made by :meth:`dump` for the same ``query``."""
        try:
            payload = self._serializer.loads(token)
        except BadSignature:
            raise CursorError("this cursor was not issued by this server or was damaged") from None
        if not isinstance(payload, dict) or not isinstance(payload.get("s"), dict):
            raise CursorError("this cursor is damaged")
        if payload.get("q") != self.fingerprint(query):
            raise CursorError(
                "this cursor belongs to a different query; "
                "start again without nextCursor, keeping the other parameters the same"
            )
        state: dict[str, Any] = payload["s"]
        return state
