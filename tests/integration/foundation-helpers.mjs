// foundation-helpers.mjs: small helpers shared by the foundation-*.test.mjs
// acceptance tests (error shape, raw HTTP over a socket, bounded CLI runs).
// Not a test file itself: the runner only picks up *.test.mjs.
import assert from 'node:assert/strict';
import net from 'node:net';
import { spawn, spawnSync } from 'node:child_process';
import { BIN } from './lib.mjs';

// Asserts that r (an answer from d.api) is the error of API.md: the status,
// application/json, a body of exactly {"error": {code, message, field?}}.
// field: undefined (not checked), a string (exact), a RegExp, or null (the
// error must have no field).
export function expectError(r, status, code, field) {
  const ctx = `answer: ${r.status} ${r.text.slice(0, 300)}`;
  assert.equal(r.status, status, ctx);
  const ct = r.headers.get ? r.headers.get('content-type') : r.headers['content-type'];
  assert.match(ct || '', /^application\/json\b/i, `content-type ${ct}; ${ctx}`);
  assert.ok(r.json && typeof r.json === 'object' && !Array.isArray(r.json), ctx);
  assert.deepEqual(Object.keys(r.json), ['error'], ctx);
  const e = r.json.error;
  assert.ok(e && typeof e === 'object', ctx);
  for (const k of Object.keys(e)) assert.ok(['code', 'message', 'field'].includes(k), `extra key ${k}; ${ctx}`);
  assert.equal(e.code, code, ctx);
  assert.equal(typeof e.message, 'string', ctx);
  assert.ok(e.message.length > 0, ctx);
  if (field === null) assert.equal(e.field, undefined, ctx);
  else if (typeof field === 'string') assert.equal(e.field, field, ctx);
  else if (field instanceof RegExp) assert.match(String(e.field), field, ctx);
}

export const expect422 = (r, field) => expectError(r, 422, 'validation_failed', field);

// host and port of a daemon's base URL.
export function hostPort(url) {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port) };
}

// Parses the bytes of one HTTP/1.1 answer (or several, e.g. a 100 Continue
// before the final one): returns the list of {status, headers, body}.
export function parseResponses(buf) {
  const out = [];
  let rest = buf;
  while (rest.length) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) break;
    const head = rest.subarray(0, end).toString('latin1').split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head[0])?.[1]);
    const headers = {};
    for (const line of head.slice(1)) {
      const i = line.indexOf(':');
      if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
    }
    rest = rest.subarray(end + 4);
    let body = Buffer.alloc(0);
    if (status >= 100 && status < 200) { out.push({ status, headers, body }); continue; }
    if (headers['transfer-encoding'] && /chunked/i.test(headers['transfer-encoding'])) {
      const parts = [];
      for (;;) {
        const le = rest.indexOf('\r\n');
        if (le < 0) break;
        const n = parseInt(rest.subarray(0, le).toString('latin1'), 16);
        if (!Number.isFinite(n)) break;
        parts.push(rest.subarray(le + 2, le + 2 + n));
        rest = rest.subarray(le + 2 + n + 2);
        if (n === 0) break;
      }
      body = Buffer.concat(parts);
    } else if (headers['content-length'] !== undefined) {
      const n = Number(headers['content-length']);
      body = rest.subarray(0, n);
      rest = rest.subarray(n);
    } else {
      body = rest;
      rest = Buffer.alloc(0);
    }
    out.push({ status, headers, body });
  }
  return out;
}

// Turns a parsed raw answer into the shape of d.api's answer.
export function asApi(resp) {
  const text = resp.body.toString('utf8');
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: resp.status, headers: { get: (k) => resp.headers[k.toLowerCase()] }, text, json };
}

// Opens a raw connection and returns a small driver:
//  write(bytes) -> Promise (resolves false if the socket is gone)
//  waitFinal(ms) -> the first non-1xx answer, or null on timeout
//  responses() -> everything parsed so far; close()
export function rawConn(url) {
  const { host, port } = hostPort(url);
  const sock = net.connect({ host, port });
  let data = Buffer.alloc(0);
  let closed = false;
  const waiters = new Set();
  const poke = () => { for (const w of waiters) w(); };
  sock.on('data', (b) => { data = Buffer.concat([data, b]); poke(); });
  sock.on('error', () => { closed = true; poke(); });
  sock.on('close', () => { closed = true; poke(); });
  const connected = new Promise((res) => { sock.once('connect', res); sock.once('error', res); });
  const final = () => parseResponses(data).find((r) => r.status >= 200);
  return {
    sock,
    get data() { return data; },
    get closed() { return closed; },
    responses: () => parseResponses(data),
    async write(bytes) {
      await connected;
      if (closed || sock.destroyed) return false;
      return new Promise((res) => {
        try {
          sock.write(bytes, (err) => res(!err));
        } catch { res(false); }
      });
    },
    // Waits until the predicate on the data holds, the socket closes, or ms.
    async waitFor(pred, ms) {
      const t0 = Date.now();
      while (!pred() && !closed && Date.now() - t0 < ms) {
        await new Promise((res) => {
          const w = () => { waiters.delete(w); clearTimeout(t); res(); };
          const t = setTimeout(w, Math.max(1, ms - (Date.now() - t0)));
          waiters.add(w);
        });
      }
      return pred();
    },
    async waitFinal(ms) {
      await this.waitFor(() => {
        const f = final();
        if (!f) return false;
        const cl = f.headers['content-length'];
        return cl === undefined || f.body.length >= Number(cl);
      }, ms);
      const f = final();
      return f ? asApi(f) : null;
    },
    close() { sock.destroy(); },
  };
}

// Sends a whole raw request (string or Buffer) and returns the final answer
// in d.api's shape (null if none came within ms).
export async function rawRequest(url, bytes, ms = 5000) {
  const c = rawConn(url);
  await c.write(bytes);
  const r = await c.waitFinal(ms);
  c.close();
  return r;
}

// Runs the binary with a hard time limit (a daemon that starts by mistake is
// killed rather than hanging the suite): {code, signal, stdout, stderr}.
export function runBounded(args, { env = {}, cwd, timeout = 8000 } = {}) {
  const base = { ...process.env };
  for (const k of Object.keys(base)) if (k.startsWith('CRENEAU_')) delete base[k];
  const r = spawnSync(BIN, args, {
    env: { ...base, ...env }, cwd, encoding: 'utf8', timeout, killSignal: 'SIGKILL',
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout || '', stderr: r.stderr || '' };
}

// Spawns `creneau ARGS` (no harness defaults) and waits for "listening on".
export async function spawnListening(args, { env = {}, timeout = 15000 } = {}) {
  const base = { ...process.env };
  for (const k of Object.keys(base)) if (k.startsWith('CRENEAU_')) delete base[k];
  const proc = spawn(BIN, args, { env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '', stdout = '';
  proc.stdout.on('data', (b) => { stdout += b; });
  const exited = new Promise((res) => proc.on('exit', (code, signal) => res({ code, signal })));
  const url = await new Promise((res, rej) => {
    const t = setTimeout(() => rej(new Error(`no "listening on":\n${stderr}`)), timeout);
    proc.stderr.on('data', (b) => {
      stderr += b;
      const m = /listening on (\S+)/.exec(stderr);
      if (m) { clearTimeout(t); res(`http://${m[1]}`); }
    });
    exited.then((e) => { clearTimeout(t); rej(new Error(`exited ${e.code ?? e.signal}:\n${stderr}`)); });
  });
  return {
    proc, url, exited,
    get stderr() { return stderr; },
    get stdout() { return stdout; },
    async stop(sig = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(sig);
      return exited;
    },
  };
}

// A free loopback TCP port (bound then released).
export async function freePort() {
  return new Promise((res, rej) => {
    const s = net.createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => res(port)); });
  });
}

export const sleep = (ms) => new Promise((res) => setTimeout(res, ms));

// A unique id with a prefix, valid as a worker or service id.
let seq = 0;
export function uid(prefix = 'w') {
  seq += 1;
  return `${prefix}-${process.pid.toString(36)}-${seq}-${Math.random().toString(36).slice(2, 6)}`;
}

// Like runBounded, without blocking the event loop (so that the test can
// keep talking to a daemon meanwhile).
export function runAsync(args, { env = {}, cwd, timeout = 20000 } = {}) {
  const base = { ...process.env };
  for (const k of Object.keys(base)) if (k.startsWith('CRENEAU_')) delete base[k];
  return new Promise((res) => {
    const p = spawn(BIN, args, { env: { ...base, ...env }, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    p.stdout.on('data', (b) => { stdout += b; });
    p.stderr.on('data', (b) => { stderr += b; });
    const t = setTimeout(() => p.kill('SIGKILL'), timeout);
    p.on('exit', (code, signal) => { clearTimeout(t); res({ code, signal, stdout, stderr }); });
  });
}
