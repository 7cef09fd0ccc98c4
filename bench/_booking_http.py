"""A minimal keep-alive HTTP/1.1 client on asyncio, for load generation on a shared machine.

httpx spends most of a small request's time in its own Python code; on two cores shared with
the server that CPU would be taken from the server being measured. This client only writes
pre-formatted requests and reads ``Content-Length`` bodies, which is all the API sends to a
client that does not ask for gzip. ``python -m bench booking`` reports its CPU per request
next to httpx's, measured the same way.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

__all__ = ["Answer", "RawConnection", "open_connections"]


@dataclass(frozen=True, slots=True)
class Answer:
    """One response: status, body, and milliseconds from the first byte sent to the last read."""

    status: int
    body: bytes
    milliseconds: float


class _Protocol(asyncio.Protocol):
    """Collects one response at a time from the byte stream."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.waiter: asyncio.Future[tuple[int, bytes]] | None = None
        self.closed = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        self._complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(ConnectionError(f"connection closed: {exc}"))

    def _complete(self) -> None:
        if self.waiter is None:
            return
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return
        head = bytes(self.buffer[:end]).lower()
        start = head.find(b"\r\ncontent-length:")
        if start < 0:
            self.waiter.set_exception(ConnectionError("response without Content-Length"))
            return
        start += 17
        stop = head.find(b"\r\n", start)
        length = int(head[start : stop if stop >= 0 else len(head)])
        total = end + 4 + length
        if len(self.buffer) < total:
            return
        body = bytes(self.buffer[end + 4 : total])
        del self.buffer[:total]
        if b"\r\nconnection: close" in head:
            self.closed = True
        waiter, self.waiter = self.waiter, None
        waiter.set_result((int(head[9:12]), body))


class RawConnection:
    """One keep-alive connection; requests on it are sequential (one client = one connection)."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self._protocol: _Protocol | None = None
        self._host_header = f"Host: {host}:{port}\r\n".encode()

    async def _connected(self) -> _Protocol:
        if self._protocol is None or self._protocol.closed:
            loop = asyncio.get_running_loop()
            _transport, protocol = await loop.create_connection(_Protocol, self.host, self.port)
            self._protocol = protocol
        return self._protocol

    async def request(
        self, method: str, path: str, body: bytes = b"", headers: bytes = b""
    ) -> Answer:
        """Send one request; ``headers`` are ready-made ``Name: value\\r\\n`` lines."""
        protocol = await self._connected()
        message = b"".join(
            (
                f"{method} {path} HTTP/1.1\r\n".encode(),
                self._host_header,
                headers,
                b"Content-Type: application/json\r\n" if body else b"",
                f"Content-Length: {len(body)}\r\n\r\n".encode(),
                body,
            )
        )
        waiter: asyncio.Future[tuple[int, bytes]] = asyncio.get_running_loop().create_future()
        protocol.waiter = waiter
        began = time.perf_counter()
        assert protocol.transport is not None
        protocol.transport.write(message)
        status, content = await waiter
        return Answer(status, content, (time.perf_counter() - began) * 1000)

    def close(self) -> None:
        if self._protocol is not None and self._protocol.transport is not None:
            self._protocol.transport.close()


async def open_connections(base_url: str, count: int) -> list[RawConnection]:
    """``count`` connections to the server, opened before any timing starts."""
    parts = urlsplit(base_url)
    connections = [
        RawConnection(parts.hostname or "127.0.0.1", parts.port or 80) for _ in range(count)
    ]
    await asyncio.gather(*(connection._connected() for connection in connections))
    return connections


def bearer(token: str) -> bytes:
    """The Authorization header line for ``token``."""
    return f"Authorization: Bearer {token}\r\n".encode()


def headers_of(mapping: Mapping[str, str]) -> bytes:
    return b"".join(f"{name}: {value}\r\n".encode() for name, value in mapping.items())
