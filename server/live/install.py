"""Binding live updates to an app: the change log routes report to, this process's readers."""

from __future__ import annotations

import redis
from flask import Flask

from server.live.changes import ChangeLog
from server.live.feeds import BLOCK_MS, Feeds

__all__ = ["install_live"]


def install_live(app: Flask, client: redis.Redis) -> None:
    """Register ``boxoffice.changes`` (on ``client``) and ``boxoffice.feeds``, whose readers
    block in XREAD and so get connections with a timeout longer than the block."""
    prefix = app.config["REDIS_PREFIX"]
    app.extensions["boxoffice.changes"] = ChangeLog(client, prefix)
    blocking = redis.Redis.from_url(
        app.config["REDIS_URL"], socket_timeout=BLOCK_MS / 1000 + 5, socket_connect_timeout=2
    )
    app.extensions["boxoffice.feeds"] = Feeds(blocking, prefix)
