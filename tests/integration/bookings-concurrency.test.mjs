// bookings-concurrency: "never overbooked" (SEMANTICS.md §2) under many
// parallel requests on one slot, on a group, and across two services.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startDaemon, createWorker, putHours, createService, everyDay, dayFromNow, slots, book,
} from './lib.mjs';

let d;
before(async () => { d = await startDaemon(); });
after(async () => { await d.stop(); d.cleanup(); });

const uid = (p) => `${p}-${Math.random().toString(36).slice(2, 9)}`;
const ms = (s) => Date.parse(s);

async function worker() {
  const w = await createWorker(d, { id: uid('cc'), timezone: 'Africa/Abidjan' });
  await putHours(d, w, everyDay(['06:00', '22:00']));
  return w;
}

async function bookingsOf(w, from, to = from) {
  const r = await d.api('GET', `/api/v1/workers/${w.id}/bookings?from=${from}&to=${to}`, { token: w.token });
  assert.equal(r.status, 200, r.text);
  return r.json.bookings.filter((b) => b.status === 'confirmed');
}

function tally(answers, what) {
  const t = { ok: 0, full: 0 };
  for (const r of answers) {
    if (r.status === 201) t.ok++;
    else if (r.status === 409 && r.json?.error?.code === 'slot_unavailable') t.full++;
    else assert.fail(`${what}: unexpected ${r.status} ${r.text}`);
  }
  return t;
}

test('50 parallel requests on a capacity-1 slot: exactly one 201, ten times', async () => {
  const w = await worker();
  await createService(d, w, { id: 's', duration_min: 60 });
  const D = dayFromNow(5);
  for (let i = 0; i < 10; i++) {
    const start = `${D}T${String(7 + i).padStart(2, '0')}:00:00Z`;
    const answers = await Promise.all(Array.from({ length: 50 }, (_, k) =>
      book(d, w, 's', start, { name: `Client ${k}`, email: `c${k}@example.org` })));
    const t = tally(answers, start);
    assert.equal(t.ok, 1, `${start}: ${t.ok} bookings`);
    assert.equal(t.full, 49);
  }
  const held = await bookingsOf(w, D);
  assert.equal(held.length, 10);
  assert.equal(new Set(held.map((b) => ms(b.start))).size, 10);
  assert.equal((await slots(d, w, 's', D)).length, 6, 'the other hours stay free');
});

test('capacity 5 with 30 parallel requests: exactly 5 seats', async () => {
  const w = await worker();
  await createService(d, w, { id: 'g', duration_min: 90, capacity: 5 });
  const D = dayFromNow(6);
  for (const hour of ['09:00', '15:00']) {
    const start = `${D}T${hour}:00Z`;
    const answers = await Promise.all(Array.from({ length: 30 }, (_, k) =>
      book(d, w, 'g', start, { email: `g${k}@example.org` })));
    const t = tally(answers, start);
    assert.equal(t.ok, 5, `${start}: ${t.ok} seats`);
  }
  assert.equal((await bookingsOf(w, D)).length, 10);
  const list = await slots(d, w, 'g', D);
  assert.ok(!list.some((s) => ['09:00', '15:00'].includes(s.start.slice(11, 16))), 'full sessions are not offered');
});

test('two services with overlapping slots booked in parallel never both succeed', async () => {
  const w = await worker();
  await createService(d, w, { id: 'a', duration_min: 60, step_min: 30 });
  await createService(d, w, { id: 'b', duration_min: 45, step_min: 15, capacity: 3 });
  const D = dayFromNow(7);
  const rounds = [];
  for (let i = 0; i < 8; i++) {
    const h = 6 + 2 * i;
    const aStart = `${D}T${String(h).padStart(2, '0')}:00:00Z`;
    const bStart = `${D}T${String(h).padStart(2, '0')}:30:00Z`;
    rounds.push((async () => {
      const reqs = [];
      for (let k = 0; k < 6; k++) {
        reqs.push(book(d, w, 'a', aStart, { email: `a${k}@example.org` }).then((r) => ['a', r]));
        reqs.push(book(d, w, 'b', bStart, { email: `b${k}@example.org` }).then((r) => ['b', r]));
      }
      const answers = await Promise.all(reqs);
      const won = new Set(answers.filter(([, r]) => r.status === 201).map(([s]) => s));
      tally(answers.map(([, r]) => r), aStart);
      assert.equal(won.size, 1, `${aStart}: services ${[...won].join(', ')} both or neither won`);
      return answers;
    })());
  }
  await Promise.all(rounds);
  // No two confirmed sessions of this worker overlap.
  const held = await bookingsOf(w, D);
  const sessions = new Map();
  for (const b of held) sessions.set(`${b.service} ${ms(b.start)}`, [ms(b.start), ms(b.end), b.service]);
  const all = [...sessions.values()].sort((x, y) => x[0] - y[0]);
  for (let i = 1; i < all.length; i++) {
    assert.ok(all[i][0] >= all[i - 1][1], `sessions overlap: ${JSON.stringify(all.slice(i - 1, i + 1))}`);
  }
  assert.equal(all.length, 8);
  for (const [start, , s] of all) {
    const n = held.filter((b) => b.service === s && ms(b.start) === start).length;
    assert.ok(n <= (s === 'b' ? 3 : 1), `session ${s} ${start} holds ${n}`);
  }
});

test('parallel reschedules into one capacity-1 slot: exactly one moves', async () => {
  const w = await worker();
  await createService(d, w, { id: 's', duration_min: 30 });
  const D = dayFromNow(8);
  const mine = [];
  for (let i = 0; i < 12; i++) {
    const r = await book(d, w, 's', new Date(Date.parse(`${D}T07:00:00Z`) + i * 3600000).toISOString().replace('.000Z', 'Z'));
    assert.equal(r.status, 201, r.text);
    mine.push(r.json);
  }
  const target = `${D}T20:30:00Z`;
  const answers = await Promise.all(mine.map((b) => d.api('POST', `/api/v1/bookings/${b.id}/reschedule`,
    { token: b.token, body: { start: target } })));
  const moved = answers.filter((r) => r.status === 200);
  assert.equal(moved.length, 1, answers.map((r) => r.status).join(' '));
  for (const r of answers) {
    assert.ok(r.status === 200 || (r.status === 409 && r.json?.error?.code === 'slot_unavailable'), `${r.status} ${r.text}`);
  }
  // The others did not move.
  for (let i = 0; i < mine.length; i++) {
    const g = await d.api('GET', `/api/v1/bookings/${mine[i].id}`, { token: mine[i].token });
    const want = answers[i].status === 200 ? Date.parse(target) : Date.parse(mine[i].start);
    assert.equal(Date.parse(g.json.start), want);
  }
  const held = await bookingsOf(w, D);
  assert.equal(held.filter((b) => Date.parse(b.start) === Date.parse(target)).length, 1);
});

test('a cancel racing 20 bookings of the same seat: at most one takes it', async () => {
  const w = await worker();
  await createService(d, w, { id: 's', duration_min: 60 });
  const D = dayFromNow(9);
  for (let i = 0; i < 5; i++) {
    const start = `${D}T${String(8 + 2 * i).padStart(2, '0')}:00:00Z`;
    const first = await book(d, w, 's', start);
    assert.equal(first.status, 201, first.text);
    const [cancel, ...answers] = await Promise.all([
      d.api('POST', `/api/v1/bookings/${first.json.id}/cancel`, { token: first.json.token }),
      ...Array.from({ length: 20 }, (_, k) => book(d, w, 's', start, { email: `r${k}@example.org` })),
    ]);
    assert.equal(cancel.status, 200, cancel.text);
    const t = tally(answers, start);
    assert.ok(t.ok <= 1, `${start}: ${t.ok} bookings of one seat`);
  }
  const held = await bookingsOf(w, D);
  assert.equal(held.length, new Set(held.map((b) => ms(b.start))).size, 'two confirmed bookings share a seat');
});
