// Cookie header parsing: core against cookie-es 1 (h3 1.x), cookie-es 3 (h3 2.x), cookie 2
// (iron-session 9) and cookie 0.7 (iron-session 8).
import assert from "node:assert/strict";
import { after, test } from "node:test";
import * as cookie07 from "cookie-0.7";
import * as cookie2 from "cookie-2";
import * as cookieEs1 from "cookie-es-1";
import * as cookieEs3 from "cookie-es-3";
import { Core, parse } from "./core.mjs";
import { withH3V1, withH3V2 } from "./peers.mjs";

const core = new Core();
after(() => core.close());

const TOKEN = "Fe26.2**0f1e2d3c*aGVsbG8*d29ybGQ*1765209600000*a1b2c3*SGVsbG8tV29ybGQ~2";

const PEERS = {
  "cookie-es 1 (h3 1.x)": (header) => cookieEs1.parse(header),
  "cookie-es 3 (h3 2.x)": (header) => cookieEs3.parse(header),
  "cookie 2 (iron-session 9)": (header) => cookie2.parseCookie(header),
  "cookie 0.7 (iron-session 8)": (header) => cookie07.parse(header),
};
const ALL = Object.keys(PEERS);
const [ES1, ES3, COOKIE2, COOKIE07] = ALL;

// Headers and the peers core deliberately differs from, with the reason (docs/COOKIES.md).
const QUOTES = "core unwraps a quoted value (RFC 6265), as cookie-es 1 and cookie 0.7 do";
const HEADERS = [
  ["a=1; b=2"],
  [" a = 1 ;\tb=2\t; "],
  ["a=; b="],
  ["a=b=c==; d=e"],
  ["a=one two"],
  ["lone; a=1; also lone"],
  [";;; ;"],
  ["s=1; t=2; s=3"],
  ["S=1; s=2"],
  ["a=x%20y; b=%E2%82%AC; c=%3B%3d"],
  ["a=100%; b=%zz; c=%4; d=%"],
  ["a=%C3; b=%C0%80; c=%ED%A0%80; d=%F4%90%80%80; e=%C3%28"],
  ["a=é%20; b=%C3é; c=€"],
  ["a=a+b; b=%2B"],
  [`h3=${TOKEN}`],
  ["h3=__chunked__2; h3.1=abc; h3.2=def; other=1"],
  [""],
  ["a"],
  ['a="quoted"; b=""', { [ES3]: QUOTES, [COOKIE2]: QUOTES }],
  ['a="%41"', { [ES3]: QUOTES, [COOKIE2]: QUOTES }],
  ['a="half; b=x"', { [ES1]: "cookie-es 1 drops the last character of any value starting with a quote" }],
  ["=x; a=1", Object.fromEntries(ALL.map((p) => [p, "core skips a pair with an empty name"]))],
  ["a=x\u0001y; c=2", Object.fromEntries(ALL.map((p) => [p, "core skips a pair holding a control character"]))],
  ["a=\u00a0x\u00a0", { [ES1]: "cookie-es 1 trims every Unicode space; core, like the others, only spaces and tabs" }],
];

const entries = (object) => Object.entries(object);

// fetch's Headers trims values and refuses controls and non-Latin-1 text; those headers are
// checked against cookie-es directly.
function sendable(header) {
  try {
    return new Headers({ cookie: header }).get("cookie") === header;
  } catch {
    return false;
  }
}

test("parsing agrees with every peer except where documented", async (t) => {
  let agreements = 0;
  for (const [header, deviations = {}] of HEADERS) {
    const ours = await parse(core, header);
    for (const [peer, run] of Object.entries(PEERS)) {
      const theirs = entries(run(header));
      if (peer in deviations) {
        assert.notDeepEqual(ours, theirs, `${peer} now agrees on ${JSON.stringify(header)}: drop the deviation`);
      } else {
        assert.deepEqual(ours, theirs, `${peer} on ${JSON.stringify(header)}`);
        agreements += 1;
      }
    }
  }
  t.diagnostic(`${agreements} header/peer pairs identical`);
});

test("h3's parseCookies is its cookie-es parse", async () => {
  for (const [header] of HEADERS) {
    if (!sendable(header)) continue;
    const v1 = await withH3V1((e, h3) => h3.parseCookies(e), header);
    assert.deepEqual(entries(v1.result), entries(cookieEs1.parse(header)));
    const v2 = await withH3V2((e, h3) => h3.parseCookies(e), header);
    assert.deepEqual(entries(v2.result), entries(cookieEs3.parse(header)));
  }
});

test("percent-decoding matches on every escape of the first 0x800 code points", async () => {
  const parts = [];
  for (let code = 1; code < 0x800; code += 1) {
    const char = String.fromCodePoint(code);
    parts.push(`c${code}=${encodeURIComponent(char)}x%`);
  }
  const header = parts.join("; ");
  assert.deepEqual(await parse(core, header), entries(cookieEs3.parse(header)));
});

test("decodeURIComponent failures keep the raw value, as in every peer", async () => {
  const bytes = ["%80", "%BF", "%C2", "%E0%80", "%E0%A0", "%F0%80%80", "%F8%88%80%80%80", "%FF", "%C2%C2"];
  const header = bytes.map((escape, index) => `b${index}=${escape}`).join("; ");
  const ours = await parse(core, header);
  for (const run of Object.values(PEERS)) assert.deepEqual(ours, entries(run(header)));
});
