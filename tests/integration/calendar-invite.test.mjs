// calendar-invite: a booking's invite.ics (SEMANTICS.md §4 "The invite"):
// who may fetch it, what it says, and how it follows a reschedule and a
// cancel. Every file goes through both validators of tests/ics.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startDaemon, createWorker, putHours, createService, everyDay, dayFromNow, book,
} from './lib.mjs';
import {
  parseIcs, props, prop, text, icsTime, validate, getIcs as getIcsFrom, cleanupValidators,
} from './icslib.mjs';

let d;
before(async () => { d = await startDaemon(); });
after(async () => {
  await d.stop();
  d.cleanup();
  cleanupValidators();
});

const uid = (p) => `${p}-${Math.random().toString(36).slice(2, 9)}`;
const ms = (s) => Date.parse(s);

const getIcs = (path, headers) => getIcsFrom(d, path, headers);

async function setup() {
  const w = await createWorker(d, { id: uid('ci'), name: 'Marie Dubois', email: 'marie@example.org', timezone: 'Europe/Brussels' });
  await putHours(d, w, everyDay(['08:00', '18:00']));
  await createService(d, w, { id: 'maths-60', title: 'Cours de maths', duration_min: 60 });
  return w;
}

const invitePath = (b, token) => `/api/v1/bookings/${b.id}/invite.ics${token === undefined ? '' : `?token=${encodeURIComponent(token)}`}`;

test('invite.ics: METHOD:REQUEST and everything the booking says', async () => {
  const w = await setup();
  const D = dayFromNow(5);
  const r = await book(d, w, 'maths-60', `${D}T10:00:00+01:00`, { name: 'Jean Peeters', email: 'jean@example.org' });
  assert.equal(r.status, 201, r.text);
  const b = r.json;
  const q = await getIcs(invitePath(b, b.token));
  assert.equal(q.status, 200, q.text);
  assert.match(q.headers.get('content-type') || '', /^text\/calendar\s*;\s*charset=utf-8/i);
  const hq = await getIcs(invitePath(b), { authorization: `Bearer ${b.token}` });
  assert.equal(hq.status, 200, hq.text);
  assert.match(hq.headers.get('content-type') || '', /^text\/calendar/);
  for (const got of [q, hq]) {
    const { cal, events } = parseIcs(got.bytes);
    assert.equal(text(cal, 'METHOD'), 'REQUEST');
    assert.equal(text(cal, 'VERSION'), '2.0');
    assert.ok(prop(cal, 'PRODID'));
    assert.equal(events.length, 1);
    const ev = events[0];
    assert.ok(text(ev, 'UID').length >= 8, 'a UID');
    assert.equal(text(ev, 'SEQUENCE'), '0');
    assert.equal(text(ev, 'STATUS'), 'CONFIRMED');
    assert.ok(text(ev, 'SUMMARY').includes('Cours de maths'), text(ev, 'SUMMARY'));
    assert.ok(text(ev, 'SUMMARY').includes('Marie Dubois'), text(ev, 'SUMMARY'));
    assert.equal(icsTime(prop(ev, 'DTSTART').value), ms(b.start));
    assert.equal(icsTime(prop(ev, 'DTEND').value), ms(b.end));
    assert.match(prop(ev, 'DTSTAMP').value, /^\d{8}T\d{6}Z$/);
    const org = prop(ev, 'ORGANIZER');
    assert.equal(org.value.toLowerCase(), 'mailto:marie@example.org');
    assert.equal(org.params.CN, 'Marie Dubois');
    const att = props(ev, 'ATTENDEE');
    assert.equal(att.length, 1);
    assert.equal(att[0].value.toLowerCase(), 'mailto:jean@example.org');
    assert.equal(att[0].params.CN, 'Jean Peeters');
    assert.ok(att[0].params.PARTSTAT, 'a PARTSTAT');
    assert.equal(text(ev, 'LOCATION'), b.room_url);
    assert.equal(prop(ev, 'URL').value, b.room_url);
    const desc = text(ev, 'DESCRIPTION');
    assert.ok(desc.includes(b.room_url), 'the room link in DESCRIPTION');
    assert.ok(desc.includes(`/manage/${b.id}`), 'the manage link in DESCRIPTION');
  }
  const v = validate(q.bytes, 'invite');
  assert.equal(v.method, 'REQUEST');
  assert.equal(v.events.length, 1);
  assert.equal(ms(v.events[0].dtstart), ms(b.start));
  assert.equal(ms(v.events[0].dtend), ms(b.end));
  assert.equal(v.events[0].status, 'CONFIRMED');
  assert.equal(v.events[0].sequence, 0);
  assert.equal(v.events[0].location, b.room_url);
  assert.equal(v.events[0].url, b.room_url);
});

test('invite.ics: who may fetch it', async () => {
  const w = await setup();
  const D = dayFromNow(6);
  const a = (await book(d, w, 'maths-60', `${D}T09:00:00Z`)).json;
  const b = (await book(d, w, 'maths-60', `${D}T11:00:00Z`)).json;
  assert.ok(a && b);
  let r = await getIcs(invitePath(a));
  assert.equal(r.status, 401, r.text);
  for (const [token, what] of [[b.token, 'another booking\'s token'], ['z'.repeat(43), 'an unknown token'],
    [a.token.slice(0, -1), 'a truncated token'], [w.token, 'the worker\'s token']]) {
    r = await getIcs(invitePath(a, token));
    if (what.startsWith('the worker')) {
      // The worker may read the booking; either answer is fair, but never
      // another booking's data.
      assert.ok([200, 404].includes(r.status), `${what}: ${r.status}`);
      continue;
    }
    assert.equal(r.status, 404, `${what}: ${r.status} ${r.text}`);
    assert.ok(!r.text.includes('BEGIN:VCALENDAR'));
  }
  r = await getIcs(invitePath(a), { authorization: `Bearer ${b.token}` });
  assert.equal(r.status, 404, `header, another booking's token: ${r.status}`);
  r = await getIcs(invitePath({ id: 'no-such-booking' }, a.token));
  assert.equal(r.status, 404, r.text);
});

test('invite.ics follows a reschedule and a cancel', async () => {
  const w = await setup();
  const D = dayFromNow(7);
  const b = (await book(d, w, 'maths-60', `${D}T09:00:00Z`)).json;
  const first = parseIcs((await getIcs(invitePath(b, b.token))).bytes).events[0];
  await new Promise((res) => setTimeout(res, 1100));
  const rs = await d.api('POST', `/api/v1/bookings/${b.id}/reschedule`, { token: b.token, body: { start: `${D}T14:00:00Z` } });
  assert.equal(rs.status, 200, rs.text);
  const moved = await getIcs(invitePath(b, b.token));
  const m = parseIcs(moved.bytes);
  assert.equal(text(m.cal, 'METHOD'), 'REQUEST');
  const ev = m.events[0];
  assert.equal(text(ev, 'UID'), text(first, 'UID'));
  assert.equal(text(ev, 'SEQUENCE'), '1');
  assert.equal(text(ev, 'STATUS'), 'CONFIRMED');
  assert.equal(icsTime(prop(ev, 'DTSTART').value), ms(`${D}T14:00:00Z`));
  assert.equal(icsTime(prop(ev, 'DTEND').value), ms(`${D}T15:00:00Z`));
  assert.ok(icsTime(prop(ev, 'DTSTAMP').value) > icsTime(prop(first, 'DTSTAMP').value), 'a new DTSTAMP');
  const vm = validate(moved.bytes, 'rescheduled');
  assert.equal(vm.events[0].sequence, 1);
  assert.equal(ms(vm.events[0].dtstart), ms(`${D}T14:00:00Z`));

  const c = await d.api('POST', `/api/v1/bookings/${b.id}/cancel`, { token: b.token });
  assert.equal(c.status, 200, c.text);
  const gone = await getIcs(invitePath(b, b.token));
  assert.equal(gone.status, 200, 'the cancelled booking still has its invite');
  const g = parseIcs(gone.bytes);
  assert.equal(text(g.cal, 'METHOD'), 'CANCEL');
  assert.equal(g.events.length, 1);
  assert.equal(text(g.events[0], 'UID'), text(first, 'UID'));
  assert.equal(text(g.events[0], 'STATUS'), 'CANCELLED');
  assert.equal(text(g.events[0], 'SEQUENCE'), '2');
  const vg = validate(gone.bytes, 'cancelled');
  assert.equal(vg.method, 'CANCEL');
  assert.equal(vg.events[0].status, 'CANCELLED');
  assert.equal(vg.events[0].sequence, 2);
  assert.equal(vg.events[0].uid, text(first, 'UID'));
});

test('invite.ics: UIDs are unique per booking', async () => {
  const w = await setup();
  const D = dayFromNow(8);
  const uids = new Set();
  for (const h of ['09', '10', '11']) {
    const b = (await book(d, w, 'maths-60', `${D}T${h}:00:00Z`)).json;
    uids.add(text(parseIcs((await getIcs(invitePath(b, b.token))).bytes).events[0], 'UID'));
  }
  assert.equal(uids.size, 3);
});

test('invite.ics of a group seat tells nothing of the other participants', async () => {
  const w = await setup();
  await createService(d, w, { id: 'atelier', title: 'Atelier', duration_min: 60, capacity: 5 });
  const D = dayFromNow(9);
  const a = (await book(d, w, 'atelier', `${D}T09:00:00Z`, { name: 'Alice Premier', email: 'alice@example.org', note: 'secret-alice' })).json;
  const b = (await book(d, w, 'atelier', `${D}T09:00:00Z`, { name: 'Bob Second', email: 'bob@example.org', note: 'secret-bob' })).json;
  assert.ok(a.id && b.id);
  const r = await getIcs(invitePath(a, a.token));
  assert.equal(r.status, 200, r.text);
  for (const s of ['Bob Second', 'bob@example.org', 'secret-bob', b.token, b.id]) {
    assert.ok(!r.text.replace(/\r\n[ \t]/g, '').includes(s), `Alice's invite shows ${s}`);
  }
  const ev = parseIcs(r.bytes).events[0];
  assert.equal(props(ev, 'ATTENDEE').length, 1);
  assert.equal(text(ev, 'LOCATION'), a.room_url);
  assert.equal(a.room_url, b.room_url);
  validate(r.bytes, 'group-invite');
});
