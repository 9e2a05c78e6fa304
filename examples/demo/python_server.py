"""The demo's Python server: the standard library's http.server with polyseal's SessionManager,
reading and writing the h3 app's session cookie (format "h3-v1", cookie "h3", one password).

    DEMO_SESSION_PASSWORD=<32+ characters> python python_server.py [port]   (0 or none: any free)

Routes (JSON in and out): GET /me, POST /login {user}, POST /prefs {theme}, POST /logout.
Prints "ready <port>" once it listens on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import polyseal

NAME = re.compile(r"[A-Za-z0-9 _.-]{1,32}")

password = os.environ.get("DEMO_SESSION_PASSWORD", "")
if len(password) < 32:
    sys.exit("DEMO_SESSION_PASSWORD must hold a password of at least 32 characters")

# What the h3 app passes to useSession: {password, name: "h3", maxAge: 3600}. One manager
# serves every request thread.
sessions = polyseal.SessionManager(password, format="h3-v1", name="h3", max_age=60 * 60)


class BadRequest(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class Handler(BaseHTTPRequestHandler):
    server_version = "polyseal-demo-python"

    def do_GET(self) -> None:
        self.handle_route("GET")

    def do_POST(self) -> None:
        self.handle_route("POST")

    def handle_route(self, method: str) -> None:
        session = sessions.load(self.headers.get("Cookie"))  # never fails
        is_new = session.is_new  # what the request brought, reported after any save
        lines: list[str] = []
        try:
            route = (method, self.path)
            if route == ("GET", "/me"):
                body: dict[str, Any] = describe(session, is_new)
            elif route == ("POST", "/login"):
                user = field(self.read_json(), "user")
                lines = sessions.update(session, {"user": user, "roles": ["member"]})
                body = describe(session, is_new)
            elif route == ("POST", "/prefs"):
                theme = field(self.read_json(), "theme")
                if "user" not in session.data:
                    raise BadRequest(401, "not signed in")
                session.data["theme"] = theme  # a plain dict: the save below picks it up
                lines = sessions.save(session)
                body = describe(session, is_new)
            elif route == ("POST", "/logout"):
                lines = sessions.clear(session)
                body = {"cleared": True}
            else:
                raise BadRequest(404, "no such route")
        except BadRequest as error:
            self.send_json(error.status, {"error": str(error)}, [])
        else:
            self.send_json(200, body, lines)

    def read_json(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        if not 0 < length <= 4096:
            raise BadRequest(400, "a JSON body of at most 4096 bytes is needed")
        try:
            return json.loads(self.rfile.read(length))
        except ValueError:
            raise BadRequest(400, "the body is not JSON") from None

    def send_json(self, status: int, body: dict[str, Any], set_cookies: list[str]) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for line in set_cookies:  # one header per cookie, never comma-joined
            self.send_header("Set-Cookie", line)
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        sys.stderr.write("python: " + format % args + "\n")


def field(body: Any, key: str) -> str:
    value = body.get(key) if isinstance(body, dict) else None
    if not isinstance(value, str) or not NAME.fullmatch(value):
        raise BadRequest(400, f'"{key}" must be a short name')
    return value


def describe(session: polyseal.Session, is_new: bool) -> dict[str, Any]:
    rejection = session.rejection.code if session.rejection is not None else None
    return {"id": session.id, "isNew": is_new, "data": session.data, "rejection": rejection}


def main() -> None:
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    print(f"ready {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
