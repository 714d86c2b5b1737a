// The slot list for a booking being moved (?booking=ID, an extension of
// API.md): its own seat is left out, so the list offers exactly what a
// reschedule accepts; only the booking's token or its worker's may ask.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startDaemon, createWorker, putHours, createService, everyDay, dayFromNow, slots, book,
} from './lib.mjs';

const d = await startDaemon();
after(() => d.stop());

async function setup(id) {
  const w = await createWorker(d, { id, timezone: 'Africa/Abidjan' });
  await putHours(d, w, everyDay(['09:00', '12:00']));
  await createService(d, w, { id: 'one', duration_min: 60, step_min: 30, min_notice_min: 0 });
  const day = dayFromNow(3);
  const b = await book(d, w, 'one', `${day}T10:00:00Z`);
  assert.equal(b.status, 201, b.text);
  return { w, day, b: b.json };
}

async function moving(w, day, q, token) {
  const p = new URLSearchParams({ from: day, to: day, ...q });
  return d.api('GET', `/api/v1/workers/${w.id}/services/one/slots?${p}`, { token });
}

const starts = (r) => r.json.slots.map((s) => s.start.slice(11, 16));

test('with its token, a booking sees the starts it may move to, its own time included', async () => {
  const { w, day, b } = await setup('mv-own');
  const plain = (await slots(d, w, 'one', day)).map((s) => s.start.slice(11, 16));
  assert.deepEqual(plain, ['09:00', '11:00']);
  const r = await moving(w, day, { booking: b.id }, b.token);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(starts(r), ['09:00', '09:30', '10:00', '10:30', '11:00']);
  // And what the list offers, the reschedule takes.
  const mv = await d.api('POST', `/api/v1/bookings/${b.id}/reschedule`, {
    token: b.token, body: { start: `${day}T10:30:00Z` },
  });
  assert.equal(mv.status, 200, mv.text);
});

test("the worker's token works too; a wrong or missing token is 404", async () => {
  const { w, day, b } = await setup('mv-auth');
  const byWorker = await moving(w, day, { booking: b.id }, w.token);
  assert.equal(byWorker.status, 200, byWorker.text);
  assert.ok(starts(byWorker).includes('10:30'));
  for (const tok of [undefined, 'crb_nope', w.token.replace(/.$/, 'x')]) {
    const r = await moving(w, day, { booking: b.id }, tok);
    assert.equal(r.status, 404, `${tok}: ${r.text}`);
    assert.equal(r.json.error.code, 'not_found');
  }
  const other = await createWorker(d, { id: 'mv-other' });
  const r = await moving(w, day, { booking: b.id }, other.token);
  assert.equal(r.status, 404, r.text);
  const unknown = await moving(w, day, { booking: '00000000-0000-4000-8000-000000000000' }, b.token);
  assert.equal(unknown.status, 404, unknown.text);
});

test('a booking of another service is 404, and a cancelled one frees nothing more', async () => {
  const { w, day, b } = await setup('mv-svc');
  await createService(d, w, { id: 'two', duration_min: 30, min_notice_min: 0 });
  const p = new URLSearchParams({ from: day, to: day, booking: b.id });
  const r = await d.api('GET', `/api/v1/workers/${w.id}/services/two/slots?${p}`, { token: b.token });
  assert.equal(r.status, 404, r.text);
  await d.api('POST', `/api/v1/bookings/${b.id}/cancel`, { token: b.token });
  const c = await moving(w, day, { booking: b.id }, b.token);
  assert.equal(c.status, 200, c.text);
  assert.deepEqual(starts(c), starts(await moving(w, day, {})));
});
