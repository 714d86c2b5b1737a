// slots-query: the slot list's query parameters and its shape, from the
// contract (API.md "Slots"). Black box: the real daemon over HTTP.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startDaemon, createWorker, putHours, createService, everyDay, dayFromNow,
  slots, book,
} from './lib.mjs';

let d;
before(async () => { d = await startDaemon(); });
after(async () => { await d.stop(); d.cleanup(); });

const pad = (n) => String(n).padStart(2, '0');
const HOUR = 3600000;
const DAY = 86400000;

// The UTC offset (minutes) that zone tz has at instant ms.
function offsetMin(ms, tz) {
  const f = new Intl.DateTimeFormat('en-US', {
    timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit',
    day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  });
  const p = Object.fromEntries(f.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  const wall = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second);
  return Math.round((wall - Math.floor(ms / 1000) * 1000) / 60000);
}

// Instant ms written as RFC 3339 with the offset tz has then.
function fmt(ms, tz) {
  const off = offsetMin(ms, tz);
  const local = new Date(ms + off * 60000).toISOString().slice(0, 19);
  const a = Math.abs(off);
  return `${local}${off < 0 ? '-' : '+'}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

// "Z" and "+00:00" say the same thing; compare texts in one spelling.
const norm = (s) => s.replace(/Z$/, '+00:00');

// The instant of a wall-clock time on a date in tz (not for DST days).
function zoned(date, hhmm, tz) {
  const [y, m, dd] = date.split('-').map(Number);
  const [h, mi] = hhmm.split(':').map(Number);
  const wall = Date.UTC(y, m - 1, dd, h, mi);
  return wall - offsetMin(wall - offsetMin(wall, tz) * 60000, tz) * 60000;
}

const uid = (p) => `${p}-${Math.random().toString(36).slice(2, 9)}`;

async function setup({ tz = 'Africa/Abidjan', hours = everyDay(['00:00', '24:00']), svc = {} } = {}) {
  const w = await createWorker(d, { id: uid('sq'), timezone: tz });
  await putHours(d, w, hours);
  const s = await createService(d, w, { id: 'maths-60', ...svc });
  return { w, s };
}

function slotsUrl(w, s, params) {
  return `/api/v1/workers/${w.id}/services/${s}/slots?${new URLSearchParams(params)}`;
}

function assert422(r, field, what) {
  assert.equal(r.status, 422, `${what}: ${r.status} ${r.text}`);
  assert.equal(r.json?.error?.code, 'validation_failed', `${what}: ${r.text}`);
  assert.equal(r.json.error.field, field, `${what}: ${r.text}`);
  assert.equal(typeof r.json.error.message, 'string');
}

test('slots: from and to are required and must be dates', async () => {
  const { w } = await setup();
  const D = dayFromNow(5);
  assert422(await d.api('GET', slotsUrl(w, 'maths-60', { to: D })), 'from', 'no from');
  assert422(await d.api('GET', slotsUrl(w, 'maths-60', { from: D })), 'to', 'no to');
  assert422(await d.api('GET', slotsUrl(w, 'maths-60', {})), 'from', 'nothing');
  for (const bad of ['2027-02-30', '2027-13-01', '2027-00-10', 'tomorrow', '2027-1-05',
    '20270105', '2027-01-05T00:00', '2027-01-05 ', '', '2026-02-29']) {
    assert422(await d.api('GET', slotsUrl(w, 'maths-60', { from: bad, to: D })), 'from', `from=${JSON.stringify(bad)}`);
    assert422(await d.api('GET', slotsUrl(w, 'maths-60', { from: D, to: bad })), 'to', `to=${JSON.stringify(bad)}`);
  }
});

test('slots: to before from, or more than 62 days apart, is 422 on "to"', async () => {
  const { w } = await setup();
  assert422(await d.api('GET', slotsUrl(w, 'maths-60', { from: dayFromNow(5), to: dayFromNow(4) })), 'to', 'to < from');
  assert422(await d.api('GET', slotsUrl(w, 'maths-60', { from: dayFromNow(1), to: dayFromNow(64) })), 'to', '63 days apart');
  assert422(await d.api('GET', slotsUrl(w, 'maths-60', { from: '2027-01-01', to: '2028-01-01' })), 'to', 'a year');
  // Exactly 62 days apart is allowed, and so is from == to.
  const ok = await d.api('GET', slotsUrl(w, 'maths-60', { from: dayFromNow(1), to: dayFromNow(63) }));
  assert.equal(ok.status, 200, ok.text);
  assert.ok(Array.isArray(ok.json.slots));
  // The default horizon is 60 days: nothing past it, but days up to it.
  const last = ok.json.slots.at(-1);
  assert.ok(Date.parse(last.start) < Date.now() + 60 * DAY + 60000, last.start);
  assert.ok(Date.parse(last.start) > Date.now() + 59 * DAY, last.start);
  const same = await d.api('GET', slotsUrl(w, 'maths-60', { from: dayFromNow(3), to: dayFromNow(3) }));
  assert.equal(same.status, 200, same.text);
  assert.equal(same.json.slots.length, 24);
});

test('slots: a time zone that is not an IANA name is 422 on "tz"', async () => {
  const { w } = await setup();
  const D = dayFromNow(5);
  for (const tz of ['Mars/Olympus_Mons', 'UTC+2', '+02:00', 'Europe/Brussel', '../../../../etc/passwd',
    'Europe/Brussels/extra', 'CET;DROP']) {
    assert422(await d.api('GET', slotsUrl(w, 'maths-60', { from: D, to: D, tz })), 'tz', `tz=${tz}`);
  }
  const ok = await d.api('GET', slotsUrl(w, 'maths-60', { from: D, to: D, tz: 'Asia/Kathmandu' }));
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.timezone, 'Asia/Kathmandu');
});

test('slots: unknown worker or service is 404', async () => {
  const { w } = await setup();
  const D = dayFromNow(5);
  let r = await d.api('GET', `/api/v1/workers/nobody-here/services/maths-60/slots?from=${D}&to=${D}`);
  assert.equal(r.status, 404, r.text);
  assert.equal(r.json?.error?.code, 'not_found');
  r = await d.api('GET', slotsUrl(w, 'no-such-service', { from: D, to: D }));
  assert.equal(r.status, 404, r.text);
  assert.equal(r.json?.error?.code, 'not_found');
});

test('slots: the default zone is the worker\'s, and the answer names it', async () => {
  const tz = 'Europe/Brussels';
  const { w } = await setup({ tz, hours: everyDay(['09:00', '12:00']) });
  const D = dayFromNow(7);
  const r = await d.api('GET', slotsUrl(w, 'maths-60', { from: D, to: D }));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.timezone, tz);
  assert.equal(r.json.worker, w.id);
  assert.equal(r.json.service, 'maths-60');
  const want = ['09:00', '10:00', '11:00'].map((t) => zoned(D, t, tz));
  assert.deepEqual(r.json.slots.map((s) => s.start), want.map((ms) => fmt(ms, tz)));
  assert.deepEqual(r.json.slots.map((s) => s.end), want.map((ms) => fmt(ms + HOUR, tz)));
  assert.deepEqual(r.json.slots.map((s) => s.seats_left), [1, 1, 1]);
});

test('slots: tz buckets slots by the date of their start in tz, with tz\'s offset', async () => {
  const { w } = await setup();
  const D = dayFromNow(10);
  const base = Date.parse(`${D}T00:00:00Z`);
  for (const tz of ['America/New_York', 'Asia/Kolkata', 'Pacific/Kiritimati', 'Pacific/Pago_Pago',
    'Australia/Lord_Howe']) {
    const r = await d.api('GET', slotsUrl(w, 'maths-60', { from: D, to: D, tz }));
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.timezone, tz);
    // Every hour of the worker (all day, every day) whose start, seen in
    // tz, falls on D.
    const want = [];
    for (let t = base - 2 * DAY; t < base + 2 * DAY; t += HOUR) {
      if (fmt(t, tz).slice(0, 10) === D) want.push(t);
    }
    assert.deepEqual(r.json.slots.map((s) => norm(s.start)), want.map((t) => fmt(t, tz)), tz);
    assert.deepEqual(r.json.slots.map((s) => norm(s.end)), want.map((t) => fmt(t + HOUR, tz)), tz);
  }
  // Two days in New York: 48 hourly slots, sorted, none twice.
  const D2 = dayFromNow(11);
  const r = await d.api('GET', slotsUrl(w, 'maths-60', { from: D, to: D2, tz: 'America/New_York' }));
  assert.equal(r.status, 200, r.text);
  const starts = r.json.slots.map((s) => Date.parse(s.start));
  let hours = 0;
  for (let t = base - DAY; t < base + 3 * DAY; t += HOUR) {
    const day = fmt(t, 'America/New_York').slice(0, 10);
    if (day === D || day === D2) hours++;
  }
  assert.equal(starts.length, hours);
  assert.ok(hours >= 47 && hours <= 49);
  for (let i = 1; i < starts.length; i++) assert.ok(starts[i] > starts[i - 1], 'sorted, no duplicate');
  for (const s of r.json.slots) {
    const day = s.start.slice(0, 10);
    assert.ok(day === D || day === D2, s.start);
  }
});

test('slots: sorted by start, seats_left counts confirmed seats', async () => {
  const { w } = await setup({ hours: everyDay(['08:00', '10:00'], ['14:00', '16:00']), svc: { capacity: 4, step_min: 30 } });
  const D = dayFromNow(4);
  const D3 = dayFromNow(6);
  let list = await slots(d, w, 'maths-60', D, D3);
  // Per day: 08:00, 08:30, 09:00, 14:00, 14:30, 15:00.
  assert.equal(list.length, 18);
  for (let i = 1; i < list.length; i++) {
    assert.ok(Date.parse(list[i].start) > Date.parse(list[i - 1].start), 'sorted');
  }
  assert.ok(list.every((s) => s.seats_left === 4));
  const target = `${dayFromNow(5)}T08:30:00Z`;
  for (let i = 0; i < 3; i++) {
    const r = await book(d, w, 'maths-60', target, { email: `c${i}@example.org` });
    assert.equal(r.status, 201, r.text);
  }
  list = await slots(d, w, 'maths-60', D, D3);
  // The booked session's occupied time [08:30, 09:30) hides the other
  // sessions of the same worker that would overlap it: 08:00 and 09:00.
  assert.equal(list.length, 16);
  for (let i = 1; i < list.length; i++) {
    assert.ok(Date.parse(list[i].start) > Date.parse(list[i - 1].start), 'sorted');
  }
  for (const s of list) {
    const t = Date.parse(s.start);
    if (t === Date.parse(target)) {
      assert.equal(s.seats_left, 1, s.start);
    } else {
      assert.ok(Math.abs(t - Date.parse(target)) >= HOUR, `${s.start} overlaps the booked session`);
      assert.equal(s.seats_left, 4, s.start);
    }
  }
  assert.ok(list.some((s) => Date.parse(s.start) === Date.parse(target)), 'booked session listed');
});

test('slots: no slot list and no public page shows a room URL', async () => {
  const { w } = await setup({ svc: { capacity: 3 } });
  await createService(d, w, { id: 'solo', duration_min: 30 });
  const D = dayFromNow(3);
  const a = await book(d, w, 'maths-60', `${D}T09:00:00Z`);
  const b = await book(d, w, 'solo', `${D}T14:00:00Z`);
  assert.equal(a.status, 201, a.text);
  assert.equal(b.status, 201, b.text);
  const rooms = [a.json.room_url, b.json.room_url];
  assert.ok(rooms.every((u) => typeof u === 'string' && u.length > 20), 'bookings carry rooms');
  const names = rooms.map((u) => u.split('/').pop());
  for (const path of [
    slotsUrl(w, 'maths-60', { from: D, to: D }),
    slotsUrl(w, 'solo', { from: D, to: D }),
    slotsUrl(w, 'maths-60', { from: D, to: D, tz: 'Asia/Tokyo' }),
    `/api/v1/workers/${w.id}`,
    `/api/v1/workers/${w.id}/services`,
    `/api/v1/workers/${w.id}/services/maths-60`,
  ]) {
    const r = await d.api('GET', path);
    assert.equal(r.status, 200, `${path}: ${r.text}`);
    for (const n of names) assert.ok(!r.text.includes(n), `${path} shows a room`);
    assert.ok(!/room_url|meet\.jit\.si/.test(r.text), `${path} shows a room`);
  }
  // The group session is still offered with its seats, without its room.
  const list = await slots(d, w, 'maths-60', D);
  const s = list.find((x) => Date.parse(x.start) === Date.parse(`${D}T09:00:00Z`));
  assert.ok(s, 'group session still listed');
  assert.equal(s.seats_left, 2);
  assert.ok(!Object.keys(s).some((k) => /room|url|video/i.test(k)), Object.keys(s).join(' '));
});

test('slots: a 23-hour and a 25-hour day in the asked zone', async () => {
  const { w } = await setup({ svc: { horizon_days: 730 } });
  // The next second Sunday of March and first Sunday of November (US rules).
  const nthSunday = (year, month, n) => {
    const t = new Date(Date.UTC(year, month - 1, 1));
    t.setUTCDate(1 + ((7 - t.getUTCDay()) % 7) + 7 * (n - 1));
    return t.toISOString().slice(0, 10);
  };
  const y = new Date().getUTCFullYear();
  const next = (month, n) => [y, y + 1].map((yy) => nthSunday(yy, month, n)).find((x) => x > dayFromNow(1));
  for (const [D, n] of [[next(3, 2), 23], [next(11, 1), 25]]) {
    const list = await slots(d, w, 'maths-60', D, D, 'America/New_York');
    const want = [];
    const base = Date.parse(`${D}T00:00:00Z`);
    for (let t = base - DAY; t < base + 2 * DAY; t += HOUR) {
      if (fmt(t, 'America/New_York').slice(0, 10) === D) want.push(t);
    }
    assert.equal(want.length, n);
    assert.deepEqual(list.map((x) => x.start), want.map((t) => fmt(t, 'America/New_York')), D);
    assert.deepEqual(list.map((x) => x.end), want.map((t) => fmt(t + HOUR, 'America/New_York')), D);
  }
});
