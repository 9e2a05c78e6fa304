// Real h3 1.x, h3 2.x and iron-session 9 servers on 127.0.0.1, each using the package's own
// session API. Routes: GET /session reads, POST /session merges the JSON body into the data,
// DELETE /session clears. Answers: {id, createdAt, data, raw}, where raw is the JSON text the
// peer would seal for its session object right now (h3) or the data (iron-session).
import { createServer } from 'node:http';
import * as H3v1 from 'h3-v1';
import * as H3v2 from 'h3-v2';
import { getIronSession } from 'iron-session-v9';

/** Listens on an ephemeral loopback port; returns {url, close}. */
function listen(handler) {
  const server = createServer(handler);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({
        url: `http://127.0.0.1:${port}/session`,
        close: () => new Promise((done) => {
          server.closeAllConnections?.();
          server.close(() => done());
        }),
      });
    });
  });
}

function describeSession(session) {
  if (!session) return { id: null, createdAt: null, data: null, raw: null };
  return { id: session.id, createdAt: session.createdAt, data: { ...session.data }, raw: JSON.stringify(session) };
}

/** h3 1.x: createApp + router + toNodeListener; `config` goes to useSession as is. */
export function startH3V1(config) {
  const name = config.name ?? 'h3';
  const app = H3v1.createApp();
  const router = H3v1.createRouter();
  const current = (event) => describeSession(event.context.sessions?.[name]);
  router.get('/session', H3v1.eventHandler(async (event) => {
    await H3v1.useSession(event, config);
    return current(event);
  }));
  router.post('/session', H3v1.eventHandler(async (event) => {
    const patch = await H3v1.readBody(event);
    const session = await H3v1.useSession(event, config);
    await session.update(patch);
    return current(event);
  }));
  router.delete('/session', H3v1.eventHandler(async (event) => {
    const session = await H3v1.useSession(event, config);
    await session.clear();
    return { cleared: true };
  }));
  app.use(router);
  return listen(H3v1.toNodeListener(app));
}

/** h3 2.x: new H3() with its routes, served through toNodeHandler on node:http. */
export function startH3V2(config) {
  const app = new H3v2.H3();
  const current = async (event) => describeSession(await H3v2.getSession(event, config));
  app.get('/session', async (event) => {
    await H3v2.useSession(event, config);
    return current(event);
  });
  app.post('/session', async (event) => {
    const patch = await H3v2.readBody(event);
    const session = await H3v2.useSession(event, config);
    await session.update(patch);
    return current(event);
  });
  app.delete('/session', async (event) => {
    const session = await H3v2.useSession(event, config);
    await session.clear();
    return { cleared: true };
  });
  return listen(H3v2.toNodeHandler(app));
}

function readJson(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      try { resolve(text ? JSON.parse(text) : {}); } catch (error) { reject(error); }
    });
    req.on('error', reject);
  });
}

/** iron-session 9: node:http + getIronSession(req, res, options). */
export function startIronSession(options) {
  return listen(async (req, res) => {
    try {
      const session = await getIronSession(req, res, options);
      if (req.method === 'POST') {
        Object.assign(session, await readJson(req));
        await session.save();
      } else if (req.method === 'DELETE') {
        session.destroy();
      }
      const data = { ...session };
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ data, raw: JSON.stringify(data) }));
    } catch (error) {
      res.statusCode = 500;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ error: String(error?.message ?? error) }));
    }
  });
}
