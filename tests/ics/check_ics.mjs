#!/usr/bin/env node
// check_ics.mjs FILE.ics...: the calendar files as Mozilla's ical.js (what
// Thunderbird uses) reads them (SEMANTICS.md section 4). Run from tests/, where
// node_modules holds ical.js:  cd tests && node ics/check_ics.mjs FILE...
//
// For every file:
//   - the raw bytes: valid UTF-8, CRLF line ends only, no line over 75
//     octets, no fold inside a UTF-8 character, VERSION:2.0, PRODID, and
//     DTSTART/DTEND/DTSTAMP as UTC instants ("...Z", no TZID, no floating
//     time, no date);
//   - ical.js: ICAL.parse must not throw nor write to the console, must give
//     one VCALENDAR with as many VEVENTs as BEGIN:VEVENT lines, and every
//     DTSTART/DTEND a UTC date-time.
// Prints one JSON line per file, the same shape and bytes as check_ics.py:
//   {"events":[{"attendees","description","dtend","dtstamp","dtstart",
//   "location","organizer","sequence","status","summary","uid","url"}],
//   "file","method","name"}
// Exits 1 at the first file that fails, with the reason on stderr.

import { readFileSync } from 'node:fs';
import ICAL from 'ical.js';

class Bad extends Error {}

const UTC_RE = /^\d{8}T\d{6}Z$/;
// RFC 5545 3.3.6 dur-value, positive only.
const DURATION_RE =
    /^\+?P(?:\d+W|(?:\d+D)?(?:T(?:\d+H(?:\d+M(?:\d+S)?)?|\d+M(?:\d+S)?|\d+S))?)$/;

// The rules on the bytes; returns the logical (unfolded) lines.
function checkRaw(buf) {
  let text;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch (e) {
    throw new Bad(`not UTF-8: ${e.message}`);
  }
  if (buf.length < 2 || buf[buf.length - 2] !== 0x0d ||
      buf[buf.length - 1] !== 0x0a)
    throw new Bad('does not end with CRLF');
  const logical = [];
  let start = 0;
  let n = 0;
  const dec = new TextDecoder('utf-8', { fatal: true });
  while (start < buf.length) {
    let end = buf.indexOf(0x0d, start);
    n++;
    if (end < 0 || buf[end + 1] !== 0x0a)
      throw new Bad(`line ${n}: bare CR or no CRLF`);
    const line = buf.subarray(start, end);
    if (line.includes(0x0a))
      throw new Bad(`line ${n}: bare LF`);
    if (line.length > 75)
      throw new Bad(`line ${n}: ${line.length} octets (over 75)`);
    // Each physical line on its own must be whole UTF-8: a fold that cut a
    // character leaves a broken sequence at one end.
    let s;
    try {
      s = dec.decode(line);
    } catch {
      throw new Bad(`line ${n}: a fold splits a UTF-8 character`);
    }
    if (s[0] === ' ' || s[0] === '\t') {
      if (logical.length === 0)
        throw new Bad('line 1 is a continuation');
      logical[logical.length - 1] += s.slice(1);
    } else {
      if (s === '')
        throw new Bad(`line ${n}: empty`);
      logical.push(s);
    }
    start = end + 2;
  }
  return logical;
}

// NAME, {PARAM: value}, value of a logical line (quotes respected).
function splitLine(line) {
  let quoted = false;
  let i = 0;
  for (; i < line.length; i++) {
    if (line[i] === '"')
      quoted = !quoted;
    else if (!quoted && line[i] === ':')
      break;
  }
  if (i === line.length)
    throw new Bad(`no colon: ${JSON.stringify(line)}`);
  const parts = line.slice(0, i).match(/(?:[^;"]|"[^"]*")+/g);
  const params = {};
  for (const p of parts.slice(1)) {
    const eq = p.indexOf('=');
    params[p.slice(0, eq < 0 ? p.length : eq).toUpperCase()] =
        eq < 0 ? '' : p.slice(eq + 1);
  }
  return [parts[0].toUpperCase(), params, line.slice(i + 1)];
}

function checkLines(lines) {
  if (lines[0] !== 'BEGIN:VCALENDAR' ||
      lines[lines.length - 1] !== 'END:VCALENDAR')
    throw new Bad('not one VCALENDAR');
  const names = [];
  for (const line of lines) {
    const [name, params, value] = splitLine(line);
    names.push(name);
    // ical.js reads "SEQUENCE:abc" as 0.
    if (name === 'SEQUENCE' && !/^\d{1,9}$/.test(value))
      throw new Bad(`SEQUENCE not an integer: ${line}`);
    if (['REFRESH-INTERVAL', 'X-PUBLISHED-TTL'].includes(name) &&
        !DURATION_RE.test(value))
      throw new Bad(`${name} not a duration: ${line}`);
    if (['DTSTART', 'DTEND', 'DTSTAMP'].includes(name)) {
      if ('TZID' in params)
        throw new Bad(`${name} with TZID: ${line}`);
      if ((params.VALUE ?? 'DATE-TIME').toUpperCase() !== 'DATE-TIME')
        throw new Bad(`${name} not a DATE-TIME: ${line}`);
      if (!UTC_RE.test(value))
        throw new Bad(`${name} not a UTC instant: ${line}`);
    }
  }
  if (!lines.includes('VERSION:2.0'))
    throw new Bad('no VERSION:2.0');
  if (!names.includes('PRODID'))
    throw new Bad('no PRODID');
  if (lines.includes('BEGIN:VTIMEZONE'))
    throw new Bad('a VTIMEZONE, but every time should be UTC');
}

// RFC 5545 TEXT unescaping, for the properties ical.js does not type
// (X-WR-CALNAME is "unknown" to it and comes back raw).
function unescapeText(s) {
  return s.replace(/\\([\\;,nN])/g,
      (m, c) => (c === 'n' || c === 'N') ? '\n' : c);
}

// The instant as "YYYY-MM-DDTHH:MM:SSZ". ical.js takes "20271399T250000Z"
// without a word, so the instant is written back and compared with the text.
function iso(prop, what) {
  const t = prop?.getFirstValue();
  if (!(t instanceof ICAL.Time) || t.isDate)
    throw new Bad(`${what} is not a date-time`);
  if (t.zone !== ICAL.Timezone.utcTimezone)
    throw new Bad(`${what} is not UTC (zone ${t.zone?.tzid})`);
  const s = new Date(t.toUnixTime() * 1000).toISOString()
      .replace(/\.000Z$/, 'Z');
  if (s.replace(/[-:]/g, '') !== prop.toICALString().split(':').pop())
    throw new Bad(`${what} is not a valid date-time: ${prop.toICALString()}`);
  return s;
}

function val(comp, name) {
  const v = comp.getFirstPropertyValue(name);
  return v === null || v === undefined ? null : v;
}

function str(comp, name) {
  const v = val(comp, name);
  return v === null ? null : String(v);
}

// Sorted keys at every level, so that the bytes match json.dumps(sort_keys).
function sorted(v) {
  if (Array.isArray(v))
    return v.map(sorted);
  if (v !== null && typeof v === 'object') {
    const o = {};
    for (const k of Object.keys(v).sort())
      o[k] = sorted(v[k]);
    return o;
  }
  return v;
}

// RFC 5545 3.6.1: what a VEVENT holds exactly once, and at most once.
const ONCE = ['uid', 'dtstamp', 'dtstart'];
const AT_MOST_ONCE = ['class', 'created', 'description', 'dtend', 'geo',
  'last-modified', 'location', 'organizer', 'priority', 'sequence',
  'status', 'summary', 'transp', 'url', 'recurrence-id'];

function checkCounts(comp, once, atMostOnce) {
  for (const p of once.concat(atMostOnce)) {
    const n = comp.getAllProperties(p).length;
    if (n > 1 || (n === 0 && once.includes(p)))
      throw new Bad(`${comp.name}: ${n} ${p.toUpperCase()}`);
  }
}

function checkFile(path) {
  const buf = readFileSync(path);
  const lines = checkRaw(buf);
  checkLines(lines);
  const text = buf.toString('utf8');

  const said = [];
  const saved = { warn: console.warn, error: console.error,
    log: console.log };
  console.warn = console.error = console.log =
      (...a) => said.push(a.join(' '));
  let jcal;
  try {
    jcal = ICAL.parse(text);
  } finally {
    Object.assign(console, saved);
  }
  if (said.length > 0)
    throw new Bad(`ical.js said: ${said[0]}`);
  if (!Array.isArray(jcal) || jcal[0] !== 'vcalendar')
    throw new Bad('ical.js does not read one VCALENDAR');
  const cal = new ICAL.Component(jcal);
  const vevents = cal.getAllSubcomponents('vevent');
  const nbegin = lines.filter((l) => l === 'BEGIN:VEVENT').length;
  if (vevents.length !== nbegin)
    throw new Bad(`${nbegin} BEGIN:VEVENT lines, ${vevents.length} read`);
  checkCounts(cal, ['prodid', 'version'], ['calscale', 'method']);
  for (const ev of vevents)
    checkCounts(ev, ONCE, AT_MOST_ONCE);
  const name = str(cal, 'x-wr-calname');
  const out = {
    file: path,
    method: str(cal, 'method'),
    name: name === null ? null : unescapeText(name),
    events: [],
  };
  for (const ev of vevents) {
    const seq = val(ev, 'sequence');
    if (seq !== null && !Number.isInteger(seq))
      throw new Bad(`SEQUENCE is not an integer: ${seq}`);
    out.events.push({
      uid: str(ev, 'uid'),
      dtstart: iso(ev.getFirstProperty('dtstart'), 'DTSTART'),
      dtend: iso(ev.getFirstProperty('dtend'), 'DTEND'),
      dtstamp: iso(ev.getFirstProperty('dtstamp'), 'DTSTAMP'),
      summary: str(ev, 'summary'),
      status: str(ev, 'status'),
      sequence: seq === null ? null : Number(seq),
      location: str(ev, 'location'),
      url: str(ev, 'url'),
      organizer: str(ev, 'organizer'),
      attendees: ev.getAllProperties('attendee')
          .map((p) => String(p.getFirstValue())),
      description: str(ev, 'description'),
    });
  }
  return out;
}

const files = process.argv.slice(2);
if (files.length === 0) {
  process.stderr.write('usage: node ics/check_ics.mjs FILE.ics...\n');
  process.exit(2);
}
for (const path of files) {
  let out;
  try {
    out = checkFile(path);
  } catch (e) {
    process.stderr.write(`check_ics.mjs: ${path}: ${e.name}: ${e.message}\n`);
    process.exit(1);
  }
  process.stdout.write(JSON.stringify(sorted(out)) + '\n');
}
