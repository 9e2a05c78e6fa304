"""Sessions between polyseal.SessionManager and real h3 1.x, h3 2.x and iron-session 9 servers.

The servers are tests/peers/sessions/servers.mjs (the packages' own session APIs on node:http),
started on 127.0.0.1 ephemeral ports by peer_servers.mjs. Over HTTP (urllib), with one cookie
jar in between: a cookie a server writes loads in Python to the same id, createdAt and data; a
cookie Python writes is read by the server; an update on either side is seen by the other; a
clear on either side ends the session, with the same deletion lines. The packages come from
tests/peers/package.json (installed here when tests/peers/node_modules is missing). Only a
missing `node` skips this module.
"""

from __future__ import annotations

import json
import select
import shutil
import subprocess
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Dict, Iterator, List, NamedTuple, Optional, Tuple

import pytest

import polyseal

from conftest import PEER_CHECKS, REPO_ROOT
from test_session_vectors import Jar, mask

pytestmark = pytest.mark.skipif(
    shutil.which("node") is None, reason="node is not on PATH: the real peer servers need it"
)

PEERS_DIR = REPO_ROOT / "tests" / "peers"
LAUNCHER = Path(__file__).with_name("peer_servers.mjs")

PW_H3 = "python-peer-test-h3-password-0123456789ab"
PW_IRON_SESSION = "python-peer-test-iron-session-password-01"
MAX_AGE = 3600
IRON_NAME = "app"

H3_SERVER = {"password": PW_H3, "maxAge": MAX_AGE}
IRON_SERVER = {"password": {"1": PW_IRON_SESSION}, "cookieName": IRON_NAME, "ttl": MAX_AGE}
SERVERS: Dict[str, Dict[str, Any]] = {
    "h3 1.x": {"kind": "h3-v1", "config": H3_SERVER},
    "h3 2.x": {"kind": "h3-v2", "config": H3_SERVER},
    "iron-session 9": {"kind": "iron-session", "config": IRON_SERVER},
    "iron-session 9 (chunk)": {"kind": "iron-session", "config": dict(IRON_SERVER, chunk=True)},
}
H3_PEERS = [("h3 1.x", "h3-v1"), ("h3 2.x", "h3-v2")]


def big(n: int) -> str:
    return ("abcdefghijklmnopqrstuvwxyz0123456789" * (n // 36 + 1))[:n]


def ensure_node_modules() -> None:
    if (PEERS_DIR / "node_modules").is_dir():
        return
    npm = shutil.which("npm")
    assert npm is not None, "npm is not on PATH: it installs the peers (tests/peers/package.json)"
    subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--no-package-lock", "--loglevel=error"],
        cwd=PEERS_DIR,
        check=True,
        timeout=900,
    )


@pytest.fixture(scope="module")
def urls() -> Iterator[Dict[str, str]]:
    """Starts every server once for the module; the labels of SERVERS map to their URLs."""
    ensure_node_modules()
    process = subprocess.Popen(
        ["node", str(LAUNCHER), json.dumps(SERVERS)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stdin is not None
    try:
        ready, _, _ = select.select([process.stdout], [], [], 60)
        line = process.stdout.readline() if ready else ""
        assert line, f"the peer servers did not start (exit code {process.poll()})"
        yield json.loads(line)
    finally:
        process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Reply(NamedTuple):
    status: int
    lines: List[str]
    body: Dict[str, Any]


# No proxy: the servers are on the loopback interface.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def send(
    url: str,
    jar: Jar,
    method: str = "GET",
    body: Optional[Dict[str, Any]] = None,
    headers: Optional[Dict[str, str]] = None,
) -> Reply:
    """One request with the jar's cookies; the jar stores what the server sets."""
    request = urllib.request.Request(url, method=method)
    cookie = jar.header()
    if cookie:
        request.add_header("Cookie", cookie)
    if body is not None:
        request.data = json.dumps(body).encode("utf-8")
        request.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with OPENER.open(request, timeout=30) as response:
            status, received, text = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, received, text = error.code, error.headers, error.read()
    lines: List[str] = received.get_all("Set-Cookie") or []
    jar.apply(lines)
    return Reply(status, lines, json.loads(text) if text else {})


def token_of(lines: List[str], name: str) -> str:
    """The session token a set of lines writes (one cookie, not chunked)."""
    (token,) = [line.split(";", 1)[0].split("=", 1)[1] for line in lines
                if line.startswith(f"{name}=")]
    return token


def js_json(value: Any) -> str:
    """JSON text as JavaScript's JSON.stringify writes it, for the plain data used here."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def ms(seconds: float) -> int:
    return round(seconds * 1000)


def shape(session: polyseal.Session) -> Tuple[str, int, Dict[str, Any]]:
    return session.id, ms(session.created_at), session.data


def their_shape(body: Dict[str, Any]) -> Tuple[str, int, Dict[str, Any]]:
    return body["id"], body["createdAt"], body["data"]


class Checks:
    """Equality checks against a server, counted per server for the summary."""

    def __init__(self, server: str) -> None:
        self.server = server

    def same(self, actual: Any, wanted: Any, what: str) -> None:
        assert actual == wanted, f"{self.server}: {what}: {actual!r} != {wanted!r}"
        PEER_CHECKS[self.server] = PEER_CHECKS.get(self.server, 0) + 1


# --- h3 1.x and 2.x ------------------------------------------------------------------------------


def h3_manager(format: polyseal.FormatName) -> polyseal.SessionManager:
    return polyseal.SessionManager(PW_H3, format=format, max_age=MAX_AGE)


@pytest.mark.parametrize("server, format", H3_PEERS)
def test_a_session_h3_writes_is_loaded_in_python(
    urls: Dict[str, str], server: str, format: polyseal.FormatName
) -> None:
    check = Checks(server)
    jar = Jar()
    made = send(urls[server], jar, "POST", {"user": "ada", "roles": ["admin"]})
    check.same(made.status, 200, "status")
    check.same(made.body["data"], {"user": "ada", "roles": ["admin"]}, "the server's data")
    manager = h3_manager(format)
    session = manager.load(jar.header())
    check.same(shape(session), their_shape(made.body), "id, createdAt, data")
    check.same((session.is_new, session.rejection, session.needs_reseal), (False, None, False),
               "a valid current cookie")
    sealer = polyseal.Sealer(manager.keyring, format=format)
    opened = sealer.unseal(token_of(made.lines, "h3"))
    check.same(js_json(opened.data), made.body["raw"], "the JSON text h3 sealed")
    # For the same transition Python writes the same line (token masked).
    ours = manager.update(session, {"n": 1})
    check.same(mask(ours, "h3"), mask(made.lines, "h3"), "the Set-Cookie line")


@pytest.mark.parametrize("server, format", H3_PEERS)
def test_a_session_python_writes_is_read_and_updated_by_h3(
    urls: Dict[str, str], server: str, format: polyseal.FormatName
) -> None:
    check = Checks(server)
    manager = h3_manager(format)
    jar = Jar()
    session = manager.load(None)
    written = manager.update(session, {"user": "grace", "tags": ["x", "é"]})
    jar.apply(written)
    read = send(urls[server], jar)
    check.same(their_shape(read.body), shape(session), "h3 reads Python's cookie")
    check.same(read.lines, [], "h3 accepts the cookie without rewriting it")
    sealed = polyseal.Sealer(manager.keyring, format=format).unseal(token_of(written, "h3"))
    check.same(js_json(sealed.data), read.body["raw"], "Python sealed the text h3 holds")

    changed = send(urls[server], jar, "POST", {"tags": [], "n": 2})
    check.same(len(changed.lines), 1, "h3 writes its update")
    again = manager.load(jar.header())
    check.same(shape(again), (session.id, ms(session.created_at),
                              {"user": "grace", "tags": [], "n": 2}), "Python sees h3's update")

    again.data["n"] = 3
    jar.apply(manager.save(again))
    seen = send(urls[server], jar)
    check.same(seen.body["data"], {"user": "grace", "tags": [], "n": 3}, "h3 sees Python's update")
    check.same(seen.body["id"], session.id, "one session throughout")


@pytest.mark.parametrize("server, format", H3_PEERS)
def test_a_clear_on_either_side_ends_the_h3_session(
    urls: Dict[str, str], server: str, format: polyseal.FormatName
) -> None:
    check = Checks(server)
    url = urls[server]
    manager = h3_manager(format)
    jar = Jar()
    made = send(url, jar, "POST", {"a": 1})
    theirs = send(url, jar.copy(), "DELETE")
    session = manager.load(jar.header())
    check.same(session.data, {"a": 1}, "Python loads the session h3 made")
    cleared = manager.clear(session)
    check.same(cleared, theirs.lines, "the same deletion lines")
    with pytest.raises(polyseal.SessionClearedError):
        manager.save(session)
    jar.apply(cleared)
    after = send(url, jar)
    check.same((after.body["id"] != made.body["id"], after.body["data"]), (True, {}),
               "h3 starts a new session after Python's clear")

    fresh = manager.load(None)
    jar = Jar().apply(manager.update(fresh, {"b": 2}))
    check.same(send(url, jar).body["data"], {"b": 2}, "h3 reads Python's new session")
    send(url, jar, "DELETE")
    gone = manager.load(jar.header())
    check.same((gone.is_new, gone.rejection, gone.data), (True, None, {}),
               "Python starts a new session after h3's clear")


@pytest.mark.parametrize("server, format", H3_PEERS)
def test_a_python_token_in_the_session_header_wins_over_the_cookie_in_h3(
    urls: Dict[str, str], server: str, format: polyseal.FormatName
) -> None:
    check = Checks(server)
    url = urls[server]
    manager = h3_manager(format)
    by_header = polyseal.SessionManager(
        PW_H3, format=format, max_age=MAX_AGE, session_header="x-h3-session"
    )
    a = manager.load(None)
    jar = Jar().apply(manager.update(a, {"who": "a"}))
    b = manager.load(None)
    b.data["who"] = "b"
    token = manager.token(b)
    via_header = send(url, jar.copy(), headers={"x-h3-session": token})
    check.same((via_header.body["id"], via_header.body["data"]), (b.id, {"who": "b"}),
               "h3 reads Python's token from x-h3-session")
    ours = by_header.load(jar.header(), session_header=token)
    check.same((ours.id, ours.data), (b.id, {"who": "b"}), "so does Python, configured so")
    empty = send(url, jar.copy(), headers={"x-h3-session": ""})
    check.same(empty.body["id"], a.id, "h3 reads the cookie when the header is empty")
    check.same(by_header.load(jar.header(), session_header="").id, a.id, "as Python does")


def test_a_chunked_session_crosses_both_ways_with_h3_2(urls: Dict[str, str]) -> None:
    server = "h3 2.x"
    check = Checks(server)
    url = urls[server]
    manager = h3_manager("h3-v2")
    jar = Jar()
    made = send(url, jar, "POST", {"blob": big(5000)})
    check.same([line.split("=", 1)[0] for line in made.lines], ["h3", "h3.1", "h3.2"],
               "h3 chunks the session")
    session = manager.load(jar.header())
    check.same(shape(session), their_shape(made.body), "Python reassembles h3's chunks")

    # Growing: both sides write the same list of lines for the same change.
    theirs = send(url, jar.copy(), "POST", {"blob": big(9000)})
    ours = manager.update(session, {"blob": big(9000)})
    check.same(mask(ours, "h3"), mask(theirs.lines, "h3"), "lines for a larger session")
    jar.apply(ours)
    check.same(send(url, jar).body["data"], {"blob": big(9000)}, "h3 reassembles Python's chunks")

    # Shrinking deletes the stale chunks, on both sides.
    shrinking = manager.load(jar.header())
    their_shrink = send(url, jar.copy(), "POST", {"blob": "small"})
    our_shrink = manager.update(shrinking, {"blob": "small"})
    check.same(mask(our_shrink, "h3"), mask(their_shrink.lines, "h3"), "lines when shrinking")
    jar.apply(our_shrink)
    check.same(list(jar.cookies), ["h3"], "only the cookie is left")
    check.same(send(url, jar).body["data"], {"blob": "small"}, "h3 reads the shrunk session")

    # Clearing a chunked session deletes every chunk, on both sides.
    jar.apply(manager.update(shrinking, {"blob": big(5000)}))
    their_clear = send(url, jar.copy(), "DELETE")
    our_clear = manager.clear(manager.load(jar.header()))
    check.same(our_clear, their_clear.lines, "deletion lines of a chunked session")
    check.same(list(jar.apply(our_clear).cookies), [], "nothing is left")


# --- iron-session 9 ------------------------------------------------------------------------------


def iron_manager(**options: Any) -> polyseal.SessionManager:
    keyring = polyseal.Keyring({"1": PW_IRON_SESSION})
    return polyseal.SessionManager(
        keyring, format="iron-session", name=IRON_NAME, max_age=MAX_AGE, **options
    )


def test_a_session_iron_session_saves_is_loaded_in_python(urls: Dict[str, str]) -> None:
    server = "iron-session 9"
    check = Checks(server)
    jar = Jar()
    made = send(urls[server], jar, "POST", {"user": "ada", "roles": ["admin"]})
    check.same(made.status, 200, "status")
    manager = iron_manager()
    session = manager.load(jar.header())
    check.same(session.data, made.body["data"], "the data")
    check.same((session.id, session.created_at, session.is_new, session.rejection),
               ("", 0.0, False, None), "iron-session seals the data alone")
    opened = polyseal.Sealer(manager.keyring, format="iron-session").unseal(
        token_of(made.lines, IRON_NAME)
    )
    check.same(js_json(opened.data), made.body["raw"], "the JSON text iron-session sealed")
    ours = manager.update(session, {"n": 1})
    check.same(mask(ours, IRON_NAME), mask(made.lines, IRON_NAME), "the Set-Cookie line")


def test_a_session_python_writes_is_read_and_updated_by_iron_session(
    urls: Dict[str, str],
) -> None:
    server = "iron-session 9"
    check = Checks(server)
    url = urls[server]
    manager = iron_manager()
    jar = Jar()
    session = manager.load(None)
    written = manager.update(session, {"user": "grace", "nested": {"a": [1, "é"]}})
    jar.apply(written)
    read = send(url, jar)
    check.same(read.body["data"], {"user": "grace", "nested": {"a": [1, "é"]}}, "the data")
    check.same(read.lines, [], "reading writes nothing")
    sealed = polyseal.Sealer(manager.keyring, format="iron-session").unseal(
        token_of(written, IRON_NAME)
    )
    check.same(js_json(sealed.data), read.body["raw"], "Python sealed the text iron-session holds")
    send(url, jar, "POST", {"n": 2})
    again = manager.load(jar.header())
    check.same(again.data, {"user": "grace", "nested": {"a": [1, "é"]}, "n": 2},
               "Python sees iron-session's update")
    jar.apply(manager.update(again, {"n": 3}))
    check.same(send(url, jar).body["data"]["n"], 3, "iron-session sees Python's update")


def test_a_clear_on_either_side_ends_the_iron_session(urls: Dict[str, str]) -> None:
    server = "iron-session 9"
    check = Checks(server)
    url = urls[server]
    manager = iron_manager()
    jar = Jar()
    send(url, jar, "POST", {"a": 1})
    theirs = send(url, jar.copy(), "DELETE")
    session = manager.load(jar.header())
    cleared = manager.clear(session)
    check.same(cleared, theirs.lines, "the same deletion line")
    with pytest.raises(polyseal.SessionClearedError):
        manager.update(session, {"a": 2})
    jar.apply(cleared)
    check.same(send(url, jar).body["data"], {}, "iron-session has no session after Python's clear")

    fresh = manager.load(None)
    jar.apply(manager.update(fresh, {"b": 2}))
    check.same(send(url, jar).body["data"], {"b": 2}, "iron-session reads Python's session")
    send(url, jar, "DELETE")
    gone = manager.load(jar.header())
    check.same((gone.is_new, gone.rejection, gone.data), (True, None, {}),
               "Python has no session after iron-session's destroy")


def test_a_chunked_session_crosses_both_ways_with_iron_session(urls: Dict[str, str]) -> None:
    server = "iron-session 9 (chunk)"
    check = Checks(server)
    url = urls[server]
    manager = iron_manager(split=True)
    jar = Jar()
    made = send(url, jar, "POST", {"blob": big(5000)})
    check.same([line.split("=", 1)[0] for line in made.lines], ["app.0", "app.1"],
               "iron-session chunks the session")
    first = manager.update(manager.load(None), {"blob": big(5000)})
    check.same(mask(first, IRON_NAME), mask(made.lines, IRON_NAME), "the same chunk lines")
    session = manager.load(jar.header())
    check.same(session.data, {"blob": big(5000)}, "Python reassembles iron-session's chunks")
    theirs = send(url, jar.copy(), "POST", {"blob": big(9000)})
    ours = manager.update(session, {"blob": big(9000)})
    check.same(mask(ours, IRON_NAME), mask(theirs.lines, IRON_NAME), "lines when growing")
    jar.apply(ours)
    check.same(send(url, jar).body["data"], {"blob": big(9000)},
               "iron-session reassembles Python's chunks")
    shrinking = manager.load(jar.header())
    their_shrink = send(url, jar.copy(), "POST", {"blob": "small"})
    our_shrink = manager.update(shrinking, {"blob": "small"})
    check.same(mask(our_shrink, IRON_NAME), mask(their_shrink.lines, IRON_NAME),
               "lines when shrinking")
    check.same(list(jar.apply(our_shrink).cookies), [IRON_NAME], "only the cookie is left")
    check.same(send(url, jar).body["data"], {"blob": "small"}, "iron-session reads it")

