// Acceptance tests of API.md "Services": create with the documented
// defaults, every limit at and beyond its edges, wrong types, 409, the
// public and the worker's list, GET one, PATCH, DELETE.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startDaemon, createWorker, createService, putHours, everyDay, dayFromNow, slots, book,
} from './lib.mjs';
import { expectError, expect422, uid } from './foundation-helpers.mjs';

let d;
let W; // one worker for the tests that only create services
before(async () => {
  d = await startDaemon();
  W = await createWorker(d, { id: uid('sv') });
});
after(async () => { if (d) { await d.stop(); d.cleanup(); } });

const base = (w) => `/api/v1/workers/${w.id}/services`;
const post = (w, b, token = w.token) => d.api('POST', base(w), { token, body: b });
const svc = (extra = {}) => ({ id: uid('s'), title: 'Cours de maths', duration_min: 60, ...extra });

const DEFAULTS = {
  capacity: 1, buffer_before_min: 0, buffer_after_min: 0, min_notice_min: 60,
  horizon_days: 60, max_per_day: null, video: true, active: true,
};

test('create with the documented defaults', async () => {
  const b = { id: uid('s'), title: 'Cours de maths', duration_min: 45 };
  const r = await post(W, b);
  assert.equal(r.status, 201, r.text);
  assert.match(r.headers.get('content-type'), /^application\/json\b/);
  assert.equal(r.json.id, b.id);
  assert.equal(r.json.title, b.title);
  assert.equal(r.json.duration_min, 45);
  assert.equal(r.json.step_min, 45, 'step_min defaults to duration_min');
  for (const [k, v] of Object.entries(DEFAULTS)) assert.deepEqual(r.json[k], v, k);
  assert.ok('max_per_day' in r.json, 'max_per_day is null, not absent');
  const g = await d.api('GET', `${base(W)}/${b.id}`);
  assert.equal(g.status, 200, g.text);
  assert.equal(g.json.step_min, 45);
  for (const [k, v] of Object.entries(DEFAULTS)) assert.deepEqual(g.json[k], v, k);
});

test('create with every field of the API.md example', async () => {
  const b = {
    id: uid('maths'), title: 'Cours de maths', description: 'Secondaire',
    duration_min: 60, step_min: 30, capacity: 3, buffer_before_min: 5, buffer_after_min: 15,
    min_notice_min: 120, horizon_days: 90, max_per_day: 4, video: false, active: true,
  };
  const r = await post(W, b);
  assert.equal(r.status, 201, r.text);
  for (const [k, v] of Object.entries(b)) assert.deepEqual(r.json[k], v, k);
  const g = await d.api('GET', `${base(W)}/${b.id}`);
  for (const [k, v] of Object.entries(b)) assert.deepEqual(g.json[k], v, k);
});

// [field, accepted values, refused values]
const LIMITS = [
  ['duration_min', [5, 720], [4, 721, 0, -5]],
  ['step_min', [5, 720], [4, 721, 0]],
  ['capacity', [1, 1000], [0, 1001, -1]],
  ['buffer_before_min', [0, 720], [-1, 721]],
  ['buffer_after_min', [0, 720], [-1, 721]],
  ['min_notice_min', [0, 525600], [-1, 525601]],
  ['horizon_days', [1, 730], [0, 731]],
  ['max_per_day', [null, 1, 1000], [0, 1001, -1]],
];

for (const [field, good, bad] of LIMITS) {
  test(`limit ${field}: ${good.join(', ')} accepted; ${bad.join(', ')} refused`, async () => {
    for (const v of good) {
      const r = await post(W, svc({ [field]: v }));
      assert.equal(r.status, 201, `${field}=${v}: ${r.text}`);
      assert.deepEqual(r.json[field], v, field);
    }
    for (const v of bad) expect422(await post(W, svc({ [field]: v })), field);
  });
}

test('wrong types are 422 naming the field', async () => {
  const cases = [
    ['duration_min', ['60', 60.5, true, null, [60], { m: 60 }]],
    ['step_min', ['30', 30.5, false, [30]]],
    ['capacity', ['1', 1.5, true, [1]]],
    ['buffer_before_min', ['0', 0.5, null]],
    ['buffer_after_min', ['15', 2.5, null]],
    ['min_notice_min', ['60', 0.1, null]],
    ['horizon_days', ['60', 1.5, null]],
    ['max_per_day', ['3', 2.5, true, []]],
    ['video', ['yes', 1, 0, 'true', null]],
    ['active', ['true', 1, 0, null]],
    ['title', [5, null, ['Maths'], { fr: 'Maths' }, true]],
    ['description', [5, ['x'], { a: 1 }, true]],
  ];
  for (const [field, values] of cases) {
    for (const v of values) expect422(await post(W, svc({ [field]: v })), field);
  }
});

test('required fields: id, title, duration_min', async () => {
  const { id: _i, ...noId } = svc();
  expect422(await post(W, noId), 'id');
  const { title: _t, ...noTitle } = svc();
  expect422(await post(W, noTitle), 'title');
  expect422(await post(W, svc({ title: '' })), 'title');
  const { duration_min: _d, ...noDuration } = svc();
  expect422(await post(W, noDuration), 'duration_min');
});

test('service ids follow the id rule', async () => {
  for (const id of ['', 'Maths', 'maths_60', '-maths', 'maths 60', 'maths.60', 'é', 'a'.repeat(64), 'a/b']) {
    expect422(await post(W, svc({ id })), 'id');
  }
  for (const id of [60, null, true]) expect422(await post(W, svc({ id })), 'id');
  for (const id of ['0', `m${'a'.repeat(62)}`]) {
    const w = await createWorker(d, { id: uid('sv') });
    const r = await post(w, svc({ id }));
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.id, id);
  }
});

test('a service id that exists for this worker is 409; another worker may reuse it', async () => {
  const a = await createWorker(d, { id: uid('sv') });
  const b = await createWorker(d, { id: uid('sv') });
  assert.equal((await post(a, svc({ id: 'maths-60' }))).status, 201);
  expectError(await post(a, svc({ id: 'maths-60', title: 'Autre', duration_min: 30 })), 409, 'conflict');
  const kept = await d.api('GET', `${base(a)}/maths-60`);
  assert.equal(kept.json.title, 'Cours de maths');
  assert.equal(kept.json.duration_min, 60);
  assert.equal((await post(b, svc({ id: 'maths-60' }))).status, 201);
});

test('the same service id sent 8 times at once makes one service', async () => {
  const w = await createWorker(d, { id: uid('sv') });
  const rs = await Promise.all(Array.from({ length: 8 }, (_, i) => post(w, svc({ id: 'race', title: `T${i}` }))));
  assert.deepEqual(rs.map((r) => r.status).sort(), [201, 409, 409, 409, 409, 409, 409, 409]);
  const all = await d.api('GET', base(w), { token: w.token });
  assert.deepEqual(all.json.services.map((s) => s.id), ['race']);
});

test('the list: public sees active services only, the worker and admin see all', async () => {
  const w = await createWorker(d, { id: uid('sv') });
  await createService(d, w, { id: 'on-1' });
  await createService(d, w, { id: 'off-1', active: false });
  await createService(d, w, { id: 'on-2' });
  const ids = (r) => r.json.services.map((s) => s.id).sort();
  const pub = await d.api('GET', base(w));
  assert.equal(pub.status, 200, pub.text);
  assert.deepEqual(Object.keys(pub.json), ['services']);
  assert.deepEqual(ids(pub), ['on-1', 'on-2']);
  for (const token of [w.token, d.admin]) {
    const all = await d.api('GET', base(w), { token });
    assert.equal(all.status, 200, all.text);
    assert.deepEqual(ids(all), ['off-1', 'on-1', 'on-2']);
  }
  // Each element is a whole service.
  const one = pub.json.services.find((s) => s.id === 'on-1');
  assert.equal(one.duration_min, 60);
  assert.equal(one.title, 'Cours de maths');
});

test('an empty list is {"services": []}', async () => {
  const w = await createWorker(d, { id: uid('sv') });
  const r = await d.api('GET', base(w));
  assert.equal(r.status, 200);
  assert.deepEqual(r.json, { services: [] });
});

test('GET one; unknown service or worker is 404', async () => {
  const w = await createWorker(d, { id: uid('sv') });
  await createService(d, w, { id: 'maths', description: 'Secondaire' });
  const r = await d.api('GET', `${base(w)}/maths`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.id, 'maths');
  assert.equal(r.json.description, 'Secondaire');
  expectError(await d.api('GET', `${base(w)}/nope`), 404, 'not_found');
  expectError(await d.api('GET', `/api/v1/workers/${uid('ghost')}/services`), 404, 'not_found');
  expectError(await d.api('GET', `/api/v1/workers/${uid('ghost')}/services/maths`), 404, 'not_found');
  expectError(await d.api('POST', `/api/v1/workers/${uid('ghost')}/services`, { token: d.admin, body: svc() }), 404, 'not_found');
});

test('PATCH: any field but id, one at a time, the rest kept', async () => {
  const w = await createWorker(d, { id: uid('sv') });
  const created = await createService(d, w, { id: 'maths', step_min: 30 });
  const changes = [
    { title: 'Maths avancées' }, { description: 'Rhéto' }, { duration_min: 90 }, { step_min: 15 },
    { capacity: 8 }, { buffer_before_min: 10 }, { buffer_after_min: 20 }, { min_notice_min: 1440 },
    { horizon_days: 365 }, { max_per_day: 3 }, { max_per_day: null }, { video: false }, { active: false },
    { active: true },
  ];
  let expected = { ...created };
  for (const c of changes) {
    expected = { ...expected, ...c };
    const r = await d.api('PATCH', `${base(w)}/maths`, { token: w.token, body: c });
    assert.equal(r.status, 200, `${JSON.stringify(c)}: ${r.text}`);
    for (const [k, v] of Object.entries(expected)) assert.deepEqual(r.json[k], v, `${JSON.stringify(c)}: ${k}`);
  }
  const g = await d.api('GET', `${base(w)}/maths`);
  for (const [k, v] of Object.entries(expected)) assert.deepEqual(g.json[k], v, k);
  // The admin too.
  const r = await d.api('PATCH', `${base(w)}/maths`, { token: d.admin, body: { title: 'Par admin' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.title, 'Par admin');
});

test('PATCH: a deactivated service leaves the public list', async () => {
  const w = await createWorker(d, { id: uid('sv') });
  await createService(d, w, { id: 'maths' });
  await d.api('PATCH', `${base(w)}/maths`, { token: w.token, body: { active: false } });
  assert.deepEqual((await d.api('GET', base(w))).json.services, []);
  assert.deepEqual((await d.api('GET', `/api/v1/workers/${w.id}`)).json.services, []);
});

test('PATCH: bad values are 422 naming the field and change nothing', async () => {
  const w = await createWorker(d, { id: uid('sv') });
  const created = await createService(d, w, { id: 'maths' });
  const bad = [
    [{ duration_min: 4 }, 'duration_min'], [{ duration_min: 721 }, 'duration_min'], [{ duration_min: null }, 'duration_min'],
    [{ step_min: 0 }, 'step_min'], [{ capacity: 1001 }, 'capacity'], [{ capacity: '2' }, 'capacity'],
    [{ buffer_before_min: -1 }, 'buffer_before_min'], [{ buffer_after_min: 721 }, 'buffer_after_min'],
    [{ min_notice_min: 525601 }, 'min_notice_min'], [{ horizon_days: 0 }, 'horizon_days'],
    [{ max_per_day: 0 }, 'max_per_day'], [{ video: 'no' }, 'video'], [{ active: 0 }, 'active'],
    [{ title: '' }, 'title'], [{ title: null }, 'title'],
    [{ title: 'Valide', capacity: 0 }, 'capacity'],
  ];
  for (const [c, field] of bad) {
    expect422(await d.api('PATCH', `${base(w)}/maths`, { token: w.token, body: c }), field);
  }
  const g = await d.api('GET', `${base(w)}/maths`);
  for (const [k, v] of Object.entries(created)) assert.deepEqual(g.json[k], v, k);
  expectError(await d.api('PATCH', `${base(w)}/maths`, { token: w.token, body: '[1]' }), 400, 'invalid_json');
  expectError(await d.api('PATCH', `${base(w)}/nope`, { token: w.token, body: { title: 'X' } }), 404, 'not_found');
});

test('PATCH: the id cannot change', async () => {
  const w = await createWorker(d, { id: uid('sv') });
  await createService(d, w, { id: 'maths' });
  const r = await d.api('PATCH', `${base(w)}/maths`, { token: w.token, body: { id: 'physique' } });
  assert.ok(r.status === 200 || r.status === 422, r.text);
  if (r.status === 200) assert.equal(r.json.id, 'maths');
  else expect422(r, 'id');
  assert.equal((await d.api('GET', `${base(w)}/maths`)).status, 200);
  expectError(await d.api('GET', `${base(w)}/physique`), 404, 'not_found');
});

test('DELETE: 204 with no body, then 404; auth rules', async () => {
  const w = await createWorker(d, { id: uid('sv') });
  const other = await createWorker(d, { id: uid('sv') });
  await createService(d, w, { id: 'maths' });
  expectError(await d.api('DELETE', `${base(w)}/maths`), 401, 'unauthorized');
  expectError(await d.api('DELETE', `${base(w)}/maths`, { token: other.token }), 403, 'forbidden');
  const r = await d.api('DELETE', `${base(w)}/maths`, { token: w.token });
  assert.equal(r.status, 204);
  assert.equal(r.text, '');
  expectError(await d.api('GET', `${base(w)}/maths`), 404, 'not_found');
  expectError(await d.api('DELETE', `${base(w)}/maths`, { token: w.token }), 404, 'not_found');
  assert.deepEqual((await d.api('GET', base(w), { token: w.token })).json.services, []);
  // The id is free again.
  assert.equal((await post(w, svc({ id: 'maths' }))).status, 201);
});

test('DELETE: 409 while the service has future confirmed bookings', async () => {
  const w = await createWorker(d, { id: uid('sv') });
  await putHours(d, w, everyDay(['00:00', '24:00']));
  await createService(d, w, { id: 'maths', min_notice_min: 0 });
  const list = await slots(d, w, 'maths', dayFromNow(5));
  assert.ok(list.length > 0);
  const b = await book(d, w, 'maths', list[0].start);
  assert.equal(b.status, 201, b.text);
  expectError(await d.api('DELETE', `${base(w)}/maths`, { token: w.token }), 409, 'conflict');
  assert.equal((await d.api('GET', `${base(w)}/maths`)).status, 200);
  const c = await d.api('POST', `/api/v1/bookings/${b.json.id}/cancel`, { token: w.token });
  assert.equal(c.status, 200, c.text);
  assert.equal((await d.api('DELETE', `${base(w)}/maths`, { token: w.token })).status, 204);
});

test('creating and patching services needs the worker token', async () => {
  const w = await createWorker(d, { id: uid('sv') });
  const other = await createWorker(d, { id: uid('sv') });
  await createService(d, w, { id: 'maths' });
  expectError(await d.api('POST', base(w), { body: svc() }), 401, 'unauthorized');
  expectError(await post(w, svc(), other.token), 403, 'forbidden');
  expectError(await d.api('PATCH', `${base(w)}/maths`, { body: { title: 'X' } }), 401, 'unauthorized');
  expectError(await d.api('PATCH', `${base(w)}/maths`, { token: other.token, body: { title: 'X' } }), 403, 'forbidden');
  assert.equal((await d.api('GET', `${base(w)}/maths`)).json.title, 'Cours de maths');
});
