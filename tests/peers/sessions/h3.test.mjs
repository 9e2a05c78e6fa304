// Sessions between core (core/examples/session_cli) and real h3 1.x and 2.x servers on
// 127.0.0.1, over HTTP, in both directions: h3's useSession on one side, SessionManager on the
// other, the same cookie jar in between.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';

import { Jar, SessionCli, freezeClock, mask, password, send, tally, tokenOf } from './core.mjs';
import { startH3V1, startH3V2 } from './servers.mjs';

const cli = new SessionCli();
const checks = tally();
after(async () => {
  await cli.close();
  console.log(`# session checks passed per server: ${checks.summary()}`);
});

const PW = password('h3');
const PW_NEXT = password('h3-next');
const ring = (secret) => ({ entries: [{ id: '', password: secret }] });
const BIG = (n) => 'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(Math.ceil(n / 36)).slice(0, n);

/** Runs `body(server)` against a server started for it, and always stops the server. */
async function withServer(start, config, body) {
  const server = await start(config);
  try {
    return await body(server);
  } finally {
    await server.close();
  }
}

/** The fields a peer and core must agree on. */
const shape = ({ id, createdAt, data }) => ({ id, createdAt, data });

const PEERS = [
  { name: 'h3 1.x', start: startH3V1, format: 'h3-v1' },
  { name: 'h3 2.x', start: startH3V2, format: 'h3-v2' },
];

for (const peer of PEERS) {
  const serverConfig = { password: PW, maxAge: 3600 };
  const coreConfig = { format: peer.format, maxAge: 3600 };

  describe(peer.name, () => {
    test('a session the server writes is read by core: same id, createdAt and data', async () => {
      await withServer(peer.start, serverConfig, async (server) => {
        const jar = new Jar();
        const made = await send(server.url, { method: 'POST', jar, body: { user: 'ada', roles: ['admin'] } });
        assert.equal(made.status, 200);
        assert.deepEqual(made.body.data, { user: 'ada', roles: ['admin'] });
        const manager = await cli.manager(coreConfig, ring(PW));
        const { handle, session } = await cli.load(manager, jar.header(), Date.now());
        assert.deepEqual(shape(session), shape(made.body));
        assert.deepEqual([session.isNew, session.rejection, session.needsReseal], [false, null, false]);
        // The JSON text h3 sealed is the text of its session object.
        const opened = await cli.unseal(manager, tokenOf(made.lines, 'h3'), Date.now());
        assert.equal(opened.payload, made.body.raw);
        // core writes the same cookie line for the same session (token masked).
        const updated = await cli.update(handle, { n: 1 }, Date.now());
        assert.ok(updated.ok, updated.message);
        assert.deepEqual(mask(updated.setCookies, 'h3'), mask(made.lines, 'h3'));
        checks.pass(peer.name, 4);
      });
    });

    test('a session core writes is read by the server, which updates it for core', async () => {
      await withServer(peer.start, serverConfig, async (server) => {
        const manager = await cli.manager(coreConfig, ring(PW));
        const jar = new Jar();
        const { handle, session } = await cli.load(manager, '', Date.now());
        const written = await cli.update(handle, { user: 'grace', tags: ['x', 'é'] }, Date.now());
        jar.apply(written.setCookies);
        const read = await send(server.url, { jar });
        assert.deepEqual(shape(read.body), { ...shape(session), data: { user: 'grace', tags: ['x', 'é'] } });
        assert.deepEqual(read.lines, [], 'the server accepts the cookie without rewriting it');
        const opened = await cli.unseal(manager, tokenOf(written.setCookies, 'h3'), Date.now());
        assert.equal(opened.payload, read.body.raw, 'core sealed the text h3 holds');
        const changed = await send(server.url, { method: 'POST', jar, body: { tags: [], n: 2 } });
        assert.equal(changed.lines.length, 1);
        const again = await cli.load(manager, jar.header(), Date.now());
        assert.deepEqual(shape(again.session), {
          ...shape(session), data: { user: 'grace', tags: [], n: 2 },
        });
        checks.pass(peer.name, 4);
      });
    });

    test('a clear on either side ends the session on the other, with the same deletion lines', async () => {
      await withServer(peer.start, serverConfig, async (server) => {
        const manager = await cli.manager(coreConfig, ring(PW));
        const jar = new Jar();
        const made = await send(server.url, { method: 'POST', jar, body: { a: 1 } });
        const theirs = await send(server.url, { method: 'DELETE', jar: jar.copy() });
        const { handle } = await cli.load(manager, jar.header(), Date.now());
        const cleared = await cli.clear(handle, Date.now());
        assert.deepEqual(cleared.setCookies, theirs.lines);
        assert.equal((await cli.save(handle, Date.now())).code, 'SESSION_CLEARED');
        jar.apply(cleared.setCookies);
        const after = await send(server.url, { jar });
        assert.notEqual(after.body.id, made.body.id, 'the server starts a new session');
        assert.deepEqual(after.body.data, {});

        const fresh = await cli.load(manager, '', Date.now());
        jar.apply((await cli.update(fresh.handle, { b: 2 }, Date.now())).setCookies);
        assert.deepEqual((await send(server.url, { jar })).body.data, { b: 2 });
        await send(server.url, { method: 'DELETE', jar });
        const gone = await cli.load(manager, jar.header(), Date.now());
        assert.deepEqual([gone.session.isNew, gone.session.rejection], [true, null]);
        checks.pass(peer.name, 5);
      });
    });

    test('session header: h3 lets x-h3-session win over the cookie; core does when configured', async () => {
      await withServer(peer.start, serverConfig, async (server) => {
        const manager = await cli.manager(coreConfig, ring(PW));
        const headerManager = await cli.manager({ ...coreConfig, sessionHeader: 'x-h3-session' }, ring(PW));
        const jar = new Jar();
        const a = await cli.load(manager, '', Date.now());
        jar.apply((await cli.update(a.handle, { who: 'a' }, Date.now())).setCookies);
        const b = await cli.load(manager, '', Date.now());
        await cli.mutate(b.handle, { who: 'b' });
        const { token } = await cli.token(b.handle, Date.now());
        const header = (value) => ({ 'x-h3-session': value });
        const viaHeader = await send(server.url, { jar: jar.copy(), headers: header(token) });
        assert.deepEqual([viaHeader.body.id, viaHeader.body.data], [b.session.id, { who: 'b' }]);
        const ours = await cli.load(headerManager, jar.header(), Date.now(), token);
        assert.deepEqual([ours.session.id, ours.session.data], [b.session.id, { who: 'b' }]);
        const byDefault = await cli.load(manager, jar.header(), Date.now(), token);
        assert.equal(byDefault.session.id, a.session.id, 'off by default: the cookie is read');
        // An empty header is no header, for h3 and for core.
        const empty = await send(server.url, { jar: jar.copy(), headers: header('') });
        assert.equal(empty.body.id, a.session.id);
        const ourEmpty = await cli.load(headerManager, jar.header(), Date.now(), '');
        assert.deepEqual([ourEmpty.session.id, ourEmpty.session.rejection], [a.session.id, null]);
        checks.pass(peer.name, 5);
      });
    });

    test('rotation: core moves an h3 cookie to a new key; h3 reads only the key it is given', async () => {
      await withServer(peer.start, serverConfig, async (oldServer) => {
        const jar = new Jar();
        const made = await send(oldServer.url, { method: 'POST', jar, body: { user: 'ada' } });
        // h3 seals without a password id, which a keyring looks up as "default".
        const rotating = await cli.manager(coreConfig, {
          current: 'next',
          entries: [{ id: 'next', password: PW_NEXT }, { id: 'default', password: PW }],
        });
        const loaded = await cli.load(rotating, jar.header(), Date.now());
        assert.deepEqual(shape(loaded.session), shape(made.body));
        assert.equal(loaded.session.needsReseal, true);
        const saved = await cli.save(loaded.handle, Date.now());
        assert.equal(saved.setCookies.length, 1);
        assert.match(tokenOf(saved.setCookies, 'h3'), /^Fe26\.2\*next\*/);
        const rotated = jar.copy().apply(saved.setCookies);
        const nextOnly = await cli.manager(coreConfig, { entries: [{ id: 'next', password: PW_NEXT }] });
        const reread = await cli.load(nextOnly, rotated.header(), Date.now());
        assert.deepEqual([reread.session.id, reread.session.needsReseal], [made.body.id, false]);
        // h3 takes one password: the old server no longer reads the cookie, a server given the
        // new password does, and that server in turn cannot read cookies core has not rewritten.
        const old = await send(oldServer.url, { jar: rotated.copy() });
        assert.notEqual(old.body.id, made.body.id);
        await withServer(peer.start, { ...serverConfig, password: PW_NEXT }, async (newServer) => {
          const moved = await send(newServer.url, { jar: rotated.copy() });
          assert.deepEqual(shape(moved.body), shape(made.body));
          const stale = await send(newServer.url, { jar: jar.copy() });
          assert.notEqual(stale.body.id, made.body.id);
        });
        checks.pass(peer.name, 5);
      });
    });
  });
}

describe('h3 2.x only', () => {
  const coreConfig = { format: 'h3-v2' };

  test('chunked sessions cross in both directions; the same transitions write the same lines', async () => {
    await withServer(startH3V2, { password: PW }, async (server) => {
      const manager = await cli.manager(coreConfig, ring(PW));
      const jar = new Jar();
      const made = await send(server.url, { method: 'POST', jar, body: { blob: BIG(5000) } });
      assert.deepEqual(made.lines.map((line) => line.split('=')[0]), ['h3', 'h3.1', 'h3.2']);
      assert.match(made.lines[0], /^h3=__chunked__2;/);
      const { handle, session } = await cli.load(manager, jar.header(), Date.now());
      assert.deepEqual(shape(session), shape(made.body));

      // Growing to four chunks: h3 and core write the same list.
      const theirs = await send(server.url, { method: 'POST', jar: jar.copy(), body: { blob: BIG(9000) } });
      const ours = await cli.update(handle, { blob: BIG(9000) }, Date.now());
      assert.deepEqual(mask(ours.setCookies, 'h3'), mask(theirs.lines, 'h3'));
      assert.equal(ours.setCookies.length, 5);
      jar.apply(ours.setCookies);
      const read = await send(server.url, { jar });
      assert.deepEqual(read.body.data, { blob: BIG(9000) });

      // Shrinking to one cookie deletes every stale chunk first, on both sides.
      const shrinking = await cli.load(manager, jar.header(), Date.now());
      const theirShrink = await send(server.url, { method: 'POST', jar: jar.copy(), body: { blob: 'small' } });
      const ourShrink = await cli.update(shrinking.handle, { blob: 'small' }, Date.now());
      assert.deepEqual(mask(ourShrink.setCookies, 'h3'), mask(theirShrink.lines, 'h3'));
      jar.apply(ourShrink.setCookies);
      assert.deepEqual(jar.names(), ['h3']);
      assert.deepEqual((await send(server.url, { jar })).body.data, { blob: 'small' });

      // Clearing a chunked session deletes the cookie and every chunk, on both sides.
      jar.apply((await cli.update(shrinking.handle, { blob: BIG(5000) }, Date.now())).setCookies);
      assert.deepEqual(jar.names(), ['h3', 'h3.1', 'h3.2']);
      const theirClear = await send(server.url, { method: 'DELETE', jar: jar.copy() });
      const clearing = await cli.load(manager, jar.header(), Date.now());
      const ourClear = await cli.clear(clearing.handle, Date.now());
      assert.deepEqual(ourClear.setCookies, theirClear.lines);
      assert.deepEqual(jar.apply(ourClear.setCookies).names(), []);

      // A lost chunk: core says why, h3 silently starts over.
      const again = new Jar();
      await send(server.url, { method: 'POST', jar: again, body: { blob: BIG(5000) } });
      again.cookies.delete('h3.2');
      const broken = await cli.load(manager, again.header(), Date.now());
      assert.deepEqual([broken.session.isNew, broken.session.rejection], [true, 'MALFORMED']);
      assert.deepEqual((await send(server.url, { jar: again.copy() })).body.data, {});
      checks.pass('h3 2.x', 9);
    });
  });

  test('legacy: an h3 1.x cookie is read by core with needsReseal, upgraded on save, and read by h3 2.x', async () => {
    await withServer(startH3V1, { password: PW }, async (v1) => {
      await withServer(startH3V2, { password: PW }, async (v2) => {
        const jar = new Jar();
        const made = await send(v1.url, { method: 'POST', jar, body: { user: 'ada' } });
        const manager = await cli.manager(coreConfig, ring(PW));
        const loaded = await cli.load(manager, jar.header(), Date.now());
        assert.deepEqual(shape(loaded.session), shape(made.body));
        assert.equal(loaded.session.needsReseal, true);
        const saved = await cli.save(loaded.handle, Date.now());
        assert.equal(saved.setCookies.length, 1);
        const upgraded = jar.copy().apply(saved.setCookies);
        const reread = await cli.load(manager, upgraded.header(), Date.now());
        assert.equal(reread.session.needsReseal, false);
        const v2Read = await send(v2.url, { jar: upgraded.copy() });
        assert.deepEqual(shape(v2Read.body), shape(made.body));
        assert.deepEqual(v2Read.lines, [], 'h3 2.x needs no upgrade of core\'s cookie');
        // h3 2.x upgrades the legacy cookie itself in the same way.
        const v2Legacy = await send(v2.url, { jar: jar.copy() });
        assert.deepEqual(shape(v2Legacy.body), shape(made.body));
        assert.deepEqual(mask(v2Legacy.lines, 'h3'), mask(saved.setCookies, 'h3'));
        // The upgrade is one way: h3 1.x cannot read 8192-iteration cookies.
        const v1Read = await send(v1.url, { jar: upgraded.copy() });
        assert.notEqual(v1Read.body.id, made.body.id);
        checks.pass('h3 2.x', 7);
      });
    });
  });

  test('idle timeout: lastSeenAt in h3\'s key order, the same refresh, the same expiry', async () => {
    const clock = freezeClock(Date.now());
    try {
      const idle = { password: PW, idleTimeout: 600 };
      await withServer(startH3V2, idle, async (server) => {
        const manager = await cli.manager({ format: 'h3-v2', idleTimeout: 600 }, ring(PW));
        const start = clock.ms;
        const jar = new Jar();
        const made = await send(server.url, { method: 'POST', jar, body: { n: 1 } });
        assert.deepEqual(Object.keys(JSON.parse(made.body.raw)), ['id', 'createdAt', 'data', 'lastSeenAt']);
        const sealed = await cli.unseal(manager, tokenOf(made.lines, 'h3'), start);
        assert.equal(sealed.payload, made.body.raw);
        // core reseals the same session into the very same JSON text.
        clock.advance(1000);
        const loaded = await cli.load(manager, jar.header(), clock.ms);
        assert.deepEqual([loaded.session.lastSeenAt, loaded.session.needsReseal], [start, false]);
        const token = await cli.token(loaded.handle, start);
        assert.equal((await cli.unseal(manager, token.token, start)).payload, made.body.raw);
        assert.deepEqual((await send(server.url, { jar: jar.copy() })).lines, [], 'no refresh yet');
        // Exactly half the window: neither refreshes yet.
        clock.set(start + 300_000);
        assert.deepEqual((await send(server.url, { jar: jar.copy() })).lines, []);
        const half = await cli.load(manager, jar.header(), clock.ms);
        assert.equal(half.session.needsReseal, false);

        // Past half the window both refresh, with the same line and the same sealed text.
        clock.set(start + 300_001);
        const theirs = await send(server.url, { jar: jar.copy() });
        assert.equal(theirs.lines.length, 1);
        const sliding = await cli.load(manager, jar.header(), clock.ms);
        assert.equal(sliding.session.needsReseal, true);
        const ours = await cli.save(sliding.handle, clock.ms);
        assert.deepEqual(mask(ours.setCookies, 'h3'), mask(theirs.lines, 'h3'));
        const [theirText, ourText] = await Promise.all([
          cli.unseal(manager, tokenOf(theirs.lines, 'h3'), clock.ms),
          cli.unseal(manager, tokenOf(ours.setCookies, 'h3'), clock.ms),
        ]);
        assert.equal(ourText.payload, theirText.payload);
        assert.equal(JSON.parse(ourText.payload).lastSeenAt, start + 300_001);

        // A session core starts is held by h3 as exactly the object core sealed.
        const coreJar = new Jar();
        const fresh = await cli.load(manager, '', clock.ms);
        const written = await cli.update(fresh.handle, { who: 'core' }, clock.ms);
        coreJar.apply(written.setCookies);
        const held = await send(server.url, { jar: coreJar.copy() });
        const coreText = await cli.unseal(manager, tokenOf(written.setCookies, 'h3'), clock.ms);
        assert.equal(held.body.raw, coreText.payload);

        // Idle longer than the timeout: both start over (core says why).
        clock.set(start + 300_001 + 600_001);
        jar.apply(ours.setCookies);
        const expired = await send(server.url, { jar: jar.copy() });
        assert.notEqual(expired.body.id, made.body.id);
        const ended = await cli.load(manager, jar.header(), clock.ms);
        assert.deepEqual([ended.session.isNew, ended.session.rejection], [true, 'EXPIRED']);
        checks.pass('h3 2.x', 11);
      });
    } finally {
      clock.restore();
    }
  });
});
