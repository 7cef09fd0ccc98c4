"""The `boxoffice` command's small jobs: tokens, cleanup, schema upgrades."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
import pytest
from click.testing import CliRunner
from conftest import Catalog, SuiteServices
from sqlalchemy import text

from server.cli import main
from server.extensions import db


def test_token_is_signed_with_the_kept_secret_and_expires(tmp_path: Path) -> None:
    env = {"BOXOFFICE_DATA_DIR": str(tmp_path), "BOXOFFICE_JWT_SECRET": ""}
    result = CliRunner().invoke(main, ["token", "till-7", "--hours", "2"], env=env)
    assert result.exit_code == 0, result.output
    secret = json.loads((tmp_path / "secrets.json").read_text())["jwt_secret"]
    claims = jwt.decode(result.output.strip(), secret, algorithms=["HS256"])
    assert claims["sub"] == "till-7"
    lifetime = datetime.fromtimestamp(claims["exp"], UTC) - datetime.now(UTC)
    assert timedelta(hours=1, minutes=59) < lifetime <= timedelta(hours=2)
    again = CliRunner().invoke(main, ["token", "till-7"], env=env)
    assert jwt.decode(again.output.strip(), secret, algorithms=["HS256"])["sub"] == "till-7"


def test_token_uses_the_configured_secret(tmp_path: Path) -> None:
    env = {"BOXOFFICE_DATA_DIR": str(tmp_path), "BOXOFFICE_JWT_SECRET": "s" * 40}
    result = CliRunner().invoke(main, ["token", "ana"], env=env)
    assert jwt.decode(result.output.strip(), "s" * 40, algorithms=["HS256"])["sub"] == "ana"


def test_token_refuses_a_bad_user_id(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["token", "x" * 201], env={"BOXOFFICE_DATA_DIR": str(tmp_path)}
    )
    assert result.exit_code == 2
    assert "user ID" in result.output
    assert "Traceback" not in result.output


@pytest.fixture
def cli_env(services: SuiteServices, tmp_path: Path) -> dict[str, str]:
    return {**services.server_environment(), "BOXOFFICE_DATA_DIR": str(tmp_path)}


def test_cleanup_marks_expired_holds(catalog: Catalog, cli_env: dict[str, str]) -> None:
    event = catalog.event(catalog.venue())
    db.session.execute(
        text(
            "INSERT INTO bookings (id, user_id, event_id, status, total_price, expires_at) VALUES "
            "(gen_random_uuid(), 'ana', :e, 'PENDING', 10, now() - interval '1 minute'), "
            "(gen_random_uuid(), 'ben', :e, 'PENDING', 10, now() + interval '4 minutes')"
        ),
        {"e": event.id},
    )
    db.session.commit()
    result = CliRunner().invoke(main, ["cleanup"], env=cli_env)
    assert result.exit_code == 0, result.output
    assert "1 pending booking marked expired." in result.output
    statuses = dict(db.session.execute(text("SELECT user_id, status FROM bookings")).all())
    assert statuses == {"ana": "EXPIRED", "ben": "PENDING"}


def test_db_upgrade_on_a_current_schema_is_a_no_op(
    app_context: object, cli_env: dict[str, str]
) -> None:
    result = CliRunner().invoke(main, ["db", "upgrade"], env=cli_env)
    assert result.exit_code == 0, result.output
    assert "Database schema is current." in result.output
