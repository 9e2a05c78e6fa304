"""The cookie API: CookieOptions, Set-Cookie lines, parsing, chunking and budgets, and a whole
request/response round trip with a Sealer. Line-by-line rules are covered by cookies.json."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, Callable, List, Tuple

import pytest

import polyseal
from polyseal import ConfigError, CookieOptions, InvalidArgumentError, TooLargeError

from conftest import HOUR, NOW, PASSWORD_A

# For calls that break the annotations on purpose.
loose: Any = polyseal


def pairs_of(lines: List[str]) -> List[Tuple[str, str]]:
    """What a browser would send back for these Set-Cookie lines (deletions dropped)."""
    sent = []
    for line in lines:
        name, value = line.split(";", 1)[0].split("=", 1)
        if "Max-Age=0" not in line:
            sent.append((name, value))
    return sent


def test_the_defaults_are_a_secure_session_cookie() -> None:
    options = CookieOptions()
    assert (options.path, options.secure, options.http_only, options.same_site) == (
        "/",
        True,
        True,
        "Lax",
    )
    assert (options.max_age, options.expires, options.domain) == (None, None, None)
    assert (options.partitioned, options.priority) == (False, None)
    assert options == CookieOptions.for_style("polyseal") == CookieOptions.for_style("h3-v2")
    assert CookieOptions.for_style("h3-v1") == CookieOptions(same_site=None)
    assert CookieOptions.insecure_dev() == CookieOptions(secure=False)
    assert polyseal.set_cookie("session", "tok") == (
        "session=tok; Path=/; HttpOnly; Secure; SameSite=Lax"
    )


def test_none_and_false_leave_attributes_out() -> None:
    bare = CookieOptions(path=None, secure=False, http_only=False, same_site=None)
    assert polyseal.set_cookie("a", "b", bare) == "a=b"
    assert CookieOptions().replace(path=None, secure=False, http_only=False, same_site=None) == bare


def test_options_are_values() -> None:
    # Names in any letter case; "HIGH" is outside the annotations' literals.
    options: CookieOptions = loose.CookieOptions(
        max_age=60, domain="example.com", same_site="strict", priority="HIGH"
    )
    assert (options.same_site, options.priority) == ("Strict", "High")
    assert options == CookieOptions(
        max_age=timedelta(minutes=1), domain="example.com", same_site="Strict", priority="high"
    )
    same = CookieOptions(max_age=60, domain="example.com", same_site="Strict", priority="High")
    assert hash(options) == hash(same)
    assert options != CookieOptions() and options != "options"
    assert len({options, options.replace(), CookieOptions()}) == 2
    with pytest.raises(AttributeError):
        options.path = "/x"  # type: ignore[misc]
    assert repr(CookieOptions()) == (
        "CookieOptions(max_age=None, expires=None, domain=None, path='/', secure=True, "
        "http_only=True, same_site='Lax', partitioned=False, priority=None)"
    )
    changed = options.replace(max_age=None, partitioned=True)
    assert (changed.max_age, changed.partitioned, changed.domain) == (None, True, "example.com")
    assert options.max_age == 60


def test_times_in_seconds_or_datetimes() -> None:
    at = datetime.fromtimestamp(NOW + HOUR, tz=timezone.utc)
    by_float = CookieOptions(expires=NOW + HOUR)
    assert by_float == CookieOptions(expires=at) and by_float.expires == NOW + HOUR
    line = polyseal.set_cookie("s", "v", by_float)
    assert "Expires=Mon, 24 Nov 2025 17:00:00 GMT" in line
    expiring = CookieOptions().with_expiry(at, now=NOW + 0.5)
    assert (expiring.max_age, expiring.expires) == (3599, NOW + HOUR)
    assert CookieOptions().with_expiry(NOW, now=NOW + 10).max_age == 0
    from_clock = CookieOptions().with_expiry(datetime.now(timezone.utc) + timedelta(hours=1))
    assert from_clock.max_age is not None and 3590 <= from_clock.max_age <= 3600
    assert CookieOptions(max_age=timedelta(seconds=90, milliseconds=999)).max_age == 90
    with pytest.raises(InvalidArgumentError):
        CookieOptions(expires=datetime(2026, 1, 1))


def test_imf_fixdate() -> None:
    assert polyseal.imf_fixdate(0) == "Thu, 01 Jan 1970 00:00:00 GMT"
    assert polyseal.imf_fixdate(NOW + 0.999) == "Mon, 24 Nov 2025 16:00:00 GMT"
    assert polyseal.imf_fixdate(datetime(2025, 11, 24, 16, tzinfo=timezone.utc)) == (
        "Mon, 24 Nov 2025 16:00:00 GMT"
    )
    with pytest.raises(ConfigError):
        polyseal.imf_fixdate(253_402_300_800)  # the year 10000
    with pytest.raises(InvalidArgumentError):
        polyseal.imf_fixdate(-1)


def test_styles_and_deletion() -> None:
    assert polyseal.COOKIE_STYLES == ("polyseal", "h3-v1", "h3-v2", "iron-session")
    assert polyseal.set_cookie("h3", "a b", style="h3-v1") == "h3=a%20b; Path=/; HttpOnly; Secure"
    assert polyseal.delete_cookie("s") == (
        "s=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/; HttpOnly; Secure; "
        "SameSite=Lax"
    )
    assert polyseal.delete_cookie("s", style="iron-session").startswith("s=; Max-Age=0; Path=/")
    with pytest.raises(ConfigError) as unknown:
        polyseal.set_cookie("s", "v", style="express")  # type: ignore[arg-type]
    assert unknown.value.code == "INVALID_OPTION"


def test_cookie_rules_raise_config_errors() -> None:
    with pytest.raises(ConfigError) as prefix:
        polyseal.set_cookie("__Host-s", "v", CookieOptions(secure=False))
    assert prefix.value.code == "INVALID_COOKIE"
    with pytest.raises(ConfigError) as negative:
        polyseal.set_cookie("s", "v", CookieOptions(max_age=-1))
    assert negative.value.code == "INVALID_OPTION"
    with pytest.raises(TooLargeError):
        polyseal.set_cookie("s", "x" * polyseal.MAX_SET_COOKIE_BYTES)


def test_parse_cookie_header() -> None:
    parsed = polyseal.parse_cookie_header('a=1; b="2"; a=3; junk; c=x%20y')
    assert parsed == [("a", "1"), ("b", "2"), ("c", "x y")]
    assert polyseal.parse_cookie_header("") == []
    with pytest.raises(TooLargeError):
        polyseal.parse_cookie_header("a=" + "x" * 70_000)
    # Untrusted input that is not even text: malformed, as a non-UTF-8 header is in C.
    with pytest.raises(polyseal.InvalidTokenError) as raised:
        polyseal.parse_cookie_header("a=b\ud800")
    assert raised.value.code == "MALFORMED"


@pytest.mark.parametrize(
    ("style", "scheme", "parts"),
    [
        ("h3-v2", "h3", ["s", "s.1", "s.2", "s.3"]),
        ("iron-session", "iron-session", ["s.0", "s.1", "s.2"]),
    ],
)
def test_chunking_round_trip(style: Any, scheme: Any, parts: List[str]) -> None:
    assert scheme in polyseal.CHUNK_SCHEMES
    big = "x" * 10_000
    lines = polyseal.chunk_set_cookies("s", big, style=style, scheme=scheme)
    assert all(len(line) <= polyseal.MAX_SET_COOKIE_BYTES for line in lines)
    request = pairs_of(lines)
    assert [name for name, _ in request] == parts
    assert polyseal.reassemble(request, "s", scheme=scheme) == big
    assert polyseal.reassemble(dict(request), "s", scheme=scheme) == big
    state = polyseal.chunk_state(request, "s", scheme=scheme)
    assert state == polyseal.ChunkState(whole=False, chunks=len(parts) - (scheme == "h3"))
    # A small value now: the old chunks are deleted in the same response.
    small = polyseal.chunk_set_cookies("s", "tok", style=style, scheme=scheme, previous=state)
    assert pairs_of(small) == [("s", "tok")]
    assert len(small) == 1 + state.chunks
    cleared = polyseal.chunk_deletion_cookies("s", style=style, scheme=scheme, previous=state)
    assert len(cleared) == 1 + state.chunks and pairs_of(cleared) == []
    with pytest.raises(TooLargeError):
        polyseal.chunk_set_cookies("s", big, style=style, scheme=scheme, split=False)


def test_chunk_state_values() -> None:
    state = polyseal.ChunkState(whole=True, chunks=2)
    assert (state.whole, state.chunks) == (True, 2)
    assert repr(state) == "ChunkState(whole=True, chunks=2)"
    assert polyseal.ChunkState() == polyseal.ChunkState(whole=False, chunks=0)
    assert hash(state) == hash(polyseal.ChunkState(whole=True, chunks=2))
    with pytest.raises(ConfigError):
        polyseal.chunk_set_cookies(
            "s", "v", scheme="h3", previous=polyseal.ChunkState(chunks=101)
        )


def test_cookie_header_budget() -> None:
    assert polyseal.cookie_header_budget([("a", "12"), ("bb", "3")]) == 10
    assert polyseal.cookie_header_budget({"a": "12"}, 4) == 4
    assert polyseal.DEFAULT_COOKIE_HEADER_LIMIT == 8190
    with pytest.raises(TooLargeError) as raised:
        polyseal.cookie_header_budget([("s", "x" * 8190)])
    assert "8192" in raised.value.message and "8190" in raised.value.message


@pytest.mark.parametrize(
    "call",
    [
        lambda: loose.CookieOptions(secure=1),
        lambda: loose.CookieOptions(secure=None),
        lambda: loose.CookieOptions(path=5),
        lambda: loose.CookieOptions(max_age=1.5),
        lambda: loose.CookieOptions(max_age=True),
        lambda: loose.CookieOptions(expires="tomorrow"),
        lambda: loose.CookieOptions(same_site=1),
        lambda: loose.CookieOptions().replace(http_only="yes"),
        lambda: loose.CookieOptions().replace(httponly=True),
        lambda: loose.set_cookie("s", b"v"),
        lambda: loose.set_cookie("s", "v", {"secure": True}),
        lambda: loose.set_cookie("s", "v", style=None),
        lambda: loose.set_cookie("s", "v\udc80"),
        lambda: loose.parse_cookie_header(b"a=1"),
        lambda: loose.reassemble("s=1", "s", scheme="h3"),
        lambda: loose.reassemble([("s",)], "s", scheme="h3"),
        lambda: loose.reassemble(["s1"], "s", scheme="h3"),
        lambda: loose.reassemble([("s", 1)], "s", scheme="h3"),
        lambda: loose.reassemble(5, "s", scheme="h3"),
        lambda: loose.chunk_set_cookies("s", "v", scheme="h3", split=1),
        lambda: loose.chunk_set_cookies("s", "v", scheme="h3", previous=(False, 0)),
        lambda: loose.ChunkState(whole=0),
        lambda: loose.cookie_header_budget([], "10"),
    ],
)
def test_wrong_types_are_invalid_arguments(call: Any) -> None:
    with pytest.raises(InvalidArgumentError):
        call()


def test_unknown_names_are_config_errors() -> None:
    calls: List[Callable[[], Any]] = [
        lambda: loose.CookieOptions(same_site="Loose"),
        lambda: loose.CookieOptions(priority="Urgent"),
        lambda: loose.CookieOptions.for_style("express"),
        lambda: loose.reassemble([], "s", scheme="rails"),
    ]
    for call in calls:
        with pytest.raises(ConfigError) as raised:
            call()
        assert raised.value.code == "INVALID_OPTION"


def test_a_session_through_cookies() -> None:
    keyring = polyseal.Keyring({"1": PASSWORD_A})
    sealer = polyseal.Sealer(keyring, format="iron-session")
    options = CookieOptions.for_style("iron-session").replace(max_age=14 * 86400 - 60)
    data = {"user": "x" * 4000}  # too large for one cookie
    lines = polyseal.chunk_set_cookies(
        "iron", sealer.seal_at(data, NOW), options, style="iron-session", scheme="iron-session"
    )
    assert len(lines) > 1
    header = "; ".join(f"{name}={value}" for name, value in pairs_of(lines))
    cookies = polyseal.parse_cookie_header(header)
    assert polyseal.cookie_header_budget(cookies) == len(header)
    token = polyseal.reassemble(cookies, "iron", scheme="iron-session")
    assert token is not None
    assert sealer.unseal_at(token, NOW).data == data
