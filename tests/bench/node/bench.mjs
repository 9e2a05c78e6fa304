// Node side of the side-by-side benchmark (`make bench`): the peers' session sealing, a
// synchronous node:crypto Fe26.2, the raw AES-GCM floor, Set-Cookie builders and, once
// bindings/node is built, polyseal itself. Writes one JSON record per line to the file given
// as the first argument (default: ../results/node.jsonl); tests/bench/report.py reads it.
//
// Method: each operation is warmed up, then timed in REPS batches of about BATCH_MS each;
// a batch's time divided by its size is one sample. Async operations are awaited one after
// another (no overlap), as a request handler awaits them. Reported: median and spread of the
// samples in µs per operation.

import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

import * as cookie from "cookie";
import * as cookieEs from "cookie-es";
import * as h3v1 from "h3-v1";
import * as h3v2 from "h3-v2";
import { sealData, unsealData } from "iron-session";
import * as ironV1 from "iron-webcrypto-v1";
import * as ironV2 from "iron-webcrypto-v2";

import * as fe26 from "./fe26-sync.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const inputs = JSON.parse(readFileSync(`${here}/../payloads.json`, "utf8"));
const PASSWORD = inputs.password;
const PAYLOADS = { A: inputs.A, B: inputs.B };
const COOKIE_NAME = "session";
const TTL_MS = 3_600_000;
const SET_COOKIE_MAX_AGE = 1_209_540;

const QUICK = process.env.POLYSEAL_BENCH_QUICK === "1";
// POLYSEAL_BENCH_ONLY=polyseal skips the peers (for working on the polyseal rows);
// POLYSEAL_BENCH_ONLY=h3-v1 times h3 1.x and polyseal's h3-v1 profile alone (see h3v1Rows).
const ONLY = process.env.POLYSEAL_BENCH_ONLY ?? "";
const ONLY_POLYSEAL = ONLY === "polyseal";
const REPS = QUICK ? 3 : 20;
const BATCH_MS = QUICK ? 5 : 25;
const WARMUP_MS = QUICK ? 20 : 200;

const records = [];
let sink = 0;

function quantile(sorted, q) {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

function summarize(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    median: quantile(sorted, 0.5),
    p25: quantile(sorted, 0.25),
    p75: quantile(sorted, 0.75),
    min: sorted[0],
    max: sorted[sorted.length - 1],
  };
}

const nowNs = () => process.hrtime.bigint();

async function timeBatch(fn, isAsync, n) {
  const start = nowNs();
  if (isAsync) {
    for (let i = 0; i < n; i++) sink ^= (await fn()) ? 1 : 0;
  } else {
    for (let i = 0; i < n; i++) sink ^= fn() ? 1 : 0;
  }
  return Number(nowNs() - start) / 1000;
}

/** µs per operation of `fn` (awaited when `isAsync`): median and spread over REPS batches. */
async function measure(fn, isAsync) {
  let done = 0;
  let spentUs = 0;
  while (spentUs < WARMUP_MS * 1000 || done < 3) {
    spentUs += await timeBatch(fn, isAsync, 1);
    done++;
  }
  const batch = Math.max(1, Math.round((BATCH_MS * 1000) / (spentUs / done)));
  const samples = [];
  for (let r = 0; r < REPS; r++) samples.push((await timeBatch(fn, isAsync, batch)) / batch);
  return { us: summarize(samples), reps: REPS, batch };
}

async function bench(row, fn, isAsync, extra = {}) {
  const result = await measure(fn, isAsync);
  const record = {
    type: "result",
    ecosystem: "node",
    ...row,
    ...extra,
    ...result,
    ops_per_s: 1e6 / result.us.median,
  };
  records.push(record);
  const label = `${row.impl} ${row.op} ${row.payload ?? ""}`.padEnd(58);
  console.log(`${label} ${result.us.median.toFixed(2).padStart(10)} µs/op`);
}

function note(row, status, detail) {
  records.push({ type: "status", ecosystem: "node", ...row, status, detail });
  console.log(`${row.impl}: ${status}${detail ? ` (${detail})` : ""}`);
}

function assert(condition, message) {
  if (!condition) throw new Error(`self-check failed: ${message}`);
}

const sameJson = (a, b) => JSON.stringify(a) === JSON.stringify(b);

// --- the peers, each as { seal(value) -> token, unseal(token) -> value } -------------------

const h3Config = { password: PASSWORD, name: COOKIE_NAME };
// The session object sits in the event context, where h3 looks first; the payload already
// has h3's session shape ({id, createdAt, data}).
const h3Event = (value) => ({ context: { sessions: { [COOKIE_NAME]: value } } });

function withEncryptionOptions(iron, salt, iv, integritySalt) {
  return {
    ...iron.defaults,
    encryption: { ...iron.defaults.encryption, salt, iv },
    integrity: { ...iron.defaults.integrity, salt: integritySalt },
  };
}

const peers = [
  {
    id: "h3-v1",
    impl: "h3 1.15.11 sealSession/unsealSession",
    pkg: "h3-v1",
    seal: (value) => h3v1.sealSession(h3Event(value), h3Config),
    unseal: (token) => h3v1.unsealSession({}, h3Config, token),
  },
  {
    id: "h3-v2",
    impl: "h3 2.0.8 sealSession/unsealSession (8192 iterations)",
    pkg: "h3-v2",
    seal: (value) => h3v2.sealSession(h3Event(value), h3Config),
    unseal: (token) => h3v2.unsealSession({}, h3Config, token),
  },
  {
    id: "iron-session",
    impl: "iron-session 8.0.4 sealData/unsealData",
    pkg: "iron-session",
    seal: (value) => sealData(value, { password: PASSWORD, ttl: 0 }),
    unseal: (token) => unsealData(token, { password: PASSWORD, ttl: 0 }),
  },
  {
    id: "iron-webcrypto-v1",
    impl: "iron-webcrypto 1.2.1 seal/unseal",
    pkg: "iron-webcrypto-v1",
    seal: (value) => ironV1.seal(globalThis.crypto, value, PASSWORD, ironV1.defaults),
    unseal: (token) => ironV1.unseal(globalThis.crypto, token, PASSWORD, ironV1.defaults),
  },
  {
    id: "iron-webcrypto-v2",
    impl: "iron-webcrypto 2.0.0 seal/unseal",
    pkg: "iron-webcrypto-v2",
    seal: (value) => ironV2.seal(value, PASSWORD, ironV2.defaults),
    unseal: (token) => ironV2.unseal(token, PASSWORD, ironV2.defaults),
  },
  {
    id: "fe26-sync",
    impl: "Fe26.2 on synchronous node:crypto (hand-written)",
    sync: true,
    seal: (value) => fe26.seal(value, PASSWORD),
    unseal: (token) => fe26.unseal(token, PASSWORD),
  },
  {
    id: "floor",
    impl: "node:crypto AES-256-GCM + base64url + JSON (raw floor)",
    sync: true,
    seal: (value) => floorSeal(value),
    unseal: (token) => floorUnseal(token),
  },
];

const FLOOR_KEY = randomBytes(32);

function floorSeal(value) {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", FLOOR_KEY, iv);
  cipher.setAAD(Buffer.from(COOKIE_NAME));
  const body = Buffer.concat([cipher.update(JSON.stringify(value), "utf8"), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString("base64url");
}

function floorUnseal(token) {
  const bytes = Buffer.from(token, "base64url");
  const decipher = createDecipheriv("aes-256-gcm", FLOOR_KEY, bytes.subarray(0, 12));
  decipher.setAAD(Buffer.from(COOKIE_NAME));
  decipher.setAuthTag(bytes.subarray(bytes.length - 16));
  const plain = Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]);
  return JSON.parse(plain.toString("utf8"));
}

// --- self-checks: every row must produce what it claims before it is timed ------------------

async function selfCheck() {
  const value = JSON.parse(PAYLOADS.A);
  // The hand-written Fe26.2 must be byte-identical to iron-webcrypto for the same salts and IV,
  // and each must open the other's tokens.
  const encSalt = "a".repeat(64);
  const intSalt = "b".repeat(64);
  const iv = new Uint8Array(16).fill(7);
  for (const iron of [ironV1, ironV2]) {
    const options = withEncryptionOptions(iron, encSalt, iv, intSalt);
    const theirs =
      iron === ironV1
        ? await iron.seal(globalThis.crypto, value, PASSWORD, options)
        : await iron.seal(value, PASSWORD, options);
    const ours = fe26.seal(value, PASSWORD, {
      encryptionSalt: encSalt,
      iv: Buffer.from(iv),
      integritySalt: intSalt,
    });
    assert(theirs === ours, "fe26-sync differs from iron-webcrypto for fixed salts and IV");
  }
  const fromIron = await ironV1.seal(globalThis.crypto, value, PASSWORD, ironV1.defaults);
  assert(sameJson(fe26.unseal(fromIron, PASSWORD), value), "fe26-sync opens iron-webcrypto");
  const fromOurs = fe26.seal(value, PASSWORD, { ttl: TTL_MS });
  assert(
    sameJson(await ironV2.unseal(fromOurs, PASSWORD, ironV2.defaults), value),
    "iron-webcrypto opens fe26-sync",
  );
  // h3 v2 really uses 8192 iterations, and really reads h3 v1 cookies.
  const v2Token = await h3v2.sealSession(h3Event(value), h3Config);
  assert(sameJson(fe26.unseal(v2Token, PASSWORD, { iterations: 8192 }), value), "h3 v2 = 8192");
  const v1Token = await h3v1.sealSession(h3Event(value), h3Config);
  assert(sameJson(await h3v2.unsealSession({}, h3Config, v1Token), value), "h3 v2 legacy");
  for (const peer of peers) {
    const token = await peer.seal(value);
    assert(sameJson(await peer.unseal(token), value), `${peer.id} round-trips`);
  }
  console.log("self-checks passed");
}

// --- polyseal (bindings/node), once it is built ---------------------------------------------

/** polyseal's Node package, or null with a "not built" status when it cannot be loaded. */
async function loadPolyseal() {
  try {
    const mod = await import(new URL("../../../bindings/node/lib/index.js", import.meta.url));
    return mod.default ?? mod;
  } catch (error) {
    const row = { id: "polyseal", impl: "polyseal (bindings/node)" };
    note(row, "not built", error.code ?? String(error.message).split("\n")[0]);
    return null;
  }
}

/**
 * The polyseal rows, through the package's public entry point (`bindings/node/lib/index.js`,
 * built by `make -C bindings/node build`). Records a "not built" status when it cannot be loaded.
 *
 * - native: the same options as the Rust core's rows (cookie name bound, 1 h ttl), so the
 *   difference from the Rust row is the binding's call overhead.
 * - h3-v1 and h3-v2: seal, and unseal of the cookie h3 itself sealed for the same value, read on
 *   every request as a browser sends it (the keyring's derived-key cache serves the repeats).
 */
async function polysealRows() {
  const polyseal = await loadPolyseal();
  if (!polyseal) return null;
  const keyring = new polyseal.Keyring(PASSWORD);
  const sealers = {
    native: new polyseal.Sealer(keyring, { format: "native", cookieName: COOKIE_NAME, ttl: TTL_MS }),
    "h3-v1": new polyseal.Sealer(keyring, { format: "h3-v1" }),
    "h3-v2": new polyseal.Sealer(keyring, { format: "h3-v2" }),
  };
  const peers = { "h3-v1": h3v1, "h3-v2": h3v2 };
  for (const [payload, text] of Object.entries(PAYLOADS)) {
    const value = JSON.parse(text);
    for (const [format, sealer] of Object.entries(sealers)) {
      const r = { impl: `polyseal ${format} (bindings/node)`, id: `polyseal-${format}`, payload };
      const ours = sealer.seal(value);
      assert(sameJson(sealer.unseal(ours).data, value), `polyseal ${format} round-trips`);
      let token = ours;
      const h3 = peers[format];
      if (h3) {
        token = await h3.sealSession(h3Event(value), h3Config);
        assert(sameJson(sealer.unseal(token).data, value), `polyseal ${format} opens h3's cookie`);
        const back = await h3.unsealSession({}, h3Config, ours);
        assert(sameJson(back, value), `h3 opens polyseal ${format}'s cookie`);
      }
      await bench({ ...r, op: "seal" }, () => sealer.seal(value), false, { token_bytes: ours.length });
      await bench({ ...r, op: "unseal" }, () => sealer.unseal(token), false);
      if (format === "native") {
        await bench({ ...r, op: "seal_json" }, () => sealer.sealJson(text), false);
      }
    }
  }
  const token = inputs.setCookieToken;
  const options = {
    path: "/",
    httpOnly: true,
    secure: true,
    sameSite: "lax",
    maxAge: SET_COOKIE_MAX_AGE,
    style: "iron-session",
  };
  const { style: _, ...attributes } = options;
  assert(
    polyseal.setCookie(COOKIE_NAME, token, options) === cookie.serialize(COOKIE_NAME, token, attributes),
    "polyseal's iron-session line is the cookie package's",
  );
  await bench(
    { id: "set-cookie-polyseal", impl: "polyseal setCookie (bindings/node)", op: "set_cookie", payload: "A" },
    () => polyseal.setCookie(COOKIE_NAME, token, options),
    false,
  );
  return polyseal;
}

/**
 * h3 1.x and polyseal's h3-v1 profile alone, payload A. The Makefile runs this on one CPU
 * (`taskset -c 0`): h3 1.x awaits WebCrypto calls that libuv's thread pool runs, and with the
 * pool on the event loop's CPU each hop is a switch on that CPU instead of a wake-up of the
 * other one. Comparing the two runs shows how much of h3 1.x's time is that hand-over.
 */
async function h3v1Rows() {
  const value = JSON.parse(PAYLOADS.A);
  const h3 = peers.find((peer) => peer.id === "h3-v1");
  const theirs = await h3.seal(value);
  const row = { id: h3.id, impl: h3.impl, payload: "A" };
  await bench({ ...row, op: "seal" }, () => h3.seal(value), true, { token_bytes: theirs.length });
  await bench({ ...row, op: "unseal" }, () => h3.unseal(theirs), true);
  const polyseal = await loadPolyseal();
  if (!polyseal) return;
  const sealer = new polyseal.Sealer(new polyseal.Keyring(PASSWORD), { format: "h3-v1" });
  const ours = sealer.seal(value);
  assert(sameJson(sealer.unseal(theirs).data, value), "polyseal h3-v1 opens h3's cookie");
  assert(sameJson(await h3.unseal(ours), value), "h3 opens polyseal h3-v1's cookie");
  const r = { id: "polyseal-h3-v1", impl: "polyseal h3-v1 (bindings/node)", payload: "A" };
  await bench({ ...r, op: "seal" }, () => sealer.seal(value), false, { token_bytes: ours.length });
  await bench({ ...r, op: "unseal" }, () => sealer.unseal(theirs), false);
}

// --- main ----------------------------------------------------------------------------------

function packageVersion(name) {
  try {
    // Read the file itself: some packages do not export ./package.json.
    return JSON.parse(readFileSync(`${here}/node_modules/${name}/package.json`, "utf8")).version;
  } catch {
    return null;
  }
}

async function main() {
  const out = process.argv[2] ?? `${here}/../results/node.jsonl`;
  await selfCheck();
  const packages = {};
  for (const name of [
    "h3-v1",
    "h3-v2",
    "iron-session",
    "iron-webcrypto-v1",
    "iron-webcrypto-v2",
    "cookie",
    "cookie-es",
  ]) {
    packages[name] = packageVersion(name);
  }
  records.push({
    type: "meta",
    ecosystem: "node",
    node: process.version,
    v8: process.versions.v8,
    openssl: process.versions.openssl,
    packages,
    method: { reps: REPS, batch_ms: BATCH_MS, warmup_ms: WARMUP_MS },
    // What this process may run on: 1 when the Makefile pinned it with taskset.
    cpus: availableParallelism(),
  });
  if (ONLY === "h3-v1") {
    await h3v1Rows();
    return finish(out);
  }

  for (const [payload, text] of Object.entries(ONLY_POLYSEAL ? {} : PAYLOADS)) {
    const value = JSON.parse(text);
    await bench(
      { id: "json", impl: "JSON.stringify / JSON.parse alone", op: "seal", payload },
      () => JSON.stringify(value),
      false,
    );
    await bench(
      { id: "json", impl: "JSON.stringify / JSON.parse alone", op: "unseal", payload },
      () => JSON.parse(text),
      false,
    );
    for (const peer of peers) {
      const token = await peer.seal(value);
      const row = { id: peer.id, impl: peer.impl, payload };
      await bench({ ...row, op: "seal" }, () => peer.seal(value), !peer.sync, {
        token_bytes: token.length,
      });
      await bench({ ...row, op: "unseal" }, () => peer.unseal(token), !peer.sync);
    }
    const legacy = await h3v1.sealSession(h3Event(value), h3Config);
    await bench(
      {
        id: "h3-v2-legacy",
        impl: "h3 2.0.8 unseal of an h3 1.x cookie (legacy fallback)",
        op: "unseal",
        payload,
      },
      () => h3v2.unsealSession({}, h3Config, legacy),
      true,
    );
  }

  const token = inputs.setCookieToken;
  if (ONLY_POLYSEAL) {
    await polysealRows();
    return finish(out);
  }
  const attributes = {
    path: "/",
    httpOnly: true,
    secure: true,
    sameSite: "lax",
    maxAge: SET_COOKIE_MAX_AGE,
  };
  await bench(
    { id: "set-cookie-cookie", impl: "cookie 1.1.1 serialize", op: "set_cookie", payload: "A" },
    () => cookie.serialize(COOKIE_NAME, token, attributes),
    false,
  );
  await bench(
    { id: "set-cookie-cookie-es", impl: "cookie-es 3.1.1 serialize", op: "set_cookie", payload: "A" },
    () => cookieEs.serialize(COOKIE_NAME, token, attributes),
    false,
  );

  await polysealRows();
  finish(out);
}

function finish(out) {
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${records.map((r) => JSON.stringify(r)).join("\n")}\n`);
  console.log(`wrote ${records.length} records to ${out} (sink ${sink})`);
}

await main();
