"""The Python driver of the cross-language matrix (tests/cross/README.md).

Reads cases.json and writes what the ``polyseal`` package answers::

    python driver.py seal CASES OUT_DIR   # OUT_DIR/python-sealed.json
    python driver.py open CASES OUT_DIR   # OUT_DIR/python-opened.json

Run with the interpreter of the binding's venv (``make -C bindings/python install``). Times in
cases.json are milliseconds; the package takes seconds, so every time is divided by 1000 here and
every time read back is multiplied by 1000.
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

import polyseal

LANG = "python"

# Sealer option (named as in the Node binding) -> (keyword, conversion).
SEALER_OPTIONS: Dict[str, Tuple[str, Callable[[Any], Any]]] = {
    "cookieName": ("cookie_name", str),
    "context": ("context", str),
    "ttl": ("ttl", lambda ms: ms / 1000),
    "skew": ("skew", lambda ms: ms / 1000),
    "iterations": ("iterations", int),
    "saltBits": ("salt_bits", int),
    "localtimeOffset": ("localtime_offset", lambda ms: ms / 1000),
    "maxTokenChars": ("max_token_chars", int),
    "maxJsonBytes": ("max_json_bytes", int),
    "maxDepth": ("max_depth", int),
    "saltReuse": ("salt_reuse", lambda ms: ms / 1000),
}

COOKIE_OPTIONS: Dict[str, Tuple[str, Callable[[Any], Any]]] = {
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

# CookieOptions() starts from the secure defaults; in cases.json an absent attribute is unset.
BARE: Dict[str, Any] = {"path": None, "secure": False, "http_only": False, "same_site": None}

# JavaScript values JSON cannot spell, written {"$js": name} in cases.json.
JS_VALUES: Dict[str, Any] = {
    "NaN": float("nan"),
    "Infinity": float("inf"),
    "-Infinity": float("-inf"),
    "loneSurrogate": "\ud800",
}

# Text that is not UTF-8: Python strings cannot hold such bytes, only an unpaired surrogate.
NOT_TEXT = "\ud800"


def code_of(call: Callable[[], Any]) -> Optional[str]:
    try:
        call()
    except polyseal.PolysealError as error:
        return error.code
    return None


def seconds(ms: int) -> float:
    return ms / 1000


def millis(value: Optional[float]) -> Optional[int]:
    return None if value is None else round(value * 1000)


# ---- keyrings, sealers, cookies ---------------------------------------------------------------


def secret(side: Dict[str, Any]) -> Any:
    if "password" in side:
        return side["password"]
    return bytes.fromhex(side["keyHex"])


def keyring_of(cases: Dict[str, Any], spec: Any, current: Optional[str] = None) -> polyseal.Keyring:
    if isinstance(spec, str):
        spec = cases["keyrings"][spec]
    if "password" in spec or "keyHex" in spec:
        return polyseal.Keyring(secret(spec))
    entries: Dict[str, Any] = {}
    for entry in spec["entries"]:
        assert entry["id"] not in entries, "a mapping cannot hold an id twice: use langs"
        if "encryption" in entry:
            entries[entry["id"]] = {
                "encryption": secret(entry["encryption"]),
                "integrity": secret(entry["integrity"]),
            }
        else:
            entries[entry["id"]] = secret(entry)
    return polyseal.Keyring(entries, current=current or spec.get("current"))


def sealer_of(
    keyring: polyseal.Keyring, format_name: Any, options: Dict[str, Any]
) -> polyseal.Sealer:
    # Any: the catalogue also passes names that are not formats.
    keywords: Dict[str, Any] = {}
    for name, value in options.items():
        keyword, convert = SEALER_OPTIONS[name]
        keywords[keyword] = convert(value)
    return polyseal.Sealer(keyring, format=format_name, **keywords)


def token_options(fmt: Dict[str, Any], ttl: Dict[str, Any]) -> Dict[str, Any]:
    options = dict(fmt["options"])
    if ttl["ttl"] is not None:
        options["ttl"] = ttl["ttl"]
    return options


def session_data(session: Dict[str, Any], format_name: str) -> Any:
    data = json.loads(json.dumps(session["data"]))
    fill = session.get("fill")
    if fill is not None:
        data[fill["key"]] = fill["char"] * fill["count"][format_name]
    return data


def js_values(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"$js"}:
            return JS_VALUES[value["$js"]]
        return {key: js_values(item) for key, item in value.items()}
    if isinstance(value, list):
        return [js_values(item) for item in value]
    return value


def cookie_options(spec: Any, style: Any) -> polyseal.CookieOptions:
    if spec == "defaults":
        return polyseal.CookieOptions.for_style(style)
    keywords = dict(BARE)
    for name, value in spec.items():
        keyword, convert = COOKIE_OPTIONS[name]
        keywords[keyword] = convert(value)
    return polyseal.CookieOptions(**keywords)


def cookie_line(case: Dict[str, Any]) -> str:
    style = case["style"]
    options = cookie_options(case["options"], style)
    if "expiry" in case:
        expiry = case["expiry"]
        options = options.with_expiry(seconds(expiry["expiresAt"]), seconds(expiry["now"]))
    if case["op"] == "delete":
        return polyseal.delete_cookie(case["name"], options, style=style)
    if "fill" in case:
        value = case["fill"]["char"] * case["fill"]["count"]
    else:
        value = case["value"]
    return polyseal.set_cookie(case["name"], value, options, style=style)


# ---- phase 1 ------------------------------------------------------------------------------------


def seal_phase(cases: Dict[str, Any]) -> Dict[str, Any]:
    now = seconds(cases["now"])
    tokens: List[Dict[str, Any]] = []
    for format_name, fmt in cases["formats"].items():
        for session_name, session in cases["sessions"].items():
            for variant in fmt["keyrings"]:
                for ttl in fmt["ttls"]:
                    record: Dict[str, Any] = {
                        "id": f"{format_name}/{session_name}/{variant['label']}/{ttl['label']}",
                        "format": format_name,
                        "session": session_name,
                        "keyring": variant["label"],
                        "ttl": ttl["label"],
                    }
                    try:
                        keyring = keyring_of(cases, variant["keyring"], variant.get("sealCurrent"))
                        sealer = sealer_of(keyring, format_name, token_options(fmt, ttl))
                        token = sealer.seal_at(session_data(session, format_name), now)
                        cookie = fmt["cookie"]
                        name, style = cookie["name"], cookie["style"]
                        line = polyseal.set_cookie(name, token, None, style=style)
                    except polyseal.PolysealError as error:
                        record["error"] = error.code
                    else:
                        record["token"] = token
                        record["setCookie"] = line
                    tokens.append(record)
    cookies: List[Dict[str, Any]] = []
    for case in cases["cookies"]:
        record = {"id": case["id"]}
        try:
            record["line"] = cookie_line(case)
        except polyseal.PolysealError as error:
            record["error"] = error.code
        cookies.append(record)
    errors = [run_entry(cases, entry) for entry in cases["errors"] if speaks(entry)]
    return {
        "lang": LANG,
        "version": polyseal.__version__,
        "tokens": tokens,
        "cookies": cookies,
        "errors": errors,
    }


def speaks(entry: Dict[str, Any]) -> bool:
    return LANG in entry.get("langs", [LANG])


def at(cases: Dict[str, Any], spec: Dict[str, Any]) -> float:
    return seconds(spec.get("at", cases["now"]))


def with_invalid_text(entry: Dict[str, Any]) -> Dict[str, Any]:
    """The entry with text that has no UTF-8 form spliced into the string ``invalidText.in``."""
    spec = entry.get("invalidText")
    if spec is None:
        return entry
    entry = copy.deepcopy(entry)
    *parents, last = spec["in"]
    node: Any = entry
    for key in parents:
        node = node[key]
    node[last] = node[last][: spec["at"]] + NOT_TEXT + node[last][spec["at"] :]
    return entry


def run_entry(cases: Dict[str, Any], entry: Dict[str, Any]) -> Dict[str, Any]:
    record: Dict[str, Any] = {"id": entry["id"]}
    entry = with_invalid_text(entry)
    op = entry["op"]
    if op == "unseal":
        try:
            token = entry_token(cases, entry)
        except polyseal.PolysealError as error:
            record["sealError"] = error.code
            record["code"] = None
            return record
        if "seal" in entry:
            record["token"] = token
        record["code"] = code_of(lambda: open_entry(cases, entry, token))
    elif op == "seal":
        record["code"] = code_of(lambda: seal_entry(cases, entry))
    elif op == "keyring":
        record["code"] = code_of(lambda: keyring_of(cases, entry["keyring"], entry.get("current")))
    elif op == "sealer":
        record["code"] = code_of(
            lambda: sealer_of(
                keyring_of(cases, entry["keyring"]), entry["format"], entry.get("options", {})
            )
        )
    elif op == "cookie":
        record["code"] = code_of(lambda: cookie_line(entry["cookie"]))
    elif op == "parse":
        record["code"] = code_of(lambda: polyseal.parse_cookie_header(entry["header"]))
    else:
        raise AssertionError(f"unknown op {op}")
    return record


def entry_token(cases: Dict[str, Any], entry: Dict[str, Any]) -> str:
    seal = entry.get("seal")
    if seal is None:
        token: str = entry["token"]
    else:
        format_name = seal.get("format", entry["format"])
        keyring = keyring_of(cases, seal["keyring"], seal.get("sealCurrent"))
        sealer = sealer_of(keyring, format_name, seal.get("options", {}))
        session = cases["sessions"][seal["session"]]
        token = sealer.seal_at(session_data(session, format_name), at(cases, seal))
    if "mutate" in entry:
        token = mutate(token, entry["mutate"])
    return token


def open_entry(cases: Dict[str, Any], entry: Dict[str, Any], token: str) -> None:
    keyring = keyring_of(cases, entry["keyring"])
    sealer = sealer_of(keyring, entry["format"], entry.get("options", {}))
    sealer.unseal_at(token, at(cases, entry))


def seal_entry(cases: Dict[str, Any], entry: Dict[str, Any]) -> None:
    keyring = keyring_of(cases, entry["keyring"])
    sealer = sealer_of(keyring, entry["format"], entry.get("options", {}))
    if "payload" in entry:
        sealer.seal_json_at(entry["payload"], at(cases, entry))
    else:
        sealer.seal_at(js_values(entry["data"]), at(cases, entry))


def mutate(token: str, mutation: Dict[str, Any]) -> str:
    """Edits characters (tokens are ASCII), within one ``*``-separated field if ``field``."""
    fields = token.split("*") if "field" in mutation else [token]
    index = mutation.get("field", 0)
    target = fields[index]
    op = mutation["op"]
    if op in ("flip", "set"):
        i = mutation["at"] if mutation["at"] >= 0 else len(target) + mutation["at"]
        new = mutation["char"] if op == "set" else ("B" if target[i] == "A" else "A")
        target = target[:i] + new + target[i + 1 :]
    elif op == "truncate":
        target = target[: mutation["keep"]]
    elif op == "append":
        target += mutation["text"]
    elif op == "replace":
        target = mutation["with"]
    else:
        raise AssertionError(f"unknown mutation {op}")
    fields[index] = target
    return "*".join(fields)


# ---- phase 2 ------------------------------------------------------------------------------------


def open_phase(cases: Dict[str, Any], out_dir: Path) -> Dict[str, Any]:
    open_at = seconds(cases["now"] + cases["openDelay"])
    entries = {entry["id"]: entry for entry in cases["errors"]}
    opened: List[Dict[str, Any]] = []
    errors: List[Dict[str, Any]] = []
    for producer in cases["languages"]:
        sealed = json.loads((out_dir / f"{producer}-sealed.json").read_text(encoding="utf-8"))
        for record in sealed["tokens"]:
            if "token" not in record:
                continue
            result: Dict[str, Any] = {"producer": producer, "id": record["id"]}
            fmt = cases["formats"][record["format"]]
            variant = next(v for v in fmt["keyrings"] if v["label"] == record["keyring"])
            ttl = next(t for t in fmt["ttls"] if t["label"] == record["ttl"])
            try:
                keyring = keyring_of(cases, variant["keyring"])
                sealer = sealer_of(keyring, record["format"], token_options(fmt, ttl))
                unsealed = sealer.unseal_at(record["token"], open_at)
            except polyseal.PolysealError as error:
                result["error"] = error.code
            else:
                result.update(
                    data=unsealed.data,
                    keyId=unsealed.key_id,
                    issuedAt=millis(unsealed.issued_at),
                    expiresAt=millis(unsealed.expires_at),
                    needsReseal=unsealed.needs_reseal,
                )
            opened.append(result)
        for record in sealed["errors"]:
            if "token" not in record:
                continue
            entry = entries[record["id"]]
            token = record["token"]
            code = code_of(lambda: open_entry(cases, entry, token))
            errors.append({"producer": producer, "id": record["id"], "code": code})
    return {"lang": LANG, "opened": opened, "errors": errors}


def main(argv: List[str]) -> int:
    if len(argv) != 4 or argv[1] not in ("seal", "open"):
        print("usage: driver.py seal|open CASES OUT_DIR", file=sys.stderr)
        return 2
    cases = json.loads(Path(argv[2]).read_text(encoding="utf-8"))
    out_dir = Path(argv[3])
    if argv[1] == "seal":
        document, name = seal_phase(cases), "sealed"
    else:
        document, name = open_phase(cases, out_dir), "opened"
    text = json.dumps(document, indent=1, ensure_ascii=False) + "\n"
    (out_dir / f"{LANG}-{name}.json").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
