// GET /api/v1/me, an extension of API.md: whose is this bearer token? The
// admin's ({"role":"admin"}), a worker's ({"role":"worker","worker":ID}),
// or nobody's (401 with the JSON error body): no token, garbage, a booking
// token, a token rotated away, a deleted worker's, a replaced admin token.
// The console signs in with this alone, so the answers must be exact.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startDaemon, createWorker, createService, putHours, everyDay, dayFromNow, slots, book, run,
} from './lib.mjs';

let d;
before(async () => { d = await startDaemon(); });
after(async () => {
  if (d) {
    const { code } = await d.stop();
    d.cleanup();
    assert.equal(code, 0);
  }
});

const me = (token, headers) => d.api('GET', '/api/v1/me', { token, headers });

// A 401 as API.md describes every error: JSON, code unauthorized, a message.
function assertUnauthorized(r, what) {
  assert.equal(r.status, 401, `${what}: ${r.status} ${r.text}`);
  assert.match(r.headers.get('content-type') || '', /^application\/json/, what);
  assert.equal(typeof r.json?.error, 'object', `${what}: ${r.text}`);
  assert.equal(r.json.error.code, 'unauthorized', what);
  assert.equal(typeof r.json.error.message, 'string', what);
  assert.ok(r.json.error.message.length > 0, what);
  assert.deepEqual(Object.keys(r.json), ['error'], what);
}

function assertWorker(r, id, what) {
  assert.equal(r.status, 200, `${what}: ${r.status} ${r.text}`);
  assert.match(r.headers.get('content-type') || '', /^application\/json/, what);
  assert.deepEqual(r.json, { role: 'worker', worker: id }, what);
}

test('the admin token says admin, and nothing more', async () => {
  const r = await me(d.admin);
  assert.equal(r.status, 200, r.text);
  assert.match(r.headers.get('content-type') || '', /^application\/json/);
  assert.deepEqual(r.json, { role: 'admin' });
});

test('a worker token says which worker; two workers are told apart', async () => {
  const a = await createWorker(d, { id: 'me-anna' });
  const b = await createWorker(d, { id: 'me-bram' });
  assertWorker(await me(a.token), 'me-anna', 'anna');
  assertWorker(await me(b.token), 'me-bram', 'bram');
});

test('after a rotation the old worker token is 401 and the new one names the same worker', async () => {
  const w = await createWorker(d, { id: 'me-rotated' });
  assertWorker(await me(w.token), w.id, 'before');
  const rot = await d.api('POST', `/api/v1/workers/${w.id}/token`, { token: w.token });
  assert.equal(rot.status, 200, rot.text);
  assert.match(rot.json.token, /^crw_/);
  assert.notEqual(rot.json.token, w.token);
  assertUnauthorized(await me(w.token), 'old token');
  assertWorker(await me(rot.json.token), w.id, 'new token');
  // Rotated by the admin this time: the same again.
  const rot2 = await d.api('POST', `/api/v1/workers/${w.id}/token`, { token: d.admin });
  assert.equal(rot2.status, 200, rot2.text);
  assertUnauthorized(await me(rot.json.token), 'second old token');
  assertWorker(await me(rot2.json.token), w.id, 'token from the admin');
});

test('a booking token is not a console token: 401', async () => {
  const w = await createWorker(d, { id: 'me-booked' });
  await putHours(d, w, everyDay(['09:00', '17:00']));
  await createService(d, w, { id: 'cours' });
  const start = (await slots(d, w, 'cours', dayFromNow(2)))[0].start;
  const b = await book(d, w, 'cours', start);
  assert.equal(b.status, 201, b.text);
  assert.match(b.json.token, /^crb_/);
  // The token works where it belongs...
  assert.equal((await d.api('GET', `/api/v1/bookings/${b.json.id}`, { token: b.json.token })).status, 200);
  // ...and says nothing here, not even through ?token=.
  assertUnauthorized(await me(b.json.token), 'booking token');
  assertUnauthorized(await d.api('GET', `/api/v1/me?token=${encodeURIComponent(b.json.token)}`),
    'booking token in the query');
});

test('no token, garbage, or a token outside the Authorization header: 401 with the error body', async () => {
  const w = await createWorker(d, { id: 'me-garbage' });
  assertUnauthorized(await me(), 'no token');
  assertUnauthorized(await me('garbage'), 'garbage');
  assertUnauthorized(await me(`crw_${'A'.repeat(43)}`), 'well-shaped worker token nobody has');
  assertUnauthorized(await me(`cra_${'A'.repeat(43)}`), 'well-shaped admin token that is not it');
  assertUnauthorized(await me(`${w.token}x`), 'worker token plus a letter');
  assertUnauthorized(await me(w.token.slice(0, -1)), 'worker token less a letter');
  assertUnauthorized(await me(d.admin.toUpperCase()), 'admin token upper-cased');
  assertUnauthorized(await me(`crw_${'x'.repeat(5000)}`), 'a very long token');
  assertUnauthorized(await me(undefined, { authorization: 'Bearer ' }), 'empty bearer');
  assertUnauthorized(await me(undefined, { authorization: w.token }), 'no Bearer scheme');
  assertUnauthorized(await me(undefined, {
    authorization: `Basic ${Buffer.from(`x:${w.token}`).toString('base64')}`,
  }), 'basic auth');
  // Tokens do not go in URLs here (they would end up in logs).
  assertUnauthorized(await d.api('GET', `/api/v1/me?token=${encodeURIComponent(w.token)}`), 'worker ?token=');
  assertUnauthorized(await d.api('GET', `/api/v1/me?token=${encodeURIComponent(d.admin)}`), 'admin ?token=');
});

test('a deleted worker\'s token is 401', async () => {
  const w = await createWorker(d, { id: 'me-deleted' });
  assertWorker(await me(w.token), w.id, 'before');
  const del = await d.api('DELETE', `/api/v1/workers/${w.id}`, { token: d.admin });
  assert.ok([200, 204].includes(del.status), `${del.status} ${del.text}`);
  assertUnauthorized(await me(w.token), 'deleted worker');
});

test('POST /api/v1/me is 405 with Allow and the error body', async () => {
  for (const [method, token] of [['POST', d.admin], ['POST', undefined], ['DELETE', d.admin], ['PUT', undefined]]) {
    const r = await d.api(method, '/api/v1/me', { token, body: method === 'DELETE' ? undefined : {} });
    const what = `${method} with${token ? '' : 'out'} a token`;
    assert.equal(r.status, 405, `${what}: ${r.status} ${r.text}`);
    assert.match(r.headers.get('allow') || '', /\bGET\b/, what);
    assert.match(r.headers.get('content-type') || '', /^application\/json/, what);
    assert.equal(r.json?.error?.code, 'method_not_allowed', `${what}: ${r.text}`);
    assert.equal(typeof r.json.error.message, 'string', what);
  }
});

// Last: it replaces the daemon's admin token.
test('a new admin token (creneau admin-token) makes the old one 401 in the running daemon', async () => {
  const old = d.admin;
  const r = run(['admin-token', '--db', d.db]);
  assert.equal(r.code, 0, r.stderr);
  const fresh = r.stdout.trim();
  assert.match(fresh, /^cra_/);
  assert.notEqual(fresh, old);
  d.admin = fresh;
  assertUnauthorized(await me(old), 'old admin token');
  const ok = await me(fresh);
  assert.equal(ok.status, 200, ok.text);
  assert.deepEqual(ok.json, { role: 'admin' });
});
