"""The hot workload with ``wrk``: 50 connections, each request a new user for one of 100 seats.

wrk is C with a Lua hook per request, so it loads the server with a few percent of a core;
the Lua below takes a pre-issued token per request (every user asks once) and counts the
statuses of every thread, and ``done`` prints one JSON line for us to read.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["WRK_SCRIPT", "run_wrk", "wrk_binary"]

WRK_SCRIPT = r"""
local threads = {}
local counter = 0

function setup(thread)
   thread:set("id", counter)
   table.insert(threads, thread)
   counter = counter + 1
end

function init(args)
   -- args: tokens file, event ID, ticket IDs (comma-separated), number of threads
   local step = tonumber(args[4])
   tokens, tickets, statuses, used, exhausted = {}, {}, {}, 0, 0
   local index = 0
   for line in io.lines(args[1]) do
      if index % step == id then table.insert(tokens, line) end
      index = index + 1
   end
   for ticket in string.gmatch(args[3], "%d+") do table.insert(tickets, ticket) end
   path = "/bookings/" .. args[2]
   math.randomseed(1000 + id)
end

function request()
   used = used + 1
   local token = tokens[used]
   if token == nil then
      exhausted = exhausted + 1
      token = "exhausted"
   end
   local body = '{"ticketIDs":[' .. tickets[math.random(#tickets)] .. ']}'
   return wrk.format("POST", path, {
      ["Authorization"] = "Bearer " .. token,
      ["Content-Type"] = "application/json",
   }, body)
end

function response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
   local counts, out_of_tokens = {}, 0
   for _, thread in ipairs(threads) do
      for status, n in pairs(thread:get("statuses")) do
         counts[tostring(status)] = (counts[tostring(status)] or 0) + n
      end
      out_of_tokens = out_of_tokens + thread:get("exhausted")
   end
   local parts = {}
   for status, n in pairs(counts) do table.insert(parts, string.format('"%s":%d', status, n)) end
   local e = summary.errors
   io.write(string.format(
      'WRK-JSON {"requests":%d,"duration_us":%d,"statuses":{%s},"out_of_tokens":%d,' ..
      '"socket_errors":%d,"timeouts":%d,"p50_us":%d,"p95_us":%d,"p99_us":%d,' ..
      '"max_us":%d,"mean_us":%.1f}\n',
      summary.requests, summary.duration, table.concat(parts, ","), out_of_tokens,
      e.connect + e.read + e.write, e.timeout,
      latency:percentile(50), latency:percentile(95), latency:percentile(99),
      latency.max, latency.mean))
end
"""

_THREADS = 2


def wrk_binary() -> str | None:
    """``wrk`` on the PATH (Debian: ``apt-get install wrk``), or None."""
    return shutil.which("wrk")


def run_wrk(
    base_url: str,
    event_id: int,
    tickets: Sequence[int],
    tokens_file: Path,
    *,
    seconds: float,
    connections: int,
) -> dict[str, Any]:
    """Run the hot workload; returns wrk's counts and latency percentiles (milliseconds)."""
    binary = wrk_binary()
    if binary is None:
        raise RuntimeError("wrk is not installed")
    script = tokens_file.with_name("hot.lua")
    script.write_text(WRK_SCRIPT)
    command = [
        binary, "-t", str(_THREADS), "-c", str(connections), "-d", f"{seconds:.0f}s",
        "--timeout", "10s", "-s", str(script), base_url, "--",
        str(tokens_file), str(event_id), ",".join(map(str, tickets)), str(_THREADS),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    line = next((x for x in done.stdout.splitlines() if x.startswith("WRK-JSON ")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stdout[-1500:]}{done.stderr}")
    raw = json.loads(line.removeprefix("WRK-JSON "))
    return {
        "requests": raw["requests"],
        "seconds": raw["duration_us"] / 1e6,
        "statuses": Counter({int(k): v for k, v in raw["statuses"].items()}),
        "out_of_tokens": raw["out_of_tokens"],
        "socket_errors": raw["socket_errors"],
        "timeouts": raw["timeouts"],
        "latency_ms": {
            "n": raw["requests"],
            "mean": raw["mean_us"] / 1000,
            "p50": raw["p50_us"] / 1000,
            "p95": raw["p95_us"] / 1000,
            "p99": raw["p99_us"] / 1000,
            "max": raw["max_us"] / 1000,
        },
    }
