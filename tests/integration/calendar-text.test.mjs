// calendar-text: what clients and workers type never breaks a calendar
// file (SEMANTICS.md §4): accents, emoji, quotes, commas, semicolons,
// backslashes, line breaks, "BEGIN:VEVENT" in a note, and long text that
// must be folded without cutting a character. Both validators of tests/ics
// must accept every file and read the text back as it was typed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startDaemon, createWorker, putHours, createService, everyDay, dayFromNow, book, ROOT,
} from './lib.mjs';

const ICS = join(ROOT, 'tests', 'ics');
let d;
before(async () => { d = await startDaemon(); });
after(async () => {
  await d.stop();
  d.cleanup();
  if (validatorDir) rmSync(validatorDir, { recursive: true, force: true });
});

const uid = (p) => `${p}-${Math.random().toString(36).slice(2, 9)}`;
const ms = (s) => Date.parse(s);

// --- .ics helpers (each calendar-*.test.mjs carries its own copy) ---

// The logical lines of an .ics, after checking the bytes: CRLF only, no
// physical line over 75 octets, no fold inside a UTF-8 character.
function icsLines(bytes) {
  const dec = new TextDecoder('utf-8', { fatal: true });
  dec.decode(bytes);
  assert.ok(bytes.length > 2 && bytes[bytes.length - 2] === 13 && bytes[bytes.length - 1] === 10, 'ends with CRLF');
  const lines = [];
  let at = 0;
  while (at < bytes.length) {
    const cr = bytes.indexOf(13, at);
    assert.ok(cr >= 0 && bytes[cr + 1] === 10, `line ${lines.length + 1}: no CRLF`);
    const phys = bytes.subarray(at, cr);
    assert.ok(!phys.includes(10), 'a bare LF');
    assert.ok(phys.length <= 75, `a line of ${phys.length} octets`);
    const s = dec.decode(phys); // throws when a fold cut a character
    if (s.startsWith(' ') || s.startsWith('\t')) lines[lines.length - 1] += s.slice(1);
    else lines.push(s);
    at = cr + 2;
  }
  return lines;
}

// RFC 6868 parameter value decoding.
const paramDecode = (v) => v.replace(/\^(\^|n|')/g, (_, c) => (c === 'n' ? '\n' : c === "'" ? '"' : '^'));

// name, params {NAME: value}, value of a logical line.
function splitLine(line) {
  let i = 0;
  let q = false;
  for (; i < line.length; i++) {
    if (line[i] === '"') q = !q;
    else if (!q && line[i] === ':') break;
  }
  assert.ok(i < line.length, `no colon: ${line}`);
  const head = line.slice(0, i);
  const parts = head.match(/(?:[^;"]|"[^"]*")+/g);
  const params = {};
  for (const p of parts.slice(1)) {
    const eq = p.indexOf('=');
    let v = p.slice(eq + 1);
    if (v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1);
    params[p.slice(0, eq).toUpperCase()] = paramDecode(v);
  }
  return { name: parts[0].toUpperCase(), params, value: line.slice(i + 1) };
}

// The component tree: {name, props: [{name, params, value}], subs: []}.
function parseIcs(bytes) {
  const lines = icsLines(bytes);
  const root = { name: null, props: [], subs: [] };
  const stack = [root];
  for (const l of lines) {
    const p = splitLine(l);
    if (p.name === 'BEGIN') {
      const c = { name: p.value.toUpperCase(), props: [], subs: [] };
      stack.at(-1).subs.push(c);
      stack.push(c);
    } else if (p.name === 'END') {
      assert.equal(stack.pop().name, p.value.toUpperCase(), 'END matches BEGIN');
    } else {
      stack.at(-1).props.push(p);
    }
  }
  assert.equal(stack.length, 1, 'every BEGIN is closed');
  assert.equal(root.subs.length, 1);
  const cal = root.subs[0];
  assert.equal(cal.name, 'VCALENDAR');
  return { cal, lines, events: cal.subs.filter((c) => c.name === 'VEVENT') };
}

const props = (c, name) => c.props.filter((p) => p.name === name);
const prop = (c, name) => props(c, name)[0];
const unescapeText = (v) => v.replace(/\\([\\;,nN])/g, (_, c) => (c === 'n' || c === 'N' ? '\n' : c));
const text = (c, name) => (prop(c, name) ? unescapeText(prop(c, name).value) : undefined);
// 20270329T070000Z -> ms.
const icsTime = (v) => Date.parse(v.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'));

let validatorDir;
// Both validators of tests/ics on these files (each [bytes, label]); their
// JSON per file (which must agree), after checking they accept them all.
function validateAll(files) {
  validatorDir ??= mkdtempSync(join(tmpdir(), 'creneau-ics-'));
  const paths = files.map(([bytes, label]) => {
    const file = join(validatorDir, `${label}-${Math.random().toString(36).slice(2, 8)}.ics`);
    writeFileSync(file, bytes);
    return file;
  });
  const outs = [];
  for (const [cmd, script] of [['/usr/bin/python3', 'check_ics.py'], [process.execPath, 'check_ics.mjs']]) {
    const r = spawnSync(cmd, [join(ICS, script), ...paths], { cwd: join(ROOT, 'tests'), encoding: 'utf8', timeout: 60000 });
    const bad = /: ([^:]+\.ics):/.exec(r.stderr || '');
    const which = bad ? files[paths.indexOf(bad[1])] : undefined;
    assert.equal(r.status, 0, `${script} refuses ${which ? which[1] : 'a file'}: ${r.stderr}\n${which ? Buffer.from(which[0]).toString('utf8') : ''}`);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.length, paths.length, `${script}: one line per file`);
    for (const o of lines) delete o.file;
    outs.push(lines);
  }
  assert.deepEqual(outs[1], outs[0], 'ical.js and python read the files differently');
  return outs[0];
}
const validate = (bytes, label = 'cal') => validateAll([[bytes, label]])[0];

async function getIcs(path, headers = {}) {
  const r = await fetch(d.url + path, { headers });
  const bytes = Buffer.from(await r.arrayBuffer());
  return { status: r.status, headers: r.headers, bytes, text: bytes.toString('utf8') };
}
// --- end of .ics helpers ---

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
