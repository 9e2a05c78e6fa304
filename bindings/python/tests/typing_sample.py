"""A usage sample for `mypy --strict` (make typecheck); test_typing.py also runs it."""

from __future__ import annotations

import sys
from datetime import datetime, timedelta, timezone
from typing import Any, List, Optional, Tuple

import polyseal

if sys.version_info >= (3, 11):
    from typing import assert_type
else:  # pragma: no cover

    def assert_type(value: Any, _type: Any) -> Any:
        return value


def main() -> List[str]:
    keyring = polyseal.Keyring(
        {
            "k2026": "a-new-password-of-at-least-32-characters!",
            "k2025": b"\x01" * 32,
            "split": {"encryption": "an-encryption-password-of-32-chars!!", "integrity": b"\x02" * 32},
        },
        current="k2026",
    )
    assert_type(keyring.ids, tuple[str, ...])
    assert_type(keyring.current, str)

    sealer = polyseal.Sealer(
        keyring,
        format="native",
        cookie_name="session",
        ttl=timedelta(hours=1),
        context=b"tenant-42",
        skew=30,
        max_depth=32,
    )
    token = sealer.seal({"userId": 12345, "roles": ["admin"]})
    assert_type(token, str)

    opened = sealer.unseal(token)
    assert_type(opened, polyseal.Unsealed)
    assert_type(opened.key_id, str)
    assert_type(opened.issued_at, Optional[float])
    assert_type(opened.expires_at, Optional[float])
    assert_type(opened.needs_reseal, bool)
    user_id: int = opened.data["userId"]

    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    at = sealer.unseal_at(sealer.seal_at([1, 2], now), now.timestamp())
    assert_type(at.data, Any)

    quick = polyseal.seal({"n": user_id}, keyring, ttl=60.0, cookie_name="session")
    h3_token: str = polyseal.Sealer(keyring, format="h3-v2", salt_reuse=30.0).seal_at(1, now)
    data = polyseal.unseal(quick, keyring, cookie_name="session")
    later = polyseal.unseal_at(
        polyseal.seal_at(data, keyring, 1_764_000_000), keyring, now=1_764_000_001
    )

    options = polyseal.CookieOptions(max_age=timedelta(days=1), same_site="Strict")
    options = options.with_expiry(now + timedelta(hours=1), now=now).replace(domain=None)
    assert_type(options.max_age, Optional[int])
    assert_type(options.expires, Optional[float])
    lines = polyseal.chunk_set_cookies(
        "session", token, options, style="h3-v2", scheme="h3", split=True,
        previous=polyseal.ChunkState(whole=True),
    )
    assert_type(lines, List[str])
    line = polyseal.set_cookie("session", token, polyseal.CookieOptions.insecure_dev())
    gone = polyseal.delete_cookie("session", style="iron-session")
    cookies = polyseal.parse_cookie_header(f"{line.split(';')[0]}; other=1")
    assert_type(cookies, List[Tuple[str, str]])
    state = polyseal.chunk_state(cookies, "session", scheme="h3")
    assert_type(state.chunks, int)
    value = polyseal.reassemble(dict(cookies), "session", scheme="h3")
    assert_type(value, Optional[str])
    size: int = polyseal.cookie_header_budget(cookies, polyseal.DEFAULT_COOKIE_HEADER_LIMIT)
    cleared = polyseal.chunk_deletion_cookies("session", options, scheme="h3", previous=state)
    date: str = polyseal.imf_fixdate(now)
    styles: tuple[str, ...] = polyseal.COOKIE_STYLES + polyseal.CHUNK_SCHEMES
    assert value == token and size > 0 and gone and cleared and date and styles and h3_token

    manager = polyseal.SessionManager(
        keyring, format="h3-v2", name="app", max_age=timedelta(days=1), idle_timeout=None,
        cookie=polyseal.CookieOptions.for_style("h3-v2"), session_header="x-h3-session",
        cookie_header_limit=None, skew=60, salt_reuse=timedelta(minutes=1),
    )
    session = manager.load(f"other=1; app={token}", session_header=None, now=now)
    assert_type(session, polyseal.Session)
    assert_type(session.data, dict[str, Any])
    assert_type(session.created_at, float)
    assert_type(session.last_seen_at, Optional[float])
    assert_type(session.rejection, Optional[polyseal.PolysealError])
    reason: Optional[str] = session.rejection.code if session.rejection else None
    session.data["visits"] = session.data.get("visits", 0) + 1
    set_cookies = manager.update(session, {"user": user_id}, now=now)
    assert_type(set_cookies, List[str])
    header_token: str = manager.token(session)
    assert not manager.save(session) and manager.clear(session) and header_token
    assert session.is_cleared and not session.needs_reseal and reason == "MALFORMED"
    assert manager.max_age == 86400 and manager.cookie_header_limit is None

    formats: tuple[str, ...] = polyseal.FORMATS
    codes: dict[str, int] = polyseal.ERROR_CODES
    version: str = polyseal.__version__
    messages: List[str] = [version, str(len(formats)), str(codes["EXPIRED"]), str(later)]
    try:
        polyseal.unseal("not-a-token", keyring)
    except polyseal.ExpiredError as error:
        messages.append(error.code)
    except polyseal.InvalidTokenError as error:
        assert_type(error.code, str)
        assert_type(error.number, int)
        messages.append(f"{error.code} {error.number}: {error.message}")
    except polyseal.PolysealError as error:
        messages.append(str(error))
    return messages


if __name__ == "__main__":
    print("\n".join(main()))
