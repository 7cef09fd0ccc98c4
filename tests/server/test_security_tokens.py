"""Bearer JWTs: only an unexpired HS256 token signed with our secret and naming a user gets in.
Every refusal is a 401 problem+json that says what is wrong, never a 500, and holds nothing.

Tokens are built by hand (PyJWT, or base64 for the unsigned and mislabelled ones) so each
carries exactly the flaw under test.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from typing import Any

import jwt
import pytest
from conftest import JWT_SECRET, Catalog, bearer
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from server.auth import issue_token
from server.extensions import db

NO_BOOKING = f"/bookings/{uuid.UUID(int=0, version=4)}"
AN_HOUR = 3600


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def segment(value: Any) -> str:
    return b64(json.dumps(value).encode())


def hand_made(header: Any, claims: Any, *, key: bytes | None = JWT_SECRET.encode()) -> str:
    """A JWT whose header says anything; signed HMAC-SHA256 with ``key`` (None: unsigned)."""
    signing_input = f"{segment(header)}.{segment(claims)}"
    if key is None:
        return signing_input + "."
    signature = hmac.new(key, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(signature)}"


def signed(claims: dict[str, Any], *, secret: str = JWT_SECRET, algorithm: str = "HS256") -> str:
    # PyJWT warns about HMAC keys shorter than the hash; ours is long enough for SHA-512.
    return jwt.encode(claims, secret * 2 if algorithm != "HS256" else secret, algorithm=algorithm)


def claims(**changes: Any) -> dict[str, Any]:
    """Good claims for user ``ana``, with ``changes`` (``None`` removes a claim)."""
    now = int(time.time())
    good: dict[str, Any] = {"sub": "ana", "iat": now, "exp": now + AN_HOUR}
    good.update(changes)
    return {name: value for name, value in good.items() if value is not None}


def authorization(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def tampered() -> str:
    """A good token whose payload was swapped for another user's; the signature is ana's."""
    header, _payload, signature = signed(claims()).split(".")
    return f"{header}.{segment(claims(sub='eve'))}.{signature}"


def flipped(token: str) -> str:
    """The token with the first character of its signature changed."""
    head, signature = token.rsplit(".", 1)
    return f"{head}.{'B' if signature[0] == 'A' else 'A'}{signature[1:]}"


def refused(name: str, headers: dict[str, str], detail: str) -> Any:
    return pytest.param(headers, detail, id=name)


GOOD = claims()
#: These tokens are made when the tests are collected, which can be many minutes before they
#: run (a whole suite's worth): "not yet" must still hold then, so it is a day away.
TOMORROW = int(time.time()) + 24 * 3600
IN_TWO_DAYS = TOMORROW + 24 * 3600

REFUSED = [
    # no token, or not a Bearer one
    refused("no-header", {}, "Send Authorization: Bearer"),
    refused("basic", {"Authorization": "Basic YW5hOnNlY3JldA=="}, "must be 'Bearer <token>'"),
    refused("token-scheme", {"Authorization": f"Token {signed(GOOD)}"}, "must be 'Bearer"),
    refused("bearer-alone", {"Authorization": "Bearer"}, "must be 'Bearer <token>'"),
    refused("bearer-blank", {"Authorization": "Bearer    "}, "must be 'Bearer <token>'"),
    refused("tab-not-space", {"Authorization": f"Bearer\t{signed(GOOD)}"}, "must be 'Bearer"),
    refused("jwt-without-scheme", {"Authorization": signed(GOOD)}, "must be 'Bearer"),
    # not a JWT at all
    refused("not-a-jwt", authorization("not-a-jwt"), "not valid"),
    refused("two-segments", authorization("a.b"), "not valid"),
    refused("four-segments", authorization(signed(GOOD) + ".x"), "not valid"),
    refused("empty-segments", authorization(".."), "not valid"),
    refused("bad-base64", authorization("###.###.###"), "not valid"),
    refused("header-not-json", authorization(f"{b64(b'{nope')}.{segment(GOOD)}.x"), "not valid"),
    refused("header-a-list", authorization(f"{segment([1])}.{segment(GOOD)}.x"), "not valid"),
    refused(
        "payload-a-list", authorization(hand_made({"alg": "HS256"}, ["ana"])), "must be a json"
    ),
    refused("non-ascii", {"Authorization": "Bearer \u00ff\u00fe"}, "not valid"),
    refused("huge", authorization("a" * 6000), "not valid"),
    # unsigned, or signed some other way than ours
    refused("alg-none", authorization(hand_made({"alg": "none"}, GOOD, key=None)), "HS256"),
    refused("alg-None", authorization(hand_made({"alg": "None"}, GOOD, key=None)), "HS256"),
    refused("alg-NONE-signed", authorization(hand_made({"alg": "NONE"}, GOOD)), "HS256"),
    refused("alg-missing", authorization(hand_made({"typ": "JWT"}, GOOD)), "HS256"),
    refused("alg-null", authorization(hand_made({"alg": None}, GOOD)), "HS256"),
    refused("alg-a-list", authorization(hand_made({"alg": ["HS256"]}, GOOD)), "not valid"),
    refused("hs384", authorization(signed(GOOD, algorithm="HS384")), "HS256"),
    refused("hs512", authorization(signed(GOOD, algorithm="HS512")), "HS256"),
    # RS256 label, HMAC signature: the algorithm-confusion trick, the other way round.
    refused("rs256-label", authorization(hand_made({"alg": "RS256"}, GOOD)), "HS256"),
    refused("es256-label", authorization(hand_made({"alg": "ES256"}, GOOD)), "HS256"),
    # our algorithm, but not our signature
    refused("wrong-secret", authorization(signed(GOOD, secret="another-" + "z" * 32)), "signature"),
    refused("tampered-payload", authorization(tampered()), "signature"),
    refused("no-signature", authorization(signed(GOOD).rsplit(".", 1)[0] + "."), "signature"),
    # 41 base64url characters can never be decoded (one more than a multiple of 4)
    refused("truncated-signature", authorization(signed(GOOD)[:-2]), "not valid"),
    refused("flipped-signature", authorization(flipped(signed(GOOD))), "signature"),
    refused("crit-header", authorization(hand_made({"alg": "HS256", "crit": ["x"]}, GOOD)), "crit"),
    # signed by us, but the claims are wrong
    refused("expired", authorization(signed(claims(exp=int(time.time()) - 60))), "expired"),
    refused("exp-missing", authorization(signed(claims(exp=None))), '"exp"'),
    refused("exp-a-string", authorization(signed(claims(exp=str(2**40)))), "exp"),
    refused("exp-a-bool", authorization(signed(claims(exp=True))), "exp"),
    refused("exp-past-any-date", authorization(signed(claims(exp=10**400))), "exp"),
    refused("exp-huge-float", authorization(signed(claims(exp=1e300))), "exp"),
    refused("not-yet-valid", authorization(signed(claims(nbf=TOMORROW, exp=IN_TWO_DAYS))), "yet"),
    refused("issued-later", authorization(signed(claims(iat=TOMORROW, exp=IN_TWO_DAYS))), "yet"),
    refused("sub-missing", authorization(signed(claims(sub=None))), '"sub"'),
    refused("sub-a-number", authorization(signed(claims(sub=42))), "Subject"),
    refused("sub-a-list", authorization(signed(claims(sub=["ana"]))), "Subject"),
    refused("sub-empty", authorization(signed(claims(sub=""))), "subject"),
    refused("sub-too-long", authorization(signed(claims(sub="a" * 201))), "subject"),
    refused("sub-with-nul", authorization(signed(claims(sub="ana\x00"))), "subject"),
    refused("sub-with-newline", authorization(signed(claims(sub="ana\nadmin"))), "subject"),
]


def problem_401(response: Any) -> dict[str, Any]:
    assert response.status_code == 401, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    body: dict[str, Any] = response.get_json()
    assert body["type"] == "/problems/unauthorized"
    return body


def nothing_held(app: Flask, event_id: int) -> None:
    """No booking row, no ticket out of AVAILABLE, no Redis hold for the event."""
    assert db.session.execute(text("SELECT count(*) FROM bookings")).scalar() == 0
    assert (
        db.session.execute(
            text("SELECT count(*) FROM tickets WHERE status <> 'AVAILABLE'")
        ).scalar()
        == 0
    )
    store = app.extensions["boxoffice.redis"]
    prefix = app.config["REDIS_PREFIX"]
    assert list(store.scan_iter(match=f"{prefix}{{e{event_id}}}:*")) == []


@pytest.fixture
def event(catalog: Catalog) -> Any:
    return catalog.event(catalog.venue())


@pytest.mark.parametrize(("headers", "detail"), REFUSED)
def test_a_refused_token_is_a_401_saying_why_and_holds_nothing(
    app_context: Flask, client: FlaskClient, event: Any, headers: dict[str, str], detail: str
) -> None:
    ticket = client.get(f"/events/{event.id}").get_json()["tickets"][0]["ticketID"]
    response = client.post(f"/bookings/{event.id}", json={"ticketIDs": [ticket]}, headers=headers)
    body = problem_401(response)
    assert detail in body["detail"], body["detail"]
    nothing_held(app_context, event.id)


def every_authenticated_route(event_id: int) -> list[tuple[str, str]]:
    booking = f"/bookings/{uuid.uuid4()}"
    return [
        ("POST", f"/bookings/{event_id}"),
        ("GET", booking),
        ("DELETE", booking),
        ("POST", f"{booking}/extend"),
        ("POST", f"{booking}/payment"),
        ("POST", f"/events/{event_id}/queue"),
        ("GET", f"/events/{event_id}/queue"),
        ("DELETE", f"/events/{event_id}/queue"),
    ]


@pytest.mark.parametrize(
    "token",
    [
        hand_made({"alg": "none"}, GOOD, key=None),
        signed(claims(exp=int(time.time()) - 1)),
        signed(GOOD, secret="another-" + "z" * 32),
    ],
    ids=["unsigned", "expired", "forged"],
)
def test_every_route_that_needs_a_user_refuses_a_bad_token(
    client: FlaskClient, event: Any, token: str
) -> None:
    for method, path in every_authenticated_route(event.id):
        response = client.open(path, method=method, headers=authorization(token), json={})
        problem_401(response)


def test_a_good_token_gets_in_however_the_scheme_is_spelt(client: FlaskClient) -> None:
    """The scheme is case-insensitive (RFC 9110) and spaces around the token do not matter;
    an unknown booking is then a 404 — past the authentication."""
    token = issue_token("ana", JWT_SECRET)
    for header in (f"Bearer {token}", f"bearer {token}", f"BEARER   {token}  "):
        response = client.get(NO_BOOKING, headers={"Authorization": header})
        assert response.status_code == 404, (header, response.get_data(as_text=True))


def test_a_token_stops_working_when_it_expires_though_it_was_accepted_before(
    client: FlaskClient,
) -> None:
    """A worker remembers tokens it has verified; the expiry is still checked on every use."""
    expires = int(time.time()) + 2
    token = authorization(signed(claims(exp=expires)))
    assert client.get(NO_BOOKING, headers=token).status_code == 404  # accepted, remembered
    assert client.get(NO_BOOKING, headers=token).status_code == 404
    time.sleep(max(0.0, expires - time.time()) + 0.05)
    body = problem_401(client.get(NO_BOOKING, headers=token))
    assert "expired" in body["detail"]


def test_the_same_user_with_a_fresh_token_still_gets_in(client: FlaskClient) -> None:
    """A refused token is not remembered as refused: a good one right after works."""
    problem_401(client.get(NO_BOOKING, headers=authorization(signed(claims(exp=1)))))
    assert client.get(NO_BOOKING, headers=bearer("ana")).status_code == 404


def test_tokens_are_only_issued_for_user_ids_the_server_accepts() -> None:
    for user in ("", "a" * 201, "ana\x00", "ana\r\nx", "\x7f"):
        with pytest.raises(ValueError, match="user ID"):
            issue_token(user, JWT_SECRET)
    for hours in (1e30, float("inf"), 10**9):
        with pytest.raises(ValueError, match="cannot last"):
            issue_token("ana", JWT_SECRET, hours=hours)
    assert jwt.decode(issue_token("a" * 200, JWT_SECRET), JWT_SECRET, algorithms=["HS256"])
