"""Shared fixtures: the repository root, fixed times and keyrings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import AbstractSet, Dict, List

import pytest

import polyseal

REPO_ROOT = Path(__file__).resolve().parents[3]
NOW = 1_764_000_000.0
HOUR = 3600.0
PASSWORD_A = "test-password-a-0123456789-abcdefghijklmn"
PASSWORD_B = "test-password-b-0123456789-abcdefghijklmn"
RAW_KEY = bytes(range(32))

VECTOR_DIR = REPO_ROOT / "tests" / "vectors"
SEAL_OPS = frozenset({"seal", "unseal"})
COOKIE_OPS = frozenset({"set-cookie", "delete-cookie", "parse", "chunk", "reassemble", "budget"})
# A case with `steps` instead of an `op` is a session flow (sessions.json).
FLOW_OPS = frozenset({"flow"})
# tamper.json has no cases of its own: it holds digests over the other files (test_tamper.py).
TAMPER_OPS = frozenset({"tamper-digest"})


# Checks passed against each real peer server (test_peer_sessions.py), for the summary.
PEER_CHECKS: Dict[str, int] = {}


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if PEER_CHECKS:
        counts = ", ".join(f"{server}: {count}" for server, count in PEER_CHECKS.items())
        terminalreporter.write_line(f"real-peer session checks passed per server: {counts}")


def vector_ops(path: Path) -> AbstractSet[str]:
    """The ops a vector file's cases use (``"flow"`` for a session flow, ``"tamper-digest"`` for
    the tamper digests)."""
    document = json.loads(path.read_text(encoding="utf-8"))
    if document.get("file") == "tamper" and "tests" not in document:
        return TAMPER_OPS
    return frozenset(case["op"] if "op" in case else "flow" for case in document["tests"])


def vector_files(ops: AbstractSet[str]) -> List[Path]:
    """The vector files whose cases use only ``ops``."""
    return [path for path in sorted(VECTOR_DIR.glob("*.json")) if vector_ops(path) <= ops]


@pytest.fixture
def keyring() -> polyseal.Keyring:
    return polyseal.Keyring({"k2": PASSWORD_B, "k1": PASSWORD_A})


@pytest.fixture
def sealer(keyring: polyseal.Keyring) -> polyseal.Sealer:
    return polyseal.Sealer(keyring, cookie_name="session", ttl=HOUR)
