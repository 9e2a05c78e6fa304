"""SessionManager and Session: configuration, the never-failing load, saves, clear, the data
dict, the session header, times and reprs."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List

import pytest

import polyseal

from conftest import NOW, PASSWORD_A, PASSWORD_B, RAW_KEY


def cookie_header(lines: List[str]) -> str:
    """The `Cookie` header a browser sends back after `lines` (deletions left out)."""
    pairs = [line.split(";", 1)[0] for line in lines if "Max-Age=0" not in line]
    return "; ".join(pair for pair in pairs if not pair.endswith("="))


@pytest.fixture
def manager() -> polyseal.SessionManager:
    return polyseal.SessionManager(polyseal.Keyring({"k2": PASSWORD_B, "k1": PASSWORD_A}))


# --- configuration ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "format, name, max_age, style, chunking, split, save_new, limit",
    [
        ("native", "session", 14 * 86400, "polyseal", "none", False, False, 8190),
        ("iron", "session", 14 * 86400, "polyseal", "none", False, False, 8190),
        ("h3-v1", "h3", None, "h3-v1", "none", False, True, None),
        ("h3-v2", "h3", None, "h3-v2", "h3", True, True, None),
        ("iron-session", "iron-session", 14 * 86400, "iron-session", "iron-session", False,
         False, None),
    ],
)
def test_each_format_starts_from_its_defaults(
    format: Any, name: str, max_age: Any, style: polyseal.CookieStyleName, chunking: str,
    split: bool,
    save_new: bool, limit: Any,
) -> None:
    manager = polyseal.SessionManager(PASSWORD_A, format=format)
    assert manager.format == format and manager.name == name
    assert (manager.max_age, manager.idle_timeout) == (max_age, None)
    assert (manager.style, manager.chunking, manager.split) == (style, chunking, split)
    assert (manager.save_new_sessions, manager.cookie_header_limit) == (save_new, limit)
    assert manager.session_header is None
    assert manager.cookie == polyseal.CookieOptions.for_style(style)


def test_options_override_the_format_defaults() -> None:
    cookie = polyseal.CookieOptions(domain="example.com", same_site="Strict")
    manager = polyseal.SessionManager(
        PASSWORD_A,
        format="h3-v2",
        name="app",
        max_age=timedelta(hours=1),
        idle_timeout=600,
        cookie=cookie,
        style="polyseal",
        chunking="none",
        split=False,
        session_header="x-session",
        save_new_sessions=False,
        cookie_header_limit=4000,
        iterations=10,
        skew=timedelta(seconds=30),
    )
    assert (manager.name, manager.max_age, manager.idle_timeout) == ("app", 3600, 600)
    assert manager.cookie == cookie and manager.style == "polyseal"
    assert (manager.chunking, manager.split, manager.session_header) == ("none", False, "x-session")
    assert (manager.save_new_sessions, manager.cookie_header_limit) == (False, 4000)
    assert repr(manager) == (
        "SessionManager(format='h3-v2', name='app', max_age=3600, idle_timeout=600)"
    )


def test_none_turns_a_lifetime_and_the_header_budget_off() -> None:
    manager = polyseal.SessionManager(PASSWORD_A, max_age=None, cookie_header_limit=None)
    assert (manager.max_age, manager.cookie_header_limit) == (None, None)
    session = manager.load(None, now=NOW)
    lines = manager.update(session, {"a": 1}, now=NOW)
    assert "Max-Age" not in lines[0] and "Expires" not in lines[0]
    later = manager.load(cookie_header(lines), now=NOW + 400 * 86400)
    assert later.data == {"a": 1} and later.rejection is None


def test_the_keyring_may_be_given_as_what_keyring_takes() -> None:
    for secret in (PASSWORD_A, RAW_KEY, {"k1": PASSWORD_A}, polyseal.Keyring(PASSWORD_A)):
        manager = polyseal.SessionManager(secret)
        assert isinstance(manager.keyring, polyseal.Keyring)
    keyring = polyseal.Keyring(PASSWORD_A)
    assert polyseal.SessionManager(keyring).keyring is keyring


@pytest.mark.parametrize(
    "kwargs, code",
    [
        ({"max_age": 0}, "INVALID_OPTION"),
        ({"max_age": -1}, "INVALID_OPTION"),
        ({"idle_timeout": 0}, "INVALID_OPTION"),
        ({"max_age": 401 * 86400}, "INVALID_OPTION"),
        ({"max_age": 1.5}, "INVALID_ARGUMENT"),
        ({"format": "iron-session", "idle_timeout": 60}, "INVALID_OPTION"),
        ({"format": "jwt"}, "INVALID_OPTION"),
        ({"split": True}, "INVALID_OPTION"),
        ({"split": 1}, "INVALID_ARGUMENT"),
        ({"style": "rails"}, "INVALID_OPTION"),
        ({"chunking": "rails"}, "INVALID_OPTION"),
        ({"name": "bad name"}, "INVALID_COOKIE"),
        ({"name": "__Host-s", "cookie": polyseal.CookieOptions(path="/app")}, "INVALID_COOKIE"),
        ({"cookie": {"secure": True}}, "INVALID_ARGUMENT"),
        ({"cookie_header_limit": -1}, "INVALID_OPTION"),
        ({"skew": -1}, "INVALID_OPTION"),
        ({"format": "h3-v2", "skew": 0.5}, "INVALID_OPTION"),
    ],
)
def test_bad_configurations_fail_up_front(kwargs: Dict[str, Any], code: str) -> None:
    with pytest.raises(polyseal.PolysealError) as raised:
        polyseal.SessionManager(PASSWORD_A, **kwargs)
    assert raised.value.code == code, raised.value


def test_bad_secrets_and_arguments() -> None:
    with pytest.raises(polyseal.ConfigError) as raised:
        polyseal.SessionManager("too-short")
    assert raised.value.code == "INVALID_PASSWORD"
    with pytest.raises(polyseal.InvalidArgumentError):
        polyseal.SessionManager(12345)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        polyseal.SessionManager(PASSWORD_A, "native")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        polyseal.Session()


# --- load never fails ------------------------------------------------------------------------


def test_no_cookie_is_a_new_session(manager: polyseal.SessionManager) -> None:
    for header in (None, "", "theme=dark", "session="):
        session = manager.load(header, now=NOW)
        assert session.is_new and session.rejection is None and session.data == {}
        assert len(session.id) == 22 and session.created_at == NOW
        assert session.last_seen_at is None and not session.needs_reseal
        assert not session.is_cleared


def test_a_refused_cookie_starts_a_new_session_and_says_why(
    manager: polyseal.SessionManager,
) -> None:
    session = manager.load(None, now=NOW)
    good = cookie_header(manager.update(session, {"user": "ada"}, now=NOW))
    other_name = polyseal.SessionManager(polyseal.Keyring({"k2": PASSWORD_B}), name="other")
    other_token = cookie_header(
        other_name.update(other_name.load(None, now=NOW), {"a": 1}, now=NOW)
    ).split("=", 1)[1]
    unknown = polyseal.SessionManager(polyseal.Keyring({"k9": PASSWORD_A}))
    unknown_token = cookie_header(
        unknown.update(unknown.load(None, now=NOW), {"a": 1}, now=NOW)
    ).split("=", 1)[1]
    cases = [
        ("session=not-a-token", "MALFORMED", polyseal.InvalidTokenError),
        (f"session={other_token}", "BAD_SEAL", polyseal.InvalidTokenError),
        (f"session={unknown_token}", "UNKNOWN_KEY", polyseal.UnknownKeyError),
        ("session=" + "A" * 100_000, "TOO_LARGE", polyseal.TooLargeError),
    ]
    for header, code, error_class in cases:
        refused = manager.load(header, now=NOW)
        assert refused.is_new and refused.data == {}
        assert isinstance(refused.rejection, error_class), header[:40]
        assert refused.rejection.code == code
        assert refused.rejection is refused.rejection  # one object, not a new one per access
        assert repr(refused).endswith(f"is_new=True, rejection='{code}')")
    expired = manager.load(good, now=NOW + 14 * 86400)
    assert isinstance(expired.rejection, polyseal.ExpiredError)
    assert expired.rejection.code == "EXPIRED"
    # Rejected sessions save as new sessions do.
    assert manager.save(expired, now=NOW + 14 * 86400) == []
    assert manager.load(good, now=NOW + 60).data == {"user": "ada"}


def test_arguments_of_the_wrong_type_raise(manager: polyseal.SessionManager) -> None:
    session = manager.load(None, now=NOW)
    with pytest.raises(polyseal.InvalidArgumentError):
        manager.load(b"session=x", now=NOW)  # type: ignore[arg-type]
    with pytest.raises(polyseal.InvalidArgumentError):
        manager.load(None, now="yesterday")  # type: ignore[arg-type]
    with pytest.raises(polyseal.InvalidArgumentError):
        manager.save({"data": {}})  # type: ignore[arg-type]
    with pytest.raises(polyseal.InvalidArgumentError):
        manager.update(session, [("a", 1)])  # type: ignore[arg-type]
    with pytest.raises(polyseal.InvalidArgumentError):
        manager.update(session, {1: "a"})  # type: ignore[dict-item]


# --- saving ------------------------------------------------------------------------------------


def test_an_untouched_session_writes_nothing(manager: polyseal.SessionManager) -> None:
    assert manager.save(manager.load(None, now=NOW), now=NOW) == []
    session = manager.load(None, now=NOW)
    header = cookie_header(manager.update(session, {"n": 1}, now=NOW))
    loaded = manager.load(header, now=NOW + 1)
    assert not loaded.is_new and loaded.data == {"n": 1}
    assert manager.save(loaded, now=NOW + 1) == []
    h3 = polyseal.SessionManager(PASSWORD_A, format="h3-v2")
    assert len(h3.save(h3.load(None, now=NOW), now=NOW)) == 1  # as h3 does


def test_mutations_of_the_data_dict_are_picked_up_by_save(
    manager: polyseal.SessionManager,
) -> None:
    session = manager.load(None, now=NOW)
    data = session.data
    assert session.data is data  # the same dict every time
    data["cart"] = ["apple"]
    lines = manager.save(session, now=NOW)
    assert len(lines) == 1 and not session.is_new
    assert manager.save(session, now=NOW) == []  # nothing changed since
    data["cart"].append("pear")  # a nested change counts too
    header = cookie_header(manager.save(session, now=NOW))
    loaded = manager.load(header, now=NOW + 1)
    assert loaded.data == {"cart": ["apple", "pear"]} and loaded.id == session.id
    del loaded.data["cart"]
    loaded.data["user"] = "ada"
    assert manager.load(cookie_header(manager.save(loaded, now=NOW + 2)), now=NOW + 3).data == {
        "user": "ada"
    }


def test_the_data_dict_can_be_replaced(manager: polyseal.SessionManager) -> None:
    session = manager.load(None, now=NOW)
    replacement = {"b": 2}
    session.data = replacement
    assert session.data is replacement
    header = cookie_header(manager.save(session, now=NOW))
    assert manager.load(header, now=NOW).data == {"b": 2}
    with pytest.raises(polyseal.InvalidArgumentError):
        session.data = [("a", 1)]  # type: ignore[assignment]
    with pytest.raises((AttributeError, TypeError)):
        del session.data


def test_update_merges_into_the_dict(manager: polyseal.SessionManager) -> None:
    session = manager.load(None, now=NOW)
    session.data["keep"] = {"x": 1}
    kept = session.data["keep"]
    lines = manager.update(session, {"user": "ada", "roles": ("a", "b"), "n": 1.0}, now=NOW)
    assert len(lines) == 1
    assert session.data == {"keep": {"x": 1}, "user": "ada", "roles": ["a", "b"], "n": 1}
    assert session.data["keep"] is kept  # keys outside the patch are left alone
    assert list(session.data) == ["keep", "user", "roles", "n"]
    loaded = manager.load(cookie_header(lines), now=NOW)
    assert loaded.data == session.data and type(loaded.data["n"]) is int


def test_data_without_a_json_form_fails_the_save(manager: polyseal.SessionManager) -> None:
    session = manager.load(None, now=NOW)
    session.data["tags"] = {"a", "b"}
    with pytest.raises(polyseal.InvalidArgumentError):
        manager.save(session, now=NOW)
    session.data["tags"] = float("nan")
    with pytest.raises(polyseal.InvalidJsonError):
        manager.update(session, {"n": 1}, now=NOW)
    session.data["tags"] = ["a", "b"]
    assert len(manager.save(session, now=NOW)) == 1


def test_a_failed_save_keeps_the_merged_patch() -> None:
    manager = polyseal.SessionManager(PASSWORD_A, format="iron-session")
    session = manager.load(None, now=NOW)
    with pytest.raises(polyseal.TooLargeError):
        manager.update(session, {"blob": "x" * 5000}, now=NOW)
    assert session.data == {"blob": "x" * 5000} and session.is_new
    session.data["blob"] = "small"
    assert len(manager.save(session, now=NOW)) == 1


def test_lines_are_separate_values_for_a_chunked_session() -> None:
    manager = polyseal.SessionManager(PASSWORD_A, format="h3-v2")
    session = manager.load(None, now=NOW)
    lines = manager.update(session, {"blob": "y" * 5000}, now=NOW)
    assert [line.split("=", 1)[0] for line in lines] == ["h3", "h3.1", "h3.2"]
    assert lines[0].startswith("h3=__chunked__2;")
    loaded = manager.load(cookie_header(lines), now=NOW)
    assert loaded.data == {"blob": "y" * 5000} and loaded.id == session.id


# --- clear ---------------------------------------------------------------------------------------


def test_clear_is_terminal(manager: polyseal.SessionManager) -> None:
    session = manager.load(None, now=NOW)
    header = cookie_header(manager.update(session, {"user": "ada"}, now=NOW))
    loaded = manager.load(header, now=NOW)
    data = loaded.data
    assert manager.clear(loaded, now=NOW) == [
        "session=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/; HttpOnly; Secure; "
        "SameSite=Lax"
    ]
    assert loaded.is_cleared and loaded.data is data and data == {}
    data["user"] = "mallory"
    for call in (
        lambda: manager.save(loaded, now=NOW),
        lambda: manager.update(loaded, {"a": 1}, now=NOW),
        lambda: manager.token(loaded, now=NOW),
    ):
        with pytest.raises(polyseal.SessionClearedError) as raised:
            call()
        assert raised.value.code == "SESSION_CLEARED"
    assert len(manager.clear(loaded, now=NOW)) == 1  # clearing again is harmless
    assert manager.load("", now=NOW).id != session.id


# --- the session header, times, reprs ----------------------------------------------------------


def test_the_session_header_carries_a_token() -> None:
    plain = polyseal.SessionManager(PASSWORD_A, format="h3-v2")
    with_header = polyseal.SessionManager(PASSWORD_A, format="h3-v2", session_header="x-h3-session")
    session = plain.load(None, now=NOW)
    session.data["who"] = "b"
    token = plain.token(session, now=NOW)
    assert token.startswith("Fe26.2*")
    loaded = with_header.load(None, session_header=token, now=NOW)
    assert (loaded.id, loaded.data, loaded.is_new) == (session.id, {"who": "b"}, False)
    ignored = plain.load(None, session_header=token, now=NOW)
    assert ignored.is_new and ignored.rejection is None


def test_times_are_seconds_and_datetimes_work() -> None:
    manager = polyseal.SessionManager(PASSWORD_A, idle_timeout=timedelta(minutes=10))
    start = datetime.fromtimestamp(NOW, tz=timezone.utc)
    session = manager.load(None, now=start)
    assert session.created_at == NOW and session.last_seen_at is None
    header = cookie_header(manager.update(session, {"n": 1}, now=NOW + 0.25))
    assert session.last_seen_at == NOW + 0.25
    half = manager.load(header, now=start + timedelta(minutes=5, seconds=1))
    assert half.needs_reseal and half.created_at == NOW
    assert manager.load(header, now=NOW + 601).rejection is not None
    with pytest.raises(polyseal.InvalidArgumentError):
        manager.load(None, now=datetime(2026, 1, 1))


def test_clock_defaults_work(manager: polyseal.SessionManager) -> None:
    session = manager.load(None)
    lines = manager.update(session, {"n": 1})
    assert manager.load(cookie_header(lines)).data == {"n": 1}
    assert manager.save(session) == [] and manager.token(session)
    assert manager.clear(session)


def test_the_repr_shows_no_data_or_token(manager: polyseal.SessionManager) -> None:
    session = manager.load(None, now=NOW)
    lines = manager.update(session, {"secret": "payload-value"}, now=NOW)
    token = cookie_header(lines).split("=", 1)[1]
    loaded = manager.load(cookie_header(lines), now=NOW)
    text = repr(loaded) + str(loaded) + repr(manager)
    assert repr(loaded) == f"Session(id='{session.id}', is_new=False, rejection=None)"
    assert "payload-value" not in text and token not in text and PASSWORD_A not in text
    refused = manager.load("session=" + token[:-2], now=NOW)
    assert token[:-2] not in repr(refused) + str(refused.rejection)


def test_an_h3_v1_clear_writes_an_empty_cookie_that_reads_as_none() -> None:
    manager = polyseal.SessionManager(PASSWORD_A, format="h3-v1", max_age=3600)
    session = manager.load(None, now=NOW)
    manager.update(session, {"a": 1}, now=NOW)
    assert manager.clear(session, now=NOW) == ["h3=; Path=/; HttpOnly; Secure"]
    fresh = manager.load("h3=", now=NOW)
    assert fresh.is_new and fresh.rejection is None
