// bookings-manage: reading, cancelling and rescheduling a booking, who may
// do it (API.md "Authentication", "Bookings"), and the worker's list.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startDaemon, createWorker, putHours, createService, everyDay, dayFromNow,
  slots, book,
} from './lib.mjs';

let d;
before(async () => { d = await startDaemon(); });
after(async () => { await d.stop(); d.cleanup(); });

const uid = (p) => `${p}-${Math.random().toString(36).slice(2, 9)}`;
const ms = (s) => Date.parse(s);
const hhmm = (s) => new Date(ms(s)).toISOString().slice(11, 16);

async function worker(hours = everyDay(['08:00', '18:00'])) {
  const w = await createWorker(d, { id: uid('bm'), timezone: 'Africa/Abidjan' });
  await putHours(d, w, hours);
  return w;
}

async function booked(w, s, start, fields) {
  const r = await book(d, w, s, start, fields);
  assert.equal(r.status, 201, r.text);
  return r.json;
}

const get = (b, token) => d.api('GET', `/api/v1/bookings/${b.id}`, { token });
const cancel = (b, token, body) => d.api('POST', `/api/v1/bookings/${b.id}/cancel`, { token, body });
const reschedule = (b, token, start) => d.api('POST', `/api/v1/bookings/${b.id}/reschedule`, { token, body: { start } });

function assertCode(r, status, code, what) {
  assert.equal(r.status, status, `${what}: ${r.status} ${r.text}`);
  assert.equal(r.json?.error?.code, code, `${what}: ${r.text}`);
}

test('GET a booking: its token or its worker\'s; 401 without, 404 for any other token', async () => {
  const w = await worker();
  const w2 = await worker();
  await createService(d, w, { id: 's', duration_min: 60 });
  await createService(d, w2, { id: 's', duration_min: 60 });
  const D = dayFromNow(5);
  const b = await booked(w, 's', `${D}T09:00:00Z`, { note: 'Chapitre 3', timezone: 'Europe/Brussels' });
  const other = await booked(w, 's', `${D}T11:00:00Z`);
  const far = await booked(w2, 's', `${D}T09:00:00Z`);
  for (const [token, who] of [[b.token, 'booking'], [w.token, 'worker'], [d.admin, 'admin']]) {
    const r = await get(b, token);
    assert.equal(r.status, 200, `${who}: ${r.text}`);
    for (const k of ['id', 'status', 'worker', 'service', 'start', 'end', 'name', 'email', 'note',
      'timezone', 'locale', 'room_url', 'sequence']) {
      assert.deepEqual(r.json[k], b[k], `${who}: ${k}`);
    }
    assert.ok(!('token' in r.json), `${who}: the token is shown only once`);
    assert.ok(!r.text.includes(b.token), `${who}: the token is shown only once`);
  }
  assertCode(await get(b), 401, 'unauthorized', 'no token');
  assertCode(await get(b, other.token), 404, 'not_found', 'another booking\'s token');
  assertCode(await get(b, far.token), 404, 'not_found', 'another worker\'s booking token');
  assertCode(await get(b, w2.token), 404, 'not_found', 'another worker\'s token');
  assertCode(await get(b, 'x'.repeat(43)), 404, 'not_found', 'unknown token');
  assertCode(await get({ id: 'no-such-booking' }, w.token), 404, 'not_found', 'unknown id');
  assertCode(await get({ id: 'no-such-booking' }), 401, 'unauthorized', 'unknown id, no token');
  // The same rules on the actions, which then change nothing.
  assertCode(await cancel(b), 401, 'unauthorized', 'cancel without token');
  assertCode(await cancel(b, other.token), 404, 'not_found', 'cancel with another token');
  assertCode(await cancel(b, w2.token), 404, 'not_found', 'cancel with another worker\'s token');
  assertCode(await reschedule(b, other.token, `${D}T13:00:00Z`), 404, 'not_found', 'reschedule with another token');
  assertCode(await reschedule(b, undefined, `${D}T13:00:00Z`), 401, 'unauthorized', 'reschedule without token');
  const r = await get(b, b.token);
  assert.equal(r.json.status, 'confirmed');
  assert.equal(r.json.sequence, 0);
  assert.equal(ms(r.json.start), ms(b.start));
});

test('cancel: 200 cancelled, sequence + 1, again changes nothing, seat freed at once', async () => {
  const w = await worker();
  await createService(d, w, { id: 's', duration_min: 60 });
  const D = dayFromNow(6);
  const b = await booked(w, 's', `${D}T10:00:00Z`);
  assert.ok(!(await slots(d, w, 's', D)).some((s) => hhmm(s.start) === '10:00'));
  const c = await cancel(b, b.token, { reason: 'Malade' });
  assert.equal(c.status, 200, c.text);
  assert.equal(c.json.id, b.id);
  assert.equal(c.json.status, 'cancelled');
  assert.equal(c.json.sequence, 1);
  assert.equal(ms(c.json.start), ms(b.start));
  assert.ok(!('token' in c.json));
  assert.ok((await slots(d, w, 's', D)).some((s) => hhmm(s.start) === '10:00'), 'seat freed at once');
  const again = await cancel(b, b.token);
  assert.equal(again.status, 200, again.text);
  assert.equal(again.json.status, 'cancelled');
  assert.equal(again.json.sequence, 1, 'cancelling again changes nothing');
  const g = await get(b, b.token);
  assert.equal(g.json.status, 'cancelled');
  assert.equal(g.json.sequence, 1);
  // Someone else takes the freed slot.
  await booked(w, 's', `${D}T10:00:00Z`, { email: 'next@example.org' });
  // The worker may cancel too, without a body.
  const b2 = await booked(w, 's', `${D}T12:00:00Z`);
  const c2 = await cancel(b2, w.token);
  assert.equal(c2.status, 200, c2.text);
  assert.equal(c2.json.status, 'cancelled');
  assert.equal(c2.json.sequence, 1);
});

test('reschedule: same id, new times, sequence + 1; the old start is free', async () => {
  const w = await worker();
  await createService(d, w, { id: 's', duration_min: 60 });
  const D = dayFromNow(7);
  const D2 = dayFromNow(8);
  const b = await booked(w, 's', `${D}T10:00:00Z`, { timezone: 'Asia/Tokyo' });
  const r = await reschedule(b, b.token, `${D2}T15:00:00+01:00`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.id, b.id);
  assert.equal(r.json.status, 'confirmed');
  assert.equal(ms(r.json.start), ms(`${D2}T14:00:00Z`));
  assert.equal(ms(r.json.end), ms(`${D2}T15:00:00Z`));
  assert.equal(r.json.start.slice(-6), '+09:00', 'in the booking\'s zone');
  assert.equal(r.json.sequence, 1);
  assert.equal(r.json.room_url, b.room_url);
  assert.ok(!('token' in r.json));
  assert.ok((await slots(d, w, 's', D)).some((s) => hhmm(s.start) === '10:00'), 'old start freed');
  assert.ok(!(await slots(d, w, 's', D2)).some((s) => hhmm(s.start) === '14:00'), 'new start taken');
  // The worker may move it too; the booking token still works afterwards.
  const r2 = await reschedule(b, w.token, `${D2}T16:00:00Z`);
  assert.equal(r2.status, 200, r2.text);
  assert.equal(r2.json.sequence, 2);
  const g = await get(b, b.token);
  assert.equal(g.status, 200);
  assert.equal(ms(g.json.start), ms(`${D2}T16:00:00Z`));
});

test('reschedule into its own time: a 1:1 class moves by 30 minutes', async () => {
  const w = await worker();
  await createService(d, w, { id: 's', duration_min: 60, step_min: 30, buffer_after_min: 15 });
  const D = dayFromNow(9);
  const b = await booked(w, 's', `${D}T10:00:00Z`);
  const r = await reschedule(b, b.token, `${D}T10:30:00Z`);
  assert.equal(r.status, 200, r.text);
  assert.equal(ms(r.json.start), ms(`${D}T10:30:00Z`));
  const back = await reschedule(b, b.token, `${D}T09:30:00Z`);
  assert.equal(back.status, 200, back.text);
  assert.equal(ms(back.json.start), ms(`${D}T09:30:00Z`));
  assert.equal(back.json.sequence, 2);
});

test('reschedule refused: 409 slot_unavailable or conflict, and nothing changes', async () => {
  const w = await worker();
  await createService(d, w, { id: 's', duration_min: 60 });
  const D = dayFromNow(10);
  const b = await booked(w, 's', `${D}T10:00:00Z`);
  await booked(w, 's', `${D}T12:00:00Z`, { email: 'other@example.org' });
  for (const [start, what] of [[`${D}T12:00:00Z`, 'taken'], [`${D}T12:30:00Z`, 'off the grid'],
    [`${D}T20:00:00Z`, 'outside hours'], [`${dayFromNow(-1)}T10:00:00Z`, 'in the past'],
    [`${dayFromNow(90)}T10:00:00Z`, 'past the horizon']]) {
    assertCode(await reschedule(b, b.token, start), 409, 'slot_unavailable', what);
  }
  let r = await reschedule(b, b.token, `${D}T13:00:00`);
  assertCode(r, 422, 'validation_failed', 'start without offset');
  assert.equal(r.json.error.field, 'start');
  r = await d.api('POST', `/api/v1/bookings/${b.id}/reschedule`, { token: b.token, body: {} });
  assertCode(r, 422, 'validation_failed', 'no start');
  assert.equal(r.json.error.field, 'start');
  const g = await get(b, b.token);
  assert.equal(ms(g.json.start), ms(`${D}T10:00:00Z`));
  assert.equal(g.json.sequence, 0);
  assert.equal(g.json.status, 'confirmed');
  assert.ok(!(await slots(d, w, 's', D)).some((s) => hhmm(s.start) === '10:00'), 'still holds its seat');
  // A cancelled booking cannot be moved.
  assert.equal((await cancel(b, b.token)).status, 200);
  assertCode(await reschedule(b, b.token, `${D}T15:00:00Z`), 409, 'conflict', 'cancelled');
  const g2 = await get(b, b.token);
  assert.equal(g2.json.status, 'cancelled');
  assert.equal(g2.json.sequence, 1);
  assert.equal(ms(g2.json.start), ms(`${D}T10:00:00Z`));
  assert.ok((await slots(d, w, 's', D)).some((s) => hhmm(s.start) === '15:00'), '15:00 still free');
});

test('the worker\'s bookings: confirmed and cancelled, by start, within from..to', async () => {
  const w = await worker();
  const w2 = await worker();
  await createService(d, w, { id: 's', duration_min: 60 });
  await createService(d, w, { id: 'g', duration_min: 30, capacity: 3 });
  await createService(d, w2, { id: 's', duration_min: 60 });
  const D = dayFromNow(11);
  const D2 = dayFromNow(12);
  const late = await booked(w, 's', `${D2}T15:00:00Z`);
  const early = await booked(w, 's', `${D}T09:00:00Z`);
  const mid = await booked(w, 'g', `${D}T14:00:00Z`);
  const gone = await booked(w, 's', `${D}T11:00:00Z`);
  const outside = await booked(w, 's', `${dayFromNow(13)}T09:00:00Z`);
  await booked(w2, 's', `${D}T10:00:00Z`);
  assert.equal((await cancel(gone, gone.token)).status, 200);
  const path = `/api/v1/workers/${w.id}/bookings?from=${D}&to=${D2}`;
  const r = await d.api('GET', path, { token: w.token });
  assert.equal(r.status, 200, r.text);
  const list = r.json.bookings;
  assert.deepEqual(list.map((b) => b.id), [early.id, gone.id, mid.id, late.id]);
  assert.deepEqual(list.map((b) => b.status), ['confirmed', 'cancelled', 'confirmed', 'confirmed']);
  assert.ok(!list.some((b) => b.id === outside.id));
  assert.equal(list[0].room_url, early.room_url, 'the worker sees the room');
  assert.equal(list[0].email, early.email);
  assert.equal(list[2].service, 'g');
  for (const b of list) assert.ok(!('token' in b), 'no booking token in the list');
  for (const t of [early, late, mid, gone]) assert.ok(!r.text.includes(t.token));
  const admin = await d.api('GET', path, { token: d.admin });
  assert.equal(admin.status, 200, admin.text);
  assert.equal(admin.json.bookings.length, 4);
  assertCode(await d.api('GET', path), 401, 'unauthorized', 'no token');
  assertCode(await d.api('GET', path, { token: early.token }), 401, 'unauthorized', 'a booking token');
  assertCode(await d.api('GET', path, { token: 'y'.repeat(43) }), 401, 'unauthorized', 'unknown token');
  assertCode(await d.api('GET', path, { token: w2.token }), 403, 'forbidden', 'another worker');
});

test('reschedule does not count its own session against max_per_day; a full group refuses it', async () => {
  const w = await worker();
  await createService(d, w, { id: 'one', duration_min: 60, max_per_day: 1 });
  await createService(d, w, { id: 'g', duration_min: 60, capacity: 2 });
  const D = dayFromNow(13);
  const b = await booked(w, 'one', `${D}T09:00:00Z`);
  const r = await reschedule(b, b.token, `${D}T11:00:00Z`);
  assert.equal(r.status, 200, `moving within the day at the limit: ${r.text}`);
  assert.equal(ms(r.json.start), ms(`${D}T11:00:00Z`));
  assertCode(await book(d, w, 'one', `${D}T13:00:00Z`), 409, 'slot_unavailable', 'a second session that day');
  // A group seat cannot move into a full session, and stays where it was.
  await booked(w, 'g', `${D}T15:00:00Z`, { email: 'a@example.org' });
  await booked(w, 'g', `${D}T15:00:00Z`, { email: 'b@example.org' });
  const c = await booked(w, 'g', `${D}T16:00:00Z`, { email: 'c@example.org' });
  assertCode(await reschedule(c, c.token, `${D}T15:00:00Z`), 409, 'slot_unavailable', 'into a full session');
  const g = await get(c, c.token);
  assert.equal(ms(g.json.start), ms(`${D}T16:00:00Z`));
  assert.equal(g.json.sequence, 0);
  // A seat moves into a session with room left.
  const a2 = await booked(w, 'g', `${dayFromNow(14)}T09:00:00Z`, { email: 'd@example.org' });
  const mv = await reschedule(c, c.token, a2.start);
  assert.equal(mv.status, 200, mv.text);
  assert.equal(mv.json.room_url, a2.room_url, 'the group seat takes the session\'s room');
});

test('a rotated worker token stops working on bookings; booking tokens go on', async () => {
  const w = await worker();
  await createService(d, w, { id: 's', duration_min: 60 });
  const D = dayFromNow(15);
  const b = await booked(w, 's', `${D}T09:00:00Z`);
  const rot = await d.api('POST', `/api/v1/workers/${w.id}/token`, { token: w.token });
  assert.equal(rot.status, 200, rot.text);
  assertCode(await get(b, w.token), 404, 'not_found', 'old worker token on a booking');
  assertCode(await d.api('GET', `/api/v1/workers/${w.id}/bookings?from=${D}&to=${D}`, { token: w.token }), 401, 'unauthorized', 'old worker token on the list');
  assert.equal((await get(b, rot.json.token)).status, 200);
  assert.equal((await get(b, b.token)).status, 200);
});
