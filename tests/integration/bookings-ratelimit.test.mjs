// bookings-ratelimit: --rate-limit N (API.md "Command line"): booking
// writes per minute per client address, whatever their outcome; the next
// one is 429 with Retry-After; reads are not limited.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startDaemon, createWorker, putHours, createService, everyDay, dayFromNow, slots, book,
} from './lib.mjs';

let d;
// The command line wins over the harness's CRENEAU_RATE_LIMIT=0.
before(async () => { d = await startDaemon({ args: ['--rate-limit', '3'] }); });
after(async () => { await d.stop(); d.cleanup(); });

test('the 4th booking write in a minute gets 429 with Retry-After', async () => {
  const w = await createWorker(d, { id: `rl-${Date.now().toString(36)}`, timezone: 'Africa/Abidjan' });
  await putHours(d, w, everyDay(['08:00', '18:00']));
  await createService(d, w, { id: 's', duration_min: 60 });
  const D = dayFromNow(5);
  // Three writes with three outcomes: all count.
  const b = await book(d, w, 's', `${D}T09:00:00Z`);
  assert.equal(b.status, 201, b.text);
  const taken = await book(d, w, 's', `${D}T09:00:00Z`, { email: 'two@example.org' });
  assert.equal(taken.status, 409, taken.text);
  const bad = await book(d, w, 's', `${D}T10:00:00Z`, { email: 'nope' });
  assert.equal(bad.status, 422, bad.text);
  const limited = [
    await book(d, w, 's', `${D}T11:00:00Z`),
    await d.api('POST', `/api/v1/bookings/${b.json.id}/cancel`, { token: b.json.token }),
    await d.api('POST', `/api/v1/bookings/${b.json.id}/reschedule`, { token: b.json.token, body: { start: `${D}T12:00:00Z` } }),
    // The rate limit comes before the body is read.
    await d.api('POST', `/api/v1/workers/${w.id}/services/s/bookings`, { body: '{not json' }),
  ];
  for (const r of limited) {
    assert.equal(r.status, 429, r.text);
    assert.equal(r.json?.error?.code, 'rate_limited', r.text);
    const after = r.headers.get('retry-after');
    assert.match(after || '', /^\d+$/, `Retry-After: ${after}`);
    assert.ok(+after >= 1 && +after <= 60, `Retry-After: ${after}`);
  }
  // Reads still work, and the limited writes did nothing.
  const list = await slots(d, w, 's', D);
  assert.ok(list.some((s) => s.start.slice(11, 16) === '11:00'));
  assert.ok(list.some((s) => s.start.slice(11, 16) === '12:00'));
  const g = await d.api('GET', `/api/v1/bookings/${b.json.id}`, { token: b.json.token });
  assert.equal(g.status, 200, g.text);
  assert.equal(g.json.status, 'confirmed');
  assert.equal(g.json.sequence, 0);
  assert.equal(Date.parse(g.json.start), Date.parse(`${D}T09:00:00Z`));
  const mine = await d.api('GET', `/api/v1/workers/${w.id}/bookings?from=${D}&to=${D}`, { token: w.token });
  assert.equal(mine.status, 200, mine.text);
  assert.equal(mine.json.bookings.length, 1);
});
