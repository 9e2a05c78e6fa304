"""Sealer options, times in seconds / datetime / timedelta, Unsealed, and the module-level
conveniences."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

import polyseal
from polyseal import ConfigError, ExpiredError, InvalidArgumentError, InvalidTokenError

from conftest import HOUR, NOW, PASSWORD_A, PASSWORD_B


def test_seal_and_unseal_with_the_clock(sealer: polyseal.Sealer) -> None:
    token = sealer.seal({"userId": 12345})
    opened = sealer.unseal(token)
    assert opened.data == {"userId": 12345}
    assert opened.key_id == "k2"
    assert opened.needs_reseal is False
    assert opened.issued_at is not None and opened.expires_at is not None
    assert opened.expires_at - opened.issued_at == pytest.approx(HOUR)


def test_unsealed_reports_times_in_seconds(sealer: polyseal.Sealer) -> None:
    opened = sealer.unseal_at(sealer.seal_at([1], NOW + 0.25), NOW + 1)
    assert opened.issued_at == NOW + 0.25
    assert opened.expires_at == NOW + 0.25 + HOUR


def test_expiry_boundary_and_skew(sealer: polyseal.Sealer) -> None:
    token = sealer.seal_at({}, NOW)
    assert sealer.unseal_at(token, NOW + HOUR - 0.001).data == {}
    with pytest.raises(ExpiredError) as expired:
        sealer.unseal_at(token, NOW + HOUR)
    assert expired.value.code == "EXPIRED"
    assert sealer.unseal_at(token, NOW - 60).data == {}
    with pytest.raises(ExpiredError) as early:
        sealer.unseal_at(token, NOW - 60.001)
    assert early.value.code == "NOT_YET_VALID"
    tolerant = polyseal.Sealer(sealer.keyring, cookie_name="session", skew=timedelta(minutes=5))
    assert tolerant.unseal_at(token, NOW - 299).data == {}


def test_datetimes_and_timedeltas(keyring: polyseal.Keyring) -> None:
    sealer = polyseal.Sealer(keyring, ttl=timedelta(hours=1, milliseconds=1))
    issued = datetime.fromtimestamp(NOW, tz=timezone.utc)
    opened = sealer.unseal_at(sealer.seal_at("x", issued), issued + timedelta(seconds=1))
    assert opened.issued_at == NOW
    assert opened.expires_at == NOW + HOUR + 0.001
    other_zone = issued.astimezone(timezone(timedelta(hours=-5)))
    assert sealer.unseal_at(sealer.seal_at("x", other_zone), NOW).issued_at == NOW
    with pytest.raises(InvalidArgumentError) as naive:
        sealer.seal_at("x", datetime(2026, 1, 1))
    assert "naive" in naive.value.message


def test_no_ttl_means_no_expiry(keyring: polyseal.Keyring) -> None:
    sealer = polyseal.Sealer(keyring)
    assert sealer.ttl is None
    opened = sealer.unseal_at(sealer.seal_at(1, NOW), NOW + 10 * 365 * 86400)
    assert opened.expires_at is None


@pytest.mark.parametrize("ttl", [0, -1, -0.5, float("nan"), float("inf"), timedelta(seconds=-1)])
def test_bad_durations_are_config_errors(keyring: polyseal.Keyring, ttl: Any) -> None:
    with pytest.raises(ConfigError) as raised:
        polyseal.Sealer(keyring, ttl=ttl).seal_at(1, NOW)
    assert raised.value.code == "INVALID_OPTION"


@pytest.mark.parametrize("now", [-1, float("nan"), float("inf"), 1e300, 2**70])
def test_bad_instants_are_invalid_arguments(sealer: polyseal.Sealer, now: Any) -> None:
    with pytest.raises(InvalidArgumentError):
        sealer.seal_at(1, now)
    with pytest.raises(InvalidArgumentError):
        sealer.unseal_at("token", now)


@pytest.mark.parametrize(
    "options",
    [
        {"ttl": True},
        {"ttl": "3600"},
        {"skew": [1]},
        {"iterations": 1.5},
        {"iterations": True},
        {"max_depth": "64"},
        {"context": 42},
        {"localtime_offset": "1"},
        {"format": 5},
        {"format": b"native"},
        {"cookie_name": 5},
        {"cookie_name": "se\udc80ssion"},
    ],
)
def test_options_of_the_wrong_type_are_invalid_arguments(
    keyring: polyseal.Keyring, options: Any
) -> None:
    with pytest.raises(InvalidArgumentError):
        polyseal.Sealer(keyring, **options)


@pytest.mark.parametrize(
    "options",
    [{"iterations": -1}, {"salt_bits": 2**32}, {"max_token_chars": -5}, {"max_depth": 2**64}],
)
def test_counts_out_of_range_are_config_errors(keyring: polyseal.Keyring, options: Any) -> None:
    with pytest.raises(ConfigError):
        polyseal.Sealer(keyring, **options)


def test_cookie_name_and_context_are_bound(keyring: polyseal.Keyring) -> None:
    sealer = polyseal.Sealer(keyring, cookie_name="session", context="tenant-42")
    token = sealer.seal_at({"a": 1}, NOW)
    as_bytes = polyseal.Sealer(keyring, cookie_name="session", context=b"tenant-42")
    assert as_bytes.unseal_at(token, NOW).data == {"a": 1}
    for other in (
        polyseal.Sealer(keyring, cookie_name="admin", context="tenant-42"),
        polyseal.Sealer(keyring, cookie_name="session", context="tenant-43"),
        polyseal.Sealer(keyring, cookie_name="session"),
    ):
        with pytest.raises(InvalidTokenError) as raised:
            other.unseal_at(token, NOW)
        assert raised.value.code == "BAD_SEAL"


def test_context_with_no_utf8_form_is_an_invalid_argument(keyring: polyseal.Keyring) -> None:
    # As text that is not UTF-8 is in C: the context is an unusable argument, not a bad option.
    with pytest.raises(polyseal.InvalidArgumentError):
        polyseal.Sealer(keyring, cookie_name="session", context="tenant-\ud800")


def test_rotation_asks_for_a_reseal() -> None:
    old = polyseal.Keyring({"k1": PASSWORD_A})
    rotated = polyseal.Keyring({"k2": PASSWORD_B, "k1": PASSWORD_A})
    token = polyseal.seal_at({"a": 1}, old, NOW)
    opened = polyseal.Sealer(rotated).unseal_at(token, NOW)
    assert (opened.key_id, opened.needs_reseal) == ("k1", True)


def test_module_functions_match_the_sealer(keyring: polyseal.Keyring) -> None:
    options: Any = {"cookie_name": "session", "ttl": 60, "context": "c"}
    token = polyseal.seal({"a": 1}, keyring, **options)
    assert polyseal.unseal(token, keyring, **options) == {"a": 1}
    assert polyseal.Sealer(keyring, **options).unseal(token).data == {"a": 1}
    token = polyseal.seal_at([1], keyring, NOW, **options)
    assert polyseal.unseal_at(token, keyring, now=NOW + 59.999, **options) == [1]
    with pytest.raises(ExpiredError):
        polyseal.unseal_at(token, keyring, NOW + 60, **options)
    with pytest.raises(ConfigError):
        polyseal.seal(1, keyring, format="fernet")  # type: ignore[arg-type]


FE26_FORMATS = ["h3-v1", "h3-v2", "iron-session", "iron"]


def test_the_format_names() -> None:
    assert polyseal.FORMATS == ("native", "h3-v1", "h3-v2", "iron-session", "iron")


@pytest.mark.parametrize("format", ["native", *FE26_FORMATS])
def test_every_format_seals_and_unseals(format: Any) -> None:
    # iron-session key ids are decimal numbers; the other formats take any id.
    ids = ("2", "1") if format == "iron-session" else ("k2", "k1")
    keyring = polyseal.Keyring({ids[0]: PASSWORD_B, ids[1]: PASSWORD_A})
    sealer = polyseal.Sealer(keyring, format=format, ttl=HOUR)
    assert sealer.format == format
    token = sealer.seal_at({"userId": 12345, "roles": ["admin"]}, NOW)
    assert token.startswith("Fe26.2*") == (format != "native")
    opened = sealer.unseal_at(token, NOW + 1)
    assert opened.data == {"userId": 12345, "roles": ["admin"]}
    assert (opened.key_id, opened.needs_reseal) == (ids[0], False)
    assert opened.expires_at == NOW + HOUR
    # Fe26.2 does not record when a token was sealed.
    assert opened.issued_at == (NOW if format == "native" else None)
    with pytest.raises(ExpiredError):
        sealer.unseal_at(token, NOW + 2 * HOUR)
    assert sealer.unseal(sealer.seal([1])).data == [1]
    old = polyseal.Sealer(polyseal.Keyring({ids[1]: PASSWORD_A}), format=format)
    assert sealer.unseal_at(old.seal_at("x", NOW), NOW).needs_reseal is True


@pytest.mark.parametrize("format", FE26_FORMATS)
def test_fe26_tokens_do_not_open_as_another_family(format: Any) -> None:
    keyring = polyseal.Keyring({"1": PASSWORD_A})
    fe26 = polyseal.Sealer(keyring, format=format).seal_at({}, NOW)
    native = polyseal.Sealer(keyring).seal_at({}, NOW)
    with pytest.raises(InvalidTokenError):
        polyseal.Sealer(keyring).unseal_at(fe26, NOW)
    with pytest.raises(InvalidTokenError):
        polyseal.Sealer(keyring, format=format).unseal_at(native, NOW)


def test_iron_session_needs_numeric_key_ids() -> None:
    unnamed = polyseal.Sealer(polyseal.Keyring(PASSWORD_A), format="iron-session")
    token = unnamed.seal_at({"a": 1}, NOW)
    assert token.startswith("Fe26.2*1*")  # an id-less keyring seals as id 1
    assert unnamed.unseal_at(token, NOW).data == {"a": 1}
    numbered = polyseal.Sealer(polyseal.Keyring({"1": PASSWORD_A}), format="iron-session")
    assert numbered.unseal_at(token, NOW).key_id == "1"
    named = polyseal.Sealer(polyseal.Keyring({"k1": PASSWORD_A}), format="iron-session")
    with pytest.raises(ConfigError) as raised:
        named.seal_at({"a": 1}, NOW)
    assert raised.value.code == "INVALID_PASSWORD"


def test_iron_session_defaults_to_fourteen_days() -> None:
    sealer = polyseal.Sealer(polyseal.Keyring({"1": PASSWORD_A}), format="iron-session")
    assert sealer.unseal_at(sealer.seal_at({}, NOW), NOW).expires_at == NOW + 14 * 86400


@pytest.mark.parametrize("format", FE26_FORMATS)
@pytest.mark.parametrize(
    "options",
    [{"cookie_name": "session"}, {"context": "tenant-42"}, {"context": b"x"}, {"skew": 1.5}],
)
def test_fe26_refuses_what_it_cannot_bind(
    keyring: polyseal.Keyring, format: Any, options: Any
) -> None:
    with pytest.raises(ConfigError) as raised:
        polyseal.Sealer(keyring, format=format, **options)
    assert raised.value.code == "INVALID_OPTION"


@pytest.mark.parametrize("format", FE26_FORMATS)
def test_fe26_options(format: Any) -> None:
    keyring = polyseal.Keyring({"1": PASSWORD_A})
    options: Any = {"iterations": 2, "salt_bits": 128, "localtime_offset": timedelta(seconds=-30)}
    sealer = polyseal.Sealer(keyring, format=format, skew=timedelta(seconds=5), **options)
    assert sealer.unseal_at(sealer.seal_at([1], NOW), NOW).data == [1]
    with pytest.raises(ConfigError):
        polyseal.Sealer(keyring, format=format, iterations=0)


@pytest.mark.parametrize(
    "options", [{"iterations": 1}, {"salt_bits": 256}, {"localtime_offset": 1}]
)
def test_native_refuses_fe26_options(keyring: polyseal.Keyring, options: Any) -> None:
    with pytest.raises(ConfigError) as raised:
        polyseal.Sealer(keyring, **options)
    assert raised.value.code == "INVALID_OPTION"


@pytest.mark.parametrize("format", ["native", *FE26_FORMATS])
def test_seal_json_seals_the_text_as_it_is(format: Any) -> None:
    sealer = polyseal.Sealer(polyseal.Keyring({"1": PASSWORD_A}), format=format)
    opened = sealer.unseal_at(sealer.seal_json_at('{"b": 1.50, "a": [true, null]}', NOW), NOW)
    assert opened.data == {"b": 1.5, "a": [True, None]}
    assert list(opened.data) == ["b", "a"]
    assert sealer.unseal(sealer.seal_json("[1]")).data == [1]


def test_seal_json_refuses_what_is_not_json_text(sealer: polyseal.Sealer) -> None:
    # Not JSON; an unpaired surrogate (a str that has no UTF-8 form); a str with one inside.
    for text in ("{nope", "", "[1,]", "NaN", "\ud800", '"\udc80"'):
        with pytest.raises(polyseal.InvalidJsonError) as raised:
            sealer.seal_json_at(text, NOW)
        assert raised.value.code == "INVALID_JSON"
    with pytest.raises(polyseal.InvalidJsonError):
        polyseal.Sealer(sealer.keyring, max_depth=2).seal_json_at("[[[1]]]", NOW)
    with pytest.raises(InvalidArgumentError):
        sealer.seal_json_at(b"{}", NOW)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError):
        sealer.seal_json({})  # type: ignore[arg-type]


def test_sealer_properties(keyring: polyseal.Keyring) -> None:
    sealer = polyseal.Sealer(keyring, cookie_name="session", ttl=timedelta(minutes=30))
    assert sealer.format == "native"
    assert sealer.keyring is keyring
    assert sealer.cookie_name == "session"
    assert sealer.ttl == 1800.0
    assert repr(sealer) == (
        "Sealer(Keyring(ids=('k2', 'k1'), current='k2'), format='native', "
        "cookie_name='session', ttl=1800.0)"
    )


def test_unsealed_is_frozen_and_its_repr_hides_the_data(sealer: polyseal.Sealer) -> None:
    opened = sealer.unseal_at(sealer.seal_at({"card": "4111-1111", "n": 2}, NOW), NOW)
    assert repr(opened) == (
        "Unsealed(key_id='k2', issued_at=1764000000.0, expires_at=1764003600.0, "
        "needs_reseal=False, data=<dict with 2 keys>)"
    )
    assert "4111" not in repr(opened)
    with pytest.raises(AttributeError):
        opened.key_id = "k1"  # type: ignore[misc]
    with pytest.raises(TypeError):
        polyseal.Unsealed()


def test_the_keyring_must_be_a_keyring() -> None:
    with pytest.raises(InvalidArgumentError) as raised:
        polyseal.Sealer(PASSWORD_A)  # type: ignore[arg-type]
    assert "polyseal.Keyring" in raised.value.message
    with pytest.raises(InvalidArgumentError):
        polyseal.seal(1, {"k1": PASSWORD_A})  # type: ignore[arg-type]


def test_tokens_must_be_text(sealer: polyseal.Sealer) -> None:
    with pytest.raises(InvalidArgumentError):
        sealer.unseal_at(b"AQJr", NOW)  # type: ignore[arg-type]
    with pytest.raises(InvalidTokenError) as raised:
        sealer.unseal_at("AQJr\udc80", NOW)
    assert raised.value.code == "MALFORMED"
