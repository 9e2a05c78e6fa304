// A client for core/examples/session_cli: one JSON request per line in, one answer per line out,
// plus the small browser the tests share (a cookie jar and an HTTP client on 127.0.0.1).
import { spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const defaultBinary = fileURLToPath(new URL('../../../target/debug/examples/session_cli', import.meta.url));

export class SessionCli {
  constructor(binary = process.env.POLYSEAL_SESSION_CLI || defaultBinary) {
    this.pending = new Map();
    this.nextId = 1;
    this.child = spawn(binary, [], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.exited = new Promise((resolve) => this.child.once('exit', resolve));
    const failAll = (error) => {
      for (const { reject } of this.pending.values()) reject(error);
      this.pending.clear();
    };
    this.child.once('error', failAll);
    this.child.once('exit', (code) => failAll(new Error(`session_cli exited with ${code}`)));
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      const answer = JSON.parse(line);
      const waiter = this.pending.get(answer.id);
      this.pending.delete(answer.id);
      waiter?.resolve(answer);
    });
  }

  ask(body) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.stdin.write(`${JSON.stringify({ ...body, id })}\n`);
    });
  }

  /** Like ask, but throws unless the answer is ok. */
  async must(body) {
    const answer = await this.ask(body);
    if (!answer.ok) throw new Error(`session_cli ${body.op}: ${answer.code}: ${answer.message}`);
    return answer;
  }

  /** A session manager handle for a config (docs/VECTORS.md, sessions.json) and keyring. */
  async manager(config, keyring) {
    return (await this.must({ op: 'manager', config, keyring })).manager;
  }

  /** Loads a session: {handle, session: {id, isNew, rejection, data, ...}}. */
  load(manager, cookie, now, sessionHeader = null) {
    return this.must({ op: 'load', manager, cookie, sessionHeader, now });
  }

  update(handle, patch, now) { return this.ask({ op: 'update', session: handle, patch, now }); }
  save(handle, now) { return this.ask({ op: 'save', session: handle, now }); }
  clear(handle, now) { return this.ask({ op: 'clear', session: handle, now }); }
  token(handle, now) { return this.must({ op: 'token', session: handle, now }); }
  mutate(handle, data) { return this.must({ op: 'mutate', session: handle, data }); }
  unseal(manager, token, now) { return this.ask({ op: 'unseal', manager, token, now }); }

  async close() {
    this.child.stdin.end();
    await this.exited;
  }
}

/** `name=value` of a Set-Cookie line, and whether the line deletes the cookie. */
export function cookieOf(line) {
  const [pair, ...attributes] = line.split(';');
  const at = pair.indexOf('=');
  const deletes = attributes.some((attribute) => attribute.trim().toLowerCase() === 'max-age=0');
  return { name: pair.slice(0, at), value: pair.slice(at + 1), deletes };
}

/**
 * A browser's cookies for one site: a line with Max-Age=0 removes its cookie, any other line
 * stores its value (an empty one too), in place when the cookie exists.
 */
export class Jar {
  constructor() { this.cookies = new Map(); }

  apply(lines) {
    for (const line of lines ?? []) {
      const { name, value, deletes } = cookieOf(line);
      if (deletes) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return this;
  }

  header() {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  names() { return [...this.cookies.keys()]; }

  copy() {
    const jar = new Jar();
    jar.cookies = new Map(this.cookies);
    return jar;
  }
}

/** Token values masked: `<token>` for the cookie itself, `<chunk>` for `name.N`. */
export function mask(lines, cookieName) {
  return lines.map((line) => {
    const { name, value } = cookieOf(line);
    const rest = line.slice(line.indexOf('=') + 1 + value.length);
    let masked = value;
    if (value && !value.startsWith('__chunked__')) {
      masked = name.startsWith(`${cookieName}.`) ? '<chunk>' : '<token>';
    }
    return `${name}=${masked}${rest}`;
  });
}

/** The session token the lines write (chunks joined), or undefined. */
export function tokenOf(lines, cookieName) {
  const parts = (lines ?? [])
    .map(cookieOf)
    .filter(({ name, value }) => value && (name === cookieName || name.startsWith(`${cookieName}.`)))
    .filter(({ value }) => !value.startsWith('__chunked__'))
    .sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
  return parts.length ? decodeURIComponent(parts.map(({ value }) => value).join('')) : undefined;
}

/**
 * One HTTP request to a test server on 127.0.0.1 with the jar's cookies; stores what the server
 * sets. Returns {status, lines, body}.
 */
export function send(url, { method = 'GET', jar, body, headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const cookie = jar?.header();
    const request = httpRequest(url, {
      method,
      agent: false,
      headers: {
        ...(cookie ? { cookie } : {}),
        ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
        ...headers,
      },
    }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => {
        const lines = response.headers['set-cookie'] ?? [];
        jar?.apply(lines);
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed;
        try { parsed = text ? JSON.parse(text) : undefined; } catch { parsed = text; }
        resolve({ status: response.statusCode, lines, body: parsed });
      });
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(payload);
  });
}

/**
 * A clock the in-process servers and core share: Date.now() is frozen at `ms` until restored,
 * so h3, iron-session and core see the same instant and time can jump forward.
 */
export function freezeClock(ms = Date.now()) {
  const realNow = Date.now;
  const clock = {
    ms,
    set(value) { clock.ms = value; },
    advance(delta) { clock.ms += delta; },
    restore() { Date.now = realNow; },
  };
  Date.now = () => clock.ms;
  return clock;
}

/** A password peers and core both accept. */
export function password(label) {
  return `${label}-polyseal-session-peer-password-0123456789`;
}

/** Counts checks per peer and prints them at the end. */
export function tally() {
  const counts = new Map();
  return {
    pass(peer, count = 1) { counts.set(peer, (counts.get(peer) ?? 0) + count); },
    summary() { return [...counts].map(([peer, count]) => `${peer}: ${count}`).join(', '); },
  };
}
