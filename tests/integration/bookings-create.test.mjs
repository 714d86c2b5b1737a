// bookings-create: POST .../bookings from the contract (API.md "Bookings"):
// the 201 answer field by field, the validation of every field (422 with
// its name, nothing booked), and the 409s of SEMANTICS.md §1.
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
const HOUR = 3600000;

async function worker(fields = {}, hours = everyDay(['08:00', '18:00'])) {
  const w = await createWorker(d, { id: uid('bc'), timezone: 'Africa/Abidjan', ...fields });
  await putHours(d, w, hours);
  return w;
}

async function bookingsOf(w, from, to) {
  const r = await d.api('GET', `/api/v1/workers/${w.id}/bookings?from=${from}&to=${to}`, { token: w.token });
  assert.equal(r.status, 200, r.text);
  return r.json.bookings;
}

function assertUnavailable(r, what) {
  assert.equal(r.status, 409, `${what}: ${r.status} ${r.text}`);
  assert.equal(r.json?.error?.code, 'slot_unavailable', `${what}: ${r.text}`);
}

test('201: every field of the booking', async () => {
  const w = await worker({ name: 'Marie Dubois', email: 'marie@example.org', locale: 'nl' });
  await createService(d, w, { id: 'maths-60', duration_min: 60 });
  const D = dayFromNow(5);
  const r = await book(d, w, 'maths-60', `${D}T09:00:00Z`, {
    name: 'Jean Peeters', email: 'jean@example.org', note: 'Chapitre 3',
    timezone: 'America/New_York', locale: 'en',
  });
  assert.equal(r.status, 201, r.text);
  assert.match(r.headers.get('content-type') || '', /^application\/json/);
  const b = r.json;
  assert.equal(typeof b.id, 'string');
  assert.ok(b.id.length > 0);
  assert.equal(b.status, 'confirmed');
  assert.equal(b.worker, w.id);
  assert.equal(b.service, 'maths-60');
  assert.equal(ms(b.start), ms(`${D}T09:00:00Z`));
  assert.equal(ms(b.end), ms(`${D}T10:00:00Z`));
  // In the booking's zone: 09:00Z is 04:00 or 05:00 in New York.
  assert.match(b.start, /^\d{4}-\d\d-\d\dT0[45]:00:00-0[45]:00$/);
  assert.match(b.end, /^\d{4}-\d\d-\d\dT0[56]:00:00-0[45]:00$/);
  assert.equal(b.start.slice(-6), b.end.slice(-6));
  assert.equal(b.name, 'Jean Peeters');
  assert.equal(b.email, 'jean@example.org');
  assert.equal(b.note, 'Chapitre 3');
  assert.equal(b.timezone, 'America/New_York');
  assert.equal(b.locale, 'en');
  assert.equal(b.sequence, 0);
  assert.ok(b.room_url.startsWith('https://meet.jit.si/'), b.room_url);
  assert.ok(b.room_url.length >= 'https://meet.jit.si/'.length + 22, b.room_url);
  assert.equal(typeof b.token, 'string');
  assert.ok(b.token.length >= 22, 'a token of 128 bits at least');
  // manage_url: the booking's page on the base URL, token after '#'.
  const m = new URL(b.manage_url);
  assert.ok(['http:', 'https:'].includes(m.protocol), b.manage_url);
  assert.equal(m.pathname, `/manage/${b.id}`);
  assert.equal(decodeURIComponent(m.hash.slice(1)), b.token);
  assert.ok(!m.search.includes(b.token), 'the token is never sent to the server in the URL query');
  // invite_url: the booking's .ics, usable as given.
  const i = new URL(b.invite_url);
  assert.equal(i.pathname, `/api/v1/bookings/${b.id}/invite.ics`);
  assert.equal(`${i.protocol}//${i.host}`, `${m.protocol}//${m.host}`);
  const inv = await fetch(d.url + i.pathname + i.search);
  assert.equal(inv.status, 200, 'invite_url as given opens the invite');
  assert.match(inv.headers.get('content-type') || '', /^text\/calendar/);
  // The default base URL is where the daemon listens.
  assert.equal(`${m.protocol}//${m.host}`, d.url);

  // Defaults: timezone and locale are the worker's.
  const r2 = await book(d, w, 'maths-60', `${D}T11:00:00+00:00`, { email: 'x@example.org' });
  assert.equal(r2.status, 201, r2.text);
  assert.equal(r2.json.timezone, 'Africa/Abidjan');
  assert.equal(r2.json.locale, 'nl');
  assert.ok(r2.json.note === '' || r2.json.note === null || r2.json.note === undefined, `note ${r2.json.note}`);
  assert.equal(r2.json.start.slice(0, 19), `${D}T11:00:00`);
  assert.notEqual(r2.json.id, b.id);
  assert.notEqual(r2.json.token, b.token);
  assert.notEqual(r2.json.room_url, b.room_url);
});

test('422 with the field named, and nothing booked', async () => {
  const w = await worker();
  // A large group, so that any wrongly accepted request shows as a seat.
  await createService(d, w, { id: 'big', duration_min: 60, capacity: 1000 });
  const D = dayFromNow(6);
  const start = `${D}T10:00:00Z`;
  const long = (n, c = 'a') => c.repeat(n);
  const cases = [
    ['name', { name: '' }],
    ['name', { name: undefined }],
    ['name', { name: long(201) }],
    ['name', { name: long(201, 'é') }],
    ['name', { name: 'Jean\nPeeters' }],
    ['name', { name: 'Jean\r\nPeeters' }],
    ['name', { name: 'Jean\tPeeters' }],
    ['name', { name: 'Jean\u0000Peeters' }],
    ['name', { name: 'Jean\u001bPeeters' }],
    ['name', { name: 'Jean\u007fPeeters' }],
    ['name', { name: 'Jean\u0080Peeters' }],
    ['name', { name: 'Jean\u0085Peeters' }],
    ['name', { name: 'Jean\u009fPeeters' }],
    ['name', { name: 42 }],
    ['note', { note: long(2001) }],
    ['note', { note: long(2001, 'ü') }],
    ['note', { note: 'a\rb' }],
    ['note', { note: 'a\u0000b' }],
    ['note', { note: 'a\u000bb' }],
    ['note', { note: 'a\u007fb' }],
    ['note', { note: 'a\u0085b' }],
    ['note', { note: 'a\u009fb' }],
    ['email', { email: '' }],
    ['email', { email: undefined }],
    ['email', { email: 'jean' }],
    ['email', { email: 'jean@' }],
    ['email', { email: '@example.org' }],
    ['email', { email: 'jean@@example.org' }],
    ['email', { email: 'a@b@example.org' }],
    ['email', { email: 'jean@localhost' }],
    ['email', { email: 'jean@example.' }],
    ['email', { email: 'jean@.example.org' }],
    ['email', { email: 'jean@example..org' }],
    ['email', { email: 'jean@exa_mple.org' }],
    ['email', { email: 'jean@exa mple.org' }],
    ['email', { email: 'jean peeters@example.org' }],
    ['email', { email: 'jean"@example.org' }],
    ['email', { email: 'je(an@example.org' }],
    ['email', { email: 'je,an@example.org' }],
    ['email', { email: 'je:an@example.org' }],
    ['email', { email: 'je;an@example.org' }],
    ['email', { email: 'je<an@example.org' }],
    ['email', { email: 'je[an@example.org' }],
    ['email', { email: 'je\\an@example.org' }],
    ['email', { email: 'jean\n@example.org' }],
    ['email', { email: 'jean@example.org\r\nBcc: x@evil.example' }],
    ['email', { email: `${long(65)}@example.org` }],
    // 255 octets.
    ['email', { email: `${long(64)}@${long(63, 'b')}.${long(63, 'c')}.${long(62, 'd')}` }],
    ['start', { start: undefined }],
    ['start', { start: '' }],
    ['start', { start: `${D}T10:00:00` }],
    ['start', { start: `${D} 10:00:00Z` }],
    ['start', { start: `${D}T25:00:00Z` }],
    ['start', { start: 'tomorrow' }],
    ['start', { start: D }],
    ['start', { start: 1767225600 }],
    ['locale', { locale: 'de' }],
    ['locale', { locale: 'FR-be' }],
    ['locale', { locale: '' }],
    ['timezone', { timezone: 'Mars/Olympus_Mons' }],
    ['timezone', { timezone: '+02:00' }],
    ['timezone', { timezone: '' }],
  ];
  for (const [field, over] of cases) {
    const body = { start, name: 'Jean Peeters', email: 'jean@example.org', ...over };
    for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
    const r = await d.api('POST', `/api/v1/workers/${w.id}/services/big/bookings`, { body });
    assert.equal(r.status, 422, `${JSON.stringify(over)}: ${r.status} ${r.text}`);
    assert.equal(r.json?.error?.code, 'validation_failed', JSON.stringify(over));
    assert.equal(r.json.error.field, field, `${JSON.stringify(over)}: ${r.text}`);
  }
  assert.deepEqual(await bookingsOf(w, D, D), [], 'a rejected request booked something');
  assert.equal((await slots(d, w, 'big', D)).find((s) => ms(s.start) === ms(start)).seats_left, 1000);
});

test('accepted edge values of name, note and email', async () => {
  const w = await worker();
  await createService(d, w, { id: 'big', duration_min: 60, capacity: 1000 });
  const D = dayFromNow(6);
  const start = `${D}T11:00:00+00:00`;
  const ok = async (fields, what) => {
    const r = await book(d, w, 'big', start, fields);
    assert.equal(r.status, 201, `${what}: ${r.status} ${r.text}`);
    return r.json;
  };
  assert.equal((await ok({ name: 'a'.repeat(200) }, '200 a')).name, 'a'.repeat(200));
  assert.equal((await ok({ name: 'é'.repeat(200) }, '200 é')).name, 'é'.repeat(200));
  assert.equal((await ok({ name: '🎓'.repeat(200) }, '200 emoji')).name, '🎓'.repeat(200));
  assert.equal((await ok({ name: 'X' }, 'one character')).name, 'X');
  assert.equal((await ok({ note: 'n'.repeat(2000) }, '2000 note')).note, 'n'.repeat(2000));
  assert.equal((await ok({ note: 'ü'.repeat(2000) }, '2000 ü')).note, 'ü'.repeat(2000));
  assert.equal((await ok({ note: 'ligne 1\nligne 2\tfin' }, 'LF and tab')).note, 'ligne 1\nligne 2\tfin');
  assert.equal((await ok({ note: 'ligne 1\r\nligne 2' }, 'CRLF')).note, 'ligne 1\nligne 2');
  for (const email of ['jean.o+tag@sub.example.co.uk', "o'brien@example.ie",
    'j-p_9!#$%&*=?^`{|}~@x-1.example.org', 'jean@exämple.be',
    `${'a'.repeat(64)}@example.org`,
    `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(58)}.be`]) {
    assert.equal((await ok({ email }, email)).email, email);
  }
  const one = await ok({ timezone: 'Asia/Kathmandu', locale: 'fr' }, 'zone and locale');
  assert.equal(one.start.slice(-6), '+05:45');
  assert.equal(one.locale, 'fr');
  // The stored note is the one read back, with LF only.
  const crlf = await ok({ note: 'a\r\nb' }, 'CRLF again');
  const g = await d.api('GET', `/api/v1/bookings/${crlf.id}`, { token: crlf.token });
  assert.equal(g.status, 200, g.text);
  assert.equal(g.json.note, 'a\nb');
});

test('409 slot_unavailable: off grid, outside hours, too soon, too far, time off, taken', async () => {
  const D = dayFromNow(7);
  const w = await worker({}, {
    ...everyDay(['09:00', '17:00']),
    time_off: [{ start: `${D}T13:00:00Z`, end: `${D}T14:00:00Z` }],
  });
  await createService(d, w, { id: 's', duration_min: 60, min_notice_min: 72 * 60, horizon_days: 20 });
  const before = await slots(d, w, 's', D);
  assert.equal(before.length, 7);
  const cases = [
    [`${D}T09:30:00Z`, 'off the grid'],
    [`${D}T09:00:01Z`, 'off the grid by a second'],
    [`${D}T08:00:00Z`, 'before the hours'],
    [`${D}T16:30:00Z`, 'ends after the hours'],
    [`${D}T17:00:00Z`, 'at the end of the hours'],
    [`${D}T13:00:00Z`, 'time off'],
    [`${dayFromNow(1)}T10:00:00Z`, 'too soon'],
    [`${dayFromNow(2)}T10:00:00Z`, 'too soon'],
    [`${dayFromNow(25)}T10:00:00Z`, 'too far'],
    [`${dayFromNow(-3)}T10:00:00Z`, 'in the past'],
    ['2031-01-06T10:00:00Z', 'years away'],
  ];
  for (const [start, what] of cases) assertUnavailable(await book(d, w, 's', start), `${start} ${what}`);
  assertUnavailable(await book(d, w, 's', `${D}T10:00:00+05:00`), 'same wall time, other offset: 05:00Z');
  const r = await book(d, w, 's', `${D}T10:00:00Z`);
  assert.equal(r.status, 201, r.text);
  assertUnavailable(await book(d, w, 's', `${D}T10:00:00Z`, { email: 'other@example.org' }), 'taken');
  assertUnavailable(await book(d, w, 's', `${D}T12:00:00+02:00`), 'taken, written in another offset');
  // The slot is gone from the list, the others stay.
  const after = await slots(d, w, 's', D);
  assert.deepEqual(after.map((s) => s.start), before.filter((s) => ms(s.start) !== ms(`${D}T10:00:00Z`)).map((s) => s.start));
  assert.equal((await bookingsOf(w, D, D)).length, 1);
});

test('start: any RFC 3339 spelling of a slot is that slot; a fraction off the grid is not', async () => {
  const w = await worker();
  await createService(d, w, { id: 'big', duration_min: 60, capacity: 100 });
  const D = dayFromNow(8);
  for (const start of [`${D}T09:00:00.000Z`, `${D}t09:00:00z`, `${D}T11:00:00+02:00`, `${D}T04:00:00-05:00`, `${D}T09:00:00-00:00`]) {
    const r = await book(d, w, 'big', start);
    assert.equal(r.status, 201, `${start}: ${r.status} ${r.text}`);
    assert.equal(ms(r.json.start), ms(`${D}T09:00:00Z`), start);
  }
  // Half a second after a slot is not a slot: refused, not rounded.
  for (const start of [`${D}T10:00:00.5Z`, `${D}T10:00:00.999+00:00`]) {
    const r = await book(d, w, 'big', start);
    assert.ok(r.status === 409 || r.status === 422, `${start}: ${r.status} ${r.text}`);
  }
  assert.equal((await bookingsOf(w, D, D)).filter((b) => ms(b.start) === ms(`${D}T10:00:00Z`)).length, 0,
    'a start with a fraction was booked at the whole second');
});

test('404 on an unknown worker or service; inactive service books nothing', async () => {
  const w = await worker();
  await createService(d, w, { id: 's', duration_min: 60 });
  await createService(d, w, { id: 'off', duration_min: 60, active: false });
  const D = dayFromNow(4);
  let r = await book(d, { id: 'nobody-here' }, 's', `${D}T10:00:00Z`);
  assert.equal(r.status, 404, r.text);
  r = await book(d, w, 'nothing', `${D}T10:00:00Z`);
  assert.equal(r.status, 404, r.text);
  r = await book(d, w, 'off', `${D}T10:00:00Z`);
  assert.ok(r.status === 404 || r.status === 409, `inactive service: ${r.status} ${r.text}`);
  assert.deepEqual(await bookingsOf(w, D, D), []);
});
