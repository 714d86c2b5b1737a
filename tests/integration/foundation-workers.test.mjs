// Acceptance tests of API.md "Workers": create, ids (syntax and reserved
// names), time zones, locales, e-mail and name rules, the public and the
// private profile, PATCH, DELETE.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startDaemon, createWorker, createService, putHours, everyDay, dayFromNow, slots, book,
} from './lib.mjs';
import { expectError, expect422, uid } from './foundation-helpers.mjs';

let d;
before(async () => { d = await startDaemon(); });
after(async () => { if (d) { await d.stop(); d.cleanup(); } });

const body = (extra = {}) => ({
  id: uid('wk'), name: 'Marie Dubois', email: 'marie@example.org', timezone: 'Europe/Brussels', ...extra,
});
const create = (b) => d.api('POST', '/api/v1/workers', { token: d.admin, body: b });

// ---- create ---------------------------------------------------------------------

test('create: 201 with the worker, its token and its feed_url', async () => {
  const b = body({ locale: 'nl' });
  const r = await create(b);
  assert.equal(r.status, 201, r.text);
  assert.match(r.headers.get('content-type'), /^application\/json\b/);
  assert.equal(r.json.id, b.id);
  assert.equal(r.json.name, b.name);
  assert.equal(r.json.email, b.email);
  assert.equal(r.json.timezone, b.timezone);
  assert.equal(r.json.locale, 'nl');
  assert.equal(typeof r.json.token, 'string');
  assert.ok(r.json.token.length >= 22);
  assert.match(r.json.feed_url, new RegExp(`^${d.url}/feeds/${b.id}/[A-Za-z0-9_-]{22,}\\.ics$`));
  // The token works at once.
  const g = await d.api('GET', `/api/v1/workers/${b.id}/availability`, { token: r.json.token });
  assert.equal(g.status, 200);
});

test('create: locale defaults to fr', async () => {
  const r = await create(body());
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.locale, 'fr');
});

test('create: an id that exists is 409 conflict, and the first worker is kept', async () => {
  const b = body();
  assert.equal((await create(b)).status, 201);
  expectError(await create({ ...b, name: 'Someone Else', email: 'else@example.org' }), 409, 'conflict');
  const g = await d.api('GET', `/api/v1/workers/${b.id}`);
  assert.equal(g.json.name, 'Marie Dubois');
});

test('create: ids must match ^[a-z0-9][a-z0-9-]{0,62}$', async () => {
  const bad = ['', 'A', 'Marie', 'marie.dubois', '-marie', 'marie_dubois', 'marie dubois', 'marié',
    'a'.repeat(64), 'a/b', '..', ' marie', 'marie\n'];
  for (const id of bad) expect422(await create(body({ id })), 'id');
  for (const id of [5, null, true, ['a'], { a: 1 }]) expect422(await create(body({ id })), 'id');
  const { id: _drop, ...noId } = body();
  expect422(await create(noId), 'id');
  const good = ['0', 'z', 'a-', `m${'a'.repeat(62)}`, '9-lives', uid('ok')];
  for (const id of good) {
    const r = await create(body({ id }));
    assert.equal(r.status, 201, `${id}: ${r.text}`);
    assert.equal(r.json.id, id);
  }
});

test('create: the same id sent 8 times at once makes one worker', async () => {
  const id = uid('race');
  const rs = await Promise.all(Array.from({ length: 8 }, (_, i) => create(body({ id, name: `N${i}` }))));
  const codes = rs.map((r) => r.status).sort();
  assert.deepEqual(codes, [201, 409, 409, 409, 409, 409, 409, 409], rs.map((r) => r.text).join('\n'));
  for (const r of rs.filter((x) => x.status === 409)) expectError(r, 409, 'conflict');
  const winner = rs.find((r) => r.status === 201).json;
  const g = await d.api('GET', `/api/v1/workers/${id}`, { token: winner.token });
  assert.equal(g.json.name, winner.name);
});

test('create: reserved worker ids are 422', async () => {
  for (const id of ['api', 'feeds', 'static', 'manage', 'admin', 'healthz', 'metrics', 'favicon.ico', 'robots.txt']) {
    expect422(await create(body({ id })), 'id');
  }
  // Prefixes of reserved words are ordinary ids.
  for (const id of ['apis', 'admin-2', 'static-marie']) {
    const r = await create(body({ id: `${id}-${uid('r')}` }));
    assert.equal(r.status, 201, r.text);
  }
});

test('create: time zones must be IANA names', async () => {
  for (const tz of ['Europe/Paris', 'America/Argentina/Buenos_Aires', 'Asia/Kolkata', 'Pacific/Chatham']) {
    const r = await create(body({ timezone: tz }));
    assert.equal(r.status, 201, `${tz}: ${r.text}`);
    assert.equal(r.json.timezone, tz);
  }
  const bad = ['Mars/Olympus', 'europe/brussels', 'EUROPE/BRUSSELS', 'UTC+1', 'GMT+01:00', '+01:00',
    '../etc/passwd', '/etc/passwd', 'Europe/../Europe/Paris', '/usr/share/zoneinfo/Europe/Paris',
    'Europe/Paris ', ' Europe/Paris', 'Europe', 'Europe/', '', 'Brussels'];
  for (const tz of bad) expect422(await create(body({ timezone: tz })), 'timezone');
  for (const tz of [1, null, ['Europe/Paris']]) expect422(await create(body({ timezone: tz })), 'timezone');
  const { timezone: _drop, ...noTz } = body();
  expect422(await create(noTz), 'timezone');
});

test('create: locale is fr, nl or en', async () => {
  for (const loc of ['fr', 'nl', 'en']) {
    const r = await create(body({ locale: loc }));
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.locale, loc);
  }
  for (const loc of ['de', 'FR', 'en-GB', 'fr_BE', '', 'french', 1, true]) {
    expect422(await create(body({ locale: loc })), 'locale');
  }
});

// ---- e-mail -------------------------------------------------------------------

const local64 = 'l'.repeat(64);
const domain189 = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(61)}`; // 189 octets

test('e-mail: addresses that follow the rule are accepted', async () => {
  const good = [
    'a@b.co', 'marie.dubois+cours@example.org', 'x@sub.domain-x.example.be', 'x@exämple.be',
    "o'brien@example.ie", 'a!#$%&*/=?^_`{|}~-@example.org', `${local64}@example.org`,
    `${local64}@${domain189}`, 'x@1.2', 'marie@ÉCOLE.fr',
  ];
  assert.equal(Buffer.byteLength(`${local64}@${domain189}`), 254);
  for (const email of good) {
    const r = await create(body({ email }));
    assert.equal(r.status, 201, `${email}: ${r.text}`);
    assert.equal(r.json.email, email);
  }
});

test('e-mail: addresses that break the rule are 422', async () => {
  const over = `${local64}@${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(62)}`;
  assert.equal(Buffer.byteLength(over), 255);
  // 224 characters but 255 octets: the limit counts octets.
  const overOctets = `${local64}@${'ä'.repeat(31)}.${'b'.repeat(63)}.${'c'.repeat(63)}`;
  assert.equal(Buffer.byteLength(overOctets), 255);
  const bad = [
    '', 'marie', 'marie@', '@example.org', 'marie@@example.org', 'ma@rie@example.org',
    'marie@localhost', 'marie@example', 'marie@.example.org', 'marie@example..org', 'marie@example.org.',
    'marie@exa_mple.org', 'marie@exa mple.org', 'marie@example.org ', ' marie@example.org',
    'ma rie@example.org', 'ma"rie@example.org', '"marie"@example.org', 'ma(rie@example.org', 'ma)rie@example.org',
    'ma,rie@example.org', 'ma:rie@example.org', 'ma;rie@example.org', 'ma<rie@example.org', 'ma>rie@example.org',
    'ma[rie@example.org', 'ma]rie@example.org', 'ma\\rie@example.org', 'ma\u0001rie@example.org',
    'ma\u007frie@example.org', 'marie\n@example.org', 'marie@example.org\r\nBcc: x@evil.example',
    `l${local64}@example.org`, over, overOctets, 'marie@exa!mple.org',
  ];
  for (const email of bad) expect422(await create(body({ email })), 'email');
  for (const email of [null, 5, ['a@b.co']]) expect422(await create(body({ email })), 'email');
  const { email: _drop, ...noEmail } = body();
  expect422(await create(noEmail), 'email');
});

// ---- name ---------------------------------------------------------------------

test('name: 1..200 characters, required, no control characters', async () => {
  for (const name of ['M', 'é'.repeat(200), 'Jean-Pierre Van den Broeck', '山田 花子', 'Zoë 👩‍🏫']) {
    const r = await create(body({ name }));
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.name, name);
  }
  const bad = ['', 'x'.repeat(201), 'é'.repeat(201), 'Marie\nDubois', 'Marie\rDubois', 'Marie\tDubois',
    'Marie\u0007', 'Marie\u001b[31m', 'Marie\u007f', 'Marie\u0085', 'Marie\u009f'];
  for (const name of bad) expect422(await create(body({ name })), 'name');
  for (const name of [null, 7, { first: 'M' }]) expect422(await create(body({ name })), 'name');
  const { name: _drop, ...noName } = body();
  expect422(await create(noName), 'name');
});

test('a \\u0000 escape is valid JSON: a bad value, 422 naming the field', async () => {
  expect422(await create(body({ id: 'a\u0000b' })), 'id');
  expect422(await create(body({ name: 'Marie\u0000' })), 'name');
  expect422(await create(body({ timezone: 'Europe/Paris\u0000' })), 'timezone');
  expect422(await create(body({ email: 'marie\u0000@example.org' })), 'email');
});

// ---- GET --------------------------------------------------------------------------

test('GET: the public profile has no email, feed_url or token', async () => {
  const w = await createWorker(d, { id: uid('pf'), locale: 'en', timezone: 'Europe/Paris' });
  await createService(d, w, { id: 'on' });
  await createService(d, w, { id: 'off', active: false });
  const r = await d.api('GET', `/api/v1/workers/${w.id}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.id, w.id);
  assert.equal(r.json.name, 'Marie Dubois');
  assert.equal(r.json.timezone, 'Europe/Paris');
  assert.equal(r.json.locale, 'en');
  assert.equal(r.json.email, undefined);
  assert.equal(r.json.feed_url, undefined);
  assert.equal(r.json.token, undefined);
  assert.ok(Array.isArray(r.json.services));
  assert.deepEqual(r.json.services.map((s) => s.id), ['on'], 'only active services');
  assert.doesNotMatch(r.text, /marie@example\.org|\/feeds\//);
});

test("GET: the worker's or the admin token also shows email and feed_url", async () => {
  const w = await createWorker(d, { id: uid('pf') });
  for (const token of [w.token, d.admin]) {
    const r = await d.api('GET', `/api/v1/workers/${w.id}`, { token });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.email, 'marie@example.org');
    assert.equal(r.json.feed_url, w.feed_url);
    assert.equal(r.json.token, undefined, 'the token is shown only once');
  }
});

test("GET: another worker's token never shows email or feed_url", async () => {
  const a = await createWorker(d, { id: uid('pf') });
  const b = await createWorker(d, { id: uid('pf') });
  const r = await d.api('GET', `/api/v1/workers/${b.id}`, { token: a.token });
  assert.ok(r.status === 200 || r.status === 403, r.text);
  assert.equal(r.json?.email, undefined);
  assert.equal(r.json?.feed_url, undefined);
});

test('GET: an unknown worker is 404', async () => {
  expectError(await d.api('GET', `/api/v1/workers/${uid('none')}`), 404, 'not_found');
  expectError(await d.api('GET', `/api/v1/workers/${uid('none')}`, { token: d.admin }), 404, 'not_found');
});

// ---- PATCH ------------------------------------------------------------------------

test('PATCH: each of name, email, timezone, locale changes alone', async () => {
  const w = await createWorker(d, { id: uid('pt') });
  const path = `/api/v1/workers/${w.id}`;
  const steps = [
    { name: 'Marie Claes' }, { email: 'marie.claes@example.be' }, { timezone: 'America/New_York' }, { locale: 'en' },
  ];
  let expected = { name: 'Marie Dubois', email: 'marie@example.org', timezone: 'Europe/Brussels', locale: 'fr' };
  for (const change of steps) {
    expected = { ...expected, ...change };
    const r = await d.api('PATCH', path, { token: w.token, body: change });
    assert.equal(r.status, 200, r.text);
    for (const [k, v] of Object.entries(expected)) assert.equal(r.json[k], v, k);
    assert.equal(r.json.id, w.id);
    const g = await d.api('GET', path, { token: w.token });
    for (const [k, v] of Object.entries(expected)) assert.equal(g.json[k], v, k);
  }
  // An empty patch changes nothing.
  const r = await d.api('PATCH', path, { token: w.token, body: {} });
  assert.equal(r.status, 200, r.text);
  for (const [k, v] of Object.entries(expected)) assert.equal(r.json[k], v, k);
});

test('PATCH: the admin may patch any worker', async () => {
  const w = await createWorker(d, { id: uid('pt') });
  const r = await d.api('PATCH', `/api/v1/workers/${w.id}`, { token: d.admin, body: { name: 'Par Admin' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.name, 'Par Admin');
});

test('PATCH: bad values are 422 naming the field and change nothing', async () => {
  const w = await createWorker(d, { id: uid('pt') });
  const path = `/api/v1/workers/${w.id}`;
  const cases = [
    [{ name: '' }, 'name'], [{ name: null }, 'name'], [{ name: 'a\nb' }, 'name'], [{ name: 'x'.repeat(201) }, 'name'],
    [{ email: 'nope' }, 'email'], [{ email: null }, 'email'], [{ email: 'a@localhost' }, 'email'],
    [{ timezone: 'Mars/Olympus' }, 'timezone'], [{ timezone: 'europe/brussels' }, 'timezone'], [{ timezone: null }, 'timezone'],
    [{ locale: 'de' }, 'locale'], [{ locale: null }, 'locale'],
    [{ name: 'Valide', timezone: 'UTC+1' }, 'timezone'],
    [{ email: 'ok@example.org', locale: 'xx' }, 'locale'],
  ];
  for (const [change, field] of cases) {
    expect422(await d.api('PATCH', path, { token: w.token, body: change }), field);
  }
  const g = await d.api('GET', path, { token: w.token });
  assert.equal(g.json.name, 'Marie Dubois');
  assert.equal(g.json.email, 'marie@example.org');
  assert.equal(g.json.timezone, 'Europe/Brussels');
  assert.equal(g.json.locale, 'fr');
});

test('PATCH: the id cannot be changed', async () => {
  const w = await createWorker(d, { id: uid('pt') });
  const other = uid('pt');
  const r = await d.api('PATCH', `/api/v1/workers/${w.id}`, { token: w.token, body: { id: other } });
  assert.ok(r.status === 200 || r.status === 422, r.text);
  if (r.status === 200) assert.equal(r.json.id, w.id);
  else expect422(r, 'id');
  assert.equal((await d.api('GET', `/api/v1/workers/${w.id}`)).status, 200);
  expectError(await d.api('GET', `/api/v1/workers/${other}`), 404, 'not_found');
});

test('PATCH: an unknown worker is 404 for the admin', async () => {
  expectError(await d.api('PATCH', `/api/v1/workers/${uid('none')}`, { token: d.admin, body: { name: 'X' } }), 404, 'not_found');
});

test('PATCH: a body that is not a JSON object is 400', async () => {
  const w = await createWorker(d, { id: uid('pt') });
  for (const b of ['nope', '[]', '"name"']) {
    expectError(await d.api('PATCH', `/api/v1/workers/${w.id}`, { token: w.token, body: b }), 400, 'invalid_json');
  }
});

// ---- DELETE -----------------------------------------------------------------------

test('DELETE: admin only, 204 with no body, then 404 everywhere', async () => {
  const w = await createWorker(d, { id: uid('dl') });
  await createService(d, w, { id: 'maths' });
  expectError(await d.api('DELETE', `/api/v1/workers/${w.id}`, { token: w.token }), 403, 'forbidden');
  const r = await d.api('DELETE', `/api/v1/workers/${w.id}`, { token: d.admin });
  assert.equal(r.status, 204);
  assert.equal(r.text, '');
  expectError(await d.api('GET', `/api/v1/workers/${w.id}`), 404, 'not_found');
  expectError(await d.api('GET', `/api/v1/workers/${w.id}/services`), 404, 'not_found');
  expectError(await d.api('GET', `/api/v1/workers/${w.id}/services/maths`), 404, 'not_found');
  expectError(await d.api('DELETE', `/api/v1/workers/${w.id}`, { token: d.admin }), 404, 'not_found');
  expectError(await d.api('GET', new URL(w.feed_url).pathname), 404, 'not_found');
  // Its token no longer opens anything.
  const after = await d.api('GET', `/api/v1/workers/${w.id}/availability`, { token: w.token });
  assert.ok(after.status === 401 || after.status === 404, after.text);
});

test('DELETE: 409 while the worker has future confirmed bookings', async () => {
  const w = await createWorker(d, { id: uid('dl') });
  await putHours(d, w, everyDay(['00:00', '24:00']));
  await createService(d, w, { id: 'maths', min_notice_min: 0 });
  const list = await slots(d, w, 'maths', dayFromNow(4));
  assert.ok(list.length > 0);
  const b = await book(d, w, 'maths', list[0].start);
  assert.equal(b.status, 201, b.text);
  expectError(await d.api('DELETE', `/api/v1/workers/${w.id}`, { token: d.admin }), 409, 'conflict');
  assert.equal((await d.api('GET', `/api/v1/workers/${w.id}`)).status, 200);
  // Once the booking is cancelled, the worker can go.
  const c = await d.api('POST', `/api/v1/bookings/${b.json.id}/cancel`, { token: b.json.token });
  assert.equal(c.status, 200, c.text);
  assert.equal((await d.api('DELETE', `/api/v1/workers/${w.id}`, { token: d.admin })).status, 204);
});
