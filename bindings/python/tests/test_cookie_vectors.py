"""Runs tests/vectors/cookies.json through the Python cookie API.

Each op maps to the API as core/tests/support/cookie_cases.rs maps it to core (docs/VECTORS.md):
the runner must execute exactly ``numberOfTests`` cases and compare every output exactly.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

import pytest

import polyseal
from polyseal._errors import ERROR_CLASSES

from conftest import COOKIE_OPS, vector_files

COOKIE_FILES = vector_files(COOKIE_OPS)

# The output fields each op answers with, as in cookie_cases.rs.
OUTPUTS: Dict[str, Tuple[str, ...]] = {
    "set-cookie": ("setCookie",),
    "delete-cookie": ("setCookie",),
    "parse": ("cookies",),
    "chunk": ("setCookies",),
    "reassemble": ("value", "state"),
    "budget": ("length",),
}

# Vector option name -> (CookieOptions keyword, conversion). Times in files are milliseconds.
OPTIONS: Dict[str, Tuple[str, Callable[[Any], Any]]] = {
    "maxAge": ("max_age", int),
    "expiresMs": ("expires", lambda ms: ms / 1000),
    "domain": ("domain", str),
    "path": ("path", str),
    "secure": ("secure", bool),
    "httpOnly": ("http_only", bool),
    "sameSite": ("same_site", str),
    "partitioned": ("partitioned", bool),
    "priority": ("priority", str),
}

# In the vectors an absent option is unset or false; CookieOptions() starts from secure defaults.
BARE: Dict[str, Any] = {"path": None, "secure": False, "http_only": False, "same_site": None}


def cookie_options(case: Dict[str, Any]) -> polyseal.CookieOptions:
    keywords = dict(BARE)
    for name, value in case.get("options", {}).items():
        assert name in OPTIONS, f"tcId {case['tcId']}: the runner does not know option {name!r}"
        keyword, convert = OPTIONS[name]
        keywords[keyword] = convert(value)
    return polyseal.CookieOptions(**keywords)


def pairs(case: Dict[str, Any]) -> List[Tuple[str, str]]:
    return [(name, value) for name, value in case["cookies"]]


def previous(case: Dict[str, Any]) -> Optional[polyseal.ChunkState]:
    if "previous" not in case:
        return None
    state = case["previous"]
    return polyseal.ChunkState(whole=state["whole"], chunks=state["chunks"])


def answer(case: Dict[str, Any]) -> Dict[str, Any]:
    """The case's outputs from the Python API; raises PolysealError for a refused input."""
    op = case["op"]
    if op == "set-cookie":
        options = cookie_options(case)
        if "expiresAt" in case:
            options = options.with_expiry(case["expiresAt"] / 1000, case["now"] / 1000)
        line = polyseal.set_cookie(case["name"], case["value"], options, style=case["style"])
        return {"setCookie": line}
    if op == "delete-cookie":
        line = polyseal.delete_cookie(case["name"], cookie_options(case), style=case["style"])
        return {"setCookie": line}
    if op == "parse":
        parsed = polyseal.parse_cookie_header(case["header"])
        assert all(type(pair) is tuple for pair in parsed)
        return {"cookies": [list(pair) for pair in parsed]}
    if op == "chunk":
        if case["value"] is None:
            lines = polyseal.chunk_deletion_cookies(
                case["name"],
                cookie_options(case),
                style=case["style"],
                scheme=case["scheme"],
                previous=previous(case),
            )
        else:
            lines = polyseal.chunk_set_cookies(
                case["name"],
                case["value"],
                cookie_options(case),
                style=case["style"],
                scheme=case["scheme"],
                split=case["split"],
                previous=previous(case),
            )
        return {"setCookies": lines}
    if op == "reassemble":
        cookies = pairs(case)
        state = polyseal.chunk_state(cookies, case["name"], scheme=case["scheme"])
        return {
            "value": polyseal.reassemble(cookies, case["name"], scheme=case["scheme"]),
            "state": {"whole": state.whole, "chunks": state.chunks},
        }
    if op == "budget":
        if "limit" in case:
            return {"length": polyseal.cookie_header_budget(pairs(case), case["limit"])}
        return {"length": polyseal.cookie_header_budget(pairs(case))}
    raise AssertionError(f"tcId {case['tcId']}: unknown op {op!r}")


def run_case(case: Dict[str, Any]) -> None:
    where = f"tcId {case['tcId']} ({case['comment']})"
    assert case["op"] in OUTPUTS, where
    if case["result"] == "valid":
        assert case["error"] is None, where
        expected = {field: case[field] for field in OUTPUTS[case["op"]]}
        assert answer(case) == expected, where
        return
    assert case["result"] == "invalid", where
    # Inside the block: a bad option (an unknown SameSite) is refused by CookieOptions itself.
    with pytest.raises(polyseal.PolysealError) as raised:
        answer(case)
    assert raised.value.code == case["error"], f"{where}: {raised.value}"
    assert type(raised.value) is ERROR_CLASSES[case["error"]], where


def run_file(path: Path) -> int:
    document = json.loads(path.read_text(encoding="utf-8"))
    executed = 0
    failures: List[str] = []
    for case in document["tests"]:
        try:
            run_case(case)
        except AssertionError as failure:
            failures.append(f"{failure}")
        executed += 1
    assert not failures, "\n".join(failures)
    return executed


def test_the_cookie_vector_file_is_present() -> None:
    assert [path.name for path in COOKIE_FILES] == ["cookies.json"]


@pytest.mark.parametrize("path", COOKIE_FILES, ids=[path.stem for path in COOKIE_FILES])
def test_cookie_vector_file(path: Path) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    executed = run_file(path)
    assert executed == document["numberOfTests"] == len(document["tests"])
    assert executed >= 125
    assert {case["op"] for case in document["tests"]} == set(OUTPUTS)


def test_the_runner_notices_a_wrong_expectation() -> None:
    (path,) = COOKIE_FILES
    tests = json.loads(path.read_text(encoding="utf-8"))["tests"]
    for op, field in (("set-cookie", "setCookie"), ("chunk", "setCookies"), ("parse", "cookies")):
        valid = next(case for case in tests if case["op"] == op and case["result"] == "valid")
        with pytest.raises(AssertionError):
            run_case(dict(valid, **{field: valid[field][:-1]}))
    invalid = next(case for case in tests if case["result"] == "invalid")
    with pytest.raises(AssertionError):
        run_case(dict(invalid, error="INTERNAL"))
    with pytest.raises(AssertionError):
        run_case(dict(invalid, options={"sameParty": True}))
