// mail-messages: what a booking, a reschedule and a cancel send (SEMANTICS.md
// section 5), read from a real SMTP server (tests/mail/smtp_sink.py) with
// Python's email package, the calendar part through both .ics validators;
// and that nothing a client types can add a header or a MIME part.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import {
  startDaemon, createWorker, putHours, createService, everyDay, dayFromNow, slots, book,
} from './lib.mjs';
import {
  startSink, waitMail, validateIcs, checkMail, to, sleep,
} from '../mail/mailtest.mjs';

const FROM = 'booking@example.org';
const uid = (p) => `${p}-${Math.random().toString(36).slice(2, 9)}`;

let sink, d;
before(async () => {
  sink = await startSink();
  d = await startDaemon({ args: ['--smtp-url', `smtp://127.0.0.1:${sink.port}`, '--mail-from', FROM] });
});
after(async () => {
  // Over the whole run: no Message-ID twice, nobody but the intended
  // recipients (never the address the injections tried to add).
  try {
    const all = sink.read();
    const ids = all.map((m) => m.message_id);
    assert.equal(new Set(ids).size, ids.length, `a Message-ID sent twice: ${ids.join(' ')}`);
    for (const m of all) {
      assert.equal(m.envelope.rcpt_tos.length, 1, `${m.file}: ${m.envelope.rcpt_tos}`);
      assert.ok(!m.envelope.rcpt_tos.some((r) => /^x@/i.test(r)), `${m.file} went to ${m.envelope.rcpt_tos}`);
    }
  } finally {
    await d.stop();
    await sink.stop();
    d.cleanup();
    sink.cleanup();
  }
});

// A worker with hours every day and a 60-minute service; its own e-mail,
// so that each test counts only its own messages on the shared sink.
async function setup(fields = {}, service = {}) {
  const id = uid('w');
  const w = await createWorker(d, { id, email: `${id}@example.org`, locale: 'fr', ...fields });
  await putHours(d, w, everyDay(['09:00', '17:00']));
  await createService(d, w, { capacity: 1, ...service });
  return w;
}

const hhmm = (iso) => iso.slice(11, 16); // local time as the API wrote it
const weekday = (iso, locale, timeZone) =>
  new Intl.DateTimeFormat(locale, { weekday: 'long', timeZone }).format(new Date(iso));
const month = (iso, locale, timeZone) =>
  new Intl.DateTimeFormat(locale, { month: 'long', timeZone }).format(new Date(iso));

// The shape every client message with a calendar must have (RFC 6047).
function assertInviteMail(m, { method, client, name }) {
  assert.deepEqual(m.defects, [], `${m.file}: defects`);
  assert.ok(m.crlf, `${m.file}: CRLF line ends`);
  assert.ok(m.longest <= 998, `${m.file}: a line of ${m.longest} octets`);
  for (const h of ['Date', 'From', 'To', 'Subject', 'Message-ID', 'MIME-Version']) {
    assert.equal(m.headers.filter((x) => x.toLowerCase() === h.toLowerCase()).length, 1, `${m.file}: ${h}`);
  }
  for (const h of ['Bcc', 'Cc', 'Content-Type']) {
    assert.ok(m.headers.filter((x) => x.toLowerCase() === h.toLowerCase()).length <= 1, `${m.file}: ${h}`);
  }
  assert.ok(!m.headers.some((x) => /^(bcc|cc)$/i.test(x)), `${m.file}: headers ${m.headers}`);
  assert.ok(m.date && Math.abs(Date.parse(m.date) - Date.now()) < 600000, `${m.file}: Date ${m.date}`);
  assert.match(m.message_id, /^<[^<>@\s]+@[^<>@\s]+>$/);
  assert.equal(m.to_count, 1);
  assert.equal(m.to_addr, client);
  assert.equal(m.to_name, name);
  assert.equal(m.from_addr, FROM);
  assert.deepEqual(m.envelope.rcpt_tos, [client]);
  assert.equal(m.envelope.mail_from, FROM);
  const t = m.tree;
  assert.equal(t.type, 'multipart/mixed');
  assert.equal(t.parts.length, 2, `${m.file}: mixed holds ${t.parts.map((p) => p.type)}`);
  const [alt, att] = t.parts;
  assert.equal(alt.type, 'multipart/alternative');
  assert.deepEqual(alt.parts.map((p) => p.type), ['text/plain', 'text/html', 'text/calendar']);
  assert.ok(alt.parts.every((p) => !p.parts));
  const cal = alt.parts[2];
  assert.equal(cal.params.method, method);
  assert.equal(cal.params.charset?.toLowerCase(), 'utf-8');
  assert.notEqual(cal.disposition, 'attachment');
  assert.equal(att.filename, 'invite.ics');
  assert.equal(att.disposition, 'attachment');
  assert.ok(!att.parts);
  assert.equal(m.leaves, 4);
  assert.equal(m.calendar_method, method);
  assert.equal(m.calendar_ics_method, method);
  assert.equal(m.attachment, m.calendar, 'the attachment is the same file');
  assert.equal(m.ics_files.length, 2);
  assert.equal(checkMail(m.file, ['--method', method, '--to-addr', client, '--to-name', name]), '');
}

// A notice to the worker: text and HTML, no scheduling message.
function assertNoticeMail(m, w) {
  assert.deepEqual(m.defects, [], `${m.file}: defects`);
  assert.ok(m.crlf);
  for (const h of ['Date', 'From', 'To', 'Subject', 'Message-ID']) {
    assert.equal(m.headers.filter((x) => x.toLowerCase() === h.toLowerCase()).length, 1, `${m.file}: ${h}`);
  }
  assert.ok(!m.headers.some((x) => /^(bcc|cc)$/i.test(x)), `${m.file}: headers ${m.headers}`);
  assert.equal(m.to_count, 1);
  assert.equal(m.to_addr, w.email);
  assert.deepEqual(m.envelope.rcpt_tos, [w.email]);
  assert.ok(m.plain && m.html);
  assert.ok(m.calendar === null || !/^METHOD:(REQUEST|CANCEL)/m.test(m.calendar),
    'the organizer gets no invite to its own session');
  const types = [];
  const walk = (n) => (n.parts ? n.parts.forEach(walk) : types.push(n.type));
  walk(m.tree);
  assert.ok(types.includes('text/plain') && types.includes('text/html'), `${m.file}: ${types}`);
  assert.equal(checkMail(m.file, ['--to-addr', w.email]), '');
}

// The calendar part and the attachment, through ical.js and
// python-icalendar/vobject; returns the event as both read it.
function calendarEvent(m, method) {
  const [py, js] = validateIcs(m.ics_files);
  for (const r of [...py, ...js]) {
    assert.equal(r.method, method);
    assert.equal(r.events.length, 1, `${r.file}: ${r.events.length} events`);
  }
  // Both libraries read the same thing, in both copies.
  const { file: _f, ...first } = py[0];
  for (const r of [...py, ...js]) {
    const { file: _g, ...rest } = r;
    assert.deepEqual(rest, first, `${r.file} reads differently`);
  }
  return py[0].events[0];
}

const LOCALES = {
  nl: { tz: 'Europe/Amsterdam', name: 'Anneke de Vries', sub: [/bevestigd/i, /verplaatst|gewijzigd/i, /geannuleerd/i] },
  en: { tz: 'America/New_York', name: 'John Smith', sub: [/confirmed/i, /moved|rescheduled|changed/i, /cancel/i] },
};

describe('mail', { concurrency: true }, () => {
  for (const [locale, L] of Object.entries(LOCALES)) {
    it(`book, reschedule and cancel (${locale}): each message exactly once, RFC 6047, in the booking's locale`, async () => {
      const w = await setup();
      const client = `${uid('client')}@example.org`;
      const day = dayFromNow(3);
      const sl = await slots(d, w, 'maths-60', day, day, L.tz);
      assert.ok(sl.length >= 3);
      const r = await book(d, w, 'maths-60', sl[0].start,
        { name: L.name, email: client, locale, timezone: L.tz });
      assert.equal(r.status, 201, r.text);
      const b = r.json;

      // The invite and the worker's notice.
      let msgs = await waitMail(sink, (all) => to(all, client).length >= 1 && to(all, w.email).length >= 1,
        10000, 'invite and notice');
      const invite = to(msgs, client)[0];
      assertInviteMail(invite, { method: 'REQUEST', client, name: L.name });
      assert.match(invite.subject, L.sub[0]);
      for (const text of [invite.plain, invite.html]) {
        assert.ok(text.includes(hhmm(b.start)), `the start ${b.start} in the booking's zone`);
        assert.ok(text.includes(weekday(b.start, locale, L.tz)), `weekday in ${locale}: ${text}`);
        assert.ok(text.includes(month(b.start, locale, L.tz)), `month in ${locale}`);
      }
      const ev0 = calendarEvent(invite, 'REQUEST');
      assert.equal(Date.parse(ev0.dtstart), Date.parse(b.start));
      assert.equal(Date.parse(ev0.dtend), Date.parse(b.end));
      assert.equal(ev0.status, 'CONFIRMED');
      assert.deepEqual(ev0.attendees, [`mailto:${client}`]);
      assert.equal(ev0.organizer, `mailto:${w.email}`);
      assert.ok(ev0.description.includes(b.room_url));
      assert.ok(ev0.description.includes(`/manage/${b.id}`), 'the manage link');

      const notice = to(msgs, w.email)[0];
      assertNoticeMail(notice, w);
      assert.ok(notice.subject.includes(L.name) || notice.plain.includes(L.name), 'the notice names the client');
      assert.ok(notice.plain.includes(client), 'and gives the client e-mail');
      // Times for the worker are in the worker's zone (Europe/Brussels).
      const local = new Intl.DateTimeFormat('en-GB', {
        hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Brussels', hourCycle: 'h23',
      }).format(new Date(b.start));
      assert.ok(notice.plain.includes(local), `the worker's notice gives ${local}`);

      // Reschedule, in a later second so that DTSTAMP must move.
      await sleep(1000 - (Date.now() % 1000) + 50);
      const rs = await d.api('POST', `/api/v1/bookings/${b.id}/reschedule`,
        { token: b.token, body: { start: sl[2].start } });
      assert.equal(rs.status, 200, rs.text);
      msgs = await waitMail(sink, (all) => to(all, client).length >= 2, 10000, 'the updated invite');
      const update = to(msgs, client)[1];
      assertInviteMail(update, { method: 'REQUEST', client, name: L.name });
      assert.match(update.subject, L.sub[1]);
      assert.ok(update.plain.includes(hhmm(rs.json.start)), 'the new time');
      const ev1 = calendarEvent(update, 'REQUEST');
      assert.equal(ev1.uid, ev0.uid);
      assert.ok(ev1.sequence > ev0.sequence, `SEQUENCE ${ev0.sequence} then ${ev1.sequence}`);
      assert.ok(Date.parse(ev1.dtstamp) > Date.parse(ev0.dtstamp), `DTSTAMP ${ev0.dtstamp} then ${ev1.dtstamp}`);
      assert.equal(Date.parse(ev1.dtstart), Date.parse(rs.json.start));
      assert.equal(Date.parse(ev1.dtstart), Date.parse(sl[2].start));
      assert.equal(ev1.status, 'CONFIRMED');
      assert.ok(ev1.description.includes(b.room_url));
      // Checked last, so that the rest of the story runs either way.
      const updateDescription = ev1.description;

      // Cancel.
      const c = await d.api('POST', `/api/v1/bookings/${b.id}/cancel`, { token: b.token, body: {} });
      assert.equal(c.status, 200, c.text);
      msgs = await waitMail(sink, (all) => to(all, client).length >= 3 && to(all, w.email).length >= 2,
        10000, 'the cancellation and its notice');
      const cancel = to(msgs, client)[2];
      assertInviteMail(cancel, { method: 'CANCEL', client, name: L.name });
      assert.match(cancel.subject, L.sub[2]);
      const ev2 = calendarEvent(cancel, 'CANCEL');
      assert.equal(ev2.uid, ev0.uid);
      assert.ok(ev2.sequence > ev1.sequence, `SEQUENCE ${ev1.sequence} then ${ev2.sequence}`);
      assert.equal(ev2.status, 'CANCELLED');
      assert.equal(Date.parse(ev2.dtstart), Date.parse(sl[2].start));
      assertNoticeMail(to(msgs, w.email)[1], w);
      assert.notEqual(to(msgs, w.email)[1].subject, notice.subject);

      // A second cancel changes nothing, so it sends nothing; and nothing
      // arrives twice.
      const c2 = await d.api('POST', `/api/v1/bookings/${b.id}/cancel`, { token: b.token, body: {} });
      assert.equal(c2.status, 200);
      await sleep(2000);
      msgs = sink.read();
      const mine = [...to(msgs, client), ...to(msgs, w.email)];
      assert.equal(to(msgs, client).length, 3, 'invite, update, cancel: once each');
      assert.equal(to(msgs, w.email).length, 2, 'two notices');
      assert.equal(new Set(mine.map((m) => m.message_id)).size, 5);

      // SEMANTICS 4: the invite's DESCRIPTION holds the manage link, and
      // the e-mail attachment is that file; the updated one replaces the
      // first in the client's calendar, so it must keep the link.
      assert.ok(updateDescription.includes(`/manage/${b.id}`),
        `the updated invite keeps the manage link: ${JSON.stringify(updateDescription)}`);
    });
  }

  it('a name with CR/LF or a header in it is refused (422) and mails nobody', async () => {
    const w = await setup();
    const day = dayFromNow(4);
    const sl = await slots(d, w, 'maths-60', day);
    for (const name of ['Jean\r\nBcc: x@example.org', 'Jean\nBcc: x@example.org',
      'Jean\rBcc: x@example.org', 'Jean\u0085Bcc: x@example.org', 'Jean\u2028Bcc: x@example.org']) {
      const r = await book(d, w, 'maths-60', sl[0].start, { name, email: 'victim@example.org' });
      // U+2028 is not a control character; it may be taken, but then must
      // not break a header (checked below with the others).
      if (name.includes('\u2028') && r.status === 201) {
        const c = await d.api('POST', `/api/v1/bookings/${r.json.id}/cancel`, { token: r.json.token });
        assert.equal(c.status, 200);
        continue;
      }
      assert.equal(r.status, 422, `${JSON.stringify(name)}: ${r.status} ${r.text}`);
    }
    for (const email of ['jean@example.org\r\nBcc: x@example.org', 'jean@example.org>\nBcc: x@example.org',
      'jean@example.org, x@example.org', '"x@example.org"@example.org']) {
      const r = await book(d, w, 'maths-60', sl[0].start, { email });
      assert.equal(r.status, 422, `${JSON.stringify(email)}: ${r.status} ${r.text}`);
    }
    await sleep(1500);
    const msgs = sink.read();
    assert.equal(to(msgs, 'x@example.org').length, 0);
    for (const m of [...to(msgs, 'victim@example.org'), ...to(msgs, w.email)]) {
      assert.ok(!m.headers.some((x) => /^(bcc|cc)$/i.test(x)), `${m.file}: headers ${m.headers}`);
      assert.deepEqual(m.defects, []);
    }
  });

  it('quotes, commas, accents, emoji, a boundary and a Content-Type in what the client typed add no header and no part', async () => {
    const w = await setup();
    const client = `${uid('inj')}@example.org`;
    const name = 'Zoë "Bob", O\'Brien; <x@example.org> 🎉 =?utf-8?B?QmNjOg==?= (ça va)';
    const boundaryLine = '--=_creneau_0000000000000000';
    const noteLines = [
      'Chapitre 3, "équations"',
      '--boundary',
      'Content-Type: text/html',
      '',
      '<b>bold</b> <script>alert(1)</script>',
      boundaryLine,
      'Bcc: x@example.org',
      '.',
      'From nobody',
      `--boundary--`,
      'x'.repeat(1200),
    ];
    const note = noteLines.join('\n');
    const sl = await slots(d, w, 'maths-60', dayFromNow(5));
    const r = await book(d, w, 'maths-60', sl[0].start, { name, email: client, note, locale: 'en' });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.name, name);
    assert.equal(r.json.note, note);
    const reason = 'Ill\r\nBcc: x@example.org\r\n\r\n--boundary\r\nContent-Type: text/html\r\n\r\n<i>sorry</i>';
    const c = await d.api('POST', `/api/v1/bookings/${r.json.id}/cancel`, { token: r.json.token, body: { reason } });
    assert.equal(c.status, 200, c.text);
    const msgs = await waitMail(sink, (all) => to(all, client).length >= 2 && to(all, w.email).length >= 2,
      10000, 'invite, cancel and the two notices');
    await sleep(1000);
    const all = sink.read();
    assert.equal(to(all, client).length, 2);
    assert.equal(to(all, w.email).length, 2);
    const [invite, cancel] = to(msgs, client);
    assertInviteMail(invite, { method: 'REQUEST', client, name });
    assertInviteMail(cancel, { method: 'CANCEL', client, name });
    // The note is text in the bodies, whole, every line of it.
    for (const l of noteLines.filter((x) => x !== '')) {
      assert.ok(invite.plain.includes(l), `text/plain lacks the note line ${JSON.stringify(l.slice(0, 40))}`);
    }
    assert.ok(!invite.html.includes('<b>bold</b>') && !invite.html.includes('<script>'), 'HTML from the note is escaped');
    assert.ok(invite.html.includes('&lt;b&gt;bold&lt;/b&gt;') || invite.html.includes('&lt;b>bold'), 'and still shown');
    assert.ok(invite.plain.includes(name), 'the name as typed');
    assert.ok(!cancel.html.includes('<i>sorry</i>'));
    assert.ok(cancel.plain.includes('Bcc: x@example.org'), 'the reason is text in the body');
    // The same header names, in the same order, as a booking with a plain
    // name: nothing was added.
    assert.deepEqual(cancel.headers, invite.headers);
    const notices = to(msgs, w.email);
    for (const n of notices) {
      assertNoticeMail(n, w);
      // The subject decodes to one line; if it names the client, whole.
      assert.ok(!/[\r\n]/.test(n.subject), JSON.stringify(n.subject));
      assert.ok(n.subject.includes(name) || !n.subject.includes('Zo'), `the subject decodes: ${n.subject}`);
      assert.equal(n.leaves, notices[0].leaves);
    }
    assert.deepEqual(notices[0].headers, notices[1].headers);
    // The calendar: one event, one attendee, the CN as typed.
    const ev = calendarEvent(invite, 'REQUEST');
    assert.deepEqual(ev.attendees, [`mailto:${client}`]);
    assert.ok(ev.summary && !ev.summary.includes('\n'));
    calendarEvent(cancel, 'CANCEL');
  });

  it('configured from the environment, with AUTH; a cancel by the worker mails the client and the worker', async () => {
    const s2 = await startSink({ auth: 'creneau:s3cret pass' });
    const pw = join(d.dir, `pw-${uid('p')}`);
    writeFileSync(pw, 's3cret pass\n');
    chmodSync(pw, 0o600);
    const d2 = await startDaemon({
      env: {
        CRENEAU_SMTP_URL: `smtp://127.0.0.1:${s2.port}`, CRENEAU_MAIL_FROM: FROM,
        CRENEAU_SMTP_USER: 'creneau', CRENEAU_SMTP_PASSWORD_FILE: pw,
      },
    });
    try {
      const id = uid('w');
      const w = await createWorker(d2, { id, email: `${id}@example.org` });
      await putHours(d2, w, everyDay(['09:00', '17:00']));
      await createService(d2, w, {});
      const sl = await slots(d2, w, 'maths-60', dayFromNow(2));
      const client = `${uid('auth')}@example.org`;
      const r = await book(d2, w, 'maths-60', sl[0].start, { email: client });
      assert.equal(r.status, 201, r.text);
      const c = await d2.api('POST', `/api/v1/bookings/${r.json.id}/cancel`,
        { token: w.token, body: { reason: 'Malade' } });
      assert.equal(c.status, 200, c.text);
      const msgs = await waitMail(s2, (all) => to(all, client).length >= 2 && to(all, w.email).length >= 2,
        10000, 'invite, cancel and notices');
      await sleep(1000);
      assert.equal(s2.files().length, 4);
      for (const m of msgs) assert.ok(m.envelope.auth, `${m.file}: sent without AUTH`);
      const [inv, can] = to(msgs, client);
      assertInviteMail(inv, { method: 'REQUEST', client, name: 'Jean Peeters' });
      assertInviteMail(can, { method: 'CANCEL', client, name: 'Jean Peeters' });
      assert.equal(calendarEvent(can, 'CANCEL').status, 'CANCELLED');
      assert.ok(can.plain.includes('Malade'), 'the reason is given to the client');
      for (const n of to(msgs, w.email)) assertNoticeMail(n, w);
      assert.ok(!d2.stderr.includes('s3cret'), 'the password never reaches the log');
    } finally {
      await d2.stop();
      d2.cleanup();
      await s2.stop();
      s2.cleanup();
    }
  });

  it('without smtp_url: said once at start, no mail, booking works', async () => {
    const d0 = await startDaemon();
    try {
      const lines = () => d0.stderr.split('\n').filter((l) => /mail|smtp/i.test(l));
      assert.equal(lines().length, 1, d0.stderr);
      assert.match(lines()[0], /no (e-?)?mail|smtp_url/i);
      const w = await createWorker(d0, {});
      await putHours(d0, w, everyDay(['09:00', '17:00']));
      await createService(d0, w, {});
      const sl = await slots(d0, w, 'maths-60', dayFromNow(2));
      const r = await book(d0, w, 'maths-60', sl[0].start);
      assert.equal(r.status, 201, r.text);
      const c = await d0.api('POST', `/api/v1/bookings/${r.json.id}/cancel`, { token: r.json.token });
      assert.equal(c.status, 200);
      await sleep(300);
      assert.equal(lines().length, 1, `still said once only:\n${d0.stderr}`);
    } finally {
      await d0.stop();
      d0.cleanup();
    }
  });
});
