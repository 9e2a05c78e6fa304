"""Recomputes the tamper digests of tests/vectors/tamper.json through the Python Sealer.

docs/VECTORS.md ("tamper.json") and core/tests/tamper_digest.rs define the sweep: for each source
file, every valid case whose format is not h3-v2 and whose iterations are 1 or absent, in file
order; every flip of bits 0-6 of each character, then every proper prefix, unsealed at the case's
``now``. The outcome is the error code, or ``OK`` when the mutation opens to the case's payload
(opening to anything else fails). Each line ``<tcId>:<kind>:<position>:<bit>:<outcome>\\n`` is
folded into 64-bit FNV-1a; cases, mutations, accepted and digest must equal the file's.
"""

from __future__ import annotations

import json
from typing import Any, Dict, Iterator, List, Tuple

import pytest

import polyseal

from conftest import TAMPER_OPS, VECTOR_DIR, vector_files
from test_vectors import sealer_for

FNV_OFFSET = 0xCBF29CE484222325
FNV_PRIME = 0x100000001B3
MASK = (1 << 64) - 1


def fnv1a64(data: bytes, digest: int) -> int:
    for byte in data:
        digest = ((digest ^ byte) * FNV_PRIME) & MASK
    return digest


def swept(case: Dict[str, Any]) -> bool:
    options: Dict[str, Any] = case.get("options", {})
    return bool(
        case["result"] == "valid"
        and options.get("format", "native") != "h3-v2"
        and options.get("iterations", 1) == 1
    )


def mutations(token: str) -> Iterator[Tuple[str, int, int, str]]:
    """(kind, position, bit, text) in the order of the spec."""
    text = token.encode("ascii")
    for index in range(len(text)):
        for bit in range(7):
            flipped = bytearray(text)
            flipped[index] ^= 1 << bit
            yield "flip", index, bit, flipped.decode("ascii")
    for length in range(len(text)):
        yield "cut", length, 0, token[:length]


def sweep(name: str) -> Dict[str, Any]:
    document = json.loads((VECTOR_DIR / name).read_text(encoding="utf-8"))
    cases = count = accepted = 0
    digest = FNV_OFFSET
    others: List[str] = []
    for case in filter(swept, document["tests"]):
        cases += 1
        sealer = sealer_for(document, case)
        expected = json.loads(case["payload"])
        now = case["now"] / 1000
        for kind, position, bit, text in mutations(case["token"]):
            try:
                opened = sealer.unseal_at(text, now)
            except polyseal.PolysealError as error:
                outcome = error.code
            else:
                outcome = "OK" if opened.data == expected else "OK-OTHER"
            if outcome == "OK-OTHER":
                others.append(f"{name} tcId {case['tcId']} {kind} {position}/{bit}")
            accepted += outcome == "OK"
            line = f"{case['tcId']}:{kind}:{position}:{bit}:{outcome}\n"
            digest = fnv1a64(line.encode("ascii"), digest)
            count += 1
    assert not others, "opened to another payload: " + ", ".join(others)
    return {"cases": cases, "mutations": count, "accepted": accepted, "digest": f"{digest:016x}"}


TAMPER = json.loads((VECTOR_DIR / "tamper.json").read_text(encoding="utf-8"))


def test_tamper_json_is_the_only_digest_file() -> None:
    assert [path.name for path in vector_files(TAMPER_OPS)] == ["tamper.json"]
    assert list(TAMPER["files"]) == ["native-v1.json", "fe26.json"]


@pytest.fixture(scope="module")
def results() -> Dict[str, Dict[str, Any]]:
    return {name: sweep(name) for name in TAMPER["files"]}


def test_tamper_digests(results: Dict[str, Dict[str, Any]]) -> None:
    for name, expected in TAMPER["files"].items():
        assert results[name] == expected, name
    assert len(results) == TAMPER["numberOfTests"]

