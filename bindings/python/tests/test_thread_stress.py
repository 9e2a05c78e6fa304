"""Eight threads × 100,000 polyseal calls on ONE keyring, one sealer per format and one session
manager per format: no call may fail, every seal must open to exactly what was sealed, and every
call with fixed inputs must give the same output in every thread as on the main thread.

Sealing, opening, loading and saving run with the GIL released, so threads are inside the shared
native objects at the same time; a race in the keyring, the sealers, the session managers or the
error path would show as a failure, a wrong value or a digest that differs between threads.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Callable, Dict, List, Tuple

import polyseal

from conftest import HOUR, NOW, PASSWORD_A, PASSWORD_B

THREADS = 8
OPS_PER_THREAD = 100_000
# run_cycle makes exactly this many polyseal calls.
OPS_PER_CYCLE = 20
CYCLES = OPS_PER_THREAD // OPS_PER_CYCLE
ERRORS_KEPT = 5


def opened_view(opened: polyseal.Unsealed) -> Tuple[Any, ...]:
    return (opened.data, opened.key_id, opened.issued_at, opened.expires_at, opened.needs_reseal)


def session_view(session: polyseal.Session) -> Tuple[Any, ...]:
    rejection = session.rejection.code if session.rejection is not None else None
    return (
        session.id,
        session.data,
        session.created_at,
        session.last_seen_at,
        session.is_new,
        session.needs_reseal,
        rejection,
    )


def cookie_of(set_cookie_lines: List[str]) -> str:
    """The Cookie header a browser sends back after these Set-Cookie lines."""
    return "; ".join(line.split(";", 1)[0] for line in set_cookie_lines)


def forged(token: str) -> str:
    """The token with one character of its middle changed: it must be refused."""
    middle = len(token) // 2
    return token[:middle] + ("A" if token[middle] != "A" else "B") + token[middle + 1 :]


@dataclass(frozen=True)
class Shared:
    """The native objects every thread uses, and the fixed inputs of the deterministic calls."""

    sealers: Tuple[polyseal.Sealer, ...]
    managers: Tuple[polyseal.SessionManager, ...]
    # Per sealer: a token of the current key, one of the old key (needs a reseal), a forgery.
    fixed_tokens: Tuple[Tuple[str, str, str], ...]
    # Per manager: a request Cookie header carrying one saved session.
    session_headers: Tuple[str, ...]
    cookie_options: polyseal.CookieOptions
    request_header: str


def build_shared() -> Shared:
    keyring = polyseal.Keyring({"k2": PASSWORD_B, "k1": PASSWORD_A})
    old_keyring = polyseal.Keyring({"k1": PASSWORD_A})
    sealer_options: List[Dict[str, Any]] = [
        {"format": "native", "cookie_name": "session", "ttl": HOUR},
        {"format": "h3-v1", "ttl": HOUR},
    ]
    sealers = tuple(polyseal.Sealer(keyring, **options) for options in sealer_options)
    old_sealers = [polyseal.Sealer(old_keyring, **options) for options in sealer_options]
    fixed_tokens = []
    for sealer, old in zip(sealers, old_sealers):
        current = sealer.seal_at({"user": "ada", "name": "Zoë", "roles": ["admin"]}, NOW)
        previous = old.seal_at({"user": "grace", "n": [1, 2.5, None, True]}, NOW)
        fixed_tokens.append((current, previous, forged(current)))
    managers = (
        polyseal.SessionManager(keyring, idle_timeout=600),
        polyseal.SessionManager(keyring, format="h3-v1"),
    )
    old_managers = [polyseal.SessionManager(old_keyring, format="h3-v1")]
    session_headers = (
        saved_session_header(managers[0], {"user": "ada", "cart": [1, 2, 3]}),
        saved_session_header(old_managers[0], {"user": "grace", "theme": "dark"}),
    )
    request_header = f'lang=en; {session_headers[0]}; quoted="a b"; {session_headers[1]}; empty='
    return Shared(
        sealers=sealers,
        managers=managers,
        fixed_tokens=tuple(fixed_tokens),
        session_headers=session_headers,
        cookie_options=polyseal.CookieOptions(max_age=3600, domain="example.com", priority="High"),
        request_header=request_header,
    )


def saved_session_header(manager: polyseal.SessionManager, data: Dict[str, Any]) -> str:
    session = manager.load(None, now=NOW)
    return cookie_of(manager.update(session, data, now=NOW))


def unseal_outcome(sealer: polyseal.Sealer, token: str) -> Tuple[Any, ...]:
    """What opening a fixed token gives: its contents, or the code it was refused with."""
    try:
        return opened_view(sealer.unseal_at(token, NOW + 1))
    except polyseal.InvalidTokenError as refused:
        return ("refused", refused.code)


def deterministic_calls(shared: Shared) -> List[Tuple[str, Callable[[], object]]]:
    """The calls with fixed inputs (one polyseal call each): every thread must see the same."""
    calls: List[Tuple[str, Callable[[], object]]] = []
    for sealer, tokens in zip(shared.sealers, shared.fixed_tokens):
        for kind, token in zip(("current key", "old key", "forged"), tokens):
            calls.append((f"{sealer.format} unseal {kind}", partial(unseal_outcome, sealer, token)))
    native_token, h3_token = shared.fixed_tokens[0][0], shared.fixed_tokens[1][0]
    options = shared.cookie_options
    calls += [
        ("set_cookie", lambda: polyseal.set_cookie("session", native_token, options)),
        ("set_cookie h3", lambda: polyseal.set_cookie("h3", h3_token, options, style="h3-v1")),
        ("delete_cookie", lambda: polyseal.delete_cookie("session", options)),
        ("parse_cookie_header", lambda: polyseal.parse_cookie_header(shared.request_header)),
    ]
    return calls


@dataclass
class Worker:
    """One thread's run: its polyseal call count, the errors it saw, and a digest of every
    deterministic output in order."""

    index: int
    shared: Shared
    reference: Dict[str, Any]
    ops: int = 0
    error_count: int = 0
    errors: List[str] = field(default_factory=list)
    digest: hashlib._Hash = field(default_factory=hashlib.sha256)

    def call(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        self.ops += 1
        return function(*args, **kwargs)

    def fail(self, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < ERRORS_KEPT:
            self.errors.append(f"thread {self.index}: {message}")

    def observe(self, name: str, value: object) -> None:
        """Adds a deterministic output to the digest and compares it with the main thread's."""
        self.digest.update(repr((name, value)).encode())
        if value != self.reference[name]:
            self.fail(f"{name} gave {value!r}, the main thread {self.reference[name]!r}")

    def run(self, start: threading.Barrier) -> None:
        calls = deterministic_calls(self.shared)
        start.wait()
        for cycle in range(CYCLES):
            try:
                self.run_cycle(cycle, calls)
            except Exception as error:  # counted and reported; the op count then falls short too
                self.fail(f"cycle {cycle}: {error!r}")

    def run_cycle(self, cycle: int, calls: List[Tuple[str, Callable[[], object]]]) -> None:
        own = {"thread": self.index, "cycle": cycle, "text": "é€😀"}
        for sealer in self.shared.sealers:  # 2 × 2 calls
            token = self.call(sealer.seal_at, own, NOW)
            opened = self.call(sealer.unseal_at, token, NOW + 1)
            if opened.data != own or opened.key_id != "k2":
                self.fail(f"{sealer.format} round trip gave {opened_view(opened)!r} for {own!r}")
        for name, deterministic in calls:  # 10 calls
            self.observe(name, self.call(deterministic))
        for manager, header in zip(self.shared.managers, self.shared.session_headers):  # 2 × 3
            self.session_round_trip(manager, header, cycle)

    def session_round_trip(self, manager: polyseal.SessionManager, header: str, cycle: int) -> None:
        session = self.call(manager.load, header, now=NOW + 1)
        self.observe(f"{manager.format} session load", session_view(session))
        patch = {"thread": self.index, "cycle": cycle}
        expected = {**session.data, **patch}
        lines = self.call(manager.update, session, patch, now=NOW + 2)
        again = self.call(manager.load, cookie_of(lines), now=NOW + 3)
        if (again.id, again.data, again.is_new) != (session.id, expected, False):
            self.fail(f"{manager.format} session round trip gave {session_view(again)!r}")


def main_thread_reference(shared: Shared) -> Dict[str, Any]:
    reference: Dict[str, Any] = {name: call() for name, call in deterministic_calls(shared)}
    for manager, header in zip(shared.managers, shared.session_headers):
        reference[f"{manager.format} session load"] = session_view(
            manager.load(header, now=NOW + 1)
        )
    return reference


def test_eight_threads_times_100k_calls_on_one_keyring() -> None:
    shared = build_shared()
    reference = main_thread_reference(shared)
    # The fixed inputs cover the paths that matter: a reseal hint and a refusal in each format.
    for format_name in ("native", "h3-v1"):
        assert reference[f"{format_name} unseal old key"][-1] is True  # needs_reseal
        assert reference[f"{format_name} unseal forged"][0] == "refused"
    assert reference["h3-v1 session load"][5] is True  # needs_reseal

    workers = [Worker(index, shared, reference) for index in range(THREADS)]
    start = threading.Barrier(THREADS)
    threads = [threading.Thread(target=worker.run, args=(start,)) for worker in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    errors = [message for worker in workers for message in worker.errors]
    assert sum(worker.error_count for worker in workers) == 0, errors
    assert [worker.ops for worker in workers] == [OPS_PER_THREAD] * THREADS
    assert sum(worker.ops for worker in workers) == 800_000
    digests = [worker.digest.hexdigest() for worker in workers]
    assert digests == [digests[0]] * THREADS
    assert digests[0] == expected_digest(workers[0], reference)


def expected_digest(worker: Worker, reference: Dict[str, Any]) -> str:
    """The digest a thread must reach: the main thread's outputs, in the order of a cycle, once
    per cycle."""
    names = [name for name, _ in deterministic_calls(worker.shared)]
    names += [f"{manager.format} session load" for manager in worker.shared.managers]
    cycle = b"".join(repr((name, reference[name])).encode() for name in names)
    digest = hashlib.sha256()
    for _ in range(CYCLES):
        digest.update(cycle)
    return digest.hexdigest()

