// bookings-idempotency: the Idempotency-Key header of the booking endpoint
// (API.md "Bookings"): a replay answers the first answer again and books
// nothing more, another body is 422, parallel retries book once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  startDaemon, createWorker, putHours, createService, everyDay, dayFromNow, slots,
} from './lib.mjs';

let d;
before(async () => { d = await startDaemon(); });
after(async () => { await d.stop(); d.cleanup(); });

const uid = (p) => `${p}-${Math.random().toString(36).slice(2, 9)}`;

async function worker() {
  const w = await createWorker(d, { id: uid('bi'), timezone: 'Africa/Abidjan' });
  await putHours(d, w, everyDay(['08:00', '18:00']));
  return w;
}

// Sends the exact same bytes each time.
function post(w, s, raw, key) {
  const headers = key === undefined ? {} : { 'idempotency-key': key };
  return d.api('POST', `/api/v1/workers/${w.id}/services/${s}/bookings`, { body: raw, headers });
}

async function count(w, D) {
  const r = await d.api('GET', `/api/v1/workers/${w.id}/bookings?from=${D}&to=${D}`, { token: w.token });
  assert.equal(r.status, 200, r.text);
  return r.json.bookings.length;
}

test('the same key and body answer the first answer again, token included', async () => {
  const w = await worker();
  await createService(d, w, { id: 'g', duration_min: 60, capacity: 10 });
  const D = dayFromNow(5);
  const raw = JSON.stringify({ start: `${D}T09:00:00Z`, name: 'Jean', email: 'jean@example.org', note: 'x' });
  const key = randomUUID();
  const first = await post(w, 'g', raw, key);
  assert.equal(first.status, 201, first.text);
  for (let i = 0; i < 3; i++) {
    const again = await post(w, 'g', raw, key);
    assert.equal(again.status, 201, again.text);
    assert.deepEqual(again.json, first.json);
    assert.equal(again.json.token, first.json.token);
  }
  assert.equal(await count(w, D), 1);
  assert.equal((await slots(d, w, 'g', D)).find((s) => s.start.slice(11, 16) === '09:00').seats_left, 9);
  // The replayed token is the real one.
  const g = await d.api('GET', `/api/v1/bookings/${first.json.id}`, { token: first.json.token });
  assert.equal(g.status, 200, g.text);
  // Without a key, the same body books another seat.
  const plain = await post(w, 'g', raw);
  assert.equal(plain.status, 201, plain.text);
  assert.notEqual(plain.json.id, first.json.id);
  // Another key: another seat.
  const other = await post(w, 'g', raw, randomUUID());
  assert.equal(other.status, 201, other.text);
  assert.notEqual(other.json.id, first.json.id);
  assert.equal(await count(w, D), 3);
});

test('the same key with another body is 422 idempotency_mismatch', async () => {
  const w = await worker();
  await createService(d, w, { id: 'g', duration_min: 60, capacity: 10 });
  const D = dayFromNow(6);
  const key = randomUUID();
  const body = { start: `${D}T10:00:00Z`, name: 'Jean', email: 'jean@example.org' };
  const first = await post(w, 'g', JSON.stringify(body), key);
  assert.equal(first.status, 201, first.text);
  for (const other of [{ ...body, name: 'Jeanne' }, { ...body, start: `${D}T11:00:00Z` }, { ...body, note: 'n' }]) {
    const r = await post(w, 'g', JSON.stringify(other), key);
    assert.equal(r.status, 422, r.text);
    assert.equal(r.json?.error?.code, 'idempotency_mismatch', r.text);
  }
  assert.equal(await count(w, D), 1);
});

test('a replayed refusal stays a refusal; the key is scoped to the service', async () => {
  const w = await worker();
  await createService(d, w, { id: 'a', duration_min: 60 });
  await createService(d, w, { id: 'b', duration_min: 60 });
  const D = dayFromNow(7);
  const key = randomUUID();
  const raw = JSON.stringify({ start: `${D}T09:00:00Z`, name: 'Jean', email: 'jean@example.org' });
  const first = await post(w, 'a', raw, key);
  assert.equal(first.status, 201, first.text);
  // Same key on another service's endpoint: its own request. The slot is
  // the same time of the same worker, so it is refused as taken.
  const onB = await post(w, 'b', raw, key);
  assert.equal(onB.status, 409, onB.text);
  assert.equal(onB.json?.error?.code, 'slot_unavailable');
  const raw2 = JSON.stringify({ start: `${D}T13:00:00Z`, name: 'Jean', email: 'jean@example.org' });
  const onB2 = await post(w, 'b', raw2, randomUUID());
  assert.equal(onB2.status, 201, onB2.text);
  assert.equal(await count(w, D), 2);
  // Replays of the first stay the first answer although the slot is taken.
  const again = await post(w, 'a', raw, key);
  assert.equal(again.status, 201, again.text);
  assert.deepEqual(again.json, first.json);
});

test('20 parallel requests with one key book exactly once', async () => {
  for (let round = 0; round < 3; round++) {
    const w = await worker();
    await createService(d, w, { id: 'g', duration_min: 60, capacity: 50 });
    const D = dayFromNow(8 + round);
    const key = randomUUID();
    const raw = JSON.stringify({ start: `${D}T09:00:00Z`, name: 'Jean', email: 'jean@example.org' });
    const answers = await Promise.all(Array.from({ length: 20 }, () => post(w, 'g', raw, key)));
    const ok = answers.filter((r) => r.status === 201);
    for (const r of answers) {
      assert.ok(r.status === 201 || (r.status === 409 && r.json?.error?.code === 'conflict'),
        `round ${round}: ${r.status} ${r.text}`);
    }
    assert.ok(ok.length >= 1, 'at least the first one succeeds');
    for (const r of ok) assert.deepEqual(r.json, ok[0].json, 'every 201 is the same answer');
    assert.equal(await count(w, D), 1, `round ${round}: booked once`);
    const after = await post(w, 'g', raw, key);
    assert.equal(after.status, 201);
    assert.deepEqual(after.json, ok[0].json);
  }
});
