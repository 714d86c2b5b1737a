// slots-rules: which slots exist (SEMANTICS.md §1): notice, horizon, time
// off, buffers, step, max_per_day and DST days, each checked on the list and
// on the booking request that shares its rule.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startDaemon, createWorker, putHours, createService, everyDay, dayFromNow,
  slots, book,
} from './lib.mjs';

let d;
before(async () => { d = await startDaemon(); });
after(async () => { await d.stop(); d.cleanup(); });

const MIN = 60000;
const HOUR = 3600000;
const uid = (p) => `${p}-${Math.random().toString(36).slice(2, 9)}`;
const ms = (s) => Date.parse(s);
// A day's HH:MM in UTC (the workers below live in Africa/Abidjan, UTC+0
// all year) as an instant.
const at = (day, hhmm) => ms(`${day}T${hhmm}:00Z`);
const hhmm = (s) => new Date(ms(s)).toISOString().slice(11, 16);
// An instant as RFC 3339 in UTC, whole seconds.
const iso = (t) => new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');

// The next Brussels (EU) transitions, at least two days ahead and so
// within a 730-day horizon: the last Sundays of March and October.
function lastSunday(year, month) {
  const t = new Date(Date.UTC(year, month, 0));
  t.setUTCDate(t.getUTCDate() - t.getUTCDay());
  return t.toISOString().slice(0, 10);
}
function nextLastSunday(month) {
  const y = new Date().getUTCFullYear();
  return [y, y + 1].map((yy) => lastSunday(yy, month)).find((x) => x > dayFromNow(1));
}
const dayBefore = (D) => new Date(Date.parse(`${D}T12:00:00Z`) - 86400000).toISOString().slice(0, 10);
const SPRING = nextLastSunday(3);
const SPRING_EVE = dayBefore(SPRING);
const FALL = nextLastSunday(10);
const FALL_EVE = dayBefore(FALL);

async function worker(tz = 'Africa/Abidjan', hours = everyDay(['00:00', '24:00'])) {
  const w = await createWorker(d, { id: uid('sr'), timezone: tz });
  await putHours(d, w, hours);
  return w;
}

function assertUnavailable(r, what) {
  assert.equal(r.status, 409, `${what}: ${r.status} ${r.text}`);
  assert.equal(r.json?.error?.code, 'slot_unavailable', `${what}: ${r.text}`);
}

test('min notice: nothing starts sooner than now + min_notice_min', async () => {
  const w = await worker();
  await createService(d, w, { id: 's', duration_min: 60, min_notice_min: 180 });
  const t0 = Date.now();
  const list = await slots(d, w, 's', dayFromNow(0), dayFromNow(2));
  const t1 = Date.now();
  assert.ok(list.length > 24, `${list.length} slots`);
  const first = ms(list[0].start);
  assert.ok(first >= t0 + 180 * MIN, `first slot ${list[0].start} is too soon`);
  assert.ok(first < t1 + 240 * MIN, `first slot ${list[0].start} is later than the notice asks`);
  // The grid point before it is refused; the first one is taken.
  assertUnavailable(await book(d, w, 's', iso(first - HOUR)), 'inside the notice');
  const r = await book(d, w, 's', list[0].start);
  assert.equal(r.status, 201, r.text);
});

test('horizon: nothing starts at or after now + horizon_days', async () => {
  const w = await worker();
  await createService(d, w, { id: 's', duration_min: 60, horizon_days: 2 });
  const t0 = Date.now();
  const list = await slots(d, w, 's', dayFromNow(0), dayFromNow(4));
  const t1 = Date.now();
  const last = ms(list.at(-1).start);
  assert.ok(last < t1 + 48 * HOUR, `last slot ${list.at(-1).start} is past the horizon`);
  assert.ok(last >= t0 + 47 * HOUR, `last slot ${list.at(-1).start} is too early`);
  assert.equal((await slots(d, w, 's', dayFromNow(3), dayFromNow(4))).length, 0);
  assertUnavailable(await book(d, w, 's', iso(last + HOUR)), 'past the horizon');
  assertUnavailable(await book(d, w, 's', `${dayFromNow(10)}T10:00:00Z`), 'far past the horizon');
  const r = await book(d, w, 's', list.at(-1).start);
  assert.equal(r.status, 201, r.text);
});

test('time off removes the overlapping candidates without moving the grid', async () => {
  const D = dayFromNow(6);
  const w = await worker('Africa/Abidjan', {
    ...everyDay(['08:00', '18:00']),
    // 10:30Z to 11:45Z, written in another offset.
    time_off: [{ start: `${D}T11:30:00+01:00`, end: `${D}T07:45:00-04:00` }],
  });
  await createService(d, w, { id: 's', duration_min: 60 });
  const list = await slots(d, w, 's', D);
  assert.deepEqual(list.map((s) => hhmm(s.start)),
    ['08:00', '09:00', '12:00', '13:00', '14:00', '15:00', '16:00', '17:00']);
  assertUnavailable(await book(d, w, 's', `${D}T10:00:00Z`), 'overlaps time off');
  assertUnavailable(await book(d, w, 's', `${D}T11:00:00Z`), 'overlaps time off');
  assertUnavailable(await book(d, w, 's', `${D}T11:45:00Z`), 'right after time off, off the grid');
  // Other days are untouched.
  assert.equal((await slots(d, w, 's', dayFromNow(7))).length, 10);
  const r = await book(d, w, 's', `${D}T09:00:00Z`);
  assert.equal(r.status, 201, r.text);
});

test('buffers: occupied intervals of sessions of any service never meet', async () => {
  const D = dayFromNow(5);
  const w = await worker('Africa/Abidjan', everyDay(['08:00', '16:00']));
  await createService(d, w, { id: 'a', duration_min: 60, step_min: 30, buffer_before_min: 15, buffer_after_min: 15 });
  await createService(d, w, { id: 'b', duration_min: 60, buffer_after_min: 30 });
  const aAll = [];
  for (let t = at(D, '08:00'); t + HOUR <= at(D, '16:00'); t += 30 * MIN) aAll.push(t);
  assert.deepEqual((await slots(d, w, 'a', D)).map((s) => ms(s.start)), aAll);
  // Book b at 10:00: it occupies [10:00, 11:30).
  const rb = await book(d, w, 'b', `${D}T10:00:00Z`);
  assert.equal(rb.status, 201, rb.text);
  // a at t occupies [t - 15, t + 75): it must not meet [10:00, 11:30).
  const aFree = aAll.filter((t) => !(t - 15 * MIN < at(D, '11:30') && t + 75 * MIN > at(D, '10:00')));
  const aList = await slots(d, w, 'a', D);
  assert.deepEqual(aList.map((s) => hhmm(s.start)), aFree.map((t) => hhmm(new Date(t).toISOString())));
  assert.ok(aList.some((s) => hhmm(s.start) === '08:00'), 'a buffer may reach outside the window');
  assertUnavailable(await book(d, w, 'a', `${D}T11:30:00Z`), 'a buffer meets b\'s buffer');
  assertUnavailable(await book(d, w, 'a', `${D}T09:00:00Z`), 'a\'s buffer meets b');
  const ra = await book(d, w, 'a', `${D}T12:00:00Z`);
  assert.equal(ra.status, 201, ra.text);
  // Now a occupies [11:45, 13:15); b at t occupies [t, t + 90).
  assert.deepEqual((await slots(d, w, 'b', D)).map((s) => hhmm(s.start)), ['08:00', '14:00', '15:00']);
  assertUnavailable(await book(d, w, 'b', `${D}T13:00:00Z`), 'b\'s class meets a\'s buffer');
  // Cancelling b frees its time for a at once.
  const c = await d.api('POST', `/api/v1/bookings/${rb.json.id}/cancel`, { token: rb.json.token });
  assert.equal(c.status, 200, c.text);
  const aAfter = (await slots(d, w, 'a', D)).map((s) => hhmm(s.start));
  assert.ok(aAfter.includes('10:00') && aAfter.includes('10:30'), aAfter.join(' '));
  assert.ok(!aAfter.includes('11:00'), 'a at 11:00 would meet a at 12:00');
});

test('group sessions: a seat joins its own session, other sessions and services collide', async () => {
  const D = dayFromNow(5);
  const w = await worker('Africa/Abidjan', everyDay(['08:00', '16:00']));
  await createService(d, w, { id: 'ga', duration_min: 60, capacity: 3, buffer_after_min: 15 });
  await createService(d, w, { id: 'gb', duration_min: 60, capacity: 3 });
  await createService(d, w, { id: 'solo', duration_min: 60 });
  const r = await book(d, w, 'ga', `${D}T10:00:00Z`);
  assert.equal(r.status, 201, r.text);
  // ga's own session stays, with its seats; 09:00 and 11:00 meet it.
  const ga = await slots(d, w, 'ga', D);
  assert.deepEqual(ga.map((s) => [hhmm(s.start), s.seats_left]),
    [['08:00', 3], ['10:00', 2], ['12:00', 3], ['13:00', 3], ['14:00', 3], ['15:00', 3]]);
  // Another group service at the very same start is another session.
  const gb = await slots(d, w, 'gb', D);
  // gb at 09:00 ends as ga begins; at 11:00 it meets ga's buffer.
  assert.deepEqual(gb.map((s) => hhmm(s.start)), ['08:00', '09:00', '12:00', '13:00', '14:00', '15:00']);
  assertUnavailable(await book(d, w, 'gb', `${D}T10:00:00Z`), 'another service\'s session at the same start');
  assertUnavailable(await book(d, w, 'solo', `${D}T10:00:00Z`), '1:1 at the group\'s start');
  assertUnavailable(await book(d, w, 'solo', `${D}T11:00:00Z`), '1:1 in the group\'s buffer');
  const seat = await book(d, w, 'ga', `${D}T10:00:00Z`, { email: 'two@example.org' });
  assert.equal(seat.status, 201, seat.text);
});

test('one rule: every start the list does not show is refused', async () => {
  const tz = 'Europe/Brussels';
  const D = dayFromNow(6);
  const w = await worker(tz, {
    ...everyDay(['08:10', '11:50'], ['13:05', '17:00']),
    time_off: [{ start: `${D}T14:00:00Z`, end: `${D}T14:20:00Z` }],
  });
  await createService(d, w, { id: 'x', duration_min: 45, step_min: 20, buffer_before_min: 10, buffer_after_min: 5 });
  await createService(d, w, { id: 'y', duration_min: 30, buffer_after_min: 25 });
  // y booked at its first slot after 10:00Z; x works around it.
  const ys = await slots(d, w, 'y', D);
  const yStart = ys.find((s) => ms(s.start) >= at(D, '10:00'));
  assert.equal((await book(d, w, 'y', yStart.start)).status, 201);
  const listed = new Set((await slots(d, w, 'x', D)).map((s) => ms(s.start)));
  assert.ok(listed.size >= 6, `${listed.size} slots`);
  // Every five minutes of the day in the worker's zone, not listed: 409.
  const first = ms(`${D}T00:00:00Z`) - 2 * HOUR;
  const tries = [];
  for (let t = first; t < first + 28 * HOUR; t += 5 * MIN) {
    if (!listed.has(t)) tries.push(t);
  }
  const answers = [];
  for (let i = 0; i < tries.length; i += 16) {
    answers.push(...await Promise.all(tries.slice(i, i + 16).map((t) => book(d, w, 'x', iso(t)))));
  }
  answers.forEach((r, i) => assertUnavailable(r, `${iso(tries[i])} is not listed`));
  // And a listed start is accepted: each checked against a fresh list, as
  // every booking hides its neighbours.
  for (const t of [...listed].sort((a, b) => a - b)) {
    const now = new Set((await slots(d, w, 'x', D)).map((s) => ms(s.start)));
    const r = await book(d, w, 'x', iso(t));
    assert.equal(r.status === 201, now.has(t), `${iso(t)}: listed ${now.has(t)}, answered ${r.status}`);
  }
});

test('step differs from duration; windows restart the grid and never merge', async () => {
  const D1 = dayFromNow(8);
  const D2 = dayFromNow(9);
  const D3 = dayFromNow(10);
  const w = await worker('Africa/Abidjan', {
    weekly: {},
    overrides: [
      { date: D1, intervals: [['09:00', '12:00']] },
      { date: D2, intervals: [['09:00', '11:00'], ['11:00', '12:00']] },
      { date: D3, intervals: [['09:10', '10:30'], ['13:00', '14:00']] },
    ],
    time_off: [],
  });
  await createService(d, w, { id: 'h60s30', duration_min: 60, step_min: 30 });
  await createService(d, w, { id: 'h30s45', duration_min: 30, step_min: 45 });
  await createService(d, w, { id: 'h90s30', duration_min: 90, step_min: 30 });
  await createService(d, w, { id: 'h30', duration_min: 30 });
  const hm = async (s, D) => (await slots(d, w, s, D)).map((x) => hhmm(x.start));
  assert.deepEqual(await hm('h60s30', D1), ['09:00', '09:30', '10:00', '10:30', '11:00']);
  assert.deepEqual(await hm('h30s45', D1), ['09:00', '09:45', '10:30', '11:15']);
  // Touching windows: no 90-minute class spans the 11:00 seam.
  assert.deepEqual(await hm('h90s30', D2), ['09:00', '09:30']);
  assert.deepEqual(await hm('h60s30', D2), ['09:00', '09:30', '10:00', '11:00']);
  assert.deepEqual(await hm('h30', D3), ['09:10', '09:40', '13:00', '13:30']);
  for (const [s, t] of [['h30', '09:00'], ['h30', '09:25'], ['h30', '10:10'], ['h30s45', '09:30'],
    ['h90s30', '10:00'], ['h90s30', '10:30'], ['h60s30', '09:15']]) {
    const D = s === 'h30' ? D3 : s === 'h90s30' ? D2 : D1;
    assertUnavailable(await book(d, w, s, `${D}T${t}:00Z`), `${s} at ${t}`);
  }
  const r = await book(d, w, 'h30', `${D3}T09:40:00+00:00`);
  assert.equal(r.status, 201, r.text);
});

test('max_per_day counts sessions on the worker\'s date; at the limit only seats in them remain', async () => {
  const D = dayFromNow(4);
  const w = await worker('Africa/Abidjan', everyDay(['08:00', '18:00']));
  await createService(d, w, { id: 'solo', duration_min: 60, max_per_day: 2 });
  const a = await book(d, w, 'solo', `${D}T09:00:00Z`);
  const b = await book(d, w, 'solo', `${D}T11:00:00Z`);
  assert.equal(a.status, 201, a.text);
  assert.equal(b.status, 201, b.text);
  assert.deepEqual(await slots(d, w, 'solo', D), []);
  assert.equal((await slots(d, w, 'solo', dayFromNow(5))).length, 10);
  assertUnavailable(await book(d, w, 'solo', `${D}T14:00:00Z`), 'limit reached');
  // Cancelling one brings the day back.
  const c = await d.api('POST', `/api/v1/bookings/${a.json.id}/cancel`, { token: a.json.token });
  assert.equal(c.status, 200, c.text);
  assert.equal((await slots(d, w, 'solo', D)).length, 9);

  const w2 = await worker('Africa/Abidjan', everyDay(['08:00', '18:00']));
  await createService(d, w2, { id: 'group', duration_min: 60, capacity: 3, max_per_day: 1 });
  const g1 = await book(d, w2, 'group', `${D}T09:00:00Z`);
  assert.equal(g1.status, 201, g1.text);
  const list = await slots(d, w2, 'group', D);
  assert.deepEqual(list.map((s) => [hhmm(s.start), s.seats_left]), [['09:00', 2]]);
  assertUnavailable(await book(d, w2, 'group', `${D}T10:00:00Z`), 'second session of the day');
  const g2 = await book(d, w2, 'group', `${D}T09:00:00Z`, { email: 'other@example.org' });
  assert.equal(g2.status, 201, g2.text);
  assert.deepEqual((await slots(d, w2, 'group', D)).map((s) => s.seats_left), [1]);
});

test('max_per_day uses the worker\'s local date, not UTC\'s', async () => {
  const tz = 'Asia/Tokyo';
  const w = await worker(tz, everyDay(['00:00', '24:00']));
  await createService(d, w, { id: 's', duration_min: 60, max_per_day: 1 });
  const D = dayFromNow(6);
  const Dm1 = dayFromNow(5);
  // 08:00 in Tokyo on D is 23:00Z the day before.
  const r = await book(d, w, 's', `${D}T08:00:00+09:00`);
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(await slots(d, w, 's', D), []);
  assert.equal((await slots(d, w, 's', Dm1)).length, 24);
  assert.equal((await slots(d, w, 's', dayFromNow(7))).length, 24);
});

test('DST in Brussels: 01:00-04:00 gives 2 hours on the spring-forward Sunday and 4 on the fall-back one', async () => {
  const tz = 'Europe/Brussels';
  const w = await worker(tz, {
    weekly: {},
    overrides: [
      { date: `${SPRING_EVE}`, intervals: [['22:00', '24:00']] },
      { date: `${SPRING}`, intervals: [['01:00', '04:00']] },
      { date: `${FALL}`, intervals: [['01:00', '04:00']] },
    ],
    time_off: [],
  });
  await createService(d, w, { id: 'h', duration_min: 60, horizon_days: 730 });
  const spring = await d.api('GET', `/api/v1/workers/${w.id}/services/h/slots?from=${SPRING}&to=${SPRING}`);
  assert.equal(spring.status, 200, spring.text);
  assert.equal(spring.json.timezone, tz);
  assert.deepEqual(spring.json.slots.map((s) => [s.start, s.end]), [
    [`${SPRING}T01:00:00+01:00`, `${SPRING}T03:00:00+02:00`],
    [`${SPRING}T03:00:00+02:00`, `${SPRING}T04:00:00+02:00`],
  ]);
  const fall = await slots(d, w, 'h', `${FALL}`);
  assert.deepEqual(fall.map((s) => [s.start, s.end]), [
    [`${FALL}T01:00:00+02:00`, `${FALL}T02:00:00+02:00`],
    [`${FALL}T02:00:00+02:00`, `${FALL}T02:00:00+01:00`],
    [`${FALL}T02:00:00+01:00`, `${FALL}T03:00:00+01:00`],
    [`${FALL}T03:00:00+01:00`, `${FALL}T04:00:00+01:00`],
  ]);
  // 24:00 is midnight of the next date.
  assert.deepEqual((await slots(d, w, 'h', `${SPRING_EVE}`)).map((s) => s.start),
    [`${SPRING_EVE}T22:00:00+01:00`, `${SPRING_EVE}T23:00:00+01:00`]);
  // The same days seen from UTC.
  assert.deepEqual((await slots(d, w, 'h', `${FALL_EVE}`, `${FALL}`, 'UTC')).map((s) => ms(s.start)),
    [`${FALL_EVE}T23:00:00Z`, `${FALL}T00:00:00Z`, `${FALL}T01:00:00Z`, `${FALL}T02:00:00Z`].map(ms));

  // Both 02:00 of the fall-back night are bookable, and told apart.
  const b1 = await book(d, w, 'h', `${FALL}T01:00:00Z`);
  assert.equal(b1.status, 201, b1.text);
  assert.equal(b1.json.start, `${FALL}T02:00:00+01:00`);
  assert.equal(b1.json.end, `${FALL}T03:00:00+01:00`);
  const b2 = await book(d, w, 'h', `${FALL}T02:00:00+02:00`);
  assert.equal(b2.status, 201, b2.text);
  assert.equal(b2.json.start, `${FALL}T02:00:00+02:00`);
  assert.equal(b2.json.end, `${FALL}T02:00:00+01:00`);
  assert.deepEqual((await slots(d, w, 'h', `${FALL}`)).map((s) => s.start),
    [`${FALL}T01:00:00+02:00`, `${FALL}T03:00:00+01:00`]);
  // Any offset names the spring slot; the answer speaks Brussels time.
  const b3 = await book(d, w, 'h', `${SPRING}T02:00:00+01:00`);
  assert.equal(b3.status, 201, b3.text);
  assert.equal(b3.json.start, `${SPRING}T03:00:00+02:00`);
  assertUnavailable(await book(d, w, 'h', `${SPRING}T01:00:00+02:00`), 'midnight, between two windows');
});

test('DST in Brussels: windows inside the gap and the fold read per RFC 5545', async () => {
  const tz = 'Europe/Brussels';
  const w = await worker(tz, {
    weekly: {},
    overrides: [
      // 02:00 does not exist: read as 02:00+01:00 = 01:00Z; 03:30+02:00 is
      // 01:30Z. Half an hour.
      { date: `${SPRING}`, intervals: [['02:00', '03:30']] },
      // 02:30 happens twice: the first, 00:30Z; 03:00+01:00 is 02:00Z.
      { date: `${FALL}`, intervals: [['02:30', '03:00']] },
    ],
    time_off: [],
  });
  await createService(d, w, { id: 'h30', duration_min: 30, horizon_days: 730 });
  assert.deepEqual((await slots(d, w, 'h30', `${SPRING}`)).map((s) => [s.start, s.end]), [
    [`${SPRING}T03:00:00+02:00`, `${SPRING}T03:30:00+02:00`],
  ]);
  assert.deepEqual((await slots(d, w, 'h30', `${FALL}`)).map((s) => [s.start, s.end]), [
    [`${FALL}T02:30:00+02:00`, `${FALL}T02:00:00+01:00`],
    [`${FALL}T02:00:00+01:00`, `${FALL}T02:30:00+01:00`],
    [`${FALL}T02:30:00+01:00`, `${FALL}T03:00:00+01:00`],
  ]);
  // Both ends in the gap are read with the offset before it: 02:10 and
  // 02:50 are 01:10Z and 01:50Z, forty real minutes.
  const w2 = await worker(tz, {
    weekly: {},
    overrides: [{ date: `${SPRING}`, intervals: [['02:10', '02:50']] }],
    time_off: [],
  });
  await createService(d, w2, { id: 'h30', duration_min: 30, horizon_days: 730 });
  assert.deepEqual((await slots(d, w2, 'h30', `${SPRING}`)).map((s) => [s.start, s.end]), [
    [`${SPRING}T03:10:00+02:00`, `${SPRING}T03:40:00+02:00`],
  ]);
  // 02:30 is 01:30Z but 03:15 is 01:15Z: the window ends before it starts
  // and gives nothing.
  const w3 = await worker(tz, {
    weekly: {},
    overrides: [{ date: `${SPRING}`, intervals: [['02:30', '03:15']] }],
    time_off: [],
  });
  await createService(d, w3, { id: 'h5', duration_min: 5, horizon_days: 730 });
  assert.deepEqual(await slots(d, w3, 'h5', `${SPRING}`), []);
  assertUnavailable(await book(d, w3, 'h5', `${SPRING}T02:30:00+01:00`), 'window ends before it starts');
  assertUnavailable(await book(d, w3, 'h5', `${SPRING}T03:00:00+02:00`), 'window ends before it starts');
});
