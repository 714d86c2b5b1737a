// lib.mjs: the shared harness of the black-box tests. It starts the real
// build/creneau on a free loopback port with a fresh SQLite file, and talks
// to it over HTTP with fetch. No mocks.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = process.env.CRENEAU_BIN || join(ROOT, 'build', 'creneau');
export const WEB = join(ROOT, 'web');

// Runs the binary to completion: {code, stdout, stderr}.
export function run(args, { env = {}, input } = {}) {
  try {
    const stdout = execFileSync(BIN, args, {
      env: { ...cleanEnv(), ...env }, input, stdio: ['pipe', 'pipe', 'pipe'],
      encoding: 'utf8', timeout: 30000,
    });
    return { code: 0, stdout, stderr: '' };
  } catch (e) {
    if (e.status === null || e.status === undefined) throw e;
    return { code: e.status, stdout: e.stdout || '', stderr: e.stderr || '' };
  }
}

// The environment without CRENEAU_* variables, so that the machine's own
// settings never leak into a test.
function cleanEnv() {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('CRENEAU_')) delete env[k];
  return env;
}

export function tempDir() {
  return mkdtempSync(join(tmpdir(), 'creneau-test-'));
}

// Starts `creneau serve` and waits until it says where it listens.
// Options: dir (kept across restarts), args, env, admin (false: no token).
export async function startDaemon(opts = {}) {
  const dir = opts.dir || tempDir();
  const db = opts.db || join(dir, 'creneau.db');
  let admin = opts.adminToken;
  if (admin === undefined && opts.admin !== false) {
    const r = run(['admin-token', '--db', db]);
    if (r.code !== 0) throw new Error(`admin-token failed: ${r.stderr}`);
    admin = r.stdout.trim();
  }
  const args = ['serve', '--db', db, '--listen', opts.listen || '127.0.0.1:0',
    '--web-dir', WEB, ...(opts.args || [])];
  const proc = spawn(BIN, args, {
    env: { ...cleanEnv(), CRENEAU_RATE_LIMIT: '0', ...(opts.env || {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '', stdout = '';
  const exited = new Promise((res) => proc.on('exit', (code, signal) => res({ code, signal })));
  const url = await new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`daemon did not start:\n${stderr}`)), 15000);
    proc.stdout.on('data', (b) => { stdout += b; });
    proc.stderr.on('data', (b) => {
      stderr += b;
      const m = /listening on (\S+)/.exec(stderr);
      if (m) { clearTimeout(timer); res(`http://${m[1]}`); }
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      rej(new Error(`daemon exited (${code ?? signal}) before listening:\n${stderr}`));
    });
  });
  const d = {
    url, admin, db, dir, proc, exited,
    get stderr() { return stderr; },
    get stdout() { return stdout; },
    // One HTTP call. body: object (sent as JSON) or string (sent as is).
    async api(method, path, { token, body, headers = {} } = {}) {
      const h = { ...headers };
      if (token) h.authorization = `Bearer ${token}`;
      let payload;
      if (body !== undefined) {
        payload = typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body);
        if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) h['content-type'] = 'application/json';
      }
      const r = await fetch(url + path, { method, headers: h, body: payload, redirect: 'manual' });
      const text = await r.text();
      let json;
      try { json = JSON.parse(text); } catch { json = undefined; }
      return { status: r.status, headers: r.headers, text, json };
    },
    // SIGTERM, then the exit status ({code, signal}).
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
    async kill() { return d.stop('SIGKILL'); },
    // A new daemon on the same database and folder.
    async restart(more = {}) {
      await d.stop();
      return startDaemon({ ...opts, ...more, dir, db, adminToken: admin });
    },
    cleanup() { rmSync(dir, { recursive: true, force: true }); },
  };
  return d;
}

// Creates a worker with the admin token; returns the 201 body (token,
// feed_url, ...).
export async function createWorker(d, fields = {}) {
  const body = {
    id: fields.id || `w-${Math.random().toString(36).slice(2, 10)}`,
    name: 'Marie Dubois', email: 'marie@example.org',
    timezone: 'Europe/Brussels', ...fields,
  };
  const r = await d.api('POST', '/api/v1/workers', { token: d.admin, body });
  if (r.status !== 201) throw new Error(`create worker: ${r.status} ${r.text}`);
  return r.json;
}

export async function putHours(d, w, hours) {
  const r = await d.api('PUT', `/api/v1/workers/${w.id}/availability`, { token: w.token, body: hours });
  if (r.status !== 200) throw new Error(`availability: ${r.status} ${r.text}`);
  return r.json;
}

export async function createService(d, w, fields = {}) {
  const body = { id: 'maths-60', title: 'Cours de maths', duration_min: 60, min_notice_min: 0, ...fields };
  const r = await d.api('POST', `/api/v1/workers/${w.id}/services`, { token: w.token, body });
  if (r.status !== 201) throw new Error(`service: ${r.status} ${r.text}`);
  return r.json;
}

// Every day of the week with the same intervals: {mon: [[a,b]], ...}.
export function everyDay(...intervals) {
  const week = {};
  for (const k of ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']) week[k] = intervals;
  return { weekly: week, overrides: [], time_off: [] };
}

// The date `days` days from today (UTC), as YYYY-MM-DD.
export function dayFromNow(days) {
  return new Date(Date.now() + days * 86400000).toISOString().slice(0, 10);
}

export async function slots(d, w, s, from, to = from, tz) {
  const q = new URLSearchParams({ from, to });
  if (tz) q.set('tz', tz);
  const r = await d.api('GET', `/api/v1/workers/${w.id}/services/${s}/slots?${q}`);
  if (r.status !== 200) throw new Error(`slots: ${r.status} ${r.text}`);
  return r.json.slots;
}

export async function book(d, w, s, start, fields = {}, headers = {}) {
  return d.api('POST', `/api/v1/workers/${w.id}/services/${s}/bookings`, {
    body: { start, name: 'Jean Peeters', email: 'jean@example.org', ...fields }, headers,
  });
}
