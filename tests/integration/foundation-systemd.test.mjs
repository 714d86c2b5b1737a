// Acceptance tests of the systemd integration (API.md "Command line": under
// systemd, readiness is reported with sd_notify and a socket passed by
// socket activation is used): the units in systemd/ pass
// `systemd-analyze verify`, the daemon serves on a socket handed over by
// systemd-socket-activate, and it sends READY=1 once it answers and
// STOPPING=1 on SIGTERM.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, BIN, WEB, tempDir, run } from './lib.mjs';
import { freePort, sleep } from './foundation-helpers.mjs';

const UNITS = join(ROOT, 'systemd');
const LISTENER = join(ROOT, 'tests', 'systemd', 'notify_listen.py');
const dirs = [];
const procs = [];
const scratch = () => { const t = tempDir(); dirs.push(t); return t; };
after(() => {
  for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  for (const t of dirs) rmSync(t, { recursive: true, force: true });
});

function cleanEnv(extra = {}) {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('CRENEAU_') || k === 'NOTIFY_SOCKET' || k.startsWith('LISTEN_')) delete env[k];
  return { ...env, ...extra };
}

// Spawns a child, remembers it for the final clean-up, and collects its output.
function launch(cmd, args, env) {
  const p = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  procs.push(p);
  const out = { stdout: '', stderr: '' };
  p.stdout.on('data', (b) => { out.stdout += b; });
  p.stderr.on('data', (b) => { out.stderr += b; });
  const exited = new Promise((res) => p.on('exit', (code, signal) => res({ code, signal })));
  return { p, out, exited };
}

async function until(pred, ms, what) {
  const t0 = Date.now();
  while (!pred()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

test('systemd/creneau.service and creneau.socket pass systemd-analyze verify', () => {
  const svc = join(UNITS, 'creneau.service');
  const sock = join(UNITS, 'creneau.socket');
  assert.ok(existsSync(svc), 'systemd/creneau.service is missing');
  assert.ok(existsSync(sock), 'systemd/creneau.socket is missing');
  assert.ok(existsSync(BIN), `${BIN} is not built`);
  const svcText = readFileSync(svc, 'utf8');
  const sockText = readFileSync(sock, 'utf8');
  assert.match(svcText, /^Type=notify\s*$/m, 'readiness is reported with sd_notify: Type=notify');
  assert.match(svcText, /^ExecStart=[-@+!:]*\S*creneau\s+serve\b/m, 'ExecStart runs creneau serve');
  assert.match(sockText, /^ListenStream=\S+/m, 'the socket unit listens on a stream socket');
  assert.doesNotMatch(sockText, /^Accept=(yes|true|1)\s*$/mi, 'one daemon for all connections, not one per connection');
  // verify wants the ExecStart binary to exist: point it at the built one.
  const dir = scratch();
  const rewritten = svcText.replace(/^(Exec(?:Start|StartPre|StartPost|Reload|Stop)=[-@+!:]*)(\S*\/creneau)(?=\s|$)/gm,
    (_, pre) => `${pre}${BIN}`);
  writeFileSync(join(dir, 'creneau.service'), rewritten);
  writeFileSync(join(dir, 'creneau.socket'), sockText);
  const r = spawnSync('systemd-analyze', ['verify', join(dir, 'creneau.service'), join(dir, 'creneau.socket')], {
    encoding: 'utf8', timeout: 30000,
  });
  const about = (r.stderr + r.stdout).split('\n').filter((l) => /creneau/.test(l));
  assert.equal(r.status, 0, `systemd-analyze verify failed:\n${r.stderr}${r.stdout}`);
  assert.deepEqual(about, [], `systemd-analyze verify complains:\n${about.join('\n')}`);
});

test('socket activation: the daemon serves on the socket systemd hands over', async () => {
  const dir = scratch();
  const db = join(dir, 'creneau.db');
  const at = run(['admin-token', '--db', db]);
  assert.equal(at.code, 0, at.stderr);
  const admin = at.stdout.trim();
  const port = await freePort();
  const other = await freePort();
  // --listen names another port: the passed socket must win over it.
  const sa = launch('systemd-socket-activate', ['-l', `127.0.0.1:${port}`, BIN, 'serve', '--db', db,
    '--web-dir', WEB, '--listen', `127.0.0.1:${other}`], cleanEnv({ CRENEAU_RATE_LIMIT: '0' }));
  await until(() => /Listening on/.test(sa.out.stderr), 5000, 'systemd-socket-activate to listen');
  // The first connection starts the daemon, which must answer on it.
  const r = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(10000) });
  assert.equal(r.status, 200);
  assert.deepEqual(await r.json(), { status: 'ok' });
  const w = await fetch(`http://127.0.0.1:${port}/api/v1/workers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({ id: 'sock-marie', name: 'Marie', email: 'marie@example.org', timezone: 'Europe/Brussels' }),
  });
  assert.equal(w.status, 201, await w.text());
  // It did not also bind its --listen address.
  const stray = await fetch(`http://127.0.0.1:${other}/healthz`, { signal: AbortSignal.timeout(2000) })
    .then((x) => x.status, () => 'refused');
  assert.equal(stray, 'refused', 'the daemon listened on --listen as well as on the passed socket');
  sa.p.kill('SIGTERM');
  const e = await sa.exited;
  assert.deepEqual(e, { code: 0, signal: null }, sa.out.stderr);
});

test('readiness: READY=1 once it answers, STOPPING=1 on SIGTERM', async () => {
  const dir = scratch();
  const db = join(dir, 'creneau.db');
  const sockPath = join(dir, 'notify.sock');
  const ln = launch('/usr/bin/python3', [LISTENER, sockPath], cleanEnv());
  await until(() => /^bound$/m.test(ln.out.stdout), 5000, 'the notify listener');
  const port = await freePort();
  const dm = launch(BIN, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`, '--web-dir', WEB],
    cleanEnv({ NOTIFY_SOCKET: sockPath, CRENEAU_RATE_LIMIT: '0' }));
  const messages = () => ln.out.stdout.split('\n').slice(1).filter(Boolean);
  await until(() => messages().some((m) => m.split('|').includes('READY=1')) || dm.p.exitCode !== null,
    10000, `READY=1 (daemon said: ${dm.out.stderr})`);
  assert.equal(dm.p.exitCode, null, `the daemon exited: ${dm.out.stderr}`);
  // Ready means ready: it answers at once.
  const r = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(3000) });
  assert.equal(r.status, 200);
  assert.ok(!messages().some((m) => m.split('|').includes('STOPPING=1')), 'STOPPING=1 before any signal');
  dm.p.kill('SIGTERM');
  const e = await dm.exited;
  assert.deepEqual(e, { code: 0, signal: null }, dm.out.stderr);
  await until(() => messages().some((m) => m.split('|').includes('STOPPING=1')), 3000,
    `STOPPING=1 (got: ${messages().join(' / ')})`);
  const all = messages().flatMap((m) => m.split('|'));
  assert.ok(all.indexOf('READY=1') < all.indexOf('STOPPING=1'));
  ln.p.kill('SIGTERM');
});

test('without NOTIFY_SOCKET or with an unusable one the daemon still starts', async () => {
  const dir = scratch();
  const port = await freePort();
  const dm = launch(BIN, ['serve', '--db', join(dir, 'c.db'), '--listen', `127.0.0.1:${port}`, '--web-dir', WEB],
    cleanEnv({ NOTIFY_SOCKET: join(dir, 'nobody-listens.sock') }));
  await until(() => /listening on/.test(dm.out.stderr) || dm.p.exitCode !== null, 10000, 'listening');
  const r = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(3000) });
  assert.equal(r.status, 200);
  dm.p.kill('SIGTERM');
  assert.deepEqual(await dm.exited, { code: 0, signal: null });
});
