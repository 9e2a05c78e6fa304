"""Hostile and random input ends in a PolysealError (or a result), never in a crash or a
PanicException (which derives from BaseException, so `except Exception` would miss it)."""

from __future__ import annotations

import random
from typing import Any, Callable

import polyseal

from conftest import NOW, PASSWORD_A

SEALER = polyseal.Sealer(polyseal.Keyring({"k1": PASSWORD_A}), cookie_name="session", ttl=60)
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def outcome(call: Callable[[], Any]) -> str:
    try:
        call()
    except polyseal.PolysealError as error:
        return error.code
    except BaseException as other:  # noqa: BLE001 - anything else is the failure under test
        raise AssertionError(f"{type(other).__module__}.{type(other).__name__}: {other}")
    return "ok"


def test_mutated_tokens_are_rejected_cleanly() -> None:
    rng = random.Random(1234)
    token = SEALER.seal_at({"userId": 1, "roles": ["a"]}, NOW)
    codes = set()
    for _ in range(3000):
        chars = list(token)
        for _ in range(rng.randint(1, 4)):
            if not chars:
                break
            roll = rng.random()
            position = rng.randrange(len(chars))
            if roll < 0.5:
                chars[position] = rng.choice(ALPHABET)
            elif roll < 0.75:
                del chars[position:]
            else:
                chars.insert(position, rng.choice(ALPHABET + "=+/ .\x00é\udc80"))
        mutated = "".join(chars)
        if mutated == token:
            continue
        codes.add(outcome(lambda: SEALER.unseal_at(mutated, NOW)))
    assert "ok" not in codes
    assert {"MALFORMED", "BAD_SEAL"} <= codes


def test_random_strings_are_rejected_cleanly() -> None:
    rng = random.Random(99)
    pools = [ALPHABET, "".join(map(chr, range(0x20))), "€😀\ud800\udfff\x7f", ALPHABET + "\x00"]
    for _ in range(2000):
        pool = rng.choice(pools)
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 300)))
        assert outcome(lambda: SEALER.unseal_at(text, NOW)) != "ok"
    assert outcome(lambda: SEALER.unseal_at("A" * 200_000, NOW)) == "TOO_LARGE"


def random_value(rng: random.Random, depth: int) -> Any:
    kinds = ["none", "bool", "int", "bigint", "float", "str", "list", "tuple", "dict", "odd"]
    kind = rng.choice(kinds if depth < 6 else kinds[:6])
    if kind == "none":
        return None
    if kind == "bool":
        return rng.random() < 0.5
    if kind == "int":
        return rng.randint(-(2**63), 2**64 - 1)
    if kind == "bigint":
        return rng.choice([2**64, -(2**63) - 1, 10**40])
    if kind == "float":
        return rng.choice([0.5, -1e308, float("nan"), float("inf"), 1e-320])
    if kind == "str":
        return "".join(rng.choice("ab€😀\ud800\x00\"\\") for _ in range(rng.randint(0, 8)))
    if kind == "list":
        return [random_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    if kind == "tuple":
        return tuple(random_value(rng, depth + 1) for _ in range(rng.randint(0, 4)))
    if kind == "dict":
        keys = [rng.choice(["a", "b", 1, None, "\ud800", ("t",)]) for _ in range(rng.randint(0, 4))]
        return {key: random_value(rng, depth + 1) for key in keys}
    return rng.choice([b"bytes", {1, 2}, object(), 1j])


def as_json(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [as_json(item) for item in value]
    if isinstance(value, dict):
        return {key: as_json(item) for key, item in value.items()}
    return value


def test_random_values_seal_or_fail_cleanly() -> None:
    rng = random.Random(7)
    codes = set()
    for _ in range(2000):
        value = random_value(rng, 0)

        def round_trip() -> None:
            back = SEALER.unseal_at(SEALER.seal_at(value, NOW), NOW).data
            assert back == as_json(value)

        codes.add(outcome(round_trip))
    assert {"ok", "INVALID_JSON", "INVALID_ARGUMENT"} <= codes
