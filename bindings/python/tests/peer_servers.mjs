// Starts the real h3 1.x, h3 2.x and iron-session 9 servers of tests/peers/sessions/servers.mjs
// for test_peer_sessions.py. Argument: a JSON object {label: {kind, config}} with kind "h3-v1",
// "h3-v2" or "iron-session" and config passed to the server as is. Prints one JSON line
// {label: url} once every server listens on 127.0.0.1, then serves until stdin closes.
import { startH3V1, startH3V2, startIronSession } from '../../../tests/peers/sessions/servers.mjs';

const starters = { 'h3-v1': startH3V1, 'h3-v2': startH3V2, 'iron-session': startIronSession };

const wanted = JSON.parse(process.argv[2] ?? '{}');
const servers = {};
for (const [label, { kind, config }] of Object.entries(wanted)) {
  const start = starters[kind];
  if (!start) throw new Error(`unknown server kind ${JSON.stringify(kind)}`);
  servers[label] = await start(config);
}
const urls = Object.fromEntries(Object.entries(servers).map(([label, server]) => [label, server.url]));
process.stdout.write(`${JSON.stringify(urls)}\n`);

async function stop() {
  await Promise.all(Object.values(servers).map((server) => server.close()));
  process.exit(0);
}
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
