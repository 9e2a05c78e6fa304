// Chunking: core's h3 and iron-session schemes against h3 2.x setChunkedCookie /
// getChunkedCookie / deleteChunkedCookie and iron-session 9 save() / destroy() / reads.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { Core, CoreError, jsOptions, parse } from "./core.mjs";
import { sealData } from "iron-session-v9";
import { PASSWORD, cookieHeaderAfter, valueOf, withH3V2, withIronSession9 } from "./peers.mjs";

const core = new Core();
after(() => core.close());

const NOW = 1764000000000;
const SECURE_DEFAULTS = { path: "/", secure: true, httpOnly: true, sameSite: "Lax" };

async function state(header, name, scheme) {
  const cookies = await parse(core, header);
  const answer = await core.ask({ op: "reassemble", cookies, name, scheme });
  return { cookies, value: answer.value, previous: answer.state };
}

async function chunkLines(name, value, style, scheme, split, header, options) {
  const { previous } = await state(header, name, scheme);
  const request = { op: "chunk", name, value, style, scheme, split, previous, options };
  const answer = await core.ask(request);
  if (answer.result !== "valid") throw new CoreError(answer);
  return answer.setCookies;
}

// h3 2.x ------------------------------------------------------------------------------------

const H3_VALUES = [
  "x".repeat(10),
  "y".repeat(4000),
  "z".repeat(4001),
  "0123456789abcdef".repeat(530),
  "é".repeat(1500),
  "aé€😀 ;".repeat(900),
  "w".repeat(40000),
];
const H3_HEADERS = [
  "",
  "h3=tok",
  "h3=__chunked__2; h3.1=a; h3.2=b",
  "h3=__chunked__5; h3.1=a",
  "h3=__chunked__99",
  "h3=__chunked__abc; h3.1=a",
  "h3.1=orphan; h3.2=orphan",
];
const H3_OPTIONS = [
  { ...SECURE_DEFAULTS, expiresMs: NOW },
  {},
  { domain: "example.com", path: "/app", secure: true, partitioned: true },
];

test("h3 2.x setChunkedCookie", async (t) => {
  let compared = 0;
  for (const options of H3_OPTIONS) {
    for (const header of H3_HEADERS) {
      for (const value of H3_VALUES) {
        const real = await withH3V2((e, h3) => h3.setChunkedCookie(e, "h3", value, jsOptions(options)), header);
        assert.equal(real.thrown, undefined);
        const ours = await chunkLines("h3", value, "h3-v2", "h3", true, header, options);
        assert.deepEqual(ours, real.lines, `${JSON.stringify(options)} ${header} ${value.length}`);
        compared += 1;
      }
    }
  }
  t.diagnostic(`${compared} Set-Cookie lists identical`);
});

test("h3 2.x deleteChunkedCookie", async () => {
  for (const options of H3_OPTIONS) {
    for (const header of H3_HEADERS) {
      const real = await withH3V2((e, h3) => h3.deleteChunkedCookie(e, "h3", jsOptions(options)), header);
      const ours = await chunkLines("h3", null, "h3-v2", "h3", true, header, options);
      assert.deepEqual(ours, real.lines, `${JSON.stringify(options)} ${header}`);
    }
  }
});

test("h3 2.x reads core's chunks, and core reads h3's", async (t) => {
  let roundTrips = 0;
  for (const value of H3_VALUES) {
    for (const style of ["h3-v2", "h3-v1"]) {
      const ours = await chunkLines("h3", value, style, "h3", true, "", SECURE_DEFAULTS);
      const header = cookieHeaderAfter(ours);
      const read = await withH3V2((e, h3) => h3.getChunkedCookie(e, "h3"), header);
      assert.equal(read.result, value);
      assert.equal((await state(header, "h3", "h3")).value, value);
      roundTrips += 1;
    }
    const real = await withH3V2((e, h3) => h3.setChunkedCookie(e, "h3", value, SECURE_DEFAULTS));
    assert.equal((await state(cookieHeaderAfter(real.lines), "h3", "h3")).value, value);
    roundTrips += 1;
  }
  t.diagnostic(`${roundTrips} round trips`);
});

test("with long attributes core keeps every line within 4096 bytes, and h3 still reads it", async () => {
  const options = { ...SECURE_DEFAULTS, domain: `${"d".repeat(60)}.example.com`, maxAge: 1209600, expiresMs: NOW };
  const value = "v".repeat(9000);
  const real = await withH3V2((e, h3) => h3.setChunkedCookie(e, "h3", value, jsOptions(options)));
  assert.ok(real.lines.some((line) => line.length > 4096), "h3 writes lines browsers drop");
  const ours = await chunkLines("h3", value, "h3-v2", "h3", true, "", options);
  assert.ok(ours.every((line) => line.length <= 4096));
  const read = await withH3V2((e, h3) => h3.getChunkedCookie(e, "h3"), cookieHeaderAfter(ours));
  assert.equal(read.result, value);
});

test("h3 2.x getChunkedCookie: core agrees, and is stricter about the count", async () => {
  const agree = [
    "h3=__chunked__2; h3.1=ab; h3.2=cd",
    "h3=__chunked__3; h3.1=ab; h3.2=cd",
    "h3=__chunked__2; h3.1=ab; h3.2=",
    "h3=__chunked__0",
    "h3=__chunked__101; h3.1=a",
    "h3=__chunked__abc; h3.1=a",
    "h3=plain; h3.1=a",
    "h3=",
    "other=1",
  ];
  for (const header of agree) {
    const real = await withH3V2((e, h3) => h3.getChunkedCookie(e, "h3"), header);
    assert.equal((await state(header, "h3", "h3")).value, real.result || null, header);
  }
  // h3 reads the count with parseInt; core only accepts the form h3 writes.
  for (const marker of ["02", "2x", "+2", "0x2"]) {
    const header = `h3=__chunked__${marker}; h3.1=ab; h3.2=cd`;
    const real = await withH3V2((e, h3) => h3.getChunkedCookie(e, "h3"), header);
    assert.equal(real.result, "abcd", `h3 no longer reads ${marker}: drop the deviation`);
    assert.equal((await state(header, "h3", "h3")).value, null, header);
  }
});

// iron-session 9 ----------------------------------------------------------------------------

const IRON_SIZES = [10, 3900, 5000, 11000, 14500];
const IRON_HEADERS = [
  "",
  "iron=whole",
  "iron.0=a; iron.1=b",
  "iron.0=a; iron.1=b; iron.2=c; iron.3=d",
  "iron=whole; iron.0=a; iron.1=b; iron.2=c",
];
// A chunk present after a gap: core reports the highest index + 1 and deletes every index up to
// it; iron-session deletes only the cookies present. The extra deletions are of absent cookies.
const IRON_GAP_HEADERS = ["iron=whole; iron.3=x", "iron.0=a; iron.2=c", "iron.1=b"];
const IRON_COOKIE_OPTIONS = [{}, { domain: "example.com", sameSite: "Strict" }];

function ironOptions(cookieOptions) {
  return { maxAge: 1209540, ...SECURE_DEFAULTS, ...cookieOptions };
}

function sealOf(lines) {
  const stored = lines.filter((line) => !/; Max-Age=0;/.test(line));
  return stored.map(valueOf).join("");
}

test("iron-session 9 save() with and without chunk", async (t) => {
  let compared = 0;
  for (const cookieOptions of IRON_COOKIE_OPTIONS) {
    for (const header of IRON_HEADERS) {
      for (const size of IRON_SIZES) {
        for (const chunk of [true, false]) {
          const real = await withIronSession9(
            { chunk, cookieOptions: jsOptions(cookieOptions) },
            async (session) => {
              session.data = "q".repeat(size);
              await session.save();
            },
            header,
          );
          const label = `${JSON.stringify(cookieOptions)} ${header} ${size} chunk=${chunk}`;
          if (real.thrown) {
            assert.match(real.thrown.message, /too big|maximum is 4/, label);
            assert.equal(real.lines.length, 0);
            const seal = await sealData({ data: "q".repeat(size) }, { password: PASSWORD });
            await assert.rejects(
              chunkLines("iron", seal, "iron-session", "iron-session", chunk, header, ironOptions(cookieOptions)),
              { code: "TOO_LARGE" },
              label,
            );
          } else {
            const seal = sealOf(real.lines);
            const ours = await chunkLines(
              "iron", seal, "iron-session", "iron-session", chunk, header, ironOptions(cookieOptions),
            );
            assert.deepEqual(ours, real.lines, label);
          }
          compared += 1;
        }
      }
    }
  }
  t.diagnostic(`${compared} save() outcomes identical`);
});

test("iron-session 9 destroy()", async () => {
  for (const cookieOptions of IRON_COOKIE_OPTIONS) {
    for (const header of IRON_HEADERS) {
      const real = await withIronSession9({ cookieOptions: jsOptions(cookieOptions) }, (s) => s.destroy(), header);
      const ours = await chunkLines(
        "iron", null, "iron-session", "iron-session", true, header, ironOptions(cookieOptions),
      );
      assert.deepEqual(ours, real.lines, `${JSON.stringify(cookieOptions)} ${header}`);
    }
  }
});

test("iron-session 9 reads core's chunks, and core reads iron-session's", async (t) => {
  let roundTrips = 0;
  for (const size of IRON_SIZES.slice(0, 4)) {
    const real = await withIronSession9({ chunk: true }, async (session) => {
      session.data = "q".repeat(size);
      await session.save();
    });
    const seal = sealOf(real.lines);
    assert.equal((await state(cookieHeaderAfter(real.lines), "iron", "iron-session")).value, seal);
    const ours = await chunkLines("iron", seal, "iron-session", "iron-session", true, "", ironOptions({}));
    const read = await withIronSession9({}, () => {}, cookieHeaderAfter(ours));
    assert.equal(read.session.data, "q".repeat(size));
    roundTrips += 1;
  }
  t.diagnostic(`${roundTrips} round trips`);
});

test("iron-session 9 with a gap in the chunks: core deletes a superset", async () => {
  for (const header of IRON_GAP_HEADERS) {
    for (const size of [10, 5000]) {
      const act = async (session) => {
        session.data = "q".repeat(size);
        await session.save();
      };
      const real = await withIronSession9({ chunk: true }, act, header);
      const ours = await chunkLines("iron", sealOf(real.lines), "iron-session", "iron-session", true, header, ironOptions({}));
      assert.ok(real.lines.every((line) => ours.includes(line)), `${header} ${size}`);
      const extra = ours.filter((line) => !real.lines.includes(line));
      const present = new Set((await parse(core, header)).map(([name]) => name));
      for (const line of extra) {
        assert.match(line, /^iron\.\d=; Max-Age=0;/);
        assert.ok(!present.has(line.slice(0, line.indexOf("="))), line);
      }
    }
    const destroyed = await withIronSession9({}, (session) => session.destroy(), header);
    const ours = await chunkLines("iron", null, "iron-session", "iron-session", true, header, ironOptions({}));
    assert.ok(destroyed.lines.every((line) => ours.includes(line)), header);
  }
});
