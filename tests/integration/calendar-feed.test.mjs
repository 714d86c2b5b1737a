// calendar-feed: the worker's subscribable feed (API.md "Calendar feed",
// SEMANTICS.md §4 "The worker's feed"): its contents, its caching headers,
// and its secret URL. Every file goes through both validators of tests/ics.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import {
  startDaemon, createWorker, putHours, createService, everyDay, dayFromNow, book,
} from './lib.mjs';
import {
  parseIcs, prop, text, icsTime, validate, getIcs as getIcsFrom, cleanupValidators,
} from './icslib.mjs';

let d;
// A fixed base URL, as in production, so that a restart keeps the URLs.
const BASE = 'https://rdv.example.test';
before(async () => { d = await startDaemon({ args: ['--base-url', BASE] }); });
after(async () => {
  await d.stop();
  d.cleanup();
  cleanupValidators();
});

const uid = (p) => `${p}-${Math.random().toString(36).slice(2, 9)}`;
const ms = (s) => Date.parse(s);
const sleep = (n) => new Promise((res) => setTimeout(res, n));

const getIcs = (path, headers) => getIcsFrom(d, path, headers);

// The feed's path on this daemon, from the worker's feed_url.
function feedPath(w) {
  const u = new URL(w.feed_url);
  assert.match(u.pathname, new RegExp(`^/feeds/${w.id}/[^/]+\\.ics$`), w.feed_url);
  return u.pathname;
}

// Seconds in an RFC 5545 duration.
function seconds(dur) {
  const m = /^\+?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(dur);
  assert.ok(m, `not a duration: ${dur}`);
  return (+(m[1] || 0)) * 604800 + (+(m[2] || 0)) * 86400 + (+(m[3] || 0)) * 3600 + (+(m[4] || 0)) * 60 + (+(m[5] || 0));
}

const byStart = (events) => [...events].sort((a, b) => icsTime(prop(a, 'DTSTART').value) - icsTime(prop(b, 'DTSTART').value));

async function setup(name = 'Marie Dubois') {
  const w = await createWorker(d, { id: uid('cf'), name, timezone: 'Europe/Brussels' });
  await putHours(d, w, everyDay(['08:00', '18:00']));
  await createService(d, w, { id: 'maths-60', title: 'Cours de maths', duration_min: 60 });
  // 90 minutes on an hourly grid: whole UTC hours are on it, in winter and summer.
  await createService(d, w, { id: 'atelier', title: 'Atelier coiffure', duration_min: 90, step_min: 60, capacity: 8 });
  return w;
}

test('feed: a subscription, one VEVENT per session, groups counted', async () => {
  const w = await setup();
  const path = feedPath(w);
  const empty = await getIcs(path);
  assert.equal(empty.status, 200, empty.text);
  assert.match(empty.headers.get('content-type') || '', /^text\/calendar\s*;\s*charset=utf-8/i);
  assert.equal(parseIcs(empty.bytes).events.length, 0);

  const D = dayFromNow(5);
  const jean = (await book(d, w, 'maths-60', `${D}T08:00:00Z`, { name: 'Jean Peeters', note: 'Chapitre 3' })).json;
  const anna = (await book(d, w, 'maths-60', `${D}T10:00:00Z`, { name: 'Anna Janssens', email: 'anna@example.org' })).json;
  const g1 = (await book(d, w, 'atelier', `${D}T13:00:00Z`, { name: 'Lotte Maes', email: 'lotte@example.org', note: 'Cheveux longs' })).json;
  const g2 = (await book(d, w, 'atelier', `${D}T13:00:00Z`, { name: 'Tom Claes', email: 'tom@example.org', note: 'Barbe aussi' })).json;
  assert.ok(jean && anna && g1 && g2, 'four bookings');
  // Another worker's session never shows here.
  const other = await setup('Paul Other');
  assert.equal((await book(d, other, 'maths-60', `${D}T08:00:00Z`, { name: 'Stranger Person' })).status, 201);

  const r = await getIcs(path);
  assert.equal(r.status, 200, r.text);
  const { cal, events } = parseIcs(r.bytes);
  assert.equal(prop(cal, 'METHOD'), undefined, 'no METHOD in a subscription');
  assert.equal(text(cal, 'X-WR-CALNAME'), 'Marie Dubois');
  assert.equal(text(cal, 'NAME'), 'Marie Dubois');
  const refresh = prop(cal, 'REFRESH-INTERVAL');
  assert.ok(refresh, 'REFRESH-INTERVAL');
  assert.equal(refresh.params.VALUE, 'DURATION');
  assert.ok(seconds(refresh.value) > 0 && seconds(refresh.value) <= 3600, refresh.value);
  assert.ok(prop(cal, 'X-PUBLISHED-TTL'), 'X-PUBLISHED-TTL');
  assert.ok(seconds(prop(cal, 'X-PUBLISHED-TTL').value) <= 3600);
  assert.equal(events.length, 3);
  assert.ok(!r.text.includes('Stranger Person'));
  const [e1, e2, e3] = byStart(events);
  assert.equal(icsTime(prop(e1, 'DTSTART').value), ms(jean.start));
  assert.equal(icsTime(prop(e1, 'DTEND').value), ms(jean.end));
  assert.ok(text(e1, 'SUMMARY').includes('Jean Peeters'), text(e1, 'SUMMARY'));
  assert.equal(text(e1, 'LOCATION'), jean.room_url);
  assert.equal(prop(e1, 'URL').value, jean.room_url);
  assert.ok(text(e2, 'SUMMARY').includes('Anna Janssens'), text(e2, 'SUMMARY'));
  assert.equal(icsTime(prop(e2, 'DTSTART').value), ms(anna.start));
  assert.equal(text(e3, 'SUMMARY'), 'Atelier coiffure (2/8)');
  assert.equal(icsTime(prop(e3, 'DTSTART').value), ms(g1.start));
  assert.equal(icsTime(prop(e3, 'DTEND').value), ms(g1.end));
  assert.equal(text(e3, 'LOCATION'), g1.room_url);
  const desc = text(e3, 'DESCRIPTION');
  for (const s of ['Lotte Maes', 'Tom Claes', 'Cheveux longs', 'Barbe aussi']) assert.ok(desc.includes(s), `${s} in ${desc}`);
  for (const e of events) {
    assert.equal(text(e, 'STATUS'), 'CONFIRMED');
    assert.match(prop(e, 'DTSTAMP').value, /^\d{8}T\d{6}Z$/);
  }
  assert.equal(new Set(events.map((e) => text(e, 'UID'))).size, 3);
  const v = validate(r.bytes, 'feed');
  assert.equal(v.method, null);
  assert.equal(v.name, 'Marie Dubois');
  assert.equal(v.events.length, 3);
  const vs = [...v.events].sort((a, b) => ms(a.dtstart) - ms(b.dtstart));
  assert.deepEqual(vs.map((e) => [ms(e.dtstart), ms(e.dtend)]),
    [[ms(jean.start), ms(jean.end)], [ms(anna.start), ms(anna.end)], [ms(g1.start), ms(g1.end)]]);
  assert.equal(vs[2].summary, 'Atelier coiffure (2/8)');

  // A third seat: same UID, new count. A cancelled session stays, cancelled.
  const uidGroup = text(e3, 'UID');
  const uidAnna = text(e2, 'UID');
  assert.equal((await book(d, w, 'atelier', `${D}T13:00:00Z`, { email: 'x@example.org' })).status, 201);
  assert.equal((await d.api('POST', `/api/v1/bookings/${anna.id}/cancel`, { token: anna.token })).status, 200);
  const r2 = await getIcs(path);
  const ev2 = byStart(parseIcs(r2.bytes).events);
  assert.equal(ev2.length, 3);
  assert.equal(text(ev2[2], 'UID'), uidGroup);
  assert.equal(text(ev2[2], 'SUMMARY'), 'Atelier coiffure (3/8)');
  assert.equal(text(ev2[1], 'UID'), uidAnna);
  assert.equal(text(ev2[1], 'STATUS'), 'CANCELLED');
  assert.equal(text(ev2[0], 'STATUS'), 'CONFIRMED');
  const v2 = validate(r2.bytes, 'feed-after');
  assert.deepEqual(v2.events.map((e) => e.status).sort(), ['CANCELLED', 'CONFIRMED', 'CONFIRMED']);
  // A moved booking moves its event.
  const rs = await d.api('POST', `/api/v1/bookings/${jean.id}/reschedule`, { token: jean.token, body: { start: `${dayFromNow(6)}T08:00:00Z` } });
  assert.equal(rs.status, 200, rs.text);
  const ev3 = parseIcs((await getIcs(path)).bytes).events;
  assert.ok(ev3.some((e) => icsTime(prop(e, 'DTSTART').value) === ms(`${dayFromNow(6)}T08:00:00Z`) && text(e, 'STATUS') === 'CONFIRMED'));
  assert.ok(!ev3.some((e) => icsTime(prop(e, 'DTSTART').value) === ms(jean.start) && text(e, 'STATUS') === 'CONFIRMED'));
});

test('feed: ETag, Last-Modified, 304, same bytes when nothing changed', async () => {
  const w = await setup();
  const path = feedPath(w);
  const D = dayFromNow(7);
  const a = (await book(d, w, 'maths-60', `${D}T08:00:00Z`)).json;
  assert.ok(a);
  const r1 = await getIcs(path);
  assert.equal(r1.status, 200);
  const etag = r1.headers.get('etag');
  const lm = r1.headers.get('last-modified');
  assert.match(etag || '', /^"[^"]+"$/, `a strong ETag: ${etag}`);
  assert.ok(lm && !Number.isNaN(Date.parse(lm)), `Last-Modified: ${lm}`);
  assert.ok(Date.parse(lm) <= Date.now() + 1000, 'Last-Modified is not in the future');
  await sleep(1100);
  const r2 = await getIcs(path);
  assert.ok(r2.bytes.equals(r1.bytes), 'the same bytes when nothing changed');
  assert.equal(r2.headers.get('etag'), etag);
  assert.equal(r2.headers.get('last-modified'), lm);
  for (const h of [{ 'if-none-match': etag }, { 'if-modified-since': lm }, { 'if-none-match': `"other", ${etag}` }]) {
    const c = await getIcs(path, h);
    assert.equal(c.status, 304, `${JSON.stringify(h)}: ${c.status}`);
    assert.equal(c.bytes.length, 0);
    assert.equal(c.headers.get('etag'), etag);
  }
  const miss = await getIcs(path, { 'if-none-match': '"something-else"' });
  assert.equal(miss.status, 200);

  // A booking changes the ETag and moves Last-Modified forward.
  const b = (await book(d, w, 'atelier', `${D}T13:00:00Z`)).json;
  assert.ok(b);
  const r3 = await getIcs(path);
  const etag3 = r3.headers.get('etag');
  const lm3 = r3.headers.get('last-modified');
  assert.notEqual(etag3, etag);
  assert.ok(Date.parse(lm3) > Date.parse(lm), `Last-Modified ${lm} then ${lm3}`);
  assert.equal((await getIcs(path, { 'if-none-match': etag })).status, 200, 'an old ETag gets the new feed');
  assert.equal((await getIcs(path, { 'if-modified-since': lm })).status, 200, 'modified since');
  assert.equal((await getIcs(path, { 'if-none-match': etag3 })).status, 304);

  // Cancelling the latest change: Last-Modified still moves forward.
  await sleep(1100);
  assert.equal((await d.api('POST', `/api/v1/bookings/${b.id}/cancel`, { token: b.token })).status, 200);
  const r4 = await getIcs(path);
  const lm4 = r4.headers.get('last-modified');
  assert.notEqual(r4.headers.get('etag'), etag3);
  assert.ok(Date.parse(lm4) > Date.parse(lm3), `after a cancel: Last-Modified ${lm3} then ${lm4}`);
  assert.equal((await getIcs(path, { 'if-modified-since': lm3 })).status, 200);
  // And again for the oldest one.
  await sleep(1100);
  assert.equal((await d.api('POST', `/api/v1/bookings/${a.id}/cancel`, { token: a.token })).status, 200);
  const r5 = await getIcs(path);
  assert.ok(Date.parse(r5.headers.get('last-modified')) > Date.parse(lm4), 'never backwards');
  assert.notEqual(r5.headers.get('etag'), r4.headers.get('etag'));
  const ev = parseIcs(r5.bytes).events;
  assert.equal(ev.length, 2);
  assert.ok(ev.every((e) => text(e, 'STATUS') === 'CANCELLED'));
  validate(r5.bytes, 'feed-cancelled');
  const r6 = await getIcs(path);
  assert.ok(r6.bytes.equals(r5.bytes), 'the same bytes again');
});

test('feed: no gzip, even when asked', async () => {
  const w = await setup();
  assert.equal((await book(d, w, 'maths-60', `${dayFromNow(8)}T09:00:00Z`)).status, 201);
  const u = new URL(d.url + feedPath(w));
  const res = await new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path: u.pathname, headers: { 'accept-encoding': 'gzip, deflate, br' } }, (r) => {
      const chunks = [];
      r.on('data', (c) => chunks.push(c));
      r.on('end', () => resolve({ status: r.statusCode, headers: r.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
  assert.equal(res.status, 200);
  assert.ok(!res.headers['content-encoding'] || res.headers['content-encoding'] === 'identity', res.headers['content-encoding']);
  assert.ok(res.body.toString('utf8').startsWith('BEGIN:VCALENDAR\r\n'));
});

test('feed: a wrong token or worker is 404; a new feed token retires the old URL', async () => {
  const w = await setup();
  const w2 = await setup('Paul Other');
  const path = feedPath(w);
  const token = path.split('/').pop().replace(/\.ics$/, '');
  const token2 = feedPath(w2).split('/').pop().replace(/\.ics$/, '');
  for (const p of [`/feeds/${w.id}/${'q'.repeat(token.length)}.ics`, `/feeds/${w.id}/${token2}.ics`,
    `/feeds/${w2.id}/${token}.ics`, `/feeds/nobody-here/${token}.ics`, `/feeds/${w.id}/${token.slice(0, -1)}.ics`,
    `/feeds/${w.id}/${token}`, `/feeds/${w.id}/${w.token}.ics`]) {
    const r = await getIcs(p);
    assert.equal(r.status, 404, `${p}: ${r.status}`);
    assert.ok(!r.text.includes('BEGIN:VCALENDAR'));
  }
  const rot = await d.api('POST', `/api/v1/workers/${w.id}/feed-token`, { token: w.token });
  assert.equal(rot.status, 200, rot.text);
  assert.equal((await getIcs(path)).status, 404, 'the old feed URL');
  const fresh = new URL(rot.json.feed_url).pathname;
  assert.notEqual(fresh, path);
  assert.equal((await getIcs(fresh)).status, 200);
});

test('feed: the same bytes, ETag and Last-Modified after a restart', async () => {
  const w = await setup();
  assert.ok(w.feed_url.startsWith(`${BASE}/feeds/`), w.feed_url);
  const path = feedPath(w);
  const D = dayFromNow(9);
  const ra = await book(d, w, 'maths-60', `${D}T08:00:00Z`);
  const rg = await book(d, w, 'atelier', `${D}T12:00:00Z`);
  assert.equal(ra.status, 201, ra.text);
  assert.equal(rg.status, 201, rg.text);
  const [a, g] = [ra.json, rg.json];
  assert.equal((await d.api('POST', `/api/v1/bookings/${a.id}/cancel`, { token: a.token })).status, 200);
  const invitePath = `/api/v1/bookings/${g.id}/invite.ics?token=${encodeURIComponent(g.token)}`;
  const i1 = await getIcs(invitePath);
  assert.equal(i1.status, 200, i1.text);
  const inviteBefore = parseIcs(i1.bytes);
  const r1 = await getIcs(path);
  d = await d.restart();
  const r2 = await getIcs(path);
  assert.equal(r2.status, 200);
  assert.ok(r2.bytes.equals(r1.bytes), 'the feed changed across a restart');
  assert.equal(r2.headers.get('etag'), r1.headers.get('etag'));
  assert.equal(r2.headers.get('last-modified'), r1.headers.get('last-modified'));
  assert.equal((await getIcs(path, { 'if-none-match': r1.headers.get('etag') })).status, 304);
  const i2 = await getIcs(invitePath);
  assert.equal(i2.status, 200, i2.text);
  const inviteAfter = parseIcs(i2.bytes);
  assert.equal(text(inviteAfter.events[0], 'UID'), text(inviteBefore.events[0], 'UID'));
});
