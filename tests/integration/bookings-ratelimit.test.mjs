// bookings-ratelimit: --rate-limit N (API.md "Command line"): booking
// writes per minute per client address, each counted whatever its outcome
// once past the route and authentication; the next one is 429 with
// Retry-After; reads are not limited. Each test speaks from its own
// loopback address (127.0.0.x), so that they do not share a window.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import {
  startDaemon, createWorker, putHours, createService, everyDay, dayFromNow, slots,
} from './lib.mjs';

let d;
// The command line wins over the harness's CRENEAU_RATE_LIMIT=0.
before(async () => { d = await startDaemon({ args: ['--rate-limit', '3'] }); });
after(async () => { await d.stop(); d.cleanup(); });

// One HTTP call from the local address `from`.
function call(from, method, path, { token, body, headers = {} } = {}) {
  const u = new URL(d.url + path);
  const h = { ...headers };
  if (token) h.authorization = `Bearer ${token}`;
  let payload;
  if (body !== undefined) {
    payload = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    h['content-type'] = 'application/json';
    h['content-length'] = payload.length;
  }
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method, headers: h, localAddress: from }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json;
        try { json = JSON.parse(text); } catch { json = undefined; }
        resolve({ status: res.statusCode, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

const bookFrom = (from, w, s, start, fields = {}, headers = {}) => call(from, 'POST',
  `/api/v1/workers/${w.id}/services/${s}/bookings`,
  { body: { start, name: 'Jean Peeters', email: 'jean@example.org', ...fields }, headers });

async function setup(prefix) {
  const w = await createWorker(d, { id: `${prefix}-${Math.random().toString(36).slice(2, 9)}`, timezone: 'Africa/Abidjan' });
  await putHours(d, w, everyDay(['08:00', '18:00']));
  await createService(d, w, { id: 's', duration_min: 60 });
  return w;
}

function assertLimited(r, what) {
  assert.equal(r.status, 429, `${what}: ${r.status} ${r.text}`);
  assert.equal(r.json?.error?.code, 'rate_limited', `${what}: ${r.text}`);
  const after = r.headers['retry-after'];
  assert.match(after || '', /^\d+$/, `${what}: Retry-After ${after}`);
  assert.ok(+after >= 1 && +after <= 60, `${what}: Retry-After ${after}`);
}

test('the 4th booking write in a minute gets 429 with Retry-After', async () => {
  const me = '127.0.0.2';
  const w = await setup('rl');
  const D = dayFromNow(5);
  // Three writes with three outcomes: all count.
  const b = await bookFrom(me, w, 's', `${D}T09:00:00Z`);
  assert.equal(b.status, 201, b.text);
  const taken = await bookFrom(me, w, 's', `${D}T09:00:00Z`, { email: 'two@example.org' });
  assert.equal(taken.status, 409, taken.text);
  const bad = await bookFrom(me, w, 's', `${D}T10:00:00Z`, { email: 'nope' });
  assert.equal(bad.status, 422, bad.text);
  assertLimited(await bookFrom(me, w, 's', `${D}T11:00:00Z`), 'book');
  assertLimited(await call(me, 'POST', `/api/v1/bookings/${b.json.id}/cancel`, { token: b.json.token }), 'cancel');
  assertLimited(await call(me, 'POST', `/api/v1/bookings/${b.json.id}/reschedule`,
    { token: b.json.token, body: { start: `${D}T12:00:00Z` } }), 'reschedule');
  // The rate limit comes before the body is read.
  assertLimited(await call(me, 'POST', `/api/v1/workers/${w.id}/services/s/bookings`, { body: '{not json' }), 'bad JSON');
  // A forged X-Forwarded-For does not make a new client.
  assertLimited(await bookFrom(me, w, 's', `${D}T14:00:00Z`, {}, { 'x-forwarded-for': '203.0.113.7' }), 'X-Forwarded-For');
  assertLimited(await bookFrom(me, w, 's', `${D}T14:00:00Z`, {}, { forwarded: 'for=198.51.100.9' }), 'Forwarded');
  // Reads still work, from the same address.
  const r = await call(me, 'GET', `/api/v1/workers/${w.id}/services/s/slots?from=${D}&to=${D}`);
  assert.equal(r.status, 200, r.text);
  // Another address is another client.
  const other = await bookFrom('127.0.0.4', w, 's', `${D}T15:00:00Z`);
  assert.equal(other.status, 201, other.text);
  // The limited writes did nothing.
  const list = await slots(d, w, 's', D);
  for (const t of ['11:00', '12:00', '14:00']) assert.ok(list.some((s) => s.start.slice(11, 16) === t), t);
  const g = await call(me, 'GET', `/api/v1/bookings/${b.json.id}`, { token: b.json.token });
  assert.equal(g.status, 200, g.text);
  assert.equal(g.json.status, 'confirmed');
  assert.equal(g.json.sequence, 0);
  assert.equal(Date.parse(g.json.start), Date.parse(`${D}T09:00:00Z`));
  const mine = await d.api('GET', `/api/v1/workers/${w.id}/bookings?from=${D}&to=${D}`, { token: w.token });
  assert.equal(mine.status, 200, mine.text);
  assert.equal(mine.json.bookings.length, 2);
});

test('requests that fail the route or authentication are not counted', async () => {
  const me = '127.0.0.3';
  const w = await setup('rn');
  const D = dayFromNow(4);
  const b = await bookFrom(me, w, 's', `${D}T09:00:00Z`);
  assert.equal(b.status, 201, b.text);
  for (let i = 0; i < 4; i++) {
    assert.equal((await bookFrom(me, w, 'no-such-service', `${D}T10:00:00Z`)).status, 404);
    assert.equal((await call(me, 'POST', `/api/v1/bookings/${b.json.id}/cancel`)).status, 401);
    assert.equal((await call(me, 'POST', `/api/v1/bookings/${b.json.id}/cancel`, { token: 'n'.repeat(43) })).status, 404);
    assert.equal((await call(me, 'GET', `/api/v1/workers/${w.id}/services/s/slots?from=${D}&to=${D}`)).status, 200);
  }
  // Two more writes fit in this minute (3 with the first booking).
  const c = await call(me, 'POST', `/api/v1/bookings/${b.json.id}/reschedule`, { token: b.json.token, body: { start: `${D}T11:00:00Z` } });
  assert.equal(c.status, 200, c.text);
  const e = await call(me, 'POST', `/api/v1/bookings/${b.json.id}/cancel`, { token: b.json.token });
  assert.equal(e.status, 200, e.text);
  assertLimited(await bookFrom(me, w, 's', `${D}T14:00:00Z`), 'the 4th counted write');
});
