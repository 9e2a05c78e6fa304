"""Runs the shared vector files (tests/vectors/*.json) through the Python API.

Each case is interpreted as docs/VECTORS.md and core/tests/native_vectors.rs describe; every
file must execute exactly its ``numberOfTests`` cases. Files of the same shape for other formats
(carrying ``format``, ``iterations``, ``saltBits`` ...) run through the same code.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

import pytest

import polyseal
from polyseal._errors import ERROR_CLASSES

from conftest import REPO_ROOT

VECTOR_DIR = REPO_ROOT / "tests" / "vectors"
VECTOR_FILES = sorted(VECTOR_DIR.glob("*.json"))

# Vector option name -> (Sealer keyword, conversion). Times in files are milliseconds.
OPTIONS: Dict[str, Tuple[str, Callable[[Any], Any]]] = {
    "format": ("format", str),
    "cookieName": ("cookie_name", str),
    "context": ("context", str),
    "ttl": ("ttl", lambda ms: ms / 1000),
    "skew": ("skew", lambda ms: ms / 1000),
    "localtimeOffset": ("localtime_offset", lambda ms: ms / 1000),
    "maxTokenChars": ("max_token_chars", int),
    "maxJsonBytes": ("max_json_bytes", int),
    "maxDepth": ("max_depth", int),
    "iterations": ("iterations", int),
    "saltBits": ("salt_bits", int),
}


def keyring_from(spec: Dict[str, Any]) -> polyseal.Keyring:
    def secret(side: Dict[str, Any]) -> Any:
        if "keyHex" in side:
            return bytes.fromhex(side["keyHex"])
        return side["password"]

    entries: Dict[str, Any] = {}
    for entry in spec["entries"]:
        if "encryption" in entry:
            entries[entry["id"]] = {
                "encryption": secret(entry["encryption"]),
                "integrity": secret(entry["integrity"]),
            }
        else:
            entries[entry["id"]] = secret(entry)
    return polyseal.Keyring(entries, current=spec.get("current"))


def sealer_for(document: Dict[str, Any], case: Dict[str, Any]) -> polyseal.Sealer:
    options: Dict[str, Any] = {}
    if "format" in document:
        options["format"] = document["format"]
    for name, value in case.get("options", {}).items():
        assert name in OPTIONS, f"tcId {case['tcId']}: the runner does not know option {name!r}"
        keyword, convert = OPTIONS[name]
        options[keyword] = convert(value)
    if "format" in case:
        options["format"] = case["format"]
    keyring = keyring_from(document["keyrings"][case["keyring"]])
    return polyseal.Sealer(keyring, **options)


def check_opened(case: Dict[str, Any], opened: polyseal.Unsealed, expected: Any) -> None:
    where = f"tcId {case['tcId']} ({case['comment']})"
    assert opened.data == expected, where

    def ms(seconds: Optional[float]) -> Optional[int]:
        return None if seconds is None else round(seconds * 1000)

    if "keyId" in case:
        assert opened.key_id == case["keyId"], where
    if "issuedAt" in case:
        assert ms(opened.issued_at) == case["issuedAt"], where
    if "expiresAt" in case:
        assert ms(opened.expires_at) == case["expiresAt"], where
    if "needsReseal" in case:
        assert opened.needs_reseal is case["needsReseal"], where


def run_case(document: Dict[str, Any], case: Dict[str, Any]) -> None:
    sealer = sealer_for(document, case)
    now = case["now"] / 1000
    where = f"tcId {case['tcId']} ({case['comment']})"
    if case["result"] == "valid":
        expected = json.loads(case["payload"])
        check_opened(case, sealer.unseal_at(case["token"], now), expected)
        if case["op"] == "seal":
            # Other languages cannot fix the nonce: seal again and read the fresh token back.
            fresh = sealer.seal_at(expected, now)
            assert fresh != case["token"], where
            check_opened(case, sealer.unseal_at(fresh, now), expected)
        return
    assert case["result"] == "invalid", where
    with pytest.raises(polyseal.PolysealError) as raised:
        if case.get("token") is not None:
            sealer.unseal_at(case["token"], now)
        else:
            sealer.seal_at(json.loads(case["payload"]), now)
    assert raised.value.code == case["error"], where
    assert type(raised.value) is ERROR_CLASSES[case["error"]], where


def run_file(path: Path) -> int:
    document = json.loads(path.read_text(encoding="utf-8"))
    executed = 0
    failures: List[str] = []
    for case in document["tests"]:
        try:
            run_case(document, case)
        except AssertionError as failure:
            failures.append(f"{failure}")
        executed += 1
    assert not failures, "\n".join(failures)
    return executed


def test_the_native_vector_file_is_present() -> None:
    assert VECTOR_DIR / "native-v1.json" in VECTOR_FILES


@pytest.mark.parametrize("path", VECTOR_FILES, ids=[path.stem for path in VECTOR_FILES])
def test_vector_file(path: Path) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    executed = run_file(path)
    assert executed == document["numberOfTests"] == len(document["tests"])
    if path.name == "native-v1.json":
        assert executed >= 41


def test_the_runner_notices_a_wrong_expectation() -> None:
    document = json.loads((VECTOR_DIR / "native-v1.json").read_text(encoding="utf-8"))
    valid = next(case for case in document["tests"] if case["op"] == "unseal")
    invalid = next(case for case in document["tests"] if case["result"] == "invalid")
    with pytest.raises(AssertionError):
        run_case(document, dict(valid, keyId="not-" + valid["keyId"]))
    with pytest.raises(AssertionError):
        run_case(document, dict(invalid, error="INTERNAL"))
    with pytest.raises(AssertionError):
        run_case(document, dict(valid, options={"unknownOption": 1}))
