// Acceptance tests of the daemon's life: what it stored survives a restart;
// SIGTERM and SIGINT stop accepting, let requests in flight finish (at most
// 10 s), close the database and exit 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { startDaemon, createWorker, putHours, createService } from './lib.mjs';
import { rawConn, hostPort, uid, sleep } from './foundation-helpers.mjs';

const hours = {
  weekly: { mon: [['09:00', '12:00'], ['13:00', '17:00']], sat: [['10:00', '24:00']] },
  overrides: [{ date: '2027-12-24', intervals: [['09:00', '12:00']] }, { date: '2027-12-25', intervals: [] }],
  time_off: [{ start: '2027-12-28T00:00:00+01:00', end: '2028-01-03T00:00:00+01:00' }],
};

test('workers, hours, services and tokens survive a restart', async () => {
  let d = await startDaemon();
  try {
    const w = await createWorker(d, { id: uid('rs'), locale: 'nl', timezone: 'Europe/Amsterdam' });
    await putHours(d, w, hours);
    await createService(d, w, { id: 'maths', capacity: 4, max_per_day: 2, video: false });
    await createService(d, w, { id: 'off', active: false });
    const beforeHours = (await d.api('GET', `/api/v1/workers/${w.id}/availability`, { token: w.token })).json;
    const beforeSvc = (await d.api('GET', `/api/v1/workers/${w.id}/services`, { token: w.token })).json;
    const stopped = await d.stop();
    assert.equal(stopped.code, 0);
    d = await d.restart();
    const g = await d.api('GET', `/api/v1/workers/${w.id}`, { token: w.token });
    assert.equal(g.status, 200, g.text);
    assert.equal(g.json.locale, 'nl');
    assert.equal(g.json.timezone, 'Europe/Amsterdam');
    assert.equal(g.json.email, 'marie@example.org');
    // The port (and so the base URL) changes; the secret path must not.
    assert.equal(new URL(g.json.feed_url).pathname, new URL(w.feed_url).pathname);
    const h = await d.api('GET', `/api/v1/workers/${w.id}/availability`, { token: w.token });
    assert.deepEqual(h.json, beforeHours);
    const s = await d.api('GET', `/api/v1/workers/${w.id}/services`, { token: w.token });
    assert.deepEqual(s.json, beforeSvc);
    // The admin token kept by the harness still works after the restart.
    const w2 = await createWorker(d, { id: uid('rs') });
    assert.ok(w2.token);
    // The feed URL still answers.
    assert.equal((await d.api('GET', new URL(w.feed_url).pathname)).status, 200);
  } finally {
    await d.stop();
    d.cleanup();
  }
});

test('rotated tokens stay rotated across a restart', async () => {
  let d = await startDaemon();
  try {
    const w = await createWorker(d, { id: uid('rt') });
    const t = await d.api('POST', `/api/v1/workers/${w.id}/token`, { token: w.token });
    const f = await d.api('POST', `/api/v1/workers/${w.id}/feed-token`, { token: t.json.token });
    assert.equal(f.status, 200);
    d = await d.restart();
    assert.equal((await d.api('GET', `/api/v1/workers/${w.id}/availability`, { token: w.token })).status, 401);
    assert.equal((await d.api('GET', `/api/v1/workers/${w.id}/availability`, { token: t.json.token })).status, 200);
    assert.equal((await d.api('GET', new URL(w.feed_url).pathname)).status, 404);
    assert.equal((await d.api('GET', new URL(f.json.feed_url).pathname)).status, 200);
  } finally {
    await d.stop();
    d.cleanup();
  }
});

// Starts a POST whose body is held back half-way, so that the request is in
// flight when the signal comes; returns the connection and the rest.
async function halfRequest(d) {
  const body = JSON.stringify({ id: uid('if'), name: 'En vol', email: 'vol@example.org', timezone: 'Europe/Brussels' });
  const half = Math.floor(body.length / 2);
  const { host, port } = hostPort(d.url);
  const c = rawConn(d.url);
  await c.write(`POST /api/v1/workers HTTP/1.1\r\nHost: ${host}:${port}\r\nAuthorization: Bearer ${d.admin}\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n` +
    body.slice(0, half));
  await sleep(200);
  return { c, rest: body.slice(half), id: JSON.parse(body).id };
}

// True when a new connection to url is not served: refused, closed, or left
// unanswered for ms.
function refused(url, ms = 2000) {
  const { host, port } = hostPort(url);
  return new Promise((res) => {
    const s = net.connect({ host, port });
    const t = setTimeout(() => { s.destroy(); res(true); }, ms);
    s.on('connect', async () => {
      // Connected: it is accepted only if the daemon still answers on it.
      s.write(`GET /healthz HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
      let got = '';
      s.on('data', (b) => { got += b; });
      s.on('close', () => { clearTimeout(t); res(!/^HTTP\/1\.1 200/.test(got)); });
    });
    s.on('error', () => { clearTimeout(t); res(true); });
  });
}

for (const signal of ['SIGTERM', 'SIGINT']) {
  test(`${signal}: the request in flight completes, new ones are not served, exit 0`, async () => {
    const d = await startDaemon();
    try {
      const { c, rest, id } = await halfRequest(d);
      const t0 = Date.now();
      d.proc.kill(signal);
      await sleep(300);
      assert.equal(d.proc.exitCode, null, 'the daemon left before its request in flight was done');
      assert.ok(await refused(d.url), 'a new connection was still served after the signal');
      await c.write(rest);
      const r = await c.waitFinal(5000);
      c.close();
      assert.equal(r?.status, 201, `in-flight request: ${r?.status} ${r?.text}`);
      assert.equal(r.json.id, id);
      const e = await d.exited;
      assert.deepEqual(e, { code: 0, signal: null });
      assert.ok(Date.now() - t0 < 10000);
      // The database is closed cleanly (SQLite removes the WAL file when its
      // last connection closes) and holds the in-flight worker.
      assert.ok(!existsSync(`${d.db}-wal`), 'the -wal file is left: the database was not closed');
      const check = execFileSync('/usr/bin/sqlite3', [d.db, 'PRAGMA integrity_check'], { encoding: 'utf8' });
      assert.equal(check.trim(), 'ok');
      const dump = execFileSync('/usr/bin/sqlite3', [d.db, '.dump'], { encoding: 'utf8' });
      assert.ok(dump.includes(id), 'the in-flight write is not in the database');
    } finally {
      await d.kill();
      d.cleanup();
    }
  });
}

test('SIGTERM with no request in flight exits 0 at once', async () => {
  const d = await startDaemon();
  try {
    await createWorker(d, { id: uid('q') });
    const t0 = Date.now();
    const e = await d.stop('SIGTERM');
    assert.deepEqual(e, { code: 0, signal: null });
    assert.ok(Date.now() - t0 < 3000, `took ${Date.now() - t0} ms`);
  } finally { d.cleanup(); }
});

test('a request that never finishes does not hold the stop beyond about 10 s', async () => {
  const d = await startDaemon();
  try {
    const { c } = await halfRequest(d);
    const t0 = Date.now();
    d.proc.kill('SIGTERM');
    const e = await Promise.race([d.exited, sleep(14000).then(() => 'timeout')]);
    c.close();
    assert.notEqual(e, 'timeout', 'still running 14 s after SIGTERM');
    assert.deepEqual(e, { code: 0, signal: null });
    const took = Date.now() - t0;
    assert.ok(took <= 12500, `took ${took} ms`);
  } finally {
    await d.kill();
    d.cleanup();
  }
});
