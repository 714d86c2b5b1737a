// Acceptance tests of API.md "Authentication": bearer tokens, who may touch
// what (401 / 403), the admin token, rotation of worker and feed tokens, a
// booking token on worker resources, and tokens kept only as hashes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  startDaemon, createWorker, createService, putHours, everyDay, dayFromNow, slots, book,
} from './lib.mjs';
import { expectError, uid } from './foundation-helpers.mjs';

let d;
before(async () => { d = await startDaemon(); });
after(async () => { if (d) { await d.stop(); d.cleanup(); } });

// The path of a full feed URL (the daemon's base URL is its listen address).
const pathOf = (u) => new URL(u).pathname + new URL(u).search;

// Every worker-resource call of the foundation, for worker w.
function workerCalls(w) {
  return [
    ['PATCH', `/api/v1/workers/${w.id}`, { name: 'Nouveau nom' }],
    ['GET', `/api/v1/workers/${w.id}/availability`],
    ['PUT', `/api/v1/workers/${w.id}/availability`, everyDay(['09:00', '12:00'])],
    ['POST', `/api/v1/workers/${w.id}/services`, { id: uid('s'), title: 'T', duration_min: 30 }],
    ['PATCH', `/api/v1/workers/${w.id}/services/base`, { title: 'Autre' }],
    ['DELETE', `/api/v1/workers/${w.id}/services/gone`],
    ['POST', `/api/v1/workers/${w.id}/token`],
    ['POST', `/api/v1/workers/${w.id}/feed-token`],
  ];
}

async function freshWorker() {
  const w = await createWorker(d, { id: uid('au') });
  await createService(d, w, { id: 'base' });
  await createService(d, w, { id: 'gone' });
  return w;
}

test('no token, an unknown token or a malformed header is 401 unauthorized', async () => {
  const w = await freshWorker();
  const headersVariants = [
    {},
    { authorization: 'Bearer ' },
    { authorization: 'Bearer not-a-real-token-aaaaaaaaaaaaaaaa' },
    { authorization: `Basic ${Buffer.from(`x:${w.token}`).toString('base64')}` },
    { authorization: w.token },
    { authorization: `Bearer ${w.token}x` },
    { authorization: `Bearer ${w.token.slice(0, -1)}` },
  ];
  for (const [m, p, body] of workerCalls(w)) {
    for (const headers of headersVariants) {
      const r = await d.api(m, p, { body, headers });
      expectError(r, 401, 'unauthorized');
    }
  }
  // The worker is untouched.
  const g = await d.api('GET', `/api/v1/workers/${w.id}`, { token: w.token });
  assert.equal(g.json.name, 'Marie Dubois');
  // Admin-only calls too.
  expectError(await d.api('POST', '/api/v1/workers', { body: { id: uid('x') } }), 401, 'unauthorized');
  expectError(await d.api('DELETE', `/api/v1/workers/${w.id}`), 401, 'unauthorized');
});

test("a worker token is 403 forbidden on another worker's resources", async () => {
  const a = await freshWorker();
  const b = await freshWorker();
  for (const [m, p, body] of workerCalls(b)) {
    const r = await d.api(m, p, { token: a.token, body });
    expectError(r, 403, 'forbidden');
  }
  // b is untouched: its token still works, its name and services are the same.
  const g = await d.api('GET', `/api/v1/workers/${b.id}`, { token: b.token });
  assert.equal(g.status, 200);
  assert.equal(g.json.name, 'Marie Dubois');
  const s = await d.api('GET', `/api/v1/workers/${b.id}/services/gone`);
  assert.equal(s.status, 200);
});

test('a worker token may not create or delete workers (403)', async () => {
  const a = await freshWorker();
  expectError(await d.api('POST', '/api/v1/workers', {
    token: a.token, body: { id: uid('x'), name: 'X', email: 'x@example.org', timezone: 'Europe/Paris' },
  }), 403, 'forbidden');
  expectError(await d.api('DELETE', `/api/v1/workers/${a.id}`, { token: a.token }), 403, 'forbidden');
  assert.equal((await d.api('GET', `/api/v1/workers/${a.id}`)).status, 200);
});

test('a worker token may touch its own resources', async () => {
  const w = await freshWorker();
  for (const [m, p, body] of workerCalls(w)) {
    const r = await d.api(m, p, { token: w.token, body });
    assert.ok(r.status === 200 || r.status === 201 || r.status === 204, `${m} ${p}: ${r.status} ${r.text}`);
    if (p.endsWith('/token')) w.token = r.json.token;
  }
});

test('the admin token may do anything on any worker', async () => {
  const w = await freshWorker();
  for (const [m, p, body] of workerCalls(w)) {
    const r = await d.api(m, p, { token: d.admin, body });
    assert.ok(r.status === 200 || r.status === 201 || r.status === 204, `${m} ${p}: ${r.status} ${r.text}`);
  }
  const r = await d.api('DELETE', `/api/v1/workers/${w.id}`, { token: d.admin });
  assert.equal(r.status, 204);
});

test('the scheme name "Bearer" is case-insensitive (RFC 9110)', async () => {
  const w = await freshWorker();
  const r = await d.api('GET', `/api/v1/workers/${w.id}/availability`, { headers: { authorization: `bearer ${w.token}` } });
  assert.equal(r.status, 200, r.text);
});

test('worker token rotation: the old token stops working, the new one works', async () => {
  const w = await freshWorker();
  const r = await d.api('POST', `/api/v1/workers/${w.id}/token`, { token: w.token });
  assert.equal(r.status, 200, r.text);
  assert.equal(typeof r.json.token, 'string');
  assert.ok(r.json.token.length >= 22, 'at least 128 bits');
  assert.notEqual(r.json.token, w.token);
  expectError(await d.api('GET', `/api/v1/workers/${w.id}/availability`, { token: w.token }), 401, 'unauthorized');
  expectError(await d.api('PATCH', `/api/v1/workers/${w.id}`, { token: w.token, body: { name: 'X' } }), 401, 'unauthorized');
  assert.equal((await d.api('GET', `/api/v1/workers/${w.id}/availability`, { token: r.json.token })).status, 200);
  // The admin can rotate it as well.
  const r2 = await d.api('POST', `/api/v1/workers/${w.id}/token`, { token: d.admin });
  assert.equal(r2.status, 200, r2.text);
  expectError(await d.api('GET', `/api/v1/workers/${w.id}/availability`, { token: r.json.token }), 401, 'unauthorized');
  assert.equal((await d.api('GET', `/api/v1/workers/${w.id}/availability`, { token: r2.json.token })).status, 200);
});

test('feed-token rotation: the old feed URL is 404, the new one 200', async () => {
  const w = await freshWorker();
  assert.match(w.feed_url, new RegExp(`^${d.url}/feeds/${w.id}/[^/]+\\.ics$`));
  const before = await d.api('GET', pathOf(w.feed_url));
  assert.equal(before.status, 200, before.text);
  assert.match(before.headers.get('content-type') || '', /^text\/calendar/);
  const r = await d.api('POST', `/api/v1/workers/${w.id}/feed-token`, { token: w.token });
  assert.equal(r.status, 200, r.text);
  assert.equal(typeof r.json.feed_url, 'string');
  assert.notEqual(r.json.feed_url, w.feed_url);
  assert.match(r.json.feed_url, new RegExp(`^${d.url}/feeds/${w.id}/[^/]+\\.ics$`));
  expectError(await d.api('GET', pathOf(w.feed_url)), 404, 'not_found');
  assert.equal((await d.api('GET', pathOf(r.json.feed_url))).status, 200);
  // The worker's profile shows the current feed URL; the worker token is unchanged.
  const g = await d.api('GET', `/api/v1/workers/${w.id}`, { token: w.token });
  assert.equal(g.status, 200);
  assert.equal(g.json.feed_url, r.json.feed_url);
});

test('a wrong feed token, or the worker token in its place, is 404', async () => {
  const w = await freshWorker();
  expectError(await d.api('GET', `/feeds/${w.id}/${'a'.repeat(43)}.ics`), 404, 'not_found');
  expectError(await d.api('GET', `/feeds/${w.id}/${w.token}.ics`), 404, 'not_found');
  const other = await freshWorker();
  const tok = pathOf(other.feed_url).split('/').pop();
  expectError(await d.api('GET', `/feeds/${w.id}/${tok}`), 404, 'not_found');
});

test('a booking token is 401 on worker resources', async () => {
  const w = await createWorker(d, { id: uid('bk') });
  await putHours(d, w, everyDay(['00:00', '24:00']));
  await createService(d, w, { id: 'base', min_notice_min: 0 });
  await createService(d, w, { id: 'gone' });
  const day = dayFromNow(3);
  const list = await slots(d, w, 'base', day);
  assert.ok(list.length > 0, 'no slot to book');
  const b = await book(d, w, 'base', list[0].start);
  assert.equal(b.status, 201, b.text);
  assert.equal(typeof b.json.token, 'string');
  for (const [m, p, body] of workerCalls(w)) {
    expectError(await d.api(m, p, { token: b.json.token, body }), 401, 'unauthorized');
  }
  expectError(await d.api('POST', '/api/v1/workers', { token: b.json.token, body: { id: uid('x') } }), 401, 'unauthorized');
});

test('tokens are random, distinct and stored only as a hash', async () => {
  const ws = [];
  for (let i = 0; i < 3; i++) ws.push(await freshWorker());
  const tokens = [d.admin, ...ws.map((w) => w.token)];
  assert.equal(new Set(tokens).size, tokens.length);
  for (const t of tokens) assert.ok(t.length >= 22, `token too short for 128 bits: ${t}`);
  const feedTokens = ws.map((w) => pathOf(w.feed_url).split('/').pop().replace(/\.ics$/, ''));
  const dump = execFileSync('/usr/bin/sqlite3', [d.db, '.dump'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.ok(dump.includes(ws[0].id), 'the dump should hold the worker');
  for (const t of tokens) assert.ok(!dump.includes(t), 'a bearer token is stored in clear');
  for (const t of feedTokens) assert.ok(t.length >= 22, `feed token too short: ${t}`);
});
