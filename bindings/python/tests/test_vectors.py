"""Runs the shared seal/unseal vector files (tests/vectors/*.json) through the Python API.

Each case is interpreted as docs/VECTORS.md and core/tests/native_vectors.rs describe; every
file must execute exactly its ``numberOfTests`` cases. Any file whose cases are all ``seal`` and
``unseal`` runs here (native-v1.json, fe26.json, and future files of the same shape);
cookies.json runs in test_cookie_vectors.py, tamper.json in test_tamper.py.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

import pytest

import polyseal
from polyseal._errors import ERROR_CLASSES

from conftest import (
    COOKIE_OPS,
    FLOW_OPS,
    SEAL_OPS,
    TAMPER_OPS,
    VECTOR_DIR,
    vector_files,
    vector_ops,
)

SEAL_FILES = vector_files(SEAL_OPS)

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


def sealer_options(case: Dict[str, Any]) -> Dict[str, Any]:
    """The case's ``options`` as Sealer keywords; ``format`` defaults to native in the Sealer."""
    options: Dict[str, Any] = {}
    for name, value in case.get("options", {}).items():
        assert name in OPTIONS, f"tcId {case['tcId']}: the runner does not know option {name!r}"
        keyword, convert = OPTIONS[name]
        options[keyword] = convert(value)
    return options


def sealer_for(document: Dict[str, Any], case: Dict[str, Any]) -> polyseal.Sealer:
    options = sealer_options(case)
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
    now = case["now"] / 1000
    where = f"tcId {case['tcId']} ({case['comment']})"
    assert case["op"] in SEAL_OPS, where
    if case["result"] == "valid":
        sealer = sealer_for(document, case)
        expected = json.loads(case["payload"])
        check_opened(case, sealer.unseal_at(case["token"], now), expected)
        if case["op"] == "seal":
            # Other languages cannot fix the nonce: seal again (the exact text, and the parsed
            # value) and read the fresh tokens back.
            for fresh in (sealer.seal_json_at(case["payload"], now), sealer.seal_at(expected, now)):
                assert fresh != case["token"], where
                check_opened(case, sealer.unseal_at(fresh, now), expected)
        return
    assert case["result"] == "invalid", where
    if case["op"] == "seal":
        assert case["token"] is None, where
    # Inside the block: some cases carry options the Sealer constructor itself refuses.
    with pytest.raises(polyseal.PolysealError) as raised:
        sealer = sealer_for(document, case)
        if case["op"] == "unseal":
            sealer.unseal_at(case["token"], now)
        else:
            # The payload may be deliberately broken JSON text: seal it as text.
            sealer.seal_json_at(case["payload"], now)
    assert raised.value.code == case["error"], f"{where}: {raised.value}"
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


def test_every_vector_file_has_a_runner() -> None:
    files = sorted(VECTOR_DIR.glob("*.json"))
    expected = {"native-v1.json", "fe26.json", "cookies.json", "sessions.json", "tamper.json"}
    assert {path.name for path in files} >= expected
    for path in files:
        ops = vector_ops(path)
        runnable = ops <= SEAL_OPS or ops <= COOKIE_OPS or ops <= FLOW_OPS or ops <= TAMPER_OPS
        assert ops and runnable, f"{path.name}: ops {sorted(ops)}"


@pytest.mark.parametrize("path", SEAL_FILES, ids=[path.stem for path in SEAL_FILES])
def test_vector_file(path: Path) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    executed = run_file(path)
    assert executed == document["numberOfTests"] == len(document["tests"])
    minimum = {"native-v1.json": 41, "fe26.json": 76}.get(path.name, 1)
    assert executed >= minimum


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
    fe26 = json.loads((VECTOR_DIR / "fe26.json").read_text(encoding="utf-8"))
    refused = next(case for case in fe26["tests"] if case["op"] == "seal" and case["token"] is None)
    with pytest.raises(AssertionError):
        run_case(fe26, dict(refused, error="BAD_SEAL"))
