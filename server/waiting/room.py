"""The waiting room of a high-demand event, in Redis: a FIFO queue per lane, a token bucket
that admits people at the set rate, and admission passes. No Flask and no database here.

Nothing runs on a timer. Every join and every status request runs one Lua script that first
*advances* the room — refills the buckets for the time gone by, counts the holds that ended
since the last look, admits that many people from the heads of the queues — and then says
where the asking user stands. Whichever worker asks drives admissions, and as waiting clients
long-poll, someone always asks. All of it lives in Redis, so a restarted server loses no
one's place.

Rules:

* Order is by join sequence (``INCR``), one entry per user: joining twice keeps your place.
* Two token buckets, each holding at most ``burst`` seconds of its rate (at least one).
  Staff (``role: staff`` tokens) wait in a lane of their own, admitted from a bucket that
  refills at ``staff_share`` of the rate: they never wait for the public, and a counter
  that asks now and then finds a token ready. The public bucket refills at the rest of the
  rate, plus whatever the staff bucket cannot hold while no staff wait, so a quiet counter
  costs the public nothing. With no staff share, staff queue with the public.
* A hold that ends (``released`` or ``expired`` on the event's seat stream, read from where
  the room last stopped) frees room for one more buyer. The stream counts seats, so freed
  seats are divided by the average hold size seen on it (``held`` entries; starting from one
  two-seat hold). A seat let go because its holder chose others counts too: it is free.
  These extra admissions may exceed the bucket's size, but not while nobody waits.
* An admitted user gets a pass: ``<eventID>.<40 hex>``, random, for that user only (it is
  looked up under the Bearer token's user). Unused, it lapses after ``unused`` ms; its first
  use starts the shopping session, ``session`` ms. Deadlines are kept in the value and
  compared with the caller's clock, so tests can use a fake one.
* Turnover — holds ending per second — is a moving average over about five minutes; the
  wait estimate adds it to the rate.

Per event ``e`` (the hash tag of :class:`server.live.changes.LiveKeys`, so the script can
read the seat stream in the same Redis Cluster slot)::

    {e}:wr:queue:public  sorted set user -> join sequence
    {e}:wr:queue:staff   sorted set user -> join sequence
    {e}:wr:seq           the join sequence
    {e}:wr:state         hash: ts, tokens, staff, cursor (seat stream ID), held_n, held_t,
                         turnover
    {e}:wr:pass:<user>   "<token>|<deadline ms>|<0 unused, 1 used>"
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, cast

import redis

from server.live.changes import LiveKeys
from server.waiting.estimate import estimated_wait_seconds
from server.waiting.settings import WaitingSettings

__all__ = ["PassCheck", "Placement", "RoomStatus", "Surge", "WaitingRoom"]

#: Seconds over which the turnover average forgets (an exponential moving average).
TURNOVER_SECONDS = 300.0
#: How long a room's state outlives its last request, and a pass its deadline.
_KEEP_MS = 24 * 3600 * 1000
_PASS_SLACK_MS = 60_000
#: Seat-stream entries read per request at most (the rest on the next one).
_SCAN = 1000

# KEYS: 1 state, 2 public queue, 3 staff queue, 4 seat stream, 5 sequence
# ARGV: 1 now ms, 2 rate per minute, 3 staff share, 4 burst s, 5 pass key prefix, 6 nonce,
#       7 unused ms, 8 turnover s, 9 scan limit, 10 event id, 11 keep ms, 12 pass slack ms,
#       13 user, 14 lane to join ('' = only look)
_ADVANCE = """
local now = tonumber(ARGV[1])
local per_s = tonumber(ARGV[2]) / 60
local share = tonumber(ARGV[3])
local burst = tonumber(ARGV[4])
local pass_prefix, unused = ARGV[5], tonumber(ARGV[7])
local tau, keep, slack = tonumber(ARGV[8]), ARGV[11], tonumber(ARGV[12])
local user, lane = ARGV[13], ARGV[14]
local cap = math.max(1, per_s * burst)
local staff_per_s = per_s * share
local staff_cap = math.max(1, staff_per_s * burst)
-- whole admissions out of a bucket; the tolerance absorbs rounding (0.8 + 0.2 < 1)
local function whole(x) return math.floor(x + 1e-9) end

-- join: one place per user, kept; none while holding a live pass
if lane ~= '' then
    local pass = redis.call('GET', pass_prefix .. user)
    local live = false
    if pass then
        live = tonumber(string.match(pass, '^[^|]*|([^|]*)|')) > now
    end
    if not live and not redis.call('ZSCORE', KEYS[2], user)
            and not redis.call('ZSCORE', KEYS[3], user) then
        local key = KEYS[2]
        if lane == 'staff' then key = KEYS[3] end
        redis.call('ZADD', key, redis.call('INCR', KEYS[5]), user)
        redis.call('PEXPIRE', KEYS[5], keep)
    end
end
local staff_waiting = redis.call('ZCARD', KEYS[3])
local public_waiting = redis.call('ZCARD', KEYS[2])

-- refill: staff their share; the public the rest, and what the staff bucket cannot hold
-- while no staff wait. While people wait a bucket may hold twice its size: every whole
-- token goes at once, and the fraction must carry over to the next look.
local s = redis.call('HMGET', KEYS[1], 'ts', 'tokens', 'staff', 'cursor', 'held_n', 'held_t',
                     'turnover')
local ts = tonumber(s[1]) or now
local tokens = tonumber(s[2]) or cap
local staff = tonumber(s[3]) or staff_cap
local cursor = s[4]
if not cursor then
    -- a new room counts the holds that end from now on
    local last = redis.call('XREVRANGE', KEYS[4], '+', '-', 'COUNT', 1)
    cursor = (last[1] and last[1][1]) or '0-0'
end
local held_n, held_t = tonumber(s[5]) or 0, tonumber(s[6]) or 0
local turnover = tonumber(s[7]) or 0
if now < ts then now = ts end  -- a worker whose clock lags never moves time back
local dt = (now - ts) / 1000
local gain = dt * (per_s - staff_per_s)
if share > 0 then
    staff = staff + dt * staff_per_s
    if staff_waiting == 0 and staff > staff_cap then
        gain = gain + staff - staff_cap
        staff = staff_cap
    elseif staff > 2 * staff_cap then
        staff = 2 * staff_cap
    end
else
    gain = dt * per_s
end
local room = cap
if public_waiting > 0 then room = 2 * cap end
if tokens < room then tokens = math.min(room, tokens + gain) end

-- holds that ended since the last look let as many more in, beyond the bucket's size
local freed = 0
local entries = redis.call('XRANGE', KEYS[4], '(' .. cursor, '+', 'COUNT', ARGV[9])
for _, entry in ipairs(entries) do
    cursor = entry[1]
    local fields, kind, seats = entry[2], nil, 0
    for i = 1, #fields, 2 do
        if fields[i] == 'k' then kind = fields[i + 1]
        elseif fields[i] == 't' then
            for _ in string.gmatch(fields[i + 1], '[^,]+') do seats = seats + 1 end
        end
    end
    if kind == 'held' then
        held_n, held_t = held_n + 1, held_t + seats
    elseif kind == 'released' or kind == 'expired' then
        freed = freed + seats
    end
end
local freed_holds = freed / ((held_t + 2) / (held_n + 1))
tokens = tokens + freed_holds
turnover = turnover * math.exp(-dt / tau) + freed_holds / tau

-- admit: staff from their bucket (from the public one if they have no share), then the public
local admitted = {}
local n
if share > 0 then
    n = math.min(staff_waiting, whole(staff))
else
    n = math.min(staff_waiting, whole(tokens))
end
if n > 0 then
    local popped = redis.call('ZPOPMIN', KEYS[3], n)
    for i = 1, #popped, 2 do table.insert(admitted, popped[i]) end
    if share > 0 then staff = math.max(0, staff - n) else tokens = math.max(0, tokens - n) end
    staff_waiting = staff_waiting - n
end
n = math.min(public_waiting, whole(tokens))
if n > 0 then
    local popped = redis.call('ZPOPMIN', KEYS[2], n)
    for i = 1, #popped, 2 do table.insert(admitted, popped[i]) end
    tokens, public_waiting = math.max(0, tokens - n), public_waiting - n
end
if public_waiting == 0 and tokens > cap then tokens = cap end
if staff_waiting == 0 and staff > staff_cap then staff = staff_cap end
for i, who in ipairs(admitted) do
    local token = ARGV[10] .. '.' .. redis.sha1hex(ARGV[6] .. '|' .. i .. '|' .. who)
    redis.call('SET', pass_prefix .. who, token .. '|' .. (now + unused) .. '|0',
               'PX', unused + slack)
end
redis.call('HSET', KEYS[1], 'ts', now, 'tokens', tostring(tokens), 'staff', tostring(staff),
           'cursor', cursor, 'held_n', held_n, 'held_t', held_t,
           'turnover', tostring(turnover))
redis.call('PEXPIRE', KEYS[1], keep)

-- where the asking user stands
local counts = {staff_waiting, public_waiting, tostring(turnover), #admitted}
local pass = redis.call('GET', pass_prefix .. user)
if pass then
    local token, deadline, used = string.match(pass, '^([^|]*)|([^|]*)|(.*)$')
    if tonumber(deadline) > now then
        return {'admitted', token, deadline, used, unpack(counts)}
    end
    redis.call('DEL', pass_prefix .. user)
end
local rank = redis.call('ZRANK', KEYS[3], user)
if rank then return {'staff', rank + 1, '', '', unpack(counts)} end
rank = redis.call('ZRANK', KEYS[2], user)
if rank then return {'public', rank + 1, '', '', unpack(counts)} end
return {'none', 0, '', '', unpack(counts)}
"""

# KEYS: 1 pass; ARGV: token, now ms, session ms, slack ms
# -> 'ok', 'invalid' (no pass, or another token: someone else's, or an old one), 'expired'
_USE_PASS = """
local pass = redis.call('GET', KEYS[1])
if not pass then return 'invalid' end
local token, deadline, used = string.match(pass, '^([^|]*)|([^|]*)|(.*)$')
local now = tonumber(ARGV[2])
if tonumber(deadline) <= now then
    redis.call('DEL', KEYS[1])
    return 'expired'
end
if token ~= ARGV[1] then return 'invalid' end
if used == '0' then
    local session = tonumber(ARGV[3])
    redis.call('SET', KEYS[1], token .. '|' .. (now + session) .. '|1',
               'PX', session + tonumber(ARGV[4]))
end
return 'ok'
"""


@dataclass(frozen=True, slots=True)
class Surge:
    """An event's waiting-room setting: ``per_minute`` admissions, ``staff_share`` of them
    reserved for box-office staff."""

    event_id: int
    per_minute: int
    staff_share: float


class Placement(StrEnum):
    """Where a user stands (the wire's ``QueueState`` without ``open``)."""

    WAITING = "waiting"
    ADMITTED = "admitted"
    NOT_QUEUED = "not-queued"


class PassCheck(StrEnum):
    OK = "ok"
    #: No token sent, or the user has no pass.
    NONE = "none"
    #: A token that is not this user's current pass (someone else's, or an old one).
    INVALID = "invalid"
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class RoomStatus:
    placement: Placement
    staff_lane: bool = False
    position: int | None = None
    queue_length: int | None = None
    estimated_wait_seconds: int | None = None
    token: str | None = None
    #: Unused token: when it lapses; used: when the shopping session ends (epoch ms).
    expires_ms: int | None = None
    #: People admitted by this call (anyone's), for tests and logs.
    admitted_now: int = 0


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


class WaitingRoom:
    """The waiting rooms of every high-demand event, on one Redis."""

    def __init__(
        self,
        client: redis.Redis,
        prefix: str = "boxoffice:",
        settings: WaitingSettings | None = None,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """``clock`` gives seconds since the epoch; every worker's must agree closely."""
        self.client = client
        self.keys = LiveKeys(prefix)
        self.settings = settings or WaitingSettings()
        self.clock = clock
        self._advance = client.register_script(_ADVANCE)
        self._use_pass = client.register_script(_USE_PASS)

    # keys ---------------------------------------------------------------------------------
    def _key(self, event_id: int, name: str) -> str:
        return f"{self.keys.event(event_id)}:wr:{name}"

    def _room_keys(self, event_id: int) -> list[str]:
        return [
            self._key(event_id, "state"),
            self._key(event_id, "queue:public"),
            self._key(event_id, "queue:staff"),
            self.keys.stream(event_id),
            self._key(event_id, "seq"),
        ]

    def _now_ms(self) -> int:
        return int(self.clock() * 1000)

    # the queue ----------------------------------------------------------------------------
    def join(self, surge: Surge, user_id: str, *, staff: bool = False) -> RoomStatus:
        """Join the queue (or keep your place, or your pass); staff use their lane when the
        event reserves them a share."""
        lane = "staff" if staff and surge.staff_share > 0 else "public"
        return self._run(surge, user_id, lane)

    def status(self, surge: Surge, user_id: str) -> RoomStatus:
        """Where ``user_id`` stands; admits whoever's turn has come first."""
        return self._run(surge, user_id, "")

    def leave(self, event_id: int, user_id: str) -> None:
        """Out of the queue, and any pass given up: the next in line moves up."""
        pipe = self.client.pipeline(transaction=True)
        pipe.zrem(self._key(event_id, "queue:public"), user_id)
        pipe.zrem(self._key(event_id, "queue:staff"), user_id)
        pipe.delete(self._key(event_id, f"pass:{user_id}"))
        pipe.execute()

    def close(self, event_id: int) -> None:
        """The event is no longer high-demand: forget its queues and buckets (passes lapse
        by themselves; nobody needs one now)."""
        self.client.delete(
            self._key(event_id, "state"),
            self._key(event_id, "queue:public"),
            self._key(event_id, "queue:staff"),
        )

    def queue_lengths(self, event_ids: list[int]) -> dict[int, tuple[int, int]]:
        """How many wait in each event's public and staff queues (the metrics read this)."""
        pipe = self.client.pipeline(transaction=False)
        for event_id in event_ids:
            pipe.zcard(self._key(event_id, "queue:public"))
            pipe.zcard(self._key(event_id, "queue:staff"))
        counts = pipe.execute()
        return {
            event_id: (int(counts[2 * i]), int(counts[2 * i + 1]))
            for i, event_id in enumerate(event_ids)
        }

    def use_pass(self, event_id: int, user_id: str, token: str | None) -> PassCheck:
        """Whether ``token`` admits ``user_id`` now; the first use starts the session."""
        if not token:
            return PassCheck.NONE
        settings = self.settings
        answer = self._use_pass(
            keys=[self._key(event_id, f"pass:{user_id}")],
            args=[
                token,
                self._now_ms(),
                int(settings.admission_session_seconds * 1000),
                _PASS_SLACK_MS,
            ],
        )
        return PassCheck(_text(answer))

    def _run(self, surge: Surge, user_id: str, lane: str) -> RoomStatus:
        settings = self.settings
        args: list[Any] = [
            self._now_ms(),
            surge.per_minute,
            surge.staff_share,
            settings.admission_burst_seconds,
            self._key(surge.event_id, "pass:"),
            secrets.token_hex(16),
            int(settings.admission_unused_seconds * 1000),
            TURNOVER_SECONDS,
            _SCAN,
            surge.event_id,
            _KEEP_MS,
            _PASS_SLACK_MS,
            user_id,
            lane,
        ]
        reply = cast(list[Any], self._advance(keys=self._room_keys(surge.event_id), args=args))
        where, value, deadline, _used = (_text(part) for part in reply[:4])
        staff_waiting, public_waiting = int(reply[4]), int(reply[5])
        turnover, admitted_now = float(_text(reply[6])), int(reply[7])
        if where == "admitted":
            return RoomStatus(
                Placement.ADMITTED,
                token=value,
                expires_ms=int(float(deadline)),
                admitted_now=admitted_now,
            )
        if where == "none":
            return RoomStatus(Placement.NOT_QUEUED, admitted_now=admitted_now)
        position = int(value)
        staff_lane = where == "staff"
        return RoomStatus(
            Placement.WAITING,
            staff_lane=staff_lane,
            position=position,
            queue_length=staff_waiting if staff_lane else public_waiting,
            estimated_wait_seconds=estimated_wait_seconds(
                position,
                per_minute=surge.per_minute,
                staff_share=surge.staff_share,
                staff_lane=staff_lane,
                staff_waiting=staff_waiting > 0,
                turnover_per_second=turnover,
            ),
            admitted_now=admitted_now,
        )
