// Runs the real h3 and iron-session code paths and returns the Set-Cookie lines they send.
import * as h3v1 from "h3-v1";
import * as h3v2 from "h3-v2";
import { getIronSession as ironSession8 } from "iron-session-v8";
import { getIronSession as ironSession9 } from "iron-session-v9";

export const PASSWORD = "a-password-of-at-least-32-characters-for-tests";

function request(cookie) {
  return new Request("http://localhost/", { headers: cookie ? { cookie } : {} });
}

/** h3 1.x: runs `act(event, h3)` in a handler; returns the lines and anything it threw. */
export async function withH3V1(act, cookie) {
  let thrown;
  let result;
  const app = h3v1.createApp();
  app.use(
    h3v1.eventHandler((event) => {
      try {
        result = act(event, h3v1);
      } catch (error) {
        thrown = error;
      }
      return "";
    }),
  );
  const response = await h3v1.toWebHandler(app)(request(cookie));
  return { lines: response.headers.getSetCookie(), thrown, result };
}

/** h3 2.x: as withH3V1. */
export async function withH3V2(act, cookie) {
  let thrown;
  let result;
  const app = new h3v2.H3();
  app.all("/", (event) => {
    try {
      result = act(event, h3v2);
    } catch (error) {
      thrown = error;
    }
    return "";
  });
  const response = await app.fetch(request(cookie));
  return { lines: response.headers.getSetCookie(), thrown, result };
}

/** iron-session 9 with web Request/Headers: `act(session)` may save or destroy. */
export async function withIronSession9(options, act, cookie) {
  const headers = new Headers();
  const session = await ironSession9(request(cookie), headers, {
    password: PASSWORD,
    cookieName: "iron",
    ...options,
  });
  let thrown;
  try {
    await act(session);
  } catch (error) {
    thrown = error;
  }
  return { lines: headers.getSetCookie(), thrown, session };
}

/** iron-session 8 with web Request/Response. */
export async function withIronSession8(options, act, cookie) {
  const response = new Response("");
  const session = await ironSession8(request(cookie), response, {
    password: PASSWORD,
    cookieName: "iron",
    ...options,
  });
  let thrown;
  try {
    await act(session);
  } catch (error) {
    thrown = error;
  }
  return { lines: response.headers.getSetCookie(), thrown, session };
}

/** The value part of a Set-Cookie line. */
export function valueOf(line) {
  return line.slice(line.indexOf("=") + 1).split(";")[0];
}

/** The Cookie header a browser would send after storing `lines` (deletions drop cookies). */
export function cookieHeaderAfter(lines, previous = []) {
  const jar = new Map(previous);
  for (const line of lines) {
    const name = line.slice(0, line.indexOf("="));
    if (/; Max-Age=0(;|$)/.test(line)) jar.delete(name);
    else jar.set(name, valueOf(line));
  }
  return [...jar].map(([name, value]) => `${name}=${value}`).join("; ");
}
