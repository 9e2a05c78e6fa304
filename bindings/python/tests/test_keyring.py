"""Keyring construction: accepted shapes, and core's validation surfaced as ConfigError."""

from __future__ import annotations

import types
from typing import Any

import pytest

import polyseal
from polyseal import ConfigError, InvalidArgumentError

from conftest import NOW, PASSWORD_A, PASSWORD_B, RAW_KEY


def round_trips(keyring: polyseal.Keyring) -> polyseal.Unsealed:
    sealer = polyseal.Sealer(keyring)
    return sealer.unseal_at(sealer.seal_at({"ok": True}, NOW), NOW)


def test_a_single_password_is_one_id_less_entry() -> None:
    keyring = polyseal.Keyring(PASSWORD_A)
    assert keyring.ids == ("",)
    assert keyring.current == ""
    assert len(keyring) == 1
    assert round_trips(keyring).key_id == ""


def test_raw_keys_as_bytes_or_bytearray_are_the_same_key() -> None:
    token = polyseal.seal_at({"n": 1}, polyseal.Keyring(RAW_KEY), NOW)
    assert polyseal.unseal_at(token, polyseal.Keyring(bytearray(RAW_KEY)), NOW) == {"n": 1}
    with pytest.raises(polyseal.InvalidTokenError):
        polyseal.unseal_at(token, polyseal.Keyring(bytes(32)), NOW)


def test_entries_keep_their_order_and_the_first_is_current() -> None:
    keyring = polyseal.Keyring({"k2": PASSWORD_B, "k1": PASSWORD_A, "raw": RAW_KEY})
    assert keyring.ids == ("k2", "k1", "raw")
    assert keyring.current == "k2"
    assert round_trips(keyring).key_id == "k2"
    chosen = polyseal.Keyring({"k2": PASSWORD_B, "k1": PASSWORD_A}, current="k1")
    assert chosen.current == "k1"
    assert round_trips(chosen).key_id == "k1"


def test_any_mapping_is_accepted() -> None:
    keyring = polyseal.Keyring(types.MappingProxyType({"k1": PASSWORD_A}))
    assert keyring.ids == ("k1",)


def test_split_entries_need_both_sides() -> None:
    split = polyseal.Keyring({"s1": {"encryption": PASSWORD_A, "integrity": RAW_KEY}})
    assert round_trips(split).key_id == "s1"
    # Swapping the two sides gives another key.
    swapped = polyseal.Keyring({"s1": {"encryption": RAW_KEY, "integrity": PASSWORD_A}})
    token = polyseal.seal_at([], split, NOW)
    with pytest.raises(polyseal.InvalidTokenError):
        polyseal.unseal_at(token, swapped, NOW)
    for bad in (
        {"encryption": PASSWORD_A},
        {"encryption": PASSWORD_A, "integrity": PASSWORD_B, "extra": PASSWORD_B},
        {"encryption": PASSWORD_A, "Integrity": PASSWORD_B},
        {},
    ):
        with pytest.raises(InvalidArgumentError):
            polyseal.Keyring({"s1": bad})


@pytest.mark.parametrize(
    "entries, current, expected",
    [
        ("x" * 31, None, "too short"),
        ("", None, "empty"),
        ("€" * 31, None, "too short"),
        (bytes(31), None, "exactly 32 bytes"),
        (bytes(33), None, "exactly 32 bytes"),
        ({}, None, "empty"),
        ({"a-b": PASSWORD_A}, None, "character '-'"),
        ({"x" * 65: PASSWORD_A}, None, "at most 64"),
        ({"": PASSWORD_A, "b": PASSWORD_B}, None, "empty key id"),
        ({"a": PASSWORD_A}, "z", "not in the keyring"),
        ({"s": {"encryption": PASSWORD_A, "integrity": "short"}}, None, "too short"),
    ],
)
def test_bad_keyrings_raise_invalid_password(entries: Any, current: Any, expected: str) -> None:
    with pytest.raises(ConfigError) as raised:
        polyseal.Keyring(entries, current=current)
    assert raised.value.code == "INVALID_PASSWORD"
    assert expected in raised.value.message


def test_passwords_count_utf16_code_units_like_javascript() -> None:
    polyseal.Keyring("😀" * 16)  # 16 code points, 32 UTF-16 units
    with pytest.raises(ConfigError):
        polyseal.Keyring("😀" * 15 + "x")


@pytest.mark.parametrize("entries", [12345, None, 1.5, ["k1", PASSWORD_A], {1: PASSWORD_A}, {"a": 5}])
def test_wrong_types_raise_invalid_argument(entries: Any) -> None:
    with pytest.raises(InvalidArgumentError) as raised:
        polyseal.Keyring(entries)
    assert raised.value.code == "INVALID_ARGUMENT"
    assert isinstance(raised.value, TypeError)


@pytest.mark.parametrize(
    "entries", ["\ud800" * 40, {"a": "\ud800" * 40}, {"\ud800": PASSWORD_A},
                {"s": {"encryption": PASSWORD_A, "integrity": "\udc00" * 40}}]
)
def test_text_with_no_utf8_form_is_an_invalid_argument(entries: Any) -> None:
    # As in C (bytes that are not UTF-8) and Node (a lone surrogate).
    with pytest.raises(InvalidArgumentError) as raised:
        polyseal.Keyring(entries)
    assert "surrogate" in raised.value.message


@pytest.mark.parametrize("current", [1, b"k1", "\ud800"])
def test_current_must_be_text(current: Any) -> None:
    with pytest.raises(InvalidArgumentError):
        polyseal.Keyring({"k1": PASSWORD_A}, current=current)


def test_keyrings_are_immutable() -> None:
    keyring = polyseal.Keyring(PASSWORD_A)
    with pytest.raises(AttributeError):
        keyring.current = "other"  # type: ignore[misc]


def test_derived_key_cache_size_and_counters() -> None:
    # An h3-v1 seal inserts its two keys and opening the token again finds both; a disabled
    # cache holds nothing and answers nothing; the largest allowed cache works.
    for size, kept in [(None, 2), (0, 0), (1_048_576, 2)]:
        keyring = polyseal.Keyring(PASSWORD_A, derived_key_cache=size)
        sealer = polyseal.Sealer(keyring, format="h3-v1")
        assert keyring.derived_key_cache_stats() == {
            "capacity": 1024 if size is None else size, "entries": 0, "hits": 0,
            "misses": 0, "insertions": 0, "evictions": 0,
        }
        token = sealer.seal_at({"n": 1}, NOW)
        assert sealer.unseal_at(token, NOW).data == {"n": 1}
        stats = keyring.derived_key_cache_stats()
        assert (stats["entries"], stats["insertions"], stats["hits"]) == (kept, kept, kept)
        assert (stats["misses"], stats["evictions"]) == (0, 0)


def test_a_one_entry_cache_evicts() -> None:
    # The seal's second key evicts its first; the unseal finds the integrity key, misses the
    # encryption key, derives it and inserts it in its place.
    keyring = polyseal.Keyring(PASSWORD_A, derived_key_cache=1)
    sealer = polyseal.Sealer(keyring, format="h3-v1")
    sealer.unseal_at(sealer.seal_at({"n": 1}, NOW), NOW)
    assert keyring.derived_key_cache_stats() == {
        "capacity": 1, "entries": 1, "hits": 1, "misses": 1, "insertions": 3, "evictions": 2,
    }


@pytest.mark.parametrize("size", [1_048_577, 2**64 - 1, 2**64, -1])
def test_derived_key_cache_beyond_the_bound_is_an_invalid_option(size: int) -> None:
    with pytest.raises(ConfigError) as raised:
        polyseal.Keyring(PASSWORD_A, derived_key_cache=size)
    assert raised.value.code == "INVALID_OPTION"


@pytest.mark.parametrize("size", [True, 1.0, "8"])
def test_derived_key_cache_must_be_an_int(size: Any) -> None:
    with pytest.raises(InvalidArgumentError):
        polyseal.Keyring(PASSWORD_A, derived_key_cache=size)
