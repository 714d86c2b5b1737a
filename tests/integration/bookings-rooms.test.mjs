// bookings-rooms: video rooms (SEMANTICS.md §3) with a configured
// --video-base-url: unguessable names, one per 1:1 booking and kept on
// reschedule, one per group session.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startDaemon, createWorker, putHours, createService, everyDay, dayFromNow, book,
} from './lib.mjs';

const BASE = 'https://visio.example.test/salle/';
let d;
before(async () => { d = await startDaemon({ args: ['--video-base-url', BASE] }); });
after(async () => { await d.stop(); d.cleanup(); });

const uid = (p) => `${p}-${Math.random().toString(36).slice(2, 9)}`;

async function worker() {
  const w = await createWorker(d, { id: uid('br'), timezone: 'Africa/Abidjan' });
  await putHours(d, w, everyDay(['06:00', '22:00']));
  return w;
}

async function booked(w, s, start, fields) {
  const r = await book(d, w, s, start, fields);
  assert.equal(r.status, 201, r.text);
  return r.json;
}

// The part of the room names that differs from one room to the next must
// hold at least 128 bits: 22 base64url characters, or 32 if it is hex.
function assertRandomRooms(urls) {
  const names = urls.map((u) => {
    assert.ok(u.startsWith(BASE), `${u} does not start with ${BASE}`);
    const n = u.slice(BASE.length);
    assert.match(n, /^[A-Za-z0-9._~-]+$/, `room name ${n} is not URL-safe`);
    return n;
  });
  assert.equal(new Set(names).size, names.length, 'rooms repeat');
  let pre = names[0].length;
  let suf = names[0].length;
  for (const n of names.slice(1)) {
    let i = 0;
    while (i < pre && n[i] === names[0][i]) i++;
    pre = i;
    let j = 0;
    while (j < suf && n[n.length - 1 - j] === names[0][names[0].length - 1 - j]) j++;
    suf = j;
  }
  for (const n of names) {
    const varying = n.slice(pre, n.length - suf);
    const need = /^[0-9a-f]+$/i.test(varying) ? 32 : 22;
    assert.ok(varying.length >= need, `room ${n}: only ${varying.length} random characters`);
  }
}

test('capacity 1: a room per booking, from the configured base, kept on reschedule', async () => {
  const w = await worker();
  await createService(d, w, { id: 's', duration_min: 30 });
  const D = dayFromNow(5);
  const bs = [];
  for (let h = 8; h < 20; h++) bs.push(await booked(w, 's', `${D}T${String(h).padStart(2, '0')}:00:00Z`));
  assertRandomRooms(bs.map((b) => b.room_url));
  const r = await d.api('POST', `/api/v1/bookings/${bs[0].id}/reschedule`, {
    token: bs[0].token, body: { start: `${dayFromNow(6)}T10:00:00Z` },
  });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.room_url, bs[0].room_url);
  // Cancelling and booking the same start again gives a new room.
  const c = await d.api('POST', `/api/v1/bookings/${bs[1].id}/cancel`, { token: bs[1].token });
  assert.equal(c.status, 200, c.text);
  const again = await booked(w, 's', bs[1].start);
  assert.notEqual(again.room_url, bs[1].room_url);
  // Other workers' rooms are theirs too.
  const w2 = await worker();
  await createService(d, w2, { id: 's', duration_min: 30 });
  const x = await booked(w2, 's', `${D}T08:00:00Z`);
  assert.ok(!bs.some((b) => b.room_url === x.room_url));
});

test('capacity > 1: one room per session, shared by its bookings', async () => {
  const w = await worker();
  await createService(d, w, { id: 'g', duration_min: 60, capacity: 4 });
  const D = dayFromNow(7);
  const nine = [];
  for (let k = 0; k < 3; k++) nine.push(await booked(w, 'g', `${D}T09:00:00Z`, { email: `n${k}@example.org` }));
  // The same session written with another offset is the same session.
  nine.push(await booked(w, 'g', `${D}T11:00:00+02:00`, { email: 'n3@example.org' }));
  assert.equal(new Set(nine.map((b) => b.room_url)).size, 1, 'one session, one room');
  const eleven = await booked(w, 'g', `${D}T11:00:00Z`);
  const eleven2 = await booked(w, 'g', `${D}T11:00:00Z`, { email: 'z@example.org' });
  const other = await booked(w, 'g', `${dayFromNow(8)}T09:00:00Z`);
  assert.equal(eleven2.room_url, eleven.room_url);
  assertRandomRooms([nine[0].room_url, eleven.room_url, other.room_url]);
  // Moving a seat to another session takes that session's room.
  const r = await d.api('POST', `/api/v1/bookings/${nine[0].id}/reschedule`, {
    token: nine[0].token, body: { start: `${D}T11:00:00Z` },
  });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.room_url, eleven.room_url);
});

test('the room is the holder\'s: in the booking, never in public answers', async () => {
  const w = await worker();
  await createService(d, w, { id: 'g', duration_min: 60, capacity: 4 });
  const D = dayFromNow(9);
  const b = await booked(w, 'g', `${D}T09:00:00Z`);
  const name = b.room_url.slice(BASE.length);
  for (const path of [`/api/v1/workers/${w.id}/services/g/slots?from=${D}&to=${D}`,
    `/api/v1/workers/${w.id}`, `/api/v1/workers/${w.id}/services/g`]) {
    const r = await d.api('GET', path);
    assert.equal(r.status, 200, r.text);
    assert.ok(!r.text.includes(name), `${path} shows the room`);
    assert.ok(!r.text.includes('visio.example.test'), `${path} shows a room`);
  }
  const g = await d.api('GET', `/api/v1/bookings/${b.id}`, { token: b.token });
  assert.equal(g.json.room_url, b.room_url);
});
