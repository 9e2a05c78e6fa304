"""Python values to JSON and back, converted in Rust: what is kept, what is refused, and
that hostile input raises an error instead of crashing."""

from __future__ import annotations

import collections
import enum
import math
from typing import Any

import pytest

import polyseal
from polyseal import InvalidArgumentError, InvalidJsonError

from conftest import NOW, PASSWORD_A

KEYRING = polyseal.Keyring(PASSWORD_A)
SEALER = polyseal.Sealer(KEYRING)


def round_trip(data: Any, sealer: polyseal.Sealer = SEALER) -> Any:
    return sealer.unseal_at(sealer.seal_at(data, NOW), NOW).data


@pytest.mark.parametrize(
    "data",
    [
        None,
        True,
        False,
        0,
        -1,
        "",
        "plain",
        "Zoë 🦀 \u2028 \x00 \"quoted\" \\ 𝄞",
        [],
        {},
        [1, [2, [3, [4]]]],
        {"nested": {"a": [1, 2.5, -3e-7, None, True, {"b": {}}]}},
        2**63 - 1,
        -(2**63),
        2**64 - 1,
        0.1 + 0.2,
        1e300,
        -2.5e-300,
        5e-324,
    ],
)
def test_values_survive_a_round_trip(data: Any) -> None:
    back = round_trip(data)
    assert back == data
    assert type(back) is type(data)


def test_key_order_is_kept() -> None:
    data = {"z": 1, "a": 2, "m": {"y": 3, "b": 4}}
    back = round_trip(data)
    assert list(back) == ["z", "a", "m"]
    assert list(back["m"]) == ["y", "b"]


def test_tuples_become_lists_and_subclasses_their_base() -> None:
    class Color(enum.IntEnum):
        RED = 1

    class Name(str):
        pass

    data = collections.OrderedDict(
        [("t", (1, (2, 3))), ("e", Color.RED), (Name("k"), Name("v")), ("f", 1.5)]
    )
    back = round_trip(data)
    assert back == {"t": [1, [2, 3]], "e": 1, "k": "v", "f": 1.5}
    assert type(back) is dict and type(back["t"]) is list
    assert type(back["e"]) is int and type(back["k"]) is str


class Spelling(str):
    """A key type under which equal texts are distinct dict keys."""

    __hash__ = object.__hash__

    def __eq__(self, other: object) -> bool:
        return self is other


def test_a_key_spelled_twice_keeps_its_first_place_and_last_value() -> None:
    # Only a str subclass can put one text twice in a dict; JSON has one key per text, so the
    # last value wins, at the place of the first (as a JavaScript object assigned in order).
    data = {Spelling("a"): 1, "b": 2, Spelling("a"): {"c": 3}, "d": [Spelling("a")]}
    assert len(data) == 4
    back = round_trip(data)
    assert list(back.items()) == [("a", {"c": 3}), ("b", 2), ("d", ["a"])]
    with pytest.raises(InvalidJsonError):
        SEALER.seal_at({Spelling("x"): 1, Spelling("x"): math.nan}, NOW)
    with pytest.raises(InvalidArgumentError) as raised:
        SEALER.seal_at({Spelling("x"): {Spelling("y"): {1: 2}}}, NOW)
    assert "dict keys must be str" in raised.value.message


def test_integral_floats_come_back_as_javascript_writes_them() -> None:
    # JSON.stringify(1.0) is "1" and JSON.stringify(-0) is "0": peers see the same bytes.
    assert round_trip({"a": 1.0, "b": -0.0, "c": 1e21}) == {"a": 1, "b": 0, "c": 1e21}
    assert type(round_trip(1.0)) is int
    assert type(round_trip(1e21)) is float


def test_the_sealed_text_is_what_javascript_writes() -> None:
    # A native token's length follows its payload's byte for byte: sealing the value and sealing
    # the text JSON.stringify writes for it must give tokens of one length.
    data = {"f": [1.0, -0.0, 1e21, 0.1, 5e-324], "s": "é\n\x01\"🦀", "n": [2**64 - 1, None, True]}
    stringified = '{"f":[1,0,1e+21,0.1,5e-324],"s":"é\\n\\u0001\\"🦀","n":[18446744073709551615,null,true]}'
    for extra in ("", "x" * 300):
        value = {**data, "pad": extra}
        text = stringified[:-1] + f',"pad":"{extra}"}}'
        assert len(SEALER.seal_at(value, NOW)) == len(SEALER.seal_json_at(text, NOW))
        assert round_trip(value) == SEALER.unseal_at(SEALER.seal_json_at(text, NOW), NOW).data


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a":1,"b":2,"a":{"c":3}}', {"a": {"c": 3}, "b": 2}),
        ('[-0, -0.0, 1.0, 1e2, 1E-2, 9007199254740993]', [-0.0, -0.0, 1.0, 100.0, 0.01, 9007199254740993]),
        ("[18446744073709551615, -9223372036854775808, 18446744073709551616]",
         [2**64 - 1, -(2**63), 1.8446744073709552e19]),
        ('"\\u00e9\\ud83e\\udd80 \\" \\\\ \\/"', "é🦀 \" \\ /"),
        (' { "k" : [ ] , "l" : { } } ', {"k": [], "l": {}}),
    ],
)
def test_unsealed_text_becomes_the_objects_it_spells(text: str, expected: Any) -> None:
    # Unsealing builds Python objects straight from the payload's text: integers are ints (but
    # -0 is the float -0.0, as in JavaScript, and integers beyond 64 bits are floats), a
    # fraction or an exponent makes a float, and a key that appears twice keeps its first place
    # and its last value.
    back = SEALER.unseal_at(SEALER.seal_json_at(text, NOW), NOW).data
    assert back == expected
    assert repr(back) == repr(expected)
    if isinstance(expected, dict):
        assert list(back) == list(expected)


def test_bool_is_not_an_int() -> None:
    back = round_trip([True, 1, False, 0])
    assert [type(item) for item in back] == [bool, int, bool, int]


@pytest.mark.parametrize("data", [2**64, -(2**63) - 1, 10**100])
def test_integers_beyond_64_bits_are_invalid_json(data: int) -> None:
    with pytest.raises(InvalidJsonError) as raised:
        SEALER.seal_at({"n": data}, NOW)
    assert raised.value.code == "INVALID_JSON"


@pytest.mark.parametrize("data", [math.nan, math.inf, -math.inf])
def test_nan_and_infinity_are_invalid_json(data: float) -> None:
    with pytest.raises(InvalidJsonError):
        SEALER.seal_at([data], NOW)


def test_lone_surrogates_are_invalid_json() -> None:
    with pytest.raises(InvalidJsonError):
        SEALER.seal_at("\ud800", NOW)
    with pytest.raises(InvalidJsonError):
        SEALER.seal_at({"\udfff": 1}, NOW)


@pytest.mark.parametrize(
    "data",
    [
        {1: "int key"},
        {None: "none key"},
        {("a", "b"): "tuple key"},
        {"ok": {2.5: "nested float key"}},
    ],
)
def test_non_str_keys_are_a_type_error(data: Any) -> None:
    with pytest.raises(InvalidArgumentError) as raised:
        SEALER.seal_at(data, NOW)
    assert isinstance(raised.value, TypeError)
    assert "dict keys must be str" in raised.value.message


@pytest.mark.parametrize(
    "data",
    [b"bytes", bytearray(b"x"), {1, 2}, frozenset(), object(), 1j, range(3), iter([1])],
)
def test_other_types_are_a_type_error(data: Any) -> None:
    with pytest.raises(InvalidArgumentError) as raised:
        SEALER.seal_at({"value": [data]}, NOW)
    assert type(data).__name__ in raised.value.message


def nested(depth: int) -> Any:
    data: Any = 1
    for _ in range(depth):
        data = [data]
    return data


def test_nesting_is_limited_to_max_depth() -> None:
    assert round_trip(nested(64)) == nested(64)
    with pytest.raises(InvalidJsonError) as raised:
        SEALER.seal_at(nested(65), NOW)
    assert "deeper than 64 levels" in raised.value.message
    shallow = polyseal.Sealer(KEYRING, max_depth=2)
    assert round_trip({"a": [1]}, shallow) == {"a": [1]}
    with pytest.raises(InvalidJsonError):
        shallow.seal_at({"a": [[1]]}, NOW)


def test_very_deep_input_is_an_error_not_a_crash() -> None:
    with pytest.raises(InvalidJsonError):
        SEALER.seal_at(nested(100_000), NOW)
    deepest = polyseal.Sealer(KEYRING, max_depth=127)
    with pytest.raises(InvalidJsonError) as raised:
        deepest.seal_at(nested(100_000), NOW)
    assert "deeper than 127 levels" in raised.value.message
    # A limit no reader of a token could honour is refused when the sealer is built.
    with pytest.raises(polyseal.ConfigError) as refused:
        polyseal.Sealer(KEYRING, max_depth=10**9)
    assert refused.value.code == "INVALID_OPTION"


def test_self_referential_values_are_an_error_not_a_crash() -> None:
    loop: Any = []
    loop.append(loop)
    mapping: Any = {}
    mapping["self"] = mapping
    for data in (loop, mapping, [mapping]):
        with pytest.raises(InvalidJsonError) as raised:
            SEALER.seal_at(data, NOW)
        assert "contains itself" in raised.value.message

