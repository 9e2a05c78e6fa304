"""The error table: codes equal docs/ERRORS.md, every code maps to its documented class, and
real failures raise the right class with the right code."""

from __future__ import annotations

import pickle
import re
from typing import Any, Callable, Dict, List, Tuple, Type

import pytest

import polyseal
from polyseal import (
    ConfigError,
    ExpiredError,
    InvalidArgumentError,
    InvalidJsonError,
    InvalidTokenError,
    PolysealError,
    SessionClearedError,
    TooLargeError,
    UnknownKeyError,
)
from polyseal._errors import ERROR_CLASSES, error_for_code

from conftest import HOUR, NOW, PASSWORD_A, REPO_ROOT

# The mapping documented in bindings/python/README.md.
DOCUMENTED: Dict[str, Type[PolysealError]] = {
    "MALFORMED": InvalidTokenError,
    "UNSUPPORTED_VERSION": InvalidTokenError,
    "UNKNOWN_KEY": UnknownKeyError,
    "BAD_SEAL": InvalidTokenError,
    "EXPIRED": ExpiredError,
    "NOT_YET_VALID": ExpiredError,
    "TOO_LARGE": TooLargeError,
    "INVALID_JSON": InvalidJsonError,
    "INVALID_PASSWORD": ConfigError,
    "INVALID_OPTION": ConfigError,
    "INVALID_COOKIE": ConfigError,
    "SESSION_CLEARED": SessionClearedError,
    "INVALID_ARGUMENT": InvalidArgumentError,
    "INTERNAL": PolysealError,
}


def documented_table() -> Dict[str, int]:
    text = (REPO_ROOT / "docs" / "ERRORS.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d+) \| `([A-Z_]+)` \|", text, flags=re.MULTILINE)
    return {name: int(number) for number, name in rows}


def test_error_codes_equal_the_documented_table() -> None:
    table = documented_table()
    assert len(table) >= 14
    assert polyseal.ERROR_CODES == table


def test_every_code_maps_to_its_documented_class() -> None:
    assert set(ERROR_CLASSES) == set(polyseal.ERROR_CODES) == set(DOCUMENTED)
    for code, number in polyseal.ERROR_CODES.items():
        error = error_for_code(code, "message")
        assert type(error) is DOCUMENTED[code], code
        assert error.code == code
        assert error.number == number
        assert error.message == "message"


def test_the_families_subclass_the_builtins() -> None:
    for family in (InvalidTokenError, TooLargeError, InvalidJsonError, ConfigError):
        assert issubclass(family, ValueError)
    assert issubclass(UnknownKeyError, InvalidTokenError)
    assert issubclass(ExpiredError, InvalidTokenError)
    assert issubclass(InvalidArgumentError, TypeError)
    assert issubclass(InvalidArgumentError, ValueError)
    for cls in set(DOCUMENTED.values()):
        assert issubclass(cls, PolysealError)
        assert cls.__module__ == "polyseal"
        assert getattr(polyseal, cls.__name__) is cls


def test_an_unknown_code_falls_back_to_the_base_class() -> None:
    error = error_for_code("SOMETHING_NEW", "from a newer core")
    assert type(error) is PolysealError
    assert error.code == "SOMETHING_NEW"


def test_str_repr_and_pickle() -> None:
    error = error_for_code("EXPIRED", "the token expired 5 ms ago")
    assert str(error) == "EXPIRED: the token expired 5 ms ago"
    assert repr(error) == "ExpiredError('the token expired 5 ms ago', 'EXPIRED')"
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is ExpiredError
    assert (copy.code, copy.message) == ("EXPIRED", "the token expired 5 ms ago")
    assert ExpiredError("no code given").code == "EXPIRED"


def test_raised_errors_carry_code_and_class(sealer: polyseal.Sealer) -> None:
    token = sealer.seal_at({"a": 1}, NOW)
    # One character changed inside the sealed part (whatever the random nonce made it).
    at = len(token) - 10
    tampered = token[:at] + ("B" if token[at] == "A" else "A") + token[at + 1 :]
    cases: List[Tuple[Callable[[], Any], Type[PolysealError], str]] = [
        (lambda: sealer.unseal_at("", NOW), InvalidTokenError, "MALFORMED"),
        (lambda: sealer.unseal_at("Ag" + token[2:], NOW), InvalidTokenError, "UNSUPPORTED_VERSION"),
        (lambda: sealer.unseal_at(tampered, NOW), InvalidTokenError, "BAD_SEAL"),
        (lambda: sealer.unseal_at(token, NOW + HOUR), ExpiredError, "EXPIRED"),
        (lambda: sealer.unseal_at(token, NOW - 61), ExpiredError, "NOT_YET_VALID"),
        (
            lambda: polyseal.Sealer(polyseal.Keyring({"zz": PASSWORD_A}), cookie_name="session")
            .unseal_at(token, NOW),
            UnknownKeyError,
            "UNKNOWN_KEY",
        ),
        (lambda: sealer.seal_at({"a": float("nan")}, NOW), InvalidJsonError, "INVALID_JSON"),
        (lambda: sealer.seal_at({1: "a"}, NOW), InvalidArgumentError, "INVALID_ARGUMENT"),
        (lambda: polyseal.Keyring("short"), ConfigError, "INVALID_PASSWORD"),
        (
            lambda: polyseal.Sealer(sealer.keyring, format="fernet"),  # type: ignore[arg-type]
            ConfigError,
            "INVALID_OPTION",
        ),
        (
            lambda: polyseal.Sealer(sealer.keyring, max_token_chars=50).seal_at({}, NOW),
            TooLargeError,
            "TOO_LARGE",
        ),
    ]
    for call, cls, code in cases:
        with pytest.raises(cls) as raised:
            call()
        assert type(raised.value) is cls, code
        assert raised.value.code == code
        assert raised.value.number == polyseal.ERROR_CODES[code]
