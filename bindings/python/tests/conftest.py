"""Shared fixtures: the repository root, fixed times and keyrings."""

from __future__ import annotations

from pathlib import Path

import pytest

import polyseal

REPO_ROOT = Path(__file__).resolve().parents[3]
NOW = 1_764_000_000.0
HOUR = 3600.0
PASSWORD_A = "test-password-a-0123456789-abcdefghijklmn"
PASSWORD_B = "test-password-b-0123456789-abcdefghijklmn"
RAW_KEY = bytes(range(32))


@pytest.fixture
def keyring() -> polyseal.Keyring:
    return polyseal.Keyring({"k2": PASSWORD_B, "k1": PASSWORD_A})


@pytest.fixture
def sealer(keyring: polyseal.Keyring) -> polyseal.Sealer:
    return polyseal.Sealer(keyring, cookie_name="session", ttl=HOUR)
