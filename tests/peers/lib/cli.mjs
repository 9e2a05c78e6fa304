// Drives core/examples/fe26_cli: one long-running process, one JSON line per request.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const defaultBinary = path.join(repo, 'target', 'debug', 'examples', 'fe26_cli');

export class Fe26Cli {
  constructor(binary = process.env.FE26_CLI ?? defaultBinary) {
    this.child = spawn(binary, [], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.pending = new Map();
    this.nextId = 1;
    this.exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.once('error', (error) => this.failAll(error));
    this.child.once('exit', (code) => this.failAll(new Error(`fe26_cli exited with ${code}`)));
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      const answer = JSON.parse(line);
      const waiter = this.pending.get(answer.id);
      this.pending.delete(answer.id);
      waiter?.resolve(answer);
    });
  }

  failAll(error) {
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }

  request(body) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.stdin.write(`${JSON.stringify({ ...body, id })}\n`);
    });
  }

  /** Seals `value` (its JSON.stringify text) and returns the answer: {ok, token} or {ok:false, code}. */
  seal({ value, keyring, options, now = Date.now(), fixedHex }) {
    return this.request({ op: 'seal', payload: JSON.stringify(value), keyring, options, now, fixedHex });
  }

  /** Unseals a token: {ok, payload, keyId, expiresAt, needsReseal} or {ok:false, code, message}. */
  unseal({ token, keyring, options, now = Date.now() }) {
    return this.request({ op: 'unseal', token, keyring, options, now });
  }

  async close() {
    this.child.stdin.end();
    await this.exited;
  }
}
