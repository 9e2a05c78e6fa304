// A client for core/examples/cookie_cli: one JSON case per line in, one JSON answer per line out.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const defaultBinary = fileURLToPath(
  new URL("../../target/debug/examples/cookie_cli", import.meta.url),
);

export class Core {
  constructor(binary = process.env.POLYSEAL_COOKIE_CLI || defaultBinary) {
    this.pending = [];
    this.child = spawn(binary, [], { stdio: ["pipe", "pipe", "inherit"] });
    createInterface({ input: this.child.stdout }).on("line", (line) => {
      this.pending.shift().resolve(JSON.parse(line));
    });
    const failAll = (error) => {
      for (const { reject } of this.pending.splice(0)) reject(error);
    };
    this.child.on("error", failAll);
    this.child.on("exit", (code) => failAll(new Error(`cookie_cli exited with ${code}`)));
  }

  /** Sends one case; answers come back in order. */
  ask(request) {
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.child.stdin.write(`${JSON.stringify(request)}\n`);
    });
  }

  close() {
    this.child.stdin.end();
  }
}

/** The Set-Cookie line core writes, or throws with the error code. */
export async function setCookie(core, name, value, style, options) {
  return lineOf(await core.ask({ op: "set-cookie", name, value, style, options }));
}

export async function deleteCookie(core, name, style, options) {
  return lineOf(await core.ask({ op: "delete-cookie", name, style, options }));
}

export async function parse(core, header) {
  const answer = await core.ask({ op: "parse", header });
  if (answer.result !== "valid") throw new CoreError(answer);
  return answer.cookies;
}

export class CoreError extends Error {
  constructor(answer) {
    super(`${answer.error}: ${answer.message}`);
    this.code = answer.error;
  }
}

function lineOf(answer) {
  if (answer.result !== "valid") throw new CoreError(answer);
  return answer.setCookie;
}

/** Translates polyseal's option object (docs/VECTORS.md) to the peers' option object. */
export function jsOptions(options) {
  const js = {};
  for (const [key, value] of Object.entries(options)) {
    if (key === "expiresMs") js.expires = new Date(value);
    else if (key === "sameSite" || key === "priority") js[key] = value.toLowerCase();
    else js[key] = value;
  }
  return js;
}
