// mail-delivery: when the mail goes (SEMANTICS.md section 5). Reminders that
// fall due during the test, a server that is down and then up, one that
// answers 451, and a daemon killed with mail in its outbox: every message
// arrives exactly once. The tests run side by side: the longest wait (a
// reminder due at the next whole minute, the retry 15 s after a failure)
// bounds the file.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  startDaemon, createWorker, putHours, createService, everyDay, dayFromNow, slots, book,
} from './lib.mjs';
import {
  startSink, waitMail, freePort, checkMail, to, sleep,
} from '../mail/mailtest.mjs';

const FROM = 'booking@example.org';
const uid = (p) => `${p}-${Math.random().toString(36).slice(2, 9)}`;
const MIN = 60000;
const mailArgs = (port, more = []) =>
  ['--smtp-url', `smtp://127.0.0.1:${port}`, '--mail-from', FROM, ...more];

async function setup(d, { tz = 'Europe/Brussels', hours = ['09:00', '17:00'], service = {} } = {}) {
  const id = uid('w');
  const w = await createWorker(d, { id, email: `${id}@example.org`, timezone: tz, locale: 'en' });
  await putHours(d, w, everyDay(hours));
  await createService(d, w, { id: 'maths-60', duration_min: 60, min_notice_min: 0, ...service });
  return w;
}

// Client messages that carry no calendar: the reminders.
const reminders = (msgs, addr) => to(msgs, addr).filter((m) => m.calendar_method === null);
// Message-IDs of a list, checked distinct.
function distinctIds(msgs) {
  const ids = msgs.map((m) => m.message_id);
  assert.equal(new Set(ids).size, ids.length, `a Message-ID twice: ${ids.join(' ')}`);
  return ids;
}
const utcHHMM = (ms) => new Date(ms).toISOString().slice(11, 16);

describe('mail delivery', { concurrency: true }, () => {
  it('reminders: once when due; none for a cancelled booking; a rescheduled one for its new time only', async () => {
    // Reminders are whole minutes before a start on a 5-minute grid, so
    // they fall due on a whole minute: T, the first one far enough ahead
    // to book before it. With reminders N+5 and N minutes, and S = T + N:
    //   booked at S:      (N+5) is past at booking, so one reminder, at T;
    //   at S+5 -> S:      before, reminders at T and T+5; after, at T only:
    //                     two at T if the old ones were not dropped;
    //   at S+10 -> S:     before, at T+5 and T+10; after, at T: none at T
    //                     if the reminders were not moved.
    // The worker first, then a restart with the reminders that suit the
    // clock: only the bookings stand between now and T.
    const sink = await startSink();
    let d = await startDaemon({ args: mailArgs(sink.port) });
    try {
      const w = await setup(d, { tz: 'UTC', hours: ['00:00', '24:00'],
        service: { id: 'r5', duration_min: 5, step_min: 5, capacity: 10 } });
      const now = Date.now();
      const T = Math.ceil((now + 4000) / MIN) * MIN;
      const S = Math.ceil((T + 2 * MIN) / (5 * MIN)) * 5 * MIN;
      const N = (S - T) / MIN;
      d = await d.restart({ args: mailArgs(sink.port, ['--reminders', `${N + 5}m,${N}m`]) });
      const iso = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z');
      const from = iso(S).slice(0, 10), toDay = iso(S + 10 * MIN).slice(0, 10);
      const offered = (await slots(d, w, 'r5', from, toDay)).map((s) => Date.parse(s.start));
      for (const t of [S, S + 5 * MIN, S + 10 * MIN]) {
        assert.ok(offered.includes(t), `${iso(t)} is not offered: ${offered.slice(0, 5).map(iso)}`);
      }
      const c = Object.fromEntries(['a', 'b', 'c', 'd'].map((k) => [k, `${uid(`rem-${k}`)}@example.org`]));
      const mk = async (k, at) => {
        const r = await book(d, w, 'r5', iso(at), { email: c[k], name: `Client ${k}`, timezone: 'UTC', locale: 'en' });
        assert.equal(r.status, 201, r.text);
        return r.json;
      };
      await mk('a', S);
      const bb = await mk('b', S);
      const bc = await mk('c', S + 5 * MIN);
      const bd = await mk('d', S + 10 * MIN);
      const cancel = await d.api('POST', `/api/v1/bookings/${bb.id}/cancel`, { token: bb.token });
      assert.equal(cancel.status, 200, cancel.text);
      for (const b of [bc, bd]) {
        const r = await d.api('POST', `/api/v1/bookings/${b.id}/reschedule`, { token: b.token, body: { start: iso(S) } });
        assert.equal(r.status, 200, r.text);
      }
      assert.ok(Date.now() < T - 1000, `booking took until ${iso(Date.now())}, too close to ${iso(T)}`);

      // Nothing but invites and notices before T.
      await waitMail(sink, (all) => ['a', 'b', 'c', 'd'].every((k) => to(all, c[k]).length >= 1),
        Math.max(1000, T - Date.now() - 1500), 'the invites');
      for (const k of ['a', 'b', 'c', 'd']) {
        assert.equal(reminders(sink.read(), c[k]).length, 0, `a reminder for ${k} before its time`);
      }

      const msgs = await waitMail(sink, (all) => ['a', 'c', 'd'].every((k) => reminders(all, c[k]).length >= 1),
        T - Date.now() + 15000, `the reminders due at ${iso(T)}`);
      const arrived = Date.now();
      assert.ok(arrived >= T - 1000, `reminders sent at ${iso(arrived)}, before ${iso(T)}`);
      await sleep(3000);
      const all = sink.read();
      distinctIds(all);
      for (const k of ['a', 'c', 'd']) {
        const r = reminders(all, c[k]);
        assert.equal(r.length, 1, `client ${k}: ${r.length} reminders: ${r.map((m) => m.subject)}`);
        const m = r[0];
        assert.match(m.subject, /remind/i);
        assert.equal(m.to_addr, c[k]);
        assert.deepEqual(m.envelope.rcpt_tos, [c[k]]);
        assert.deepEqual(m.defects, []);
        assert.equal(checkMail(m.file, ['--to-addr', c[k]]), '');
        assert.ok(Date.parse(m.date) >= T - 1000, `Date ${m.date} before ${iso(T)}`);
        assert.ok(m.plain.includes(utcHHMM(S)), `the reminder gives ${utcHHMM(S)}: ${m.plain}`);
      }
      assert.ok(!reminders(all, c.d)[0].plain.includes(utcHHMM(S + 10 * MIN)), 'not the old time');
      assert.equal(reminders(all, c.b).length, 0, 'the cancelled booking got a reminder');
      assert.equal(to(all, w.email).filter((m) => /remind/i.test(m.subject)).length, 0, 'reminders go to clients');
      // Kept by the messages of the other clients: each one's invite once.
      for (const k of ['a', 'b', 'c', 'd']) {
        assert.equal(to(all, c[k]).filter((m) => m.calendar_method === 'REQUEST').length, k === 'a' || k === 'b' ? 1 : 2);
      }
    } finally {
      await d.stop();
      d.cleanup();
      await sink.stop();
      sink.cleanup();
    }
  });

  it('server down, then up: every message arrives once, after the first retry', async () => {
    const port = await freePort();
    const d = await startDaemon({ args: mailArgs(port) });
    let sink;
    try {
      const w = await setup(d);
      const sl = await slots(d, w, 'maths-60', dayFromNow(2));
      const clients = [];
      for (let i = 0; i < 3; i++) {
        const client = `${uid(`down${i}`)}@example.org`;
        const r = await book(d, w, 'maths-60', sl[i].start, { email: client });
        assert.equal(r.status, 201, r.text);
        clients.push(client);
      }
      await sleep(1500); // the first attempt meets a closed port
      const up = Date.now();
      sink = await startSink({ port });
      await waitMail(sink, (all) => clients.every((c) => to(all, c).length >= 1) && to(all, w.email).length >= 3,
        35000, 'the queued mail');
      assert.ok(Date.now() - up < 33000, 'retried within the back-off');
      await sleep(2500);
      const all = sink.read();
      distinctIds(all);
      for (const c of clients) {
        assert.equal(to(all, c).length, 1, `${c}: ${to(all, c).length} messages`);
        assert.equal(to(all, c)[0].calendar_method, 'REQUEST');
      }
      assert.equal(to(all, w.email).length, 3);
      assert.equal(all.length, 6);
      assert.ok(d.proc.exitCode === null, 'the daemon is still up');
    } finally {
      await d.stop();
      d.cleanup();
      if (sink) { await sink.stop(); sink.cleanup(); }
    }
  });

  it('a 451 answer: that message is retried later and arrives once; the others are not held up', async () => {
    const sink = await startSink({ tempfail: 1 });
    const d = await startDaemon({ args: mailArgs(sink.port) });
    try {
      const w = await setup(d);
      const sl = await slots(d, w, 'maths-60', dayFromNow(2));
      const client = `${uid('busy')}@example.org`;
      const t0 = Date.now();
      const r = await book(d, w, 'maths-60', sl[0].start, { email: client });
      assert.equal(r.status, 201, r.text);
      const first = await waitMail(sink, (all) => all.length >= 1, 10000, 'the message not refused');
      const firstAt = Date.now();
      assert.ok(firstAt - t0 < 8000, `the other message waited ${firstAt - t0} ms`);
      const msgs = await waitMail(sink, (all) => all.length >= 2, 35000, 'the retried message');
      const secondAt = Date.now();
      assert.ok(secondAt - t0 >= 10000, `retried after ${secondAt - t0} ms: no back-off`);
      await sleep(2500);
      const all = sink.read();
      assert.equal(all.length, 2, all.map((m) => m.subject).join('\n'));
      distinctIds(all);
      assert.equal(to(all, client).length, 1);
      assert.equal(to(all, w.email).length, 1);
      assert.equal(first.length, 1);
      assert.ok(msgs.length >= 2);
    } finally {
      await d.stop();
      d.cleanup();
      await sink.stop();
      sink.cleanup();
    }
  });

  it('daemon killed with mail queued: after a restart it goes, exactly once', async () => {
    const port = await freePort();
    let d = await startDaemon({ args: mailArgs(port) });
    let sink;
    try {
      const w = await setup(d);
      const sl = await slots(d, w, 'maths-60', dayFromNow(3));
      const clients = [];
      for (let i = 0; i < 2; i++) {
        const client = `${uid(`kill${i}`)}@example.org`;
        const r = await book(d, w, 'maths-60', sl[i].start, { email: client, locale: 'nl' });
        assert.equal(r.status, 201, r.text);
        clients.push(client);
      }
      const bye = await d.kill();
      assert.equal(bye.signal, 'SIGKILL');
      sink = await startSink({ port });
      d = await d.restart();
      const done = (all) => clients.every((c) => to(all, c).length >= 1) && to(all, w.email).length >= 2;
      await waitMail(sink, done, 30000, 'the mail queued before the kill');
      await sleep(1500);
      // A clean restart: what was sent is not sent again.
      d = await d.restart();
      await sleep(6000);
      const all = sink.read();
      assert.equal(all.length, 4, all.map((m) => `${m.envelope.rcpt_tos}: ${m.subject}`).join('\n'));
      distinctIds(all);
      for (const c of clients) {
        assert.equal(to(all, c).length, 1);
        assert.equal(to(all, c)[0].calendar_method, 'REQUEST');
        assert.match(to(all, c)[0].subject, /bevestigd/i);
      }
      assert.equal(to(all, w.email).length, 2);
    } finally {
      await d.stop();
      d.cleanup();
      if (sink) { await sink.stop(); sink.cleanup(); }
    }
  });
});
