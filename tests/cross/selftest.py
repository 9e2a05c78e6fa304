"""Shows that every check of check.py can fail.

    python3 selftest.py CASES OUT_DIR

Starts from the results of a run that check.py passes, breaks them in one way at a time (in a
temporary copy) and asserts that check.py then reports a failure naming the broken case, with
its format, producer and consumer. Standard library only; exits 1 if a break goes unnoticed.
"""

from __future__ import annotations

import copy
import json
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

import check

Results = Dict[str, Dict[str, Any]]  # file name -> document


def record(results: Results, name: str, section: str, **keys: Any) -> Dict[str, Any]:
    """The record of `section` in file `name` whose fields equal `keys`."""
    found: List[Dict[str, Any]] = [
        r for r in results[name][section] if all(r.get(k) == v for k, v in keys.items())
    ]
    assert len(found) == 1, (name, section, keys, len(found))
    return found[0]


Change = Callable[[Results], None]


def opened(
    consumer: str, producer: str, case: str, change: Callable[[Dict[str, Any]], Any]
) -> Change:
    """Changes what `consumer` read from `producer`'s token for `case`."""
    return lambda r: change(
        record(r, f"{consumer}-opened.json", "opened", producer=producer, id=case)
    )


def update(name: str, section: str, keys: Dict[str, Any], **fields: Any) -> Change:
    return lambda r: record(r, name, section, **keys).update(fields)


def append(name: str, section: str, item: Dict[str, Any]) -> Change:
    return lambda r: r[name][section].append(item)


def drop(name: str, section: str, **keys: Any) -> Change:
    return lambda r: r[name][section].remove(record(r, name, section, **keys))


def duplicate(name: str, section: str, **keys: Any) -> Change:
    return lambda r: r[name][section].append(copy.deepcopy(record(r, name, section, **keys)))


def grow_token(name: str, case: str) -> Change:
    """One more character in a token, and in the line that carries it."""

    def change(r: Results) -> None:
        sealed = record(r, name, "tokens", id=case)
        sealed["setCookie"] = sealed["setCookie"].replace(sealed["token"], sealed["token"] + "A")
        sealed["token"] += "A"

    return change


def forget_a_language(cases: Dict[str, Any]) -> None:
    """A checker that reads only three languages' results: nothing it reads is wrong."""
    cases["languages"].remove("node")


def narrow_the_window(cases: Dict[str, Any]) -> None:
    cases["sessions"]["near-limit"]["lineBytes"] = [3900, 4000]


def nothing(results: Results) -> None:
    pass


# (what is broken, the change, the text a failure line must hold, a change to the cases the run
# reads: the count is always checked against the untouched cases)
Break = Tuple[str, Change, str, Optional[Callable[[Dict[str, Any]], None]]]

BREAKS: List[Break] = [
    (
        "opened data",
        opened(
            "python", "node", "native/unicode/rotated-raw/1h",
            lambda o: o["data"].update(name="x"),
        ),
        "FAIL open: format=native producer=node consumer=python case=native/unicode/rotated-raw/1h",
        None,
    ),
    (
        "a boolean read back as a number",
        opened(
            "c", "rust", "h3-v1/nested/single/1h",
            lambda o: o["data"]["user"]["profile"]["flags"].update(active=1),
        ),
        "FAIL open: format=h3-v1 producer=rust consumer=c case=h3-v1/nested/single/1h",
        None,
    ),
    (
        "key id",
        opened("c", "rust", "h3-v1/nested/rotated-split/no-expiry", lambda o: o.update(keyId="")),
        "producer=rust consumer=c case=h3-v1/nested/rotated-split/no-expiry: keyId",
        None,
    ),
    (
        "expiry",
        opened(
            "node", "c", "iron-session/empty/single/default-14d",
            lambda o: o.update(expiresAt=o["expiresAt"] + 1),
        ),
        "producer=c consumer=node case=iron-session/empty/single/default-14d: expiresAt",
        None,
    ),
    (
        "issued-at",
        opened("rust", "python", "native/h3-shaped/current/1h", lambda o: o.update(issuedAt=1)),
        "producer=python consumer=rust case=native/h3-shaped/current/1h: issuedAt",
        None,
    ),
    (
        "reseal flag",
        opened(
            "python", "rust", "iron-session/nested/rotated-split/1h",
            lambda o: o.update(needsReseal=False),
        ),
        "producer=rust consumer=python case=iron-session/nested/rotated-split/1h: needsReseal",
        None,
    ),
    (
        "an unseal that failed",
        opened("node", "python", "h3-v2/unicode/current/1h", lambda o: o.update(error="BAD_SEAL")),
        "FAIL open: format=h3-v2 producer=python consumer=node case=h3-v2/unicode/current/1h",
        None,
    ),
    (
        "a token nobody opened",
        drop("node-opened.json", "opened", producer="rust", id="h3-v2/near-limit/single/no-expiry"),
        "producer=rust consumer=node case=h3-v2/near-limit/single/no-expiry: 0 results",
        None,
    ),
    (
        "a token opened twice",
        duplicate("c-opened.json", "opened", producer="node", id="native/empty/single/no-expiry"),
        "producer=node consumer=c case=native/empty/single/no-expiry: 2 results",
        None,
    ),
    (
        "a seal that failed",
        update(
            "rust-sealed.json", "tokens", {"id": "h3-v1/unicode/raw/1h"},
            token=None, error="INTERNAL",
        ),
        "FAIL seal: format=h3-v1 producer=rust consumer=- case=h3-v1/unicode/raw/1h",
        None,
    ),
    (
        "a Set-Cookie line for a token",
        update(
            "c-sealed.json", "tokens", {"id": "native/nested/current/no-expiry"},
            setCookie="session=x",
        ),
        "FAIL set-cookie: format=native producer=c consumer=- case=native/nested/current/no-expiry",
        None,
    ),
    (
        "a near-limit line outside its window",
        nothing,
        "FAIL set-cookie: format=iron-session producer=node consumer=- "
        "case=iron-session/near-limit/current/1h",
        narrow_the_window,
    ),
    (
        "token lengths",
        grow_token("python-sealed.json", "native/empty/single/no-expiry"),
        "FAIL token-length: format=native producer=all consumer=- "
        "case=native/empty/single/no-expiry",
        None,
    ),
    (
        "a cookie line that differs",
        update("node-sealed.json", "cookies", {"id": "h3-v1/encoded"}, line="h3=x; Path=/"),
        "FAIL cookie-identical: format=cookie producer=node consumer=rust case=h3-v1/encoded",
        None,
    ),
    (
        "a cookie line that failed",
        update(
            "c-sealed.json", "cookies", {"id": "polyseal/defaults"},
            line=None, error="INVALID_COOKIE",
        ),
        "FAIL cookie: format=cookie producer=c consumer=c case=polyseal/defaults",
        None,
    ),
    (
        "an error code",
        update(
            "python-sealed.json", "errors", {"id": "native/wrong-cookie-name"}, code="MALFORMED"
        ),
        "FAIL errors: format=native producer=python consumer=python case=native/wrong-cookie-name",
        None,
    ),
    (
        "an expected success",
        update(
            "node-sealed.json", "errors", {"id": "keyring/password-32-characters"}, code="INTERNAL"
        ),
        "FAIL errors: format=keyring producer=node consumer=node "
        "case=keyring/password-32-characters",
        None,
    ),
    (
        "an error code for another language's token",
        update(
            "c-opened.json", "errors", {"producer": "node", "id": "h3-v1/tampered-hmac"}, code=None
        ),
        "FAIL errors-cross: format=h3-v1 producer=node consumer=c case=h3-v1/tampered-hmac",
        None,
    ),
    (
        "a derived token nobody opened",
        drop("rust-opened.json", "errors", producer="python", id="iron-session/unknown-key-id"),
        "producer=python consumer=rust case=iron-session/unknown-key-id: 0 results",
        None,
    ),
    (
        "a token to derive that could not be sealed",
        update(
            "rust-sealed.json", "errors", {"id": "native/expired-at-expiry"}, sealError="INTERNAL"
        ),
        "FAIL errors: format=native producer=rust consumer=rust case=native/expired-at-expiry",
        None,
    ),
    (
        "an entry run by a language it is not for",
        append("rust-sealed.json", "errors", {"id": "native/token-not-text", "code": "MALFORMED"}),
        "producer=rust consumer=rust case=native/token-not-text: ran an entry not meant for it",
        None,
    ),
    (
        "a result for no case",
        append("node-sealed.json", "tokens", {"id": "native/ghost/single/1h", "token": "x"}),
        "FAIL seal: format=? producer=node consumer=- case=native/ghost/single/1h",
        None,
    ),
    (
        "a language the checker skipped",
        nothing,
        "FAIL count: format=all producer=all consumer=all case=all",
        forget_a_language,
    ),
]


def main(argv: List[str]) -> int:
    if len(argv) != 3:
        print("usage: selftest.py CASES OUT_DIR", file=sys.stderr)
        return 2
    cases = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    out_dir = Path(argv[2])
    phases = ("sealed", "opened")
    names = [f"{lang}-{phase}.json" for lang in cases["languages"] for phase in phases]
    pristine: Results = {
        name: json.loads((out_dir / name).read_text(encoding="utf-8")) for name in names
    }
    expected = check.expected_count(cases)
    baseline = check.check(cases, out_dir)
    if baseline.failures:
        print("selftest: the results do not pass check.py to begin with", file=sys.stderr)
        return 1
    missed: List[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        for what, breaks, wanted, change_cases in BREAKS:
            results = copy.deepcopy(pristine)
            breaks(results)
            for name, document in results.items():
                (Path(tmp) / name).write_text(json.dumps(document), encoding="utf-8")
            run_cases = copy.deepcopy(cases)
            if change_cases is not None:
                change_cases(run_cases)
            failures = check.check(run_cases, Path(tmp), expected).failures
            if any(wanted in line for line in failures):
                print(f"selftest: caught {what}")
            else:
                missed.append(
                    f"selftest: MISSED {what}: expected a failure with {wanted!r}, "
                    f"got {failures[:3]}"
                )
    for line in missed:
        print(line)
    print(f"selftest: {len(BREAKS) - len(missed)} of {len(BREAKS)} deliberate breaks caught")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
