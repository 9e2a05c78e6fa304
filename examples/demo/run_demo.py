"""One login shared by three servers: an h3 app (h3's own useSession, no polyseal), a Python
server (polyseal.SessionManager) and a C server (libpolyseal), all on 127.0.0.1.

This script is the browser: one cookie jar, a Cookie header built from it on every request and
every Set-Cookie line applied to it (deletions included). It starts the three servers on free
ports, signs in on one, reads and updates the session on the others, signs out, checks every
step, prints what each server saw and stops the servers (also when a step fails). Exit status 0
only when every check passed. Standard library only.

    python run_demo.py --c-server PATH [--python PY] [--node NODE]
    python run_demo.py --only h3       # every step on one server (checks that server alone)
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import selectors
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
COOKIE = "h3"  # the cookie name every server uses: h3's default
READY_TIMEOUT_S = 30.0
REQUEST_TIMEOUT_S = 10.0
STEPS = 10  # requests in Demo.run


class CheckFailed(Exception):
    pass


# -- the browser -----------------------------------------------------------------------------


class CookieJar:
    """Name → value for one host, as a browser keeps them: a Set-Cookie line replaces the cookie
    of its name, one with Max-Age <= 0 or an Expires in the past deletes it. h3 1.x signs out
    with `h3=; Path=/; HttpOnly; Secure` (no expiry), which a browser keeps as an empty cookie
    that every server reads as "no session"; the jar keeps it too."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def header(self) -> str | None:
        if not self.cookies:
            return None
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def apply(self, line: str) -> None:
        pair, *attributes = line.split(";")
        name, sep, value = pair.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not name:
            return  # a browser ignores a line without a name
        expired = False
        for attribute in attributes:
            key, _, arg = attribute.strip().partition("=")
            key = key.lower()
            try:
                if key == "max-age":
                    expired = int(arg) <= 0
                    break  # Max-Age wins over Expires
                if key == "expires":
                    expired = parsedate_to_datetime(arg).timestamp() <= time.time()
            except (TypeError, ValueError):
                pass  # an attribute a browser cannot parse is ignored
        if expired:
            self.cookies.pop(name, None)
        else:
            self.cookies[name] = value


class Response:
    def __init__(self, status: int, body: Any, set_cookies: list[str]) -> None:
        self.status, self.body, self.set_cookies = status, body, set_cookies


def request(jar: CookieJar, url: str, method: str, body: dict[str, Any] | None) -> Response:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    cookie = jar.header()
    if cookie is not None:
        req.add_header("Cookie", cookie)
    try:
        with urllib.request.urlopen(req, timeout=REQUEST_TIMEOUT_S) as resp:
            status, headers, raw = resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as error:  # 4xx/5xx still carry a body and cookies
        status, headers, raw = error.code, error.headers, error.read()
    set_cookies = headers.get_all("Set-Cookie") or []
    for line in set_cookies:
        jar.apply(line)
    try:
        parsed = json.loads(raw) if raw else None
    except ValueError:
        parsed = raw.decode(errors="replace")
    return Response(status, parsed, set_cookies)


# -- the servers -----------------------------------------------------------------------------


class Server:
    def __init__(self, name: str, argv: list[str], cwd: Path, env: dict[str, str]) -> None:
        self.name, self.argv, self.cwd, self.env = name, argv, cwd, env
        self.log = tempfile.TemporaryFile(mode="w+b")
        self.proc: subprocess.Popen[bytes] | None = None
        self.url = ""

    def start(self) -> None:
        # Its own process group, so stopping it stops whatever it started too.
        self.proc = subprocess.Popen(
            [*self.argv, "0"],
            cwd=self.cwd,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self.log,
            start_new_session=True,
        )

    def wait_ready(self, deadline: float) -> None:
        """Reads the server's "ready <port>" line."""
        assert self.proc is not None and self.proc.stdout is not None
        line = b""
        with selectors.DefaultSelector() as selector:
            selector.register(self.proc.stdout, selectors.EVENT_READ)
            while not line.endswith(b"\n"):
                left = deadline - time.monotonic()
                if left <= 0 or not selector.select(left):
                    raise CheckFailed(f"{self.name} did not start within {READY_TIMEOUT_S:.0f} s")
                chunk = os.read(self.proc.stdout.fileno(), 256)
                if not chunk:
                    raise CheckFailed(f"{self.name} exited before it was ready")
                line += chunk
        words = line.decode(errors="replace").split()
        if len(words) != 2 or words[0] != "ready" or not words[1].isdigit():
            raise CheckFailed(f"{self.name} said {line!r} instead of 'ready <port>'")
        self.url = f"http://127.0.0.1:{words[1]}"

    def stop(self) -> int | None:
        """SIGTERM to the group, SIGKILL after 5 s; returns the exit status."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
            except ProcessLookupError:
                self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        return self.proc.returncode

    def log_tail(self, lines: int = 15) -> str:
        self.log.seek(0)
        text = self.log.read().decode(errors="replace").rstrip().splitlines()
        return "\n".join(f"    {self.name}| {line}" for line in text[-lines:])


# -- the story -------------------------------------------------------------------------------


class Demo:
    def __init__(self, servers: dict[str, Server], route: Callable[[str], str]) -> None:
        self.servers, self.route = servers, route
        self.jar = CookieJar()
        self.step = 0
        self.passed = 0  # steps whose every check held
        self.session_id = ""
        self.anonymous_id: str | None = None

    def call(self, who: str, method: str, path: str, body: dict[str, Any] | None = None) -> Response:
        server = self.servers[self.route(who)]
        self.passed = self.step  # the previous step's checks are done
        self.step += 1
        resp = request(self.jar, server.url + path, method, body)
        shown = f"{method} {path}" + (f" {json.dumps(body, separators=(',', ':'))}" if body else "")
        print(f"{self.step:2}. {server.name:<6} {shown:<30} {describe(resp)}")
        if resp.status != 200 or not isinstance(resp.body, dict):
            raise CheckFailed(f"{server.name} answered {resp.status}: {resp.body}")
        return resp

    def expect(self, ok: bool, what: str) -> None:
        if not ok:
            raise CheckFailed(what)

    def signed_in(self, resp: Response, **data: Any) -> None:
        body = resp.body
        self.expect(body.get("id") == self.session_id, f"session id {body.get('id')!r}, expected {self.session_id!r}")
        self.expect(not body.get("isNew"), "a new session, expected the signed-in one")
        self.has(resp, **data)

    def has(self, resp: Response, **data: Any) -> None:
        body = resp.body
        for key, value in data.items():
            self.expect(body["data"].get(key) == value, f"data.{key} = {body['data'].get(key)!r}, expected {value!r}")

    def anonymous(self, resp: Response) -> None:
        """No session: a new one, or the empty one an h3 read started after the sign-out."""
        body = resp.body
        self.expect(body.get("id") != self.session_id, "the signed-out session came back")
        self.expect(not body["data"], f"a session with data: {body['data']}")
        if body.get("isNew"):
            self.anonymous_id = self.anonymous_id or body.get("id")
        else:
            self.expect(body.get("id") == self.anonymous_id, "an old session, expected a new one")

    def run(self) -> None:
        resp = self.call("h3", "POST", "/login", {"user": "ada"})
        self.session_id = resp.body.get("id") or ""
        self.expect(bool(self.session_id), "no session id")
        self.has(resp, user="ada", roles=["member"])
        self.expect(bool(self.jar.cookies.get(COOKIE)), "no session cookie after signing in")

        self.signed_in(self.call("python", "GET", "/me"), user="ada", roles=["member"])
        self.signed_in(self.call("c", "POST", "/prefs", {"theme": "dark"}), user="ada", theme="dark")
        self.signed_in(self.call("h3", "GET", "/me"), user="ada", roles=["member"], theme="dark")
        self.signed_in(self.call("python", "POST", "/prefs", {"theme": "light"}), user="ada", theme="light")
        self.signed_in(self.call("c", "GET", "/me"), user="ada", roles=["member"], theme="light")

        resp = self.call("python", "POST", "/logout")
        self.expect(resp.body.get("cleared") is True, "the sign-out was not confirmed")
        self.expect(not self.jar.cookies.get(COOKIE), f"the jar still holds a session: {self.jar.cookies}")

        # h3 starts (and sets) a new session on any read, so it goes last: the polyseal servers
        # must see no session at all.
        self.anonymous(self.call("c", "GET", "/me"))
        self.anonymous(self.call("python", "GET", "/me"))
        self.anonymous(self.call("h3", "GET", "/me"))
        self.passed = self.step


def describe(resp: Response) -> str:
    body = resp.body
    if not isinstance(body, dict):
        return f"HTTP {resp.status}: {body!r:.60}"
    if "error" in body:
        return f"HTTP {resp.status}: {body['error']}"
    cookies = []
    for line in resp.set_cookies:
        name, _, rest = line.partition("=")
        value = rest.split(";", 1)[0]
        cookies.append(f"set {name}" if value else f"cleared {name}")
    if body.get("cleared"):
        text = "signed out"
    else:
        state = "new" if body.get("isNew") else "loaded"
        reason = f" (rejected: {body['rejection']})" if body.get("rejection") else ""
        data = json.dumps(body.get("data"), separators=(",", ":"))
        text = f"{state} {str(body.get('id'))[:8]} {data}{reason}"
    return text + (f"  [{', '.join(cookies)}]" if cookies else "")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", default=sys.executable, help="a Python with polyseal installed")
    parser.add_argument("--node", default="node")
    parser.add_argument("--c-server", type=Path, help="the built c_server")
    parser.add_argument("--only", choices=["h3", "python", "c"], help="run every step on this server")
    args = parser.parse_args()

    env = dict(os.environ, DEMO_SESSION_PASSWORD=secrets.token_urlsafe(36))  # fresh every run
    commands = {
        "h3": ([args.node, "server.mjs"], HERE / "h3-app"),
        "python": ([args.python, "python_server.py"], HERE),
        "c": ([str(args.c_server.resolve()) if args.c_server else ""], HERE),
    }
    wanted = [args.only] if args.only else ["h3", "python", "c"]
    if "c" in wanted and not args.c_server:
        parser.error("--c-server is needed")
    servers = {name: Server(name, commands[name][0], commands[name][1], env) for name in wanted}

    # Stop the servers on SIGTERM/SIGHUP too, not only on Ctrl-C.
    def interrupted(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGHUP, interrupted)

    demo = Demo(servers, (lambda who: args.only) if args.only else (lambda who: who))
    started = time.monotonic()
    failure = None
    try:
        for server in servers.values():
            server.start()
        deadline = time.monotonic() + READY_TIMEOUT_S
        for server in servers.values():
            server.wait_ready(deadline)
        print("One login, three servers, one cookie (h3):")
        for server in servers.values():
            print(f"    {server.name:<6} {server.url}  {DESCRIPTIONS[server.name]}")
        demo.run()
    except CheckFailed as error:
        failure = str(error)
    except OSError as error:  # a server that went away, a refused connection, a timeout
        failure = f"request failed: {error}"
    except KeyboardInterrupt:
        failure = "interrupted"
    finally:
        statuses = {name: server.stop() for name, server in servers.items()}
    unclean = {name: status for name, status in statuses.items() if status != 0}
    if failure is None and unclean:
        failure = f"a server did not exit cleanly: {unclean}"
    elapsed = time.monotonic() - started
    # The story's steps and the servers' clean exit, counted as a test run reports them.
    checks, passed = STEPS + 1, demo.passed + (failure is None)
    failed = 0 if failure is None else 1
    if failure is not None:
        print(f"FAILED: {failure}")
        for server in servers.values():
            tail = server.log_tail()
            if tail:
                print(tail)
    else:
        print(f"All steps checked out; servers stopped ({elapsed:.1f} s).")
    skipped = checks - passed - failed
    print(f"demo: {passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
    return failed


DESCRIPTIONS = {
    "h3": "h3 1.15.11 app, h3's own useSession (Node)",
    "python": "Python http.server + polyseal.SessionManager",
    "c": "C server linked to libpolyseal",
}


if __name__ == "__main__":
    sys.exit(main())
