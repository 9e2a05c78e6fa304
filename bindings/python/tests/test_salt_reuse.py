"""The opt-in seal-side salt-reuse window of the Fe26.2 formats (``salt_reuse=``), on sealers,
the module functions and session managers. docs/FORMAT.md ("Seal-side salt reuse") has the
rules and the security argument."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Tuple

import pytest

import polyseal
from polyseal import ConfigError, InvalidArgumentError

from conftest import NOW, PASSWORD_A

# Fields of a Fe26.2 token split on "*" (docs/FORMAT.md):
# Fe26.2 * id * enc-salt * enc-iv * ciphertext * expiration * hmac-salt * hmac
ENC_SALT, IV, HMAC_SALT = 2, 3, 6


def salts(token: str) -> Tuple[str, str]:
    fields = token.split("*")
    assert len(fields) == 8 and fields[ENC_SALT] and fields[HMAC_SALT]
    return fields[ENC_SALT], fields[HMAC_SALT]


def iv(token: str) -> str:
    return token.split("*")[IV]


def fresh_salts(a: str, b: str) -> bool:
    """Neither salt shared."""
    return all(x != y for x, y in zip(salts(a), salts(b)))


def cold_reader() -> polyseal.Sealer:
    """An h3-v2 sealer over a new keyring: no salt or derived key of another keyring cached."""
    return polyseal.Sealer(polyseal.Keyring(PASSWORD_A), format="h3-v2")


@pytest.mark.parametrize("window", [60, 60.0, timedelta(minutes=1)])
def test_seals_inside_the_window_share_their_salts(window: Any) -> None:
    sealer = polyseal.Sealer(polyseal.Keyring(PASSWORD_A), format="h3-v2", salt_reuse=window)
    first = sealer.seal_at({"n": 1}, NOW)
    second = sealer.seal_at({"n": 1}, NOW + 59.999)
    after = sealer.seal_at({"n": 1}, NOW + 60)
    assert salts(first) == salts(second)
    assert iv(first) != iv(second)
    assert fresh_salts(second, after)
    reader = cold_reader()
    for token in (first, second, after):
        assert reader.unseal_at(token, NOW + 60).data == {"n": 1}


def test_none_draws_fresh_salts_for_every_seal() -> None:
    sealer = polyseal.Sealer(polyseal.Keyring(PASSWORD_A), format="h3-v2", salt_reuse=None)
    assert fresh_salts(sealer.seal_at(1, NOW), sealer.seal_at(1, NOW))


def test_the_window_belongs_to_the_keyring() -> None:
    keyring = polyseal.Keyring(PASSWORD_A)
    first = polyseal.seal_at(1, keyring, NOW, format="h3-v2", salt_reuse=60)
    second = polyseal.seal_at(2, keyring, NOW + 1, format="h3-v2", salt_reuse=60)
    other = polyseal.Sealer(keyring, format="h3-v2", salt_reuse=60).seal_at(3, NOW + 2)
    assert salts(first) == salts(second) == salts(other)
    assert polyseal.unseal_at(second, polyseal.Keyring(PASSWORD_A), NOW, format="h3-v2") == 2


@pytest.mark.parametrize("window", [0, 0.0004, 24 * 3600 + 0.001, -1, timedelta(days=2)])
def test_windows_out_of_range_are_config_errors(window: Any) -> None:
    with pytest.raises(ConfigError) as raised:
        polyseal.Sealer(polyseal.Keyring(PASSWORD_A), format="h3-v2", salt_reuse=window)
    assert raised.value.code == "INVALID_OPTION"


@pytest.mark.parametrize("window", ["60", True, [60]])
def test_windows_of_the_wrong_type_are_invalid_arguments(window: Any) -> None:
    with pytest.raises(InvalidArgumentError):
        polyseal.Sealer(polyseal.Keyring(PASSWORD_A), format="h3-v2", salt_reuse=window)


def test_the_native_format_refuses_salt_reuse() -> None:
    keyring = polyseal.Keyring(PASSWORD_A)
    for build in (
        lambda: polyseal.Sealer(keyring, salt_reuse=60),
        lambda: polyseal.SessionManager(keyring, salt_reuse=60),
    ):
        with pytest.raises(ConfigError) as raised:
            build()
        assert raised.value.code == "INVALID_OPTION"
        assert "salt_reuse" in raised.value.message


def test_sessions_resealed_on_every_request_reuse_their_salts() -> None:
    keyring = polyseal.Keyring(PASSWORD_A)
    manager = polyseal.SessionManager(
        keyring, format="h3-v2", idle_timeout=600, salt_reuse=timedelta(seconds=60)
    )
    reader = polyseal.SessionManager(polyseal.Keyring(PASSWORD_A), format="h3-v2", idle_timeout=600)
    session = manager.load(None, now=NOW)
    session.data["cart"] = 3
    times = [NOW, NOW + 59, NOW + 60]
    tokens = [manager.token(session, now=at) for at in times]
    assert salts(tokens[0]) == salts(tokens[1])
    assert iv(tokens[0]) != iv(tokens[1])
    assert fresh_salts(tokens[1], tokens[2])
    for token, at in zip(tokens, times):
        opened = reader.load(f"h3={token}", now=at)
        assert opened.rejection is None
        assert opened.data == {"cart": 3} and opened.last_seen_at == at
