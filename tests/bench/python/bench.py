"""Python side of the side-by-side benchmark (``make bench``).

Measures the peers a Python service would use for a session cookie, Set-Cookie building with
the standard library and, once it is importable, polyseal's Python package. Writes one JSON
record per line to the file given as the first argument (default ``../results/python.jsonl``);
``tests/bench/report.py`` reads it.

Method: each operation is warmed up, then timed with ``timeit`` in REPS batches of about
BATCH_MS each (garbage collection left on, as in a server); a batch's time divided by its size
is one sample. Reported: median and spread of the samples in µs per operation.
"""

from __future__ import annotations

import base64
import json
import os
import platform
import statistics
import sys
import timeit
from http.cookies import SimpleCookie
from importlib import metadata
from pathlib import Path

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from itsdangerous import URLSafeTimedSerializer

HERE = Path(__file__).resolve().parent
INPUTS = json.loads((HERE.parent / "payloads.json").read_text(encoding="utf-8"))
PASSWORD = INPUTS["password"]
PAYLOADS = {"A": INPUTS["A"], "B": INPUTS["B"]}
COOKIE_NAME = "session"
TTL_S = 3600
SET_COOKIE_MAX_AGE = 1_209_540

QUICK = os.environ.get("POLYSEAL_BENCH_QUICK") == "1"
REPS = 3 if QUICK else 20
BATCH_MS = 5 if QUICK else 25
WARMUP_MS = 20 if QUICK else 200

RECORDS: list[dict] = []


def compact(value) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def quantile(ordered: list[float], q: float) -> float:
    pos = (len(ordered) - 1) * q
    lo, hi = int(pos), min(int(pos) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def measure(fn) -> dict:
    timer = timeit.Timer(fn, setup="gc.enable()")
    done, spent = 0, 0.0
    while spent < WARMUP_MS / 1000 or done < 3:
        spent += timer.timeit(1)
        done += 1
    batch = max(1, round(BATCH_MS / 1000 / (spent / done)))
    samples = sorted(t / batch * 1e6 for t in timer.repeat(repeat=REPS, number=batch))
    return {
        "us": {
            "median": statistics.median(samples),
            "p25": quantile(samples, 0.25),
            "p75": quantile(samples, 0.75),
            "min": samples[0],
            "max": samples[-1],
        },
        "reps": REPS,
        "batch": batch,
    }


def bench(row: dict, fn, **extra) -> None:
    result = measure(fn)
    RECORDS.append(
        {
            "type": "result",
            "ecosystem": "python",
            **row,
            **extra,
            **result,
            "ops_per_s": 1e6 / result["us"]["median"],
        }
    )
    label = f"{row['impl']} {row['op']} {row.get('payload', '')}".ljust(58)
    print(f"{label} {result['us']['median']:10.2f} µs/op", flush=True)


def note(row: dict, status: str, detail: str = "") -> None:
    RECORDS.append({"type": "status", "ecosystem": "python", **row, "status": status, "detail": detail})
    print(f"{row['impl']}: {status}" + (f" ({detail})" if detail else ""), flush=True)


# --- the peers, each as seal(value) -> token and unseal(token) -> value ---------------------


class ItsDangerous:
    id = "itsdangerous"
    impl = "itsdangerous URLSafeTimedSerializer (signs only)"

    def __init__(self) -> None:
        self.serializer = URLSafeTimedSerializer(PASSWORD, salt="cookie-session")

    def seal(self, value) -> str:
        return self.serializer.dumps(value)

    def unseal(self, token: str):
        return self.serializer.loads(token, max_age=TTL_S)


class FernetJson:
    id = "fernet"
    impl = "cryptography Fernet + json"

    def __init__(self) -> None:
        self.fernet = Fernet(Fernet.generate_key())

    def seal(self, value) -> str:
        return self.fernet.encrypt(compact(value).encode()).decode("ascii")

    def unseal(self, token: str):
        return json.loads(self.fernet.decrypt(token, ttl=TTL_S))


class AesGcmFloor:
    id = "floor"
    impl = "cryptography AESGCM + base64url + json (raw floor)"

    def __init__(self) -> None:
        self.aead = AESGCM(os.urandom(32))
        self.aad = COOKIE_NAME.encode()

    def seal(self, value) -> str:
        nonce = os.urandom(12)
        sealed = self.aead.encrypt(nonce, compact(value).encode(), self.aad)
        return base64.urlsafe_b64encode(nonce + sealed).rstrip(b"=").decode("ascii")

    def unseal(self, token: str):
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        return json.loads(self.aead.decrypt(raw[:12], raw[12:], self.aad))


PEERS = [ItsDangerous(), FernetJson(), AesGcmFloor()]


def set_cookie(token: str) -> str:
    jar = SimpleCookie()
    jar[COOKIE_NAME] = token
    morsel = jar[COOKIE_NAME]
    morsel["path"] = "/"
    morsel["httponly"] = True
    morsel["secure"] = True
    morsel["samesite"] = "Lax"
    morsel["max-age"] = SET_COOKIE_MAX_AGE
    return morsel.OutputString()


# --- polyseal, once its Python package is importable ---------------------------------------


def polyseal_rows() -> None:
    """The polyseal rows, when ``import polyseal`` works (``make -C bindings/python install``
    builds the wheel this venv installs).

    native uses the same options as the Rust core's rows (cookie name bound, 1 h ttl), so the
    difference from the Rust row is the binding's call overhead; h3-v1 seals and opens Fe26.2
    as h3 1.x does.
    """
    row = {"id": "polyseal", "impl": "polyseal (bindings/python)"}
    try:
        import polyseal  # noqa: PLC0415 - optional: the binding may not be built yet
    except ImportError as error:
        note(row, "not built", str(error))
        return
    keyring = polyseal.Keyring(PASSWORD)
    sealers = {
        "native": polyseal.Sealer(keyring, format="native", cookie_name=COOKIE_NAME, ttl=TTL_S),
        "h3-v1": polyseal.Sealer(keyring, format="h3-v1"),
    }
    for payload, text in PAYLOADS.items():
        value = json.loads(text)
        for fmt, sealer in sealers.items():
            r = {"id": f"polyseal-{fmt}", "impl": f"polyseal {fmt} (bindings/python)", "payload": payload}
            token = sealer.seal(value)
            assert sealer.unseal(token).data == value, f"polyseal {fmt} round-trips"
            bench({**r, "op": "seal"}, lambda: sealer.seal(value), token_bytes=len(token))
            bench({**r, "op": "unseal"}, lambda: sealer.unseal(token))
            if fmt == "native":
                bench({**r, "op": "seal_json"}, lambda: sealer.seal_json(text))
    token = INPUTS["setCookieToken"]
    options = polyseal.CookieOptions(max_age=SET_COOKIE_MAX_AGE)
    line = polyseal.set_cookie(COOKIE_NAME, token, options, style="iron-session")
    expected = f"{COOKIE_NAME}={token}; Max-Age={SET_COOKIE_MAX_AGE}; Path=/; HttpOnly; Secure; SameSite=Lax"
    assert line == expected, "polyseal's iron-session line"
    bench(
        {"id": "set-cookie-polyseal", "impl": "polyseal set_cookie (bindings/python)", "op": "set_cookie", "payload": "A"},
        lambda: polyseal.set_cookie(COOKIE_NAME, token, options, style="iron-session"),
    )


# --- main -----------------------------------------------------------------------------------


def self_check() -> None:
    for payload in PAYLOADS.values():
        value = json.loads(payload)
        assert compact(value) == payload, "json.dumps reproduces the payload text"
        for peer in PEERS:
            assert peer.unseal(peer.seal(value)) == value, f"{peer.id} round-trips"
    assert set_cookie("abc") == "session=abc; HttpOnly; Max-Age=1209540; Path=/; SameSite=Lax; Secure"
    print("self-checks passed", flush=True)


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parent / "results" / "python.jsonl"
    self_check()
    from cryptography.hazmat.backends.openssl.backend import backend  # noqa: PLC0415

    RECORDS.append(
        {
            "type": "meta",
            "ecosystem": "python",
            "python": platform.python_version(),
            "implementation": platform.python_implementation(),
            "openssl": backend.openssl_version_text(),
            "packages": {name: metadata.version(name) for name in ("cryptography", "itsdangerous")},
            "method": {"reps": REPS, "batch_ms": BATCH_MS, "warmup_ms": WARMUP_MS, "gc": "enabled"},
        }
    )
    for payload, text in PAYLOADS.items():
        value = json.loads(text)
        json_row = {"id": "json", "impl": "json.dumps / json.loads alone", "payload": payload}
        bench({**json_row, "op": "seal"}, lambda: compact(value))
        bench({**json_row, "op": "unseal"}, lambda: json.loads(text))
        for peer in PEERS:
            token = peer.seal(value)
            row = {"id": peer.id, "impl": peer.impl, "payload": payload}
            bench({**row, "op": "seal"}, lambda: peer.seal(value), token_bytes=len(token))
            bench({**row, "op": "unseal"}, lambda: peer.unseal(token))

    token = INPUTS["setCookieToken"]
    bench(
        {"id": "set-cookie-simplecookie", "impl": "http.cookies.SimpleCookie", "op": "set_cookie", "payload": "A"},
        lambda: set_cookie(token),
    )
    polyseal_rows()

    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in RECORDS), encoding="utf-8")
    print(f"wrote {len(RECORDS)} records to {out}", flush=True)


if __name__ == "__main__":
    main()
