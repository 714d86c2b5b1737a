// icslib.mjs: reading the .ics files the daemon writes, byte by byte, and
// running both validators of tests/ics on them (ical.js and
// python3-icalendar/vobject), for the calendar-*.test.mjs files.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './lib.mjs';

const ICS = join(ROOT, 'tests', 'ics');


// The logical lines of an .ics, after checking the bytes: CRLF only, no
// physical line over 75 octets, no fold inside a UTF-8 character.
export function icsLines(bytes) {
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
export const paramDecode = (v) => v.replace(/\^(\^|n|')/g, (_, c) => (c === 'n' ? '\n' : c === "'" ? '"' : '^'));

// name, params {NAME: value}, value of a logical line.
export function splitLine(line) {
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
export function parseIcs(bytes) {
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

export const props = (c, name) => c.props.filter((p) => p.name === name);
export const prop = (c, name) => props(c, name)[0];
export const unescapeText = (v) => v.replace(/\\([\\;,nN])/g, (_, c) => (c === 'n' || c === 'N' ? '\n' : c));
export const text = (c, name) => (prop(c, name) ? unescapeText(prop(c, name).value) : undefined);
// 20270329T070000Z -> ms.
export const icsTime = (v) => Date.parse(v.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'));

let validatorDir;

// Removes the files handed to the validators (call in after()).
export function cleanupValidators() {
  if (validatorDir) rmSync(validatorDir, { recursive: true, force: true });
  validatorDir = undefined;
}
// Both validators of tests/ics on these files (each [bytes, label]); their
// JSON per file (which must agree), after checking they accept them all.
export function validateAll(files) {
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
export const validate = (bytes, label = 'cal') => validateAll([[bytes, label]])[0];

// GET path from daemon d: status, headers, the raw bytes and their text.
export async function getIcs(d, path, headers = {}) {
  const r = await fetch(d.url + path, { headers });
  const bytes = Buffer.from(await r.arrayBuffer());
  return { status: r.status, headers: r.headers, bytes, text: bytes.toString('utf8') };
}
