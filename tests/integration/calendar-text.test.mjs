// calendar-text: what clients and workers type never breaks a calendar
// file (SEMANTICS.md §4): accents, emoji, quotes, commas, semicolons,
// backslashes, line breaks, "BEGIN:VEVENT" in a note, and long text that
// must be folded without cutting a character. Both validators of tests/ics
// must accept every file and read the text back as it was typed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startDaemon, createWorker, putHours, createService, everyDay, dayFromNow, book,
} from './lib.mjs';
import {
  parseIcs, props, prop, text, icsTime, validateAll, validate, getIcs as getIcsFrom, cleanupValidators,
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

const WORKER = 'Zoë "la Prof" O\'Neil; Dubois, \\ 🎓';
const TITLE = 'Cours: maths, physique; chimie \\ "avancé" ✨';
const NAMES = [
  'José "Pepe" Müller-Łukasz; van der Berg, Jr. \\ 😀',
  'Anaïs ^ caret ^^ n^n; "quote',
  'مريم العلي',
  '李小龙',
];
const LONG = 'Ça commence ici. '
  + 'é'.repeat(90) + ' ' + '😀'.repeat(40) + ' ' + 'a'.repeat(74) + 'é' + 'b'.repeat(73) + '€'
  + ' Fin, vraiment; fin.';
const NOTES = [
  'Ligne 1\r\nBEGIN:VEVENT\r\nSUMMARY:pirate\nEND:VEVENT\nATTENDEE:mailto:evil@example.org\n\tTab; comma, backslash \\ end \\n not a newline',
  `${LONG}\n${LONG}`,
  'END:VCALENDAR\nBEGIN:VCALENDAR',
  '\\,\\;\\\\ ,;: "x" ^n',
];

async function setup() {
  const w = await createWorker(d, { id: uid('ct'), name: WORKER, email: "zoe.o'neil+cours@example.org", timezone: 'Europe/Brussels' });
  await putHours(d, w, everyDay(['07:00', '20:00']));
  await createService(d, w, { id: 'solo', title: TITLE, duration_min: 30 });
  await createService(d, w, { id: 'group', title: TITLE, duration_min: 60, capacity: 10 });
  return w;
}

// One logical line per property, none invented by the text.
function assertStructure(parsed, nEvents) {
  const begins = parsed.lines.filter((l) => l.startsWith('BEGIN:'));
  assert.deepEqual(begins, ['BEGIN:VCALENDAR', ...Array(nEvents).fill('BEGIN:VEVENT')]);
  assert.equal(parsed.lines.filter((l) => l.startsWith('END:')).length, nEvents + 1);
  for (const ev of parsed.events) {
    for (const p of ['UID', 'DTSTAMP', 'DTSTART', 'DTEND', 'SUMMARY']) assert.equal(props(ev, p).length, 1, p);
  }
  assert.ok(!parsed.lines.some((l) => l.startsWith('SUMMARY:pirate')), 'the note added a property');
  assert.ok(!parsed.lines.some((l) => /^ATTENDEE.*evil@example\.org/.test(l)), 'the note added an attendee');
}

test('invites carry any typed text intact and well formed', async () => {
  const w = await setup();
  const D = dayFromNow(5);
  let k = 0;
  const checks = [];
  for (const name of NAMES) {
    for (const note of NOTES) {
      // Half-hour sessions from 07:00Z on: 16 of them.
      const start = new Date(ms(`${D}T07:00:00Z`) + k * 1800000).toISOString().replace('.000Z', 'Z');
      k++;
      const r = await book(d, w, 'solo', start, { name, note, email: "o'brien+x@example.org" });
      assert.equal(r.status, 201, `${name}: ${r.text}`);
      const b = r.json;
      assert.equal(b.name, name);
      assert.equal(b.note, note.replace(/\r\n/g, '\n'));
      const inv = await getIcs(`/api/v1/bookings/${b.id}/invite.ics?token=${encodeURIComponent(b.token)}`);
      assert.equal(inv.status, 200, inv.text);
      const p = parseIcs(inv.bytes);
      assertStructure(p, 1);
      const ev = p.events[0];
      assert.equal(prop(ev, 'ATTENDEE').params.CN, name, 'the CN parameter reads back the name');
      assert.equal(prop(ev, 'ATTENDEE').value.toLowerCase(), "mailto:o'brien+x@example.org");
      assert.equal(prop(ev, 'ORGANIZER').params.CN, WORKER);
      assert.ok(text(ev, 'SUMMARY').includes(TITLE), text(ev, 'SUMMARY'));
      assert.ok(text(ev, 'SUMMARY').includes(WORKER), text(ev, 'SUMMARY'));
      checks.push([inv.bytes, start, p]);
    }
  }
  const vs = validateAll(checks.map(([bytes], i) => [bytes, `invite-text-${i}`]));
  for (let i = 0; i < checks.length; i++) {
    const [, start, p] = checks[i];
    const v = vs[i];
    assert.equal(v.events.length, 1);
    assert.equal(ms(v.events[0].dtstart), ms(start));
    assert.equal(v.events[0].uid, text(p.events[0], 'UID'));
    assert.ok(v.events[0].summary.includes(TITLE), `validators read the SUMMARY as ${v.events[0].summary}`);
    assert.ok(v.events[0].summary.includes(WORKER));
    assert.ok(v.events[0].attendees[0].toLowerCase().includes("o'brien+x@example.org"));
  }
  assert.ok(checks.some(([bytes]) => bytes.includes('\r\n ')), 'long lines are folded');
});

test('the feed carries names and notes intact, long text folded on characters', async () => {
  const w = await setup();
  const D = dayFromNow(6);
  const booked = [];
  for (let i = 0; i < NAMES.length; i++) {
    const r = await book(d, w, 'group', `${D}T09:00:00Z`, { name: NAMES[i], note: NOTES[i], email: `p${i}@example.org` });
    assert.equal(r.status, 201, r.text);
    booked.push(r.json);
  }
  const solo = await book(d, w, 'solo', `${D}T14:00:00Z`, { name: NAMES[0], note: NOTES[1] });
  assert.equal(solo.status, 201, solo.text);
  const feed = await getIcs(new URL(w.feed_url).pathname);
  assert.equal(feed.status, 200, feed.text);
  const p = parseIcs(feed.bytes);
  assertStructure(p, 2);
  assert.equal(text(p.cal, 'X-WR-CALNAME'), WORKER);
  const group = p.events.find((e) => icsTime(prop(e, 'DTSTART').value) === ms(`${D}T09:00:00Z`));
  const one = p.events.find((e) => icsTime(prop(e, 'DTSTART').value) === ms(`${D}T14:00:00Z`));
  assert.equal(text(group, 'SUMMARY'), `${TITLE} (4/10)`);
  const desc = text(group, 'DESCRIPTION');
  for (let i = 0; i < NAMES.length; i++) {
    assert.ok(desc.includes(NAMES[i]), `name ${i} in the DESCRIPTION`);
    assert.ok(desc.includes(NOTES[i].replace(/\r\n/g, '\n')), `note ${i} in the DESCRIPTION`);
  }
  assert.ok(text(one, 'SUMMARY').includes(NAMES[0]), text(one, 'SUMMARY'));
  assert.ok(feed.text.includes('\r\n '), 'long lines are folded');
  const v = validate(feed.bytes, 'feed-text');
  assert.equal(v.name, WORKER);
  assert.equal(v.events.length, 2);
  const vg = v.events.find((e) => ms(e.dtstart) === ms(`${D}T09:00:00Z`));
  assert.equal(vg.summary, `${TITLE} (4/10)`);
  for (let i = 0; i < NAMES.length; i++) {
    assert.ok(vg.description.includes(NAMES[i]), `validators read name ${i}`);
    assert.ok(vg.description.includes(NOTES[i].replace(/\r\n/g, '\n')), `validators read note ${i}`);
  }
  assert.ok(v.events.find((e) => ms(e.dtstart) === ms(`${D}T14:00:00Z`)).summary.includes(NAMES[0]));
});
