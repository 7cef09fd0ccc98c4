"""Exit 0 when the machine's own PostgreSQL and Redis both answer within two seconds."""

from __future__ import annotations

import sys

import psycopg
import redis

try:
    psycopg.connect(
        "host=127.0.0.1 port=5432 user=postgres dbname=postgres", connect_timeout=2
    ).close()
    redis.Redis(host="127.0.0.1", port=6379, socket_timeout=2, socket_connect_timeout=2).ping()
except Exception as error:
    print(f"not available: {error}", file=sys.stderr)
    sys.exit(1)
