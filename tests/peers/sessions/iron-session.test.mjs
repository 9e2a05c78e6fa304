// Sessions between core (core/examples/session_cli) and a real iron-session 9 server
// (node:http + getIronSession) on 127.0.0.1, over HTTP, in both directions.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';

import { Jar, SessionCli, mask, password, send, tally, tokenOf } from './core.mjs';
import { startIronSession } from './servers.mjs';

const cli = new SessionCli();
const checks = tally();
after(async () => {
  await cli.close();
  console.log(`# session checks passed per server: ${checks.summary()}`);
});

const PEER = 'iron-session 9';
const PW_1 = password('iron-session-1');
const PW_2 = password('iron-session-2');
const NAME = 'app';
const TTL = 3600;
const serverOptions = (extra = {}) => ({ password: { 1: PW_1 }, cookieName: NAME, ttl: TTL, ...extra });
const coreConfig = (extra = {}) => ({ format: 'iron-session', cookieName: NAME, maxAge: TTL, ...extra });
const ring1 = { entries: [{ id: '1', password: PW_1 }] };
const BIG = (n) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.repeat(Math.ceil(n / 36)).slice(0, n);

async function withServer(options, body) {
  const server = await startIronSession(options);
  try {
    return await body(server);
  } finally {
    await server.close();
  }
}

test('a session iron-session saves is read by core, and core writes the same line for it', async () => {
  await withServer(serverOptions(), async (server) => {
    const jar = new Jar();
    const made = await send(server.url, { method: 'POST', jar, body: { user: 'ada', roles: ['admin'] } });
    assert.equal(made.status, 200);
    assert.match(made.lines[0], /^app=Fe26\.2\*1\*.*~2; Max-Age=3540; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    const manager = await cli.manager(coreConfig(), ring1);
    const { handle, session } = await cli.load(manager, jar.header(), Date.now());
    assert.deepEqual(session.data, made.body.data);
    assert.deepEqual([session.id, session.isNew, session.rejection, session.needsReseal], ['', false, null, false]);
    const opened = await cli.unseal(manager, tokenOf(made.lines, NAME), Date.now());
    assert.equal(opened.payload, made.body.raw, 'iron-session seals the data object alone');
    const updated = await cli.update(handle, { n: 1 }, Date.now());
    assert.deepEqual(mask(updated.setCookies, NAME), mask(made.lines, NAME));
    checks.pass(PEER, 4);
  });
});

test('a session core writes is read by iron-session, which updates it for core', async () => {
  await withServer(serverOptions(), async (server) => {
    const manager = await cli.manager(coreConfig(), ring1);
    const jar = new Jar();
    const { handle } = await cli.load(manager, '', Date.now());
    const written = await cli.update(handle, { user: 'grace', nested: { a: [1, 'é'] } }, Date.now());
    jar.apply(written.setCookies);
    const read = await send(server.url, { jar });
    assert.deepEqual(read.body.data, { user: 'grace', nested: { a: [1, 'é'] } });
    assert.deepEqual(read.lines, [], 'reading writes nothing');
    const opened = await cli.unseal(manager, tokenOf(written.setCookies, NAME), Date.now());
    assert.equal(opened.payload, read.body.raw);
    await send(server.url, { method: 'POST', jar, body: { n: 2 } });
    const again = await cli.load(manager, jar.header(), Date.now());
    assert.deepEqual(again.session.data, { user: 'grace', nested: { a: [1, 'é'] }, n: 2 });
    checks.pass(PEER, 4);
  });
});

test('destroy and clear write the same deletion and end the session on the other side', async () => {
  await withServer(serverOptions(), async (server) => {
    const manager = await cli.manager(coreConfig(), ring1);
    const jar = new Jar();
    await send(server.url, { method: 'POST', jar, body: { a: 1 } });
    const theirs = await send(server.url, { method: 'DELETE', jar: jar.copy() });
    const { handle } = await cli.load(manager, jar.header(), Date.now());
    const cleared = await cli.clear(handle, Date.now());
    assert.deepEqual(cleared.setCookies, theirs.lines);
    assert.equal((await cli.update(handle, { a: 2 }, Date.now())).code, 'SESSION_CLEARED');
    jar.apply(cleared.setCookies);
    assert.deepEqual((await send(server.url, { jar })).body.data, {});

    const fresh = await cli.load(manager, '', Date.now());
    jar.apply((await cli.update(fresh.handle, { b: 2 }, Date.now())).setCookies);
    await send(server.url, { method: 'DELETE', jar });
    const gone = await cli.load(manager, jar.header(), Date.now());
    assert.deepEqual([gone.session.isNew, gone.session.rejection, gone.session.data], [true, null, {}]);
    checks.pass(PEER, 4);
  });
});

test('chunk: large sessions cross as name.0 … in both directions, with the same lines', async () => {
  await withServer(serverOptions({ chunk: true }), async (server) => {
    const manager = await cli.manager(coreConfig({ split: true }), ring1);
    const jar = new Jar();
    const made = await send(server.url, { method: 'POST', jar, body: { blob: BIG(5000) } });
    assert.deepEqual(made.lines.map((line) => line.split('=')[0]), ['app.0', 'app.1']);
    const fresh = await cli.load(manager, '', Date.now());
    const ourFirst = await cli.update(fresh.handle, { blob: BIG(5000) }, Date.now());
    assert.deepEqual(mask(ourFirst.setCookies, NAME), mask(made.lines, NAME));

    const { handle, session } = await cli.load(manager, jar.header(), Date.now());
    assert.deepEqual(session.data, { blob: BIG(5000) });
    const theirs = await send(server.url, { method: 'POST', jar: jar.copy(), body: { blob: BIG(9000) } });
    const ours = await cli.update(handle, { blob: BIG(9000) }, Date.now());
    assert.deepEqual(mask(ours.setCookies, NAME), mask(theirs.lines, NAME));
    jar.apply(ours.setCookies);
    assert.deepEqual((await send(server.url, { jar })).body.data, { blob: BIG(9000) });

    const shrinking = await cli.load(manager, jar.header(), Date.now());
    const theirShrink = await send(server.url, { method: 'POST', jar: jar.copy(), body: { blob: 'small' } });
    const ourShrink = await cli.update(shrinking.handle, { blob: 'small' }, Date.now());
    assert.deepEqual(mask(ourShrink.setCookies, NAME), mask(theirShrink.lines, NAME));
    jar.apply(ourShrink.setCookies);
    assert.deepEqual(jar.names(), [NAME]);
    assert.deepEqual((await send(server.url, { jar })).body.data, { blob: 'small' });

    jar.apply((await cli.update(shrinking.handle, { blob: BIG(5000) }, Date.now())).setCookies);
    const theirClear = await send(server.url, { method: 'DELETE', jar: jar.copy() });
    const clearing = await cli.load(manager, jar.header(), Date.now());
    const ourClear = await cli.clear(clearing.handle, Date.now());
    assert.deepEqual(ourClear.setCookies, theirClear.lines);
    assert.deepEqual(jar.apply(ourClear.setCookies).names(), []);
    checks.pass(PEER, 8);
  });
});

test('without chunk, too large a session fails on both sides (iron-session throws, core says TOO_LARGE)', async () => {
  await withServer(serverOptions(), async (server) => {
    const theirs = await send(server.url, { method: 'POST', jar: new Jar(), body: { blob: BIG(5000) } });
    assert.equal(theirs.status, 500);
    assert.match(theirs.body.error, /too big/);
    const manager = await cli.manager(coreConfig(), ring1);
    const { handle } = await cli.load(manager, '', Date.now());
    const ours = await cli.update(handle, { blob: BIG(5000) }, Date.now());
    assert.equal(ours.code, 'TOO_LARGE');
    checks.pass(PEER, 2);
  });
});

test('rotation: core and iron-session both move a cookie from password 1 to password 2', async () => {
  await withServer(serverOptions(), async (oldServer) => {
    await withServer(serverOptions({ password: { 1: PW_1, 2: PW_2 } }), async (newServer) => {
      const jar = new Jar();
      await send(oldServer.url, { method: 'POST', jar, body: { user: 'ada' } });
      const rotating = await cli.manager(coreConfig(), {
        current: '2', entries: [{ id: '2', password: PW_2 }, { id: '1', password: PW_1 }],
      });
      const loaded = await cli.load(rotating, jar.header(), Date.now());
      assert.deepEqual([loaded.session.data, loaded.session.needsReseal], [{ user: 'ada' }, true]);
      const saved = await cli.save(loaded.handle, Date.now());
      assert.match(tokenOf(saved.setCookies, NAME), /^Fe26\.2\*2\*/);
      const theirs = await send(newServer.url, { method: 'POST', jar: jar.copy(), body: {} });
      assert.match(tokenOf(theirs.lines, NAME), /^Fe26\.2\*2\*/);
      assert.deepEqual(mask(saved.setCookies, NAME), mask(theirs.lines, NAME));
      const rotated = jar.copy().apply(saved.setCookies);
      assert.deepEqual((await send(newServer.url, { jar: rotated.copy() })).body.data, { user: 'ada' });
      // A server (or core) that only knows password 1 no longer reads it.
      assert.deepEqual((await send(oldServer.url, { jar: rotated.copy() })).body.data, {});
      const oldCore = await cli.manager(coreConfig(), ring1);
      const refused = await cli.load(oldCore, rotated.header(), Date.now());
      assert.deepEqual([refused.session.isNew, refused.session.rejection], [true, 'UNKNOWN_KEY']);
      checks.pass(PEER, 6);
    });
  });
});
