"""One keyring, sealer or session manager shared by many threads, and the GIL released while
the crypto runs."""

from __future__ import annotations

import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, List, Tuple

import pytest

import polyseal

from conftest import HOUR, NOW, PASSWORD_A, PASSWORD_B

THREADS = 8
ROUNDS = 40


def summary(opened: polyseal.Unsealed) -> Tuple[Any, ...]:
    return (opened.data, opened.key_id, opened.issued_at, opened.expires_at, opened.needs_reseal)


def test_eight_threads_share_one_keyring() -> None:
    keyring = polyseal.Keyring({"k2": PASSWORD_B, "k1": PASSWORD_A})
    sealer = polyseal.Sealer(keyring, cookie_name="session", ttl=HOUR)
    old = polyseal.Sealer(polyseal.Keyring({"k1": PASSWORD_A}), cookie_name="session", ttl=HOUR)
    payloads = [{"user": n, "roles": ["a", "b"], "name": "Zoë"} for n in range(8)]
    tokens = [sealer.seal_at(p, NOW) for p in payloads] + [old.seal_at(p, NOW) for p in payloads]
    expected = [summary(sealer.unseal_at(token, NOW + 1)) for token in tokens]

    def work(thread: int) -> List[Tuple[Any, ...]]:
        seen: List[Tuple[Any, ...]] = []
        for round_ in range(ROUNDS):
            seen.extend(summary(sealer.unseal_at(token, NOW + 1)) for token in tokens)
            data = {"thread": thread, "round": round_}
            fresh = sealer.seal_at(data, NOW)
            assert sealer.unseal_at(fresh, NOW).data == data
            assert polyseal.unseal_at(polyseal.seal_at(data, keyring, NOW), keyring, NOW) == data
        return seen

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        results = list(pool.map(work, range(THREADS)))
    assert len(results) == THREADS
    for seen in results:
        assert seen == expected * ROUNDS
    assert any(item[4] for item in expected) and not all(item[4] for item in expected)


def test_the_gil_is_released_while_sealing_and_unsealing() -> None:
    """With a huge switch interval the main thread never hands the GIL over by itself, so the
    spinning thread can only count while a call runs detached from the interpreter."""
    big = 10**8
    sealer = polyseal.Sealer(polyseal.Keyring(PASSWORD_A), max_token_chars=big, max_json_bytes=big)
    payload = {"blob": "x" * 4_000_000}
    token = sealer.seal_at(payload, NOW)
    ticks = 0
    stop = False
    started = threading.Event()

    def spin() -> None:
        nonlocal ticks
        started.set()
        while not stop:
            ticks += 1
            time.sleep(0.0002)  # hands the GIL back to the main thread quickly

    previous = sys.getswitchinterval()
    sys.setswitchinterval(100.0)
    spinner = threading.Thread(target=spin)
    try:
        spinner.start()
        started.wait()
        for call in (lambda: sealer.unseal_at(token, NOW), lambda: sealer.seal_at(payload, NOW)):
            before = ticks
            for _ in range(5):
                call()
            assert ticks > before
    finally:
        stop = True
        sys.setswitchinterval(previous)
        spinner.join()


def cookie_of(lines: List[str]) -> str:
    return "; ".join(line.split(";", 1)[0] for line in lines)


def test_eight_threads_share_one_session_manager() -> None:
    managers = [
        polyseal.SessionManager(polyseal.Keyring({"k2": PASSWORD_B, "k1": PASSWORD_A})),
        polyseal.SessionManager(PASSWORD_A, format="h3-v2", max_age=3600),
    ]

    def work(thread: int) -> List[Tuple[str, Any]]:
        seen: List[Tuple[str, Any]] = []
        for manager in managers:
            for round_ in range(ROUNDS // 8):
                session = manager.load(None, now=NOW)
                session.data["thread"] = thread
                header = cookie_of(manager.update(session, {"round": round_}, now=NOW))
                loaded = manager.load(header, now=NOW + 1)
                assert loaded.id == session.id and not loaded.is_new
                loaded.data["seen"] = True
                again = manager.load(cookie_of(manager.save(loaded, now=NOW + 2)), now=NOW + 3)
                seen.append((again.id, again.data))
        return seen

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        results = list(pool.map(work, range(THREADS)))
    ids = [session_id for seen in results for session_id, _ in seen]
    assert len(ids) == len(set(ids)) == THREADS * len(managers) * (ROUNDS // 8)
    for thread, seen in enumerate(results):
        rounds = [data for _, data in seen]
        expected = [{"thread": thread, "round": r, "seen": True} for r in range(ROUNDS // 8)]
        assert rounds == expected * len(managers)


def test_the_gil_is_released_while_sessions_load_and_save() -> None:
    """As above, with many PBKDF2 iterations standing in for a slow request."""
    manager = polyseal.SessionManager(PASSWORD_A, format="h3-v2", iterations=1_000_000)
    session = manager.load(None, now=NOW)
    header = cookie_of(manager.update(session, {"a": 1}, now=NOW))
    ticks = 0
    stop = False
    started = threading.Event()

    def spin() -> None:
        nonlocal ticks
        started.set()
        while not stop:
            ticks += 1
            time.sleep(0.0002)

    previous = sys.getswitchinterval()
    sys.setswitchinterval(100.0)
    spinner = threading.Thread(target=spin)
    try:
        spinner.start()
        started.wait()
        for call in (
            # A fresh keyring, so the derived-key cache cannot answer the load.
            lambda: polyseal.SessionManager(
                PASSWORD_A, format="h3-v2", iterations=1_000_000
            ).load(header, now=NOW),
            lambda: manager.update(session, {"b": 2}, now=NOW),
            lambda: manager.token(session, now=NOW),
        ):
            before = ticks
            call()
            assert ticks > before
    finally:
        stop = True
        sys.setswitchinterval(previous)
        spinner.join()


def test_a_session_in_use_by_another_thread_is_refused() -> None:
    # Enough iterations that the worker's save (two keys, about 0.45 s on the project machine)
    # is still running when this thread tries its own, a twentieth of a second in.
    manager = polyseal.SessionManager(PASSWORD_A, format="h3-v2", iterations=4_000_000)
    session = manager.load(None, now=NOW)
    entered = threading.Event()
    results: List[Any] = []

    def slow_save() -> None:
        entered.set()
        results.append(manager.update(session, {"a": 1}, now=NOW))

    worker = threading.Thread(target=slow_save)
    worker.start()
    entered.wait()
    time.sleep(0.05)  # the worker is deriving keys, detached, holding the session
    try:
        with pytest.raises(polyseal.InvalidArgumentError) as raised:
            manager.save(session, now=NOW)
        assert "another thread" in raised.value.message
    finally:
        worker.join()
    assert len(results) == 1 and session.data == {"a": 1}
