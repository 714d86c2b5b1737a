// Acceptance tests of API.md "Availability": PUT replaces the whole shape,
// GET returns it, every validation rule is 422 with a JSON-path `field`, and
// a refused PUT changes nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon, createWorker, putHours } from './lib.mjs';
import { expectError, expect422, uid } from './foundation-helpers.mjs';

let d;
before(async () => { d = await startDaemon(); });
after(async () => { if (d) { await d.stop(); d.cleanup(); } });

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const path = (w) => `/api/v1/workers/${w.id}/availability`;
const put = (w, b, token = w.token) => d.api('PUT', path(w), { token, body: b });
const get = (w, token = w.token) => d.api('GET', path(w), { token });
const worker = () => createWorker(d, { id: uid('av') });

// A comparable form: every day present (sorted intervals), overrides by date
// with sorted intervals, time off as epoch milliseconds.
function norm(a) {
  const sortIv = (l) => [...l].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  const weekly = {};
  for (const k of DAYS) weekly[k] = sortIv((a.weekly && a.weekly[k]) || []);
  const overrides = [...(a.overrides || [])]
    .map((o) => ({ date: o.date, intervals: sortIv(o.intervals) }))
    .sort((x, y) => (x.date < y.date ? -1 : 1));
  const timeOff = [...(a.time_off || [])]
    .map((t) => ({ start: Date.parse(t.start), end: Date.parse(t.end) }))
    .sort((x, y) => x.start - y.start);
  return { weekly, overrides, time_off: timeOff };
}

// Time-off instants must come back as RFC 3339 with an offset.
function checkInstants(a) {
  for (const t of a.time_off || []) {
    for (const v of [t.start, t.end]) {
      assert.match(v, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/, v);
    }
  }
}

const sample = {
  weekly: {
    mon: [['09:00', '12:00'], ['13:00', '17:00']],
    wed: [['14:00', '20:00']],
    sat: [['10:00', '24:00']],
  },
  overrides: [
    { date: '2027-12-24', intervals: [['09:00', '12:00']] },
    { date: '2027-12-25', intervals: [] },
  ],
  time_off: [
    { start: '2027-12-28T00:00:00+01:00', end: '2028-01-03T00:00:00+01:00' },
  ],
};

test('GET before any PUT: no hours at all', async () => {
  const w = await worker();
  const r = await get(w);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(norm(r.json), norm({}));
  assert.ok(r.json.weekly && typeof r.json.weekly === 'object' && !Array.isArray(r.json.weekly));
  assert.ok(Array.isArray(r.json.overrides));
  assert.ok(Array.isArray(r.json.time_off));
});

test('PUT then GET round-trips the example of API.md', async () => {
  const w = await worker();
  const r = await put(w, sample);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(norm(r.json), norm(sample));
  checkInstants(r.json);
  const g = await get(w);
  assert.equal(g.status, 200);
  assert.deepEqual(norm(g.json), norm(sample));
  checkInstants(g.json);
  assert.deepEqual(g.json.weekly.mon, sample.weekly.mon);
  assert.deepEqual(g.json.weekly.sat, [['10:00', '24:00']]);
});

test('PUT replaces the whole availability', async () => {
  const w = await worker();
  await putHours(d, w, sample);
  const next = { weekly: { tue: [['08:00', '10:00']] }, overrides: [], time_off: [] };
  const r = await put(w, next);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(norm((await get(w)).json), norm(next));
});

test('time off: Z and any offset are accepted and mean the same instants', async () => {
  const w = await worker();
  const a = {
    weekly: {}, overrides: [],
    time_off: [
      { start: '2027-06-01T08:00:00Z', end: '2027-06-01T10:30:00+02:00' },
      { start: '2027-07-01T00:00:00-05:00', end: '2027-07-02T00:00:00.000Z' },
    ],
  };
  const r = await put(w, a);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(norm((await get(w)).json), norm(a));
});

test('touching and unsorted intervals are fine; 00:00-24:00 is a whole day', async () => {
  const w = await worker();
  const a = {
    weekly: {
      mon: [['12:00', '13:00'], ['09:00', '12:00']],
      tue: [['00:00', '24:00']],
      sun: [['23:55', '24:00'], ['00:00', '00:05']],
    },
    overrides: [{ date: '2028-02-29', intervals: [['00:00', '24:00']] }],
    time_off: [],
  };
  const r = await put(w, a);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(norm((await get(w)).json), norm(a));
});

// Each case: [body, field]. The field is a JSON path (API.md); for a bad
// time inside an interval the path may stop at the interval or name the
// element, so a RegExp allows both.
const I = (mon) => ({ weekly: { mon }, overrides: [], time_off: [] });
const cases = [
  // HH:MM syntax and range; 24:00 only as an end.
  [I([['24:00', '24:00']]), /^weekly\.mon\[0\](\[0\])?$/],
  [I([['24:00', '23:00']]), /^weekly\.mon\[0\](\[0\])?$/],
  [I([['09:00', '24:01']]), /^weekly\.mon\[0\](\[1\])?$/],
  [I([['09:00', '25:00']]), /^weekly\.mon\[0\](\[1\])?$/],
  [I([['9:00', '12:00']]), /^weekly\.mon\[0\](\[0\])?$/],
  [I([['09:0', '12:00']]), /^weekly\.mon\[0\](\[0\])?$/],
  [I([['09:60', '12:00']]), /^weekly\.mon\[0\](\[0\])?$/],
  [I([['0900', '1200']]), /^weekly\.mon\[0\](\[0\])?$/],
  [I([['09:00:00', '12:00']]), /^weekly\.mon\[0\](\[0\])?$/],
  [I([['09h00', '12:00']]), /^weekly\.mon\[0\](\[0\])?$/],
  [I([[' 09:00', '12:00']]), /^weekly\.mon\[0\](\[0\])?$/],
  [I([['-1:00', '12:00']]), /^weekly\.mon\[0\](\[0\])?$/],
  [I([['09:00', '12:00 ']]), /^weekly\.mon\[0\](\[1\])?$/],
  [I([[540, 720]]), /^weekly\.mon\[0\](\[0\])?$/],
  [I([[null, '12:00']]), /^weekly\.mon\[0\](\[0\])?$/],
  // Interval shape.
  [I([['09:00']]), 'weekly.mon[0]'],
  [I([['09:00', '10:00', '11:00']]), 'weekly.mon[0]'],
  [I([[]]), 'weekly.mon[0]'],
  [I(['09:00-12:00']), 'weekly.mon[0]'],
  [I([{ start: '09:00', end: '12:00' }]), 'weekly.mon[0]'],
  [I('09:00-12:00'), 'weekly.mon'],
  [I({}), 'weekly.mon'],
  // start < end.
  [I([['12:00', '12:00']]), 'weekly.mon[0]'],
  [I([['13:00', '12:00']]), 'weekly.mon[0]'],
  [I([['09:00', '10:00'], ['00:00', '00:00']]), 'weekly.mon[1]'],
  // Overlaps name the later interval as given.
  [I([['09:00', '12:00'], ['11:00', '13:00']]), 'weekly.mon[1]'],
  [I([['13:00', '17:00'], ['09:00', '13:30']]), 'weekly.mon[1]'],
  [I([['13:00', '17:00'], ['09:00', '12:00'], ['11:00', '12:30']]), 'weekly.mon[2]'],
  [I([['09:00', '17:00'], ['10:00', '11:00']]), 'weekly.mon[1]'],
  [I([['09:00', '12:00'], ['09:00', '12:00']]), 'weekly.mon[1]'],
  [I([['00:00', '24:00'], ['18:00', '24:00']]), 'weekly.mon[1]'],
  [{ weekly: { fri: [['08:00', '09:00'], ['10:00', '11:00'], ['10:30', '12:00']] } }, 'weekly.fri[2]'],
  // Days.
  [{ weekly: { monday: [['09:00', '12:00']] } }, /^weekly(\.monday)?$/],
  [{ weekly: { Mon: [['09:00', '12:00']] } }, /^weekly(\.Mon)?$/],
  [{ weekly: { mo: [] } }, /^weekly(\.mo)?$/],
  [{ weekly: { '0': [] } }, /^weekly(\.0)?$/],
  [{ weekly: [['09:00', '12:00']] }, 'weekly'],
  [{ weekly: 'mon' }, 'weekly'],
  // Overrides.
  [{ weekly: {}, overrides: [{ date: '2027-13-01', intervals: [] }] }, 'overrides[0].date'],
  [{ weekly: {}, overrides: [{ date: '2027-02-30', intervals: [] }] }, 'overrides[0].date'],
  [{ weekly: {}, overrides: [{ date: '2027-02-29', intervals: [] }] }, 'overrides[0].date'],
  [{ weekly: {}, overrides: [{ date: '27-12-24', intervals: [] }] }, 'overrides[0].date'],
  [{ weekly: {}, overrides: [{ date: '2027-12-24T00:00:00Z', intervals: [] }] }, 'overrides[0].date'],
  [{ weekly: {}, overrides: [{ date: '2027/12/24', intervals: [] }] }, 'overrides[0].date'],
  [{ weekly: {}, overrides: [{ date: '2027-1-5', intervals: [] }] }, 'overrides[0].date'],
  [{ weekly: {}, overrides: [{ date: 20271224, intervals: [] }] }, 'overrides[0].date'],
  [{ weekly: {}, overrides: [{ intervals: [] }] }, 'overrides[0].date'],
  [{ weekly: {}, overrides: [{ date: '2027-12-24', intervals: [] }, { date: 'demain', intervals: [] }] }, 'overrides[1].date'],
  [{ weekly: {}, overrides: [{ date: '2027-12-24', intervals: [['12:00', '09:00']] }] }, /^overrides\[0\]\.intervals\[0\]/],
  [{ weekly: {}, overrides: [{ date: '2027-12-24', intervals: [['09:00', '12:00'], ['10:00', '11:00']] }] }, 'overrides[0].intervals[1]'],
  [{ weekly: {}, overrides: [{ date: '2027-12-24', intervals: [['24:00', '24:00']] }] }, /^overrides\[0\]\.intervals\[0\]/],
  [{ weekly: {}, overrides: [{ date: '2027-12-24', intervals: 'off' }] }, 'overrides[0].intervals'],
  [{ weekly: {}, overrides: { '2027-12-24': [] } }, 'overrides'],
  [{ weekly: {}, overrides: ['2027-12-24'] }, 'overrides[0]'],
  // Time off: RFC 3339 with an offset, end after start.
  [{ weekly: {}, time_off: [{ start: '2027-12-28T00:00:00', end: '2028-01-03T00:00:00+01:00' }] }, 'time_off[0].start'],
  [{ weekly: {}, time_off: [{ start: '2027-12-28T00:00:00+01:00', end: '2028-01-03T00:00:00' }] }, 'time_off[0].end'],
  [{ weekly: {}, time_off: [{ start: '2027-12-28', end: '2028-01-03T00:00:00+01:00' }] }, 'time_off[0].start'],
  [{ weekly: {}, time_off: [{ start: '2027-12-28 00:00:00+01:00', end: '2028-01-03T00:00:00+01:00' }] }, 'time_off[0].start'],
  [{ weekly: {}, time_off: [{ start: '2027-12-28T25:00:00+01:00', end: '2028-01-03T00:00:00+01:00' }] }, 'time_off[0].start'],
  [{ weekly: {}, time_off: [{ start: '2027-12-28T00:00:00+25:00', end: '2028-01-03T00:00:00+01:00' }] }, 'time_off[0].start'],
  [{ weekly: {}, time_off: [{ start: 1830000000, end: '2028-01-03T00:00:00+01:00' }] }, 'time_off[0].start'],
  [{ weekly: {}, time_off: [{ end: '2028-01-03T00:00:00+01:00' }] }, 'time_off[0].start'],
  [{ weekly: {}, time_off: [{ start: '2027-12-28T00:00:00+01:00' }] }, 'time_off[0].end'],
  [{ weekly: {}, time_off: [{ start: '2027-12-28T10:00:00+01:00', end: '2027-12-28T10:00:00+01:00' }] }, /^time_off\[0\](\.end)?$/],
  [{ weekly: {}, time_off: [{ start: '2027-12-28T10:00:00+01:00', end: '2027-12-28T09:00:00Z' }] }, /^time_off\[0\](\.end)?$/],
  [{ weekly: {}, time_off: [{ start: '2027-12-28T10:00:00+01:00', end: '2027-12-28T08:00:00Z' }] }, /^time_off\[0\](\.end)?$/],
  [{ weekly: {}, time_off: [
    { start: '2027-12-01T00:00:00Z', end: '2027-12-02T00:00:00Z' },
    { start: '2027-12-05T00:00:00Z', end: '2027-12-04T00:00:00Z' },
  ] }, /^time_off\[1\](\.end)?$/],
  [{ weekly: {}, time_off: { start: '2027-12-28T00:00:00Z', end: '2027-12-29T00:00:00Z' } }, 'time_off'],
];

test('every malformed availability is 422 with the JSON path of the bad value', async () => {
  const w = await worker();
  for (const [partial, field] of cases) {
    const b = { weekly: {}, overrides: [], time_off: [], ...partial };
    const r = await put(w, b);
    try {
      expect422(r, field);
    } catch (e) {
      e.message = `PUT ${JSON.stringify(b)}\n${e.message}`;
      throw e;
    }
  }
});

test('a refused PUT changes nothing', async () => {
  const w = await worker();
  await putHours(d, w, sample);
  const before = norm((await get(w)).json);
  // Valid parts first, one bad value last: nothing of it may be kept.
  const bad = [
    { ...sample, weekly: { ...sample.weekly, tue: [['08:00', '09:00']], fri: [['10:00', '11:00'], ['10:30', '12:00']] } },
    { weekly: { thu: [['08:00', '09:00']] }, overrides: [{ date: '2027-11-11', intervals: [] }, { date: '2027-11-31', intervals: [] }], time_off: [] },
    { weekly: { thu: [['08:00', '09:00']] }, overrides: [], time_off: [{ start: '2027-01-01T00:00:00Z', end: '2026-01-01T00:00:00Z' }] },
  ];
  for (const b of bad) {
    assert.equal((await put(w, b)).status, 422);
    assert.deepEqual(norm((await get(w)).json), before);
  }
  expectError(await put(w, 'nope'), 400, 'invalid_json');
  expectError(await put(w, '[]'), 400, 'invalid_json');
  assert.deepEqual(norm((await get(w)).json), before);
});

test('unknown fields in the availability are ignored', async () => {
  const w = await worker();
  const r = await put(w, { ...sample, comment: 'été', overrides: sample.overrides.map((o) => ({ ...o, why: 'Noël' })) });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(norm((await get(w)).json), norm(sample));
});

test('limits: 24 intervals a day and 1000 overrides fit, more is 422', async () => {
  const w = await worker();
  const hh = (m) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  const ivs = (n) => Array.from({ length: n }, (_, i) => [hh(i * 50), hh(i * 50 + 20)]);
  let r = await put(w, { weekly: { mon: ivs(24) }, overrides: [], time_off: [] });
  assert.equal(r.status, 200, r.text);
  expect422(await put(w, { weekly: { mon: ivs(25) }, overrides: [], time_off: [] }), /^weekly\.mon(\[24\])?$/);
  const day0 = Date.UTC(2027, 0, 1);
  const ovs = (n) => Array.from({ length: n }, (_, i) => ({
    date: new Date(day0 + i * 86400000).toISOString().slice(0, 10), intervals: [],
  }));
  r = await put(w, { weekly: {}, overrides: ovs(1000), time_off: [] });
  assert.equal(r.status, 200, r.text);
  assert.equal((await get(w)).json.overrides.length, 1000);
  expect422(await put(w, { weekly: {}, overrides: ovs(1001), time_off: [] }), /^overrides(\[1000\])?$/);
  assert.equal((await get(w)).json.overrides.length, 1000);
  const offs = (n) => Array.from({ length: n }, (_, i) => ({
    start: new Date(day0 + i * 86400000).toISOString().slice(0, 19) + 'Z',
    end: new Date(day0 + i * 86400000 + 3600000).toISOString().slice(0, 19) + 'Z',
  }));
  r = await put(w, { weekly: {}, overrides: [], time_off: offs(1000) });
  assert.equal(r.status, 200, r.text);
  assert.equal((await get(w)).json.time_off.length, 1000);
  expect422(await put(w, { weekly: {}, overrides: [], time_off: offs(1001) }), /^time_off(\[1000\])?$/);
  assert.equal((await get(w)).json.time_off.length, 1000);
});

test('availability needs the worker token: 401 without, 404 for an unknown worker', async () => {
  const w = await worker();
  expectError(await d.api('GET', path(w)), 401, 'unauthorized');
  expectError(await d.api('PUT', path(w), { body: sample }), 401, 'unauthorized');
  const ghost = { id: uid('ghost') };
  expectError(await d.api('GET', path(ghost), { token: d.admin }), 404, 'not_found');
  expectError(await d.api('PUT', path(ghost), { token: d.admin, body: sample }), 404, 'not_found');
});
