"""Checks the cross-language matrix: the results every driver wrote under OUT_DIR.

    python3 check.py CASES OUT_DIR

Reads LANG-sealed.json and LANG-opened.json for every language of cases.json and checks
(tests/cross/README.md has the rules):

- every language sealed every session in every format, and built the Set-Cookie line for it;
- tokens for the same inputs have the same length in every language (same JSON text inside);
- every language opened every language's tokens to the input data, key id, issued-at, expiry
  and reseal flag;
- the Set-Cookie lines of the cookie cases are byte-identical across languages;
- every error-catalogue entry gives its expected code in every language that runs it, and every
  token derived from a fresh seal gives it in every language that opens it.

The number of checks made must equal the number the cases call for. Standard library only.
Prints one line per failure (format, producer, consumer and case) and a summary matrix; exits 1
on any failure.
"""

from __future__ import annotations

import json
import math
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

COOKIE_FORMAT = "cookie"


class Matrix:
    def __init__(self, languages: List[str]) -> None:
        self.languages = languages
        self.failures: List[str] = []
        self.checks = 0
        self.expected = 0
        # (section, format) -> Counter of (producer, consumer) -> passed checks
        self.passed: Dict[Tuple[str, str], Counter[Tuple[str, str]]] = defaultdict(Counter)

    def check(
        self,
        ok: bool,
        section: str,
        fmt: str,
        producer: str,
        consumer: str,
        case: str,
        detail: str,
    ) -> bool:
        self.checks += 1
        if ok:
            self.passed[(section, fmt)][(producer, consumer)] += 1
        else:
            self.failures.append(
                f"FAIL {section}: format={fmt} producer={producer} consumer={consumer} "
                f"case={case}: {detail}"
            )
        return ok


def same(a: Any, b: Any) -> bool:
    """Equality of parsed JSON: booleans are not numbers, numbers compare by value, objects by
    members whatever their order."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if isinstance(a, float) and math.isnan(a):
            return False
        return a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def session_data(session: Dict[str, Any], fmt: str) -> Any:
    data = json.loads(json.dumps(session["data"]))
    fill = session.get("fill")
    if fill is not None:
        data[fill["key"]] = fill["char"] * fill["count"][fmt]
    return data


def load(path: Path) -> Dict[str, Any]:
    try:
        document: Dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise SystemExit(f"FAIL cannot read {path}: {error}")
    return document


Index = Dict[Any, List[Dict[str, Any]]]


def by_id(records: List[Dict[str, Any]], key: Tuple[str, ...] = ("id",)) -> Index:
    index: Index = defaultdict(list)
    for record in records:
        index[tuple(record[k] for k in key) if len(key) > 1 else record[key[0]]].append(record)
    return index


def one(
    m: Matrix,
    found: List[Dict[str, Any]],
    section: str,
    fmt: str,
    producer: str,
    consumer: str,
    case: str,
) -> Optional[Dict[str, Any]]:
    """The single record for a case; a missing or repeated one is a failure (a silent skip)."""
    if len(found) == 1:
        return found[0]
    m.check(False, section, fmt, producer, consumer, case, f"{len(found)} results, expected 1")
    return None


def entry_format(entry: Dict[str, Any]) -> str:
    """The format an entry is counted under: its own, or its op for keyrings, sealers, cookies."""
    if entry["op"] in ("unseal", "seal"):
        return str(entry["format"])
    if entry["op"] == "parse":
        return COOKIE_FORMAT
    return str(entry["op"])


def run(cases: Dict[str, Any], out_dir: Path) -> Matrix:
    languages: List[str] = cases["languages"]
    m = Matrix(languages)
    sealed = {lang: load(out_dir / f"{lang}-sealed.json") for lang in languages}
    opened = {lang: load(out_dir / f"{lang}-opened.json") for lang in languages}
    now: int = cases["now"]

    # ---- sealing and opening ----
    token_cases: List[Tuple[str, str, Dict[str, Any], Dict[str, Any], Dict[str, Any]]] = []
    for fmt, spec in cases["formats"].items():
        for session_name in cases["sessions"]:
            for variant in spec["keyrings"]:
                for ttl in spec["ttls"]:
                    case_id = f"{fmt}/{session_name}/{variant['label']}/{ttl['label']}"
                    token_cases.append((case_id, fmt, spec, variant, ttl))
    known_ids = {case_id for case_id, *_ in token_cases}

    tokens: Dict[str, Dict[str, str]] = defaultdict(dict)  # case id -> producer -> token
    for producer in languages:
        records = by_id(sealed[producer]["tokens"])
        for extra in sorted(set(records) - known_ids):
            m.check(False, "seal", "?", producer, "-", extra, "a result for no case")
        for case_id, fmt, spec, _variant, _ttl in token_cases:
            record = one(m, records.get(case_id, []), "seal", fmt, producer, "-", case_id)
            if record is None:
                continue
            token: Any = record.get("token")
            if not m.check(
                isinstance(token, str) and "error" not in record,
                "seal", fmt, producer, "-", case_id,
                f"sealing failed with {record.get('error')}",
            ):
                continue
            tokens[case_id][producer] = token
            cookie = spec["cookie"]
            wanted = f"{cookie['name']}={token}{cookie['suffix']}"
            line: Any = record.get("setCookie")
            ok = line == wanted
            detail = f"Set-Cookie {line!r} is not {wanted!r}"
            limits = cases["sessions"][case_id.split("/")[1]].get("lineBytes")
            if ok and limits is not None:
                size = len(line.encode("utf-8"))
                ok = limits[0] <= size <= limits[1]
                detail = f"the Set-Cookie line has {size} bytes, not {limits[0]}..{limits[1]}"
            m.check(ok, "set-cookie", fmt, producer, "-", case_id, detail)

    # Same inputs, same JSON text inside: token lengths agree across languages.
    for case_id, fmt, *_ in token_cases:
        lengths = {lang: len(token) for lang, token in tokens[case_id].items()}
        m.check(
            len(lengths) == len(languages) and len(set(lengths.values())) == 1,
            "token-length", fmt, "all", "-", case_id, f"token lengths {lengths}",
        )

    for consumer in languages:
        records = by_id(opened[consumer]["opened"], ("producer", "id"))
        for case_id, fmt, spec, variant, ttl in token_cases:
            session = cases["sessions"][case_id.split("/")[1]]
            for producer in languages:
                if producer not in tokens[case_id]:
                    m.check(False, "open", fmt, producer, consumer, case_id, "no token to open")
                    continue
                where = ("open", fmt, producer, consumer, case_id)
                record = one(m, records.get((producer, case_id), []), *where)
                if record is None:
                    continue
                if "error" in record:
                    m.check(False, *where, f"unseal failed with {record['error']}")
                    continue
                expires = None if ttl["expiresIn"] is None else now + ttl["expiresIn"]
                issued = now if spec["issuedAt"] else None
                wrong = [
                    f"{field} {record.get(field)!r} is not {want!r}"
                    for field, want in (
                        ("keyId", variant["keyId"]),
                        ("needsReseal", variant["needsReseal"]),
                        ("issuedAt", issued),
                        ("expiresAt", expires),
                    )
                    if not same(record.get(field, "<absent>"), want)
                ]
                if not same(record.get("data"), session_data(session, fmt)):
                    wrong.append("the data differs from what was sealed")
                m.check(not wrong, *where, "; ".join(wrong))

    # ---- Set-Cookie lines ----
    reference = languages[0]
    for case in cases["cookies"]:
        fmt = COOKIE_FORMAT
        lines: Dict[str, Any] = {}
        for lang in languages:
            matches = by_id(sealed[lang]["cookies"]).get(case["id"], [])
            record = one(m, matches, "cookie", fmt, lang, lang, case["id"])
            if record is None:
                continue
            lines[lang] = record.get("line")
            m.check(
                "error" not in record and isinstance(record.get("line"), str),
                "cookie", fmt, lang, lang, case["id"], f"failed with {record.get('error')}",
            )
        for lang in languages[1:]:
            m.check(
                lang in lines and reference in lines and lines[lang] == lines[reference],
                "cookie-identical", fmt, lang, reference, case["id"],
                f"{lines.get(lang)!r} differs from {reference}'s {lines.get(reference)!r}",
            )

    # ---- the error catalogue ----
    entries = cases["errors"]
    ids = [entry["id"] for entry in entries]
    if len(ids) != len(set(ids)):
        m.check(False, "errors", "?", "-", "-", "cases.json", "error entry ids repeat")
    for lang in languages:
        records = by_id(sealed[lang]["errors"])
        for extra in sorted(set(records) - set(ids)):
            m.check(False, "errors", "?", lang, lang, extra, "a result for no entry")
        derived = by_id(opened[lang]["errors"], ("producer", "id"))
        for entry in entries:
            fmt = entry_format(entry)
            langs = entry.get("langs", languages)
            if lang not in langs:
                if entry["id"] in records:
                    m.check(False, "errors", fmt, lang, lang, entry["id"],
                            "ran an entry not meant for it")
                continue
            record = one(m, records.get(entry["id"], []), "errors", fmt, lang, lang, entry["id"])
            if record is None:
                continue
            if "sealError" in record:
                m.check(False, "errors", fmt, lang, lang, entry["id"],
                        f"sealing the token to derive failed with {record['sealError']}")
                continue
            m.check(
                record.get("code", "<absent>") == entry["error"],
                "errors", fmt, lang, lang, entry["id"],
                f"code {record.get('code')} is not {entry['error']}",
            )
            if "seal" not in entry:
                continue
            # Every language opens the tokens every language derived.
            for producer in langs:
                where = ("errors-cross", fmt, producer, lang, entry["id"])
                found = one(m, derived.get((producer, entry["id"]), []), *where)
                if found is None:
                    continue
                m.check(
                    found.get("code", "<absent>") == entry["error"],
                    "errors-cross", fmt, producer, lang, entry["id"],
                    f"code {found.get('code')} is not {entry['error']}",
                )

    return m


def expected_count(cases: Dict[str, Any]) -> int:
    """The checks the cases call for, counted from cases.json alone."""
    p = len(cases["languages"])
    t = sum(
        len(cases["sessions"]) * len(spec["keyrings"]) * len(spec["ttls"])
        for spec in cases["formats"].values()
    )
    c = len(cases["cookies"])
    langs = [len(entry.get("langs", cases["languages"])) for entry in cases["errors"]]
    derived = [
        len(entry.get("langs", cases["languages"])) for entry in cases["errors"] if "seal" in entry
    ]
    return (
        p * t * 2  # sealed, and its Set-Cookie line
        + t  # token lengths agree
        + p * p * t  # every language opens every language's token
        + c * p + c * (p - 1)  # each line built, and identical to the first language's
        + sum(langs)  # each entry in each of its languages
        + sum(n * n for n in derived)  # each derived token in each language
    )


CROSS_SECTIONS = ("open", "errors-cross")


def summary(m: Matrix) -> str:
    """Passed checks: a producer x consumer matrix per format for what crosses languages, a
    format x language table for the rest."""
    langs = m.languages
    out: List[str] = []
    for section in sorted({s for s, _ in m.passed}, key=lambda s: (s in CROSS_SECTIONS, s)):
        formats = sorted(f for s, f in m.passed if s == section)
        if section in CROSS_SECTIONS:
            out.append(f"{section}: passed checks by format, producer (rows) x consumer (columns)")
            out.append(f"  {'':<14}{'':<8}" + "".join(f"{c:>8}" for c in langs))
            for fmt in formats:
                counts = m.passed[(section, fmt)]
                for i, p in enumerate(langs):
                    label = fmt if i == 0 else ""
                    cells = "".join(f"{counts[(p, c)]:>8}" for c in langs)
                    out.append(f"  {label:<14}{p:<8}{cells}")
        else:
            columns = sorted({p for f in formats for p, _ in m.passed[(section, f)]},
                             key=lambda p: langs.index(p) if p in langs else -1)
            out.append(f"{section}: passed checks by format and language")
            out.append(f"  {'':<14}" + "".join(f"{c:>8}" for c in columns))
            for fmt in formats:
                counts = m.passed[(section, fmt)]
                row = [sum(n for (p, _), n in counts.items() if p == c) for c in columns]
                out.append(f"  {fmt:<14}" + "".join(f"{n:>8}" for n in row))
    return "\n".join(out)


def check(cases: Dict[str, Any], out_dir: Path, expected: Optional[int] = None) -> Matrix:
    """Every check, then the count: with no failure, the checks made must be the checks
    `expected` (default: what cases.json calls for), so nothing was skipped silently."""
    m = run(cases, out_dir)
    expected = expected_count(cases) if expected is None else expected
    m.expected = expected
    if m.checks != expected and not m.failures:
        m.failures.append(
            f"FAIL count: format=all producer=all consumer=all case=all: {m.checks} checks made, "
            f"{expected} expected (a case was skipped)"
        )
    return m


def main(argv: List[str]) -> int:
    if len(argv) != 3:
        print("usage: check.py CASES OUT_DIR", file=sys.stderr)
        return 2
    cases = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    m = check(cases, Path(argv[2]))
    expected = m.expected
    print(summary(m))
    for failure in m.failures:
        print(failure)
    verdict = "FAILED" if m.failures else "ok"
    print(
        f"cross-language matrix: {m.checks} checks ({expected} expected), "
        f"{len(m.failures)} failures: {verdict}"
    )
    return 1 if m.failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
