// calendar-vdirsyncer: a real CalDAV-world client subscribes to the feed.
// vdirsyncer (Debian's) reads the feed through a read-only "http" storage
// and writes each session as its own .ics into a folder.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync, rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startDaemon, createWorker, putHours, createService, everyDay, dayFromNow, book,
} from './lib.mjs';

let d;
let dir;
before(async () => {
  d = await startDaemon();
  dir = mkdtempSync(join(tmpdir(), 'creneau-vdir-'));
});
after(async () => {
  await d.stop();
  d.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

function vdirsyncer(config, ...args) {
  const r = spawnSync('/usr/bin/vdirsyncer', args, {
    env: { ...process.env, VDIRSYNCER_CONFIG: config, LC_ALL: 'C.UTF-8' },
    input: '', encoding: 'utf8', timeout: 60000,
  });
  assert.equal(r.status, 0, `vdirsyncer ${args.join(' ')}: ${r.stdout}\n${r.stderr}`);
  return r.stdout + r.stderr;
}

// Each .ics vdirsyncer wrote: {dtstart, summary, status}.
function items(cal) {
  return readdirSync(cal).filter((f) => f.endsWith('.ics')).map((f) => {
    const t = readFileSync(join(cal, f), 'utf8').replace(/\r?\n[ \t]/g, '');
    const get = (name) => (new RegExp(`^${name}(?:;[^:\\r\\n]*)?:(.*?)\\r?$`, 'm').exec(t) || [])[1];
    assert.equal((t.match(/^BEGIN:VEVENT/gm) || []).length, 1, `${f} holds one VEVENT`);
    return { dtstart: get('DTSTART'), summary: get('SUMMARY'), status: get('STATUS') };
  }).sort((a, b) => a.dtstart.localeCompare(b.dtstart));
}

const ics = (s) => new Date(Date.parse(s)).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

test('vdirsyncer syncs the feed into one file per session', async () => {
  const w = await createWorker(d, { id: `vd-${Date.now().toString(36)}`, name: 'Marie Dubois', timezone: 'Europe/Brussels' });
  await putHours(d, w, everyDay(['08:00', '18:00']));
  await createService(d, w, { id: 'maths-60', title: 'Cours de maths', duration_min: 60 });
  await createService(d, w, { id: 'atelier', title: 'Atelier coiffure', duration_min: 60, capacity: 8 });
  const D = dayFromNow(5);
  const a = (await book(d, w, 'maths-60', `${D}T08:00:00Z`, { name: 'Jean Peeters' })).json;
  const g = (await book(d, w, 'atelier', `${D}T12:00:00Z`, { name: 'Lotte Maes' })).json;
  assert.equal((await book(d, w, 'atelier', `${D}T12:00:00Z`, { name: 'Tom Claes' })).status, 201);
  assert.ok(a && g);

  const cal = join(dir, 'cal');
  mkdirSync(cal);
  mkdirSync(join(dir, 'status'));
  const config = join(dir, 'config');
  // The feed on this daemon's address (feed_url's path).
  const url = d.url + new URL(w.feed_url).pathname;
  writeFileSync(config, [
    '[general]', `status_path = "${join(dir, 'status')}/"`, '',
    '[pair creneau]', 'a = "creneau_feed"', 'b = "creneau_local"', 'collections = null', '',
    '[storage creneau_feed]', 'type = "http"', `url = "${url}"`, '',
    '[storage creneau_local]', 'type = "filesystem"', `path = "${cal}/"`, 'fileext = ".ics"', '',
  ].join('\n'));
  vdirsyncer(config, 'discover');
  vdirsyncer(config, 'sync');
  let got = items(cal);
  assert.deepEqual(got.map((i) => i.dtstart), [ics(a.start), ics(g.start)]);
  assert.ok(got[0].summary.includes('Jean Peeters'), got[0].summary);
  assert.equal(got[1].summary, 'Atelier coiffure (2/8)');

  // A new session and a cancellation reach the folder on the next sync.
  const b = (await book(d, w, 'maths-60', `${dayFromNow(6)}T09:00:00Z`, { name: 'Anna Janssens' })).json;
  assert.ok(b);
  assert.equal((await d.api('POST', `/api/v1/bookings/${a.id}/cancel`, { token: a.token })).status, 200);
  vdirsyncer(config, 'sync');
  got = items(cal);
  assert.deepEqual(got.map((i) => i.dtstart), [ics(a.start), ics(g.start), ics(b.start)]);
  assert.equal(got[0].status, 'CANCELLED');
  assert.equal(got[2].status, 'CONFIRMED');
  assert.ok(got[2].summary.includes('Anna Janssens'), got[2].summary);
});
