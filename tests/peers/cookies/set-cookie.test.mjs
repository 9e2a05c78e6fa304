// Set-Cookie lines: core's h3-v1 / h3-v2 / iron-session styles against the real packages.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import * as cookie07 from "cookie-0.7";
import * as cookie2 from "cookie-2";
import * as cookieEs1 from "cookie-es-1";
import * as cookieEs3 from "cookie-es-3";
import { Core, CoreError, deleteCookie, jsOptions, setCookie } from "./core.mjs";
import { valueOf, withH3V1, withH3V2, withIronSession8, withIronSession9 } from "./peers.mjs";

const core = new Core();
after(() => core.close());

const NOW = 1764000000000;
const TOKEN = "Fe26.2**0f1e2d3c*aGVsbG8*d29ybGQ*1765209600000*a1b2c3*SGVsbG8tV29ybGQ~2";
const SECURE_DEFAULTS = { path: "/", secure: true, httpOnly: true, sameSite: "Lax" };
const EVERY_ATTRIBUTE = {
  maxAge: 3600,
  expiresMs: NOW,
  domain: "example.com",
  path: "/app",
  secure: true,
  httpOnly: true,
  sameSite: "Strict",
  partitioned: true,
  priority: "High",
};

const OPTION_SETS = [
  {},
  { secure: true, httpOnly: true },
  SECURE_DEFAULTS,
  { maxAge: 3600 },
  { maxAge: 0 },
  { maxAge: 50000000 },
  { expiresMs: NOW },
  { expiresMs: 4233686400000 },
  { expiresMs: 253402300799999 },
  { domain: "example.com" },
  { domain: ".Sub.Example.com" },
  { path: "/app" },
  { path: "/a b" },
  { sameSite: "Strict" },
  { sameSite: "Lax" },
  { secure: true, sameSite: "None" },
  { secure: true, partitioned: true },
  { priority: "Low" },
  { priority: "Medium" },
  { priority: "High" },
  { secure: true, partitioned: true, priority: "Low", sameSite: "None" },
  EVERY_ATTRIBUTE,
];

const VALUES = [
  "",
  "tok",
  TOKEN,
  "x y/é;",
  "a/b+c=:",
  "100%",
  "Fe26.2*1*a-b_c*(x)!'~2",
  "😀",
  'a"b\\c,d',
  "%41",
];

const NAMED = [
  ["a.b", {}],
  ["__Secure-id", { secure: true }],
  ["__Host-id", { secure: true, path: "/" }],
  ["__host-ID", { secure: true, path: "/", httpOnly: true }],
];

function* cases() {
  for (const options of OPTION_SETS) {
    for (const value of VALUES) yield ["s", value, options];
  }
  for (const [name, options] of NAMED) yield [name, TOKEN, options];
}

async function compare(t, style, peer) {
  let compared = 0;
  for (const [name, value, options] of cases()) {
    const expected = await peer(name, value, options);
    const actual = await setCookie(core, name, value, style, options);
    assert.equal(actual, expected, `${style} ${name}=${JSON.stringify(value)} ${JSON.stringify(options)}`);
    compared += 1;
  }
  t.diagnostic(`${compared} lines identical`);
}

test("h3 1.x setCookie", async (t) => {
  await compare(t, "h3-v1", async (name, value, options) => {
    const { lines, thrown } = await withH3V1((e, h3) => h3.setCookie(e, name, value, jsOptions(options)));
    if (thrown) throw thrown;
    return lines[0];
  });
});

test("h3 2.x setCookie", async (t) => {
  await compare(t, "h3-v2", async (name, value, options) => {
    const { lines, thrown } = await withH3V2((e, h3) => h3.setCookie(e, name, value, jsOptions(options)));
    if (thrown) throw thrown;
    return lines[0];
  });
});

test("cookie-es 1.2.3 serialize (h3 1.x) with an explicit path", async (t) => {
  await compare(t, "h3-v1", async (name, value, options) =>
    cookieEs1.serialize(name, value, { path: "/", ...jsOptions(options) }),
  );
});

test("cookie-es 3.1.1 serialize (h3 2.x) with an explicit path", async (t) => {
  await compare(t, "h3-v2", async (name, value, options) =>
    cookieEs3.serialize(name, value, { path: "/", ...jsOptions(options) }),
  );
});

test("cookie 2.0.2 stringifySetCookie (iron-session 9)", async (t) => {
  await compare(t, "iron-session", async (name, value, options) =>
    cookie2.stringifySetCookie({ ...jsOptions(options), name, value }),
  );
});

test("cookie 0.7.2 serialize (iron-session 8) agrees wherever encodeURIComponent is a no-op", async (t) => {
  let compared = 0;
  for (const [name, value, options] of cases()) {
    if (encodeURIComponent(value) !== value) continue;
    const expected = cookie07.serialize(name, value, jsOptions(options));
    assert.equal(await setCookie(core, name, value, "iron-session", options), expected);
    compared += 1;
  }
  t.diagnostic(`${compared} lines identical`);
});

const DELETE_OPTIONS = [
  {},
  { secure: true, httpOnly: true },
  SECURE_DEFAULTS,
  { ...SECURE_DEFAULTS, domain: "example.com", path: "/app" },
  { ...SECURE_DEFAULTS, expiresMs: NOW, maxAge: 600 },
  { ...SECURE_DEFAULTS, partitioned: true, priority: "High" },
];

test("h3 1.x and 2.x deleteCookie", async (t) => {
  let compared = 0;
  for (const options of DELETE_OPTIONS) {
    for (const [style, run] of [
      ["h3-v1", withH3V1],
      ["h3-v2", withH3V2],
    ]) {
      const { lines, thrown } = await run((e, h3) => h3.deleteCookie(e, "h3", jsOptions(options)));
      assert.equal(thrown, undefined);
      assert.equal(await deleteCookie(core, "h3", style, options), lines[0], `${style} ${JSON.stringify(options)}`);
      compared += 1;
    }
  }
  t.diagnostic(`${compared} deletions identical`);
});

// iron-session's own save() and destroy(), end to end, with its cookie option handling.
const IRON_OPTIONS = [
  [{}, 1209600],
  [{}, 3600],
  [{}, 30],
  [{}, 0],
  [{ sameSite: "Strict", domain: "example.com", path: "/app" }, 1209600],
  [{ sameSite: "None", partitioned: true, priority: "High" }, 1209600],
  [{ httpOnly: false, secure: false }, 600],
  [{ expiresMs: 4233686400000 }, 600],
];

function ironExpected(cookieOptions, ttl) {
  const maxAge = ttl === 0 ? 2147483647 : ttl > 60 ? ttl - 60 : ttl;
  return { maxAge, ...SECURE_DEFAULTS, ...cookieOptions };
}

for (const [version, withIronSession] of [
  ["9", withIronSession9],
  ["8", withIronSession8],
]) {
  test(`iron-session ${version} save() and destroy()`, async (t) => {
    let compared = 0;
    for (const [cookieOptions, ttl] of IRON_OPTIONS) {
      const ours = ironExpected(cookieOptions, ttl);
      if (version === "8" && ttl <= 60 && ttl !== 0) ours.maxAge = ttl - 60;
      if (ours.maxAge < 0) continue; // iron-session 8 writes a negative Max-Age; core refuses one.
      const options = { ttl, cookieOptions: jsOptions(cookieOptions) };
      const saved = await withIronSession(options, async (session) => {
        session.user = { id: 42 };
        await session.save();
      });
      assert.equal(saved.thrown, undefined);
      const token = valueOf(saved.lines[0]);
      assert.match(token, /^Fe26\.2\*1\*.*~2$/);
      assert.equal(await setCookie(core, "iron", token, "iron-session", ours), saved.lines[0]);
      const destroyed = await withIronSession(options, (session) => session.destroy());
      assert.equal(await deleteCookie(core, "iron", "iron-session", ours), destroyed.lines[0]);
      compared += 2;
    }
    t.diagnostic(`${compared} lines identical`);
  });
}

// Inputs core refuses. h3 2.x enforces the same prefix and Secure rules; the other peers write
// cookies that browsers then drop.
const REFUSED = [
  ["__Host-session", { path: "/" }, "INVALID_COOKIE"],
  ["__Host-id", { secure: true, path: "/", domain: "example.com" }, "INVALID_COOKIE"],
  ["__Host-id", { secure: true, path: "/app" }, "INVALID_COOKIE"],
  ["__Secure-session", {}, "INVALID_COOKIE"],
  ["__secure-session", {}, "INVALID_COOKIE"],
  ["s", { sameSite: "None" }, "INVALID_COOKIE"],
  ["s", { partitioned: true }, "INVALID_COOKIE"],
];

test("core refuses what h3 2.x refuses: prefixes, SameSite=None and Partitioned without Secure", async () => {
  for (const [name, options, code] of REFUSED) {
    const { thrown } = await withH3V2((e, h3) => h3.setCookie(e, name, "v", jsOptions(options)));
    assert.ok(thrown instanceof TypeError, `h3 2.x accepted ${name} ${JSON.stringify(options)}`);
    for (const style of ["polyseal", "h3-v1", "h3-v2", "iron-session"]) {
      await assert.rejects(setCookie(core, name, "v", style, options), (error) => {
        assert.ok(error instanceof CoreError);
        assert.equal(error.code, code);
        return true;
      });
    }
  }
});

test("core refuses a negative Max-Age that h3 2.x clamps to 0 and h3 1.x writes", async () => {
  const v2 = await withH3V2((e, h3) => h3.setCookie(e, "s", "v", { maxAge: -5 }));
  assert.equal(v2.lines[0], "s=v; Max-Age=0; Path=/");
  const v1 = await withH3V1((e, h3) => h3.setCookie(e, "s", "v", { maxAge: -5 }));
  assert.equal(v1.lines[0], "s=v; Max-Age=-5; Path=/");
  await assert.rejects(setCookie(core, "s", "v", "h3-v2", { maxAge: -5 }), { code: "INVALID_OPTION" });
});
