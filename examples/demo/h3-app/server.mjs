// The demo's h3 app: a plain h3 1.x server whose sessions are h3's own `useSession` — nothing
// from polyseal. The Python and C servers of the demo read and write the same cookie.
//
//   DEMO_SESSION_PASSWORD=<32+ characters> node server.mjs [port]     (port 0 or none: any free one)
//
// Routes (JSON in and out): GET /me, POST /login {user}, POST /prefs {theme}, POST /logout.
// Prints "ready <port>" once it listens on 127.0.0.1.
import { createServer } from 'node:http';
import {
  createApp, createError, createRouter, eventHandler, readBody, toNodeListener, useSession,
} from 'h3';

const password = process.env.DEMO_SESSION_PASSWORD;
if (!password || password.length < 32) {
  console.error('DEMO_SESSION_PASSWORD must hold a password of at least 32 characters');
  process.exit(2);
}
const sessionConfig = { password, name: 'h3', maxAge: 60 * 60 };

// h3 1.x creates a session (and sets its cookie) as soon as useSession finds none it can open,
// so a Set-Cookie for "h3" before any update means the request came without a valid session.
function startedNow(event) {
  const lines = [].concat(event.node.res.getHeader('set-cookie') ?? []);
  return lines.some((line) => String(line).startsWith('h3='));
}

function describe(session, isNew) {
  return { id: session.id, isNew, data: { ...session.data } };
}

const NAME = /^[A-Za-z0-9 _.-]{1,32}$/;
function field(body, key) {
  const value = body?.[key];
  if (typeof value !== 'string' || !NAME.test(value)) {
    throw createError({ statusCode: 400, statusMessage: `"${key}" must be a short name` });
  }
  return value;
}

const router = createRouter()
  .get('/me', eventHandler(async (event) => {
    const session = await useSession(event, sessionConfig);
    return describe(session, startedNow(event));
  }))
  .post('/login', eventHandler(async (event) => {
    const user = field(await readBody(event), 'user');
    const session = await useSession(event, sessionConfig);
    const isNew = startedNow(event);
    await session.update({ user, roles: ['member'] });
    return describe(session, isNew);
  }))
  .post('/prefs', eventHandler(async (event) => {
    const theme = field(await readBody(event), 'theme');
    const session = await useSession(event, sessionConfig);
    if (!session.data.user) throw createError({ statusCode: 401, statusMessage: 'not signed in' });
    await session.update({ theme });
    return describe(session, false); // it has a user: it was loaded
  }))
  .post('/logout', eventHandler(async (event) => {
    const session = await useSession(event, sessionConfig);
    await session.clear();
    return { cleared: true };
  }));

const app = createApp();
app.use(router);

const server = createServer(toNodeListener(app));
const port = Number(process.argv[2] ?? process.env.PORT ?? 0);
server.listen(port, '127.0.0.1', () => {
  console.log(`ready ${server.address().port}`);
});
const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
