// bookings-durability: "a kill -9 at any moment loses no booking that was
// answered 201, and never leaves a half-written one" (SEMANTICS.md §2).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  startDaemon, createWorker, putHours, createService, everyDay, dayFromNow, book,
} from './lib.mjs';

let d;
after(async () => { if (d) { await d.stop(); d.cleanup(); } });

const integrity = (db) => execFileSync('/usr/bin/sqlite3', [db, 'PRAGMA integrity_check'], { encoding: 'utf8' }).trim();

test('kill -9 while four clients book: every 201 survives, the file is sound', async (t) => {
  d = await startDaemon();
  const w = await createWorker(d, { id: `du-${Date.now().toString(36)}`, timezone: 'Africa/Abidjan' });
  await putHours(d, w, everyDay(['00:00', '24:00']));
  await createService(d, w, { id: 's', duration_min: 5, horizon_days: 60 });
  // Distinct slots for each client: client c takes every 4th five minutes.
  const days = [3, 4, 5, 6, 7, 8, 9, 10].map(dayFromNow);
  const starts = [];
  for (const D of days) {
    const base = Date.parse(`${D}T00:00:00Z`);
    for (let i = 0; i < 288; i++) starts.push(new Date(base + i * 300000).toISOString().replace('.000Z', 'Z'));
  }
  const answered = [];
  const oddities = [];
  let stop = false;
  const client = async (c) => {
    for (let i = c; i < starts.length && !stop; i += 4) {
      let r;
      try {
        r = await book(d, w, 's', starts[i], { email: `c${c}@example.org`, note: `client ${c} #${i}` });
      } catch {
        return; // the daemon died under this request
      }
      if (r.status === 201) answered.push(r.json);
      else oddities.push(`${r.status} ${r.text}`);
    }
  };
  const clients = [0, 1, 2, 3].map(client);
  await new Promise((res) => setTimeout(res, 1500));
  const before = answered.length;
  const killed = await d.kill();
  stop = true;
  await Promise.all(clients);
  assert.equal(killed.signal, 'SIGKILL');
  assert.deepEqual(oddities, [], 'every request before the kill was booked');
  assert.ok(before >= 10, `only ${before} bookings in 1.5 s`);
  t.diagnostic(`${answered.length} bookings answered 201 before the kill`);
  assert.equal(integrity(d.db), 'ok');
  d = await d.restart();
  for (const b of answered) {
    const r = await d.api('GET', `/api/v1/bookings/${b.id}`, { token: b.token });
    assert.equal(r.status, 200, `booking ${b.id} answered 201 is lost: ${r.status}`);
    assert.equal(r.json.status, 'confirmed');
    assert.equal(Date.parse(r.json.start), Date.parse(b.start));
    assert.equal(r.json.note, b.note);
  }
  // Nothing more than what was asked: no duplicates, at most one per slot.
  const all = [];
  for (const D of days) {
    const r = await d.api('GET', `/api/v1/workers/${w.id}/bookings?from=${D}&to=${D}`, { token: w.token });
    assert.equal(r.status, 200, r.text);
    all.push(...r.json.bookings);
  }
  assert.ok(all.length >= answered.length && all.length <= answered.length + 4,
    `${all.length} stored for ${answered.length} answered (+ at most 4 in flight)`);
  assert.equal(new Set(all.map((b) => Date.parse(b.start))).size, all.length);
  // The restarted daemon books on.
  const more = await book(d, w, 's', `${dayFromNow(12)}T10:00:00Z`);
  assert.equal(more.status, 201, more.text);
  await d.stop();
  assert.equal(integrity(d.db), 'ok');
});
