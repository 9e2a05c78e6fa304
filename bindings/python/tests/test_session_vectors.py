"""Runs tests/vectors/sessions.json through polyseal.SessionManager.

Each flow is interpreted as docs/VECTORS.md ("sessions.json") and the reference runner
core/tests/support/session_flows.rs describe: one manager per keyring, a browser-like cookie
jar for ``$jar``, the last ``token`` step for ``$token``, masked ``Set-Cookie`` lines, token
lengths and ``@N``/pattern ids. Files in ms; the Python API in seconds.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

import pytest

import polyseal

from conftest import FLOW_OPS, vector_files
from test_cookie_vectors import cookie_options
from test_vectors import keyring_from

FLOW_FILES = vector_files(FLOW_OPS)

TOKEN = "<token>"
CHUNK = "<chunk>"
JAR = "$jar"
LAST_TOKEN = "$token"


# Flow config key -> (SessionManager keyword, conversion). `skew` is ms in the file.
CONFIG: Dict[str, Tuple[str, Callable[[Any], Any]]] = {
    "format": ("format", str),
    "cookieName": ("name", str),
    "maxAge": ("max_age", lambda seconds: seconds),
    "idleTimeout": ("idle_timeout", lambda seconds: seconds),
    "cookie": ("cookie", lambda options: cookie_options({"tcId": "config", "options": options})),
    "style": ("style", str),
    "chunking": ("chunking", str),
    "split": ("split", bool),
    "sessionHeader": ("session_header", lambda name: name),
    "saveNewSessions": ("save_new_sessions", bool),
    "cookieHeaderLimit": ("cookie_header_limit", lambda limit: limit),
    "iterations": ("iterations", int),
    "skew": ("skew", lambda ms: ms / 1000),
}

STEP_KEYS = frozenset(
    {"op", "now", "expect", "cookie", "omit", "sessionHeader", "keyring", "patch", "data"}
)
EXPECT_KEYS = frozenset(
    {"error", "setCookies", "tokenLength", "token", "id", "isNew", "rejection", "createdAt",
     "lastSeenAt", "data", "needsReseal", "isCleared"}
)


def manager_options(config: Dict[str, Any]) -> Dict[str, Any]:
    options: Dict[str, Any] = {}
    for key, value in config.items():
        assert key in CONFIG, f"the runner does not know session option {key!r}"
        keyword, convert = CONFIG[key]
        options[keyword] = convert(value)
    return options


def ms(seconds: Optional[float]) -> Optional[int]:
    return None if seconds is None else round(seconds * 1000)


def snapshot(session: polyseal.Session) -> Dict[str, Any]:
    """The session's fields, named and in the units of the file."""
    rejection = session.rejection
    return {
        "id": session.id,
        "isNew": session.is_new,
        "rejection": None if rejection is None else rejection.code,
        "createdAt": ms(session.created_at),
        "lastSeenAt": ms(session.last_seen_at),
        "data": dict(session.data),
        "needsReseal": session.needs_reseal,
        "isCleared": session.is_cleared,
    }


def split_line(line: str) -> Tuple[str, str, str]:
    pair, _, attributes = line.partition(";")
    name, _, value = pair.partition("=")
    return name, value, attributes


def is_chunk(cookie: str, name: str) -> bool:
    index = cookie[len(name) + 1:] if cookie.startswith(name + ".") else ""
    return index.isascii() and index.isdigit()


def mask(lines: List[str], cookie_name: str) -> List[str]:
    """Token values as ``<token>``, chunk values as ``<chunk>``; empty values and h3's
    ``__chunked__N`` stay."""
    masked: List[str] = []
    for line in lines:
        name, value, attributes = split_line(line)
        if value and not value.startswith("__chunked__"):
            value = CHUNK if is_chunk(name, cookie_name) else TOKEN
        separator = ";" if ";" in line else ""
        masked.append(f"{name}={value}{separator}{attributes}")
    return masked


def token_length(lines: List[str]) -> Optional[int]:
    values = (split_line(line)[1] for line in lines)
    length = sum(len(value) for value in values if not value.startswith("__chunked__"))
    return length or None


class Jar:
    """A browser's cookies: ``Max-Age=0`` removes a cookie, any other line stores its value
    (an empty one too), in place when the cookie exists."""

    def __init__(self) -> None:
        self.cookies: Dict[str, str] = {}

    def apply(self, lines: List[str]) -> "Jar":
        for line in lines:
            name, value, attributes = split_line(line)
            deletes = any(a.strip().lower() == "max-age=0" for a in attributes.split(";"))
            if deletes:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return self

    def header(self, omit: Tuple[str, ...] = ()) -> str:
        return "; ".join(f"{n}={v}" for n, v in self.cookies.items() if n not in omit)

    def copy(self) -> "Jar":
        jar = Jar()
        jar.cookies = dict(self.cookies)
        return jar


def is_uuid_v4(text: str) -> bool:
    pattern = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
    return re.fullmatch(pattern, text) is not None


def is_base64url_128(text: str) -> bool:
    if re.fullmatch(r"[A-Za-z0-9_-]{22}", text) is None:
        return False
    try:
        raw = base64.urlsafe_b64decode(text + "==")
    except binascii.Error:
        return False
    # Canonical: re-encoding gives the same text (no stray bits in the last character).
    return len(raw) == 16 and base64.urlsafe_b64encode(raw).rstrip(b"=").decode() == text


def id_matches(wanted: str, actual: str, earlier: List[Dict[str, Any]]) -> bool:
    if wanted.startswith("@"):
        assert wanted[1:].isdigit(), f"bad id reference {wanted}"
        step = int(wanted[1:])
        assert 1 <= step <= len(earlier), f"id reference {wanted} is not an earlier step"
        return bool(earlier[step - 1]["id"] == actual)
    if wanted == "uuid-v4":
        return is_uuid_v4(actual)
    if wanted == "base64url-128":
        return is_base64url_128(actual)
    if wanted == "empty":
        return actual == ""
    return wanted == actual


class Run:
    """One flow: its managers (one per keyring), the session, the jar and the last token."""

    def __init__(self, flow: Dict[str, Any], keyrings: Dict[str, Any]) -> None:
        self.options = manager_options(flow["config"])
        self.keyrings = keyrings
        self.default_keyring: str = flow["keyring"]
        self.managers: Dict[str, polyseal.SessionManager] = {}
        self.session: Optional[polyseal.Session] = None
        self.jar = Jar()
        self.token: Optional[str] = None

    def manager(self, step: Dict[str, Any]) -> polyseal.SessionManager:
        name = step.get("keyring", self.default_keyring)
        if name not in self.managers:
            keyring = keyring_from(self.keyrings[name])
            self.managers[name] = polyseal.SessionManager(keyring, **self.options)
        return self.managers[name]

    def step(self, step: Dict[str, Any]) -> Dict[str, Any]:
        assert set(step) <= STEP_KEYS, f"unknown step keys {sorted(set(step) - STEP_KEYS)}"
        op = step["op"]
        now = step["now"] / 1000 if "now" in step else None
        manager = self.manager(step)
        observed: Dict[str, Any] = {}
        if op == "load":
            omit = tuple(step.get("omit", ()))
            cookie = step.get("cookie")
            if cookie is not None:
                cookie = cookie.replace(JAR, self.jar.header(omit))
            header = step.get("sessionHeader")
            if header == LAST_TOKEN:
                assert self.token is not None, "$token before any token step"
                header = self.token
            self.session = manager.load(cookie, session_header=header, now=now)
        else:
            session = self.session
            assert session is not None, "the first step must be a load"
            lines: Optional[List[str]] = None
            token: Optional[str] = None
            error: Optional[str] = None
            try:
                if op == "update":
                    lines = manager.update(session, step["patch"], now=now)
                elif op == "mutate":
                    session.data.clear()
                    session.data.update(step["data"])
                elif op == "save":
                    lines = manager.save(session, now=now)
                elif op == "clear":
                    lines = manager.clear(session, now=now)
                elif op == "token":
                    token = manager.token(session, now=now)
                else:
                    raise AssertionError(f"unknown step op {op!r}")
            except polyseal.PolysealError as failure:
                error = failure.code
            observed["error"] = error
            if op in ("update", "save", "clear"):
                observed["setCookies"] = None if lines is None else mask(lines, manager.name)
                observed["tokenLength"] = None if lines is None else token_length(lines)
                if lines is not None:
                    self.jar.apply(lines)
            if op == "token":
                observed["token"] = None if token is None else TOKEN
                observed["tokenLength"] = None if token is None else len(token)
                if token is not None:
                    self.token = token
        assert self.session is not None, "the first step must be a load"
        observed.update(snapshot(self.session))
        return observed


def run_flow(flow: Dict[str, Any], keyrings: Dict[str, Any]) -> int:
    """Runs a flow and checks every step's ``expect``; returns the steps executed."""
    where = f"tcId {flow['tcId']} ({flow['comment']})"
    run = Run(flow, keyrings)
    observed: List[Dict[str, Any]] = []
    for number, step in enumerate(flow["steps"], start=1):
        seen = run.step(step)
        for key, wanted in step["expect"].items():
            known = key in EXPECT_KEYS and key in seen
            assert known, f"{where} step {number}: unknown expectation {key!r}"
            actual = seen[key]
            if key == "id":
                matches = id_matches(wanted, actual, observed)
            else:
                matches = wanted == actual and type(wanted) is type(actual)
            assert matches, (
                f"{where} step {number} ({step['op']}): {key} is {actual!r}, expected {wanted!r}"
            )
        observed.append(seen)
    return len(observed)


def test_the_flow_vector_file_is_present() -> None:
    assert [path.name for path in FLOW_FILES] == ["sessions.json"]


@pytest.mark.parametrize("path", FLOW_FILES, ids=[path.stem for path in FLOW_FILES])
def test_session_flow_file(path: Path) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    flows = 0
    steps = 0
    failures: List[str] = []
    for index, flow in enumerate(document["tests"], start=1):
        assert flow["tcId"] == index
        try:
            steps += run_flow(flow, document["keyrings"])
        except AssertionError as failure:
            failures.append(str(failure))
        flows += 1
    assert not failures, "\n".join(failures)
    assert flows == document["numberOfTests"] == len(document["tests"])
    assert steps == sum(len(flow["steps"]) for flow in document["tests"])
    assert flows >= 31 and steps >= 154


def test_the_runner_notices_a_wrong_expectation() -> None:
    (path,) = FLOW_FILES
    document = json.loads(path.read_text(encoding="utf-8"))
    keyrings = document["keyrings"]
    flow = document["tests"][1]
    run_flow(flow, keyrings)
    for step, key, value in [
        (1, "setCookies", ["session=<token>; Path=/"]),
        (1, "tokenLength", 1),
        (1, "error", "TOO_LARGE"),
        (2, "id", "uuid-v4"),
        (2, "id", "@3"),
        (2, "createdAt", flow["steps"][2]["expect"]["createdAt"] + 1),
        (2, "data", {}),
        (2, "needsReseal", True),
        (2, "isNew", 0),
        (2, "unknown", None),
    ]:
        broken = json.loads(json.dumps(flow))
        broken["steps"][step]["expect"][key] = value
        with pytest.raises(AssertionError):
            run_flow(broken, keyrings)
    with pytest.raises(AssertionError):
        run_flow(dict(flow, config=dict(flow["config"], sameParty=True)), keyrings)
