// The booking page against the real daemon: a client in another time zone
// books, the slot is gone for the next visitor, two visitors race for the
// last seat, and the errors a person can meet are explained.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { book, slots, startDaemon } from '../integration/lib.mjs';
import {
  catalogue, launch, openPage, parseManage, setupWorker, waitForSlots, wallClock,
} from './helpers.mjs';

let d;
let browser;
let fr;

before(async () => {
  d = await startDaemon();
  browser = await launch();
  fr = await catalogue('fr');
});

after(async () => {
  await browser?.close();
  if (d) {
    const { code } = await d.stop();
    d.cleanup();
    assert.equal(code, 0);
  }
});

async function fillAndSubmit(page, { name = 'Jean Peeters', email = 'jean@example.org', note = '' } = {}) {
  await page.fill('#f-name', name);
  await page.fill('#f-email', email);
  if (note) await page.fill('#f-note', note);
  await page.click('#submit');
}

test('a client in New York books a Brussels worker: times shown match the booking', async () => {
  const { w, s } = await setupWorker(d, { worker: { name: 'Marie Dubois' } });
  const { ctx, page } = await openPage(browser, { timezoneId: 'America/New_York', locale: 'fr-BE' });
  try {
    const res = await page.goto(`${d.url}/${w.id}/${s.id}`);
    assert.equal(res.status(), 200);
    await waitForSlots(page, '#picker');
    assert.equal(await page.inputValue('#tz'), 'America/New_York');
    assert.match(await page.textContent('#tz-hint'), /America\/New York/);

    // The day the picker opened on, and its slots, as the server lists
    // them for New York: the same starts, each shown at its NY wall clock.
    const day = await page.getAttribute('.day[aria-pressed="true"]', 'data-date');
    const api = await slots(d, w, s.id, day, day, 'America/New_York');
    const shown = await page.$$eval('#picker .slot', (bs) => bs.map((b) => ({
      start: b.dataset.start,
      text: b.querySelector('[aria-hidden]').textContent,
      sr: b.querySelector('.sr-only').textContent,
    })));
    assert.deepEqual(shown.map((x) => x.start), api.map((x) => x.start));
    for (const x of shown) {
      assert.equal(x.text, wallClock(x.start), `slot ${x.start} shown as ${x.text}`);
      assert.ok(x.sr.includes(x.text) && /\d{4}/.test(x.sr), `screen-reader text has the full date: ${x.sr}`);
    }
    // And not at the worker's Brussels wall clock for the same instant.
    const bxl = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Brussels', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
    });
    for (const x of shown) assert.notEqual(x.text, bxl.format(new Date(x.start)));

    const chosen = shown[0];
    await page.click(`#picker .slot[data-start="${chosen.start}"]`);
    await page.waitForSelector('#form-section:not([hidden])');
    assert.match(await page.textContent('#chosen'), new RegExp(chosen.text));
    await fillAndSubmit(page, { name: 'Jean <b>Peeters</b>', note: 'Chapitre 3\n<script>x</script>' });
    await page.waitForSelector('#done-section:not([hidden])');

    // The booking the server recorded starts at the chosen instant.
    const manage = await page.getAttribute('#manage-link', 'href');
    const { id, token } = parseManage(manage);
    assert.ok(id && token.length >= 16, `manage link carries the token: ${manage}`);
    const r = await d.api('GET', `/api/v1/bookings/${encodeURIComponent(id)}`, { token });
    assert.equal(r.status, 200);
    assert.equal(Date.parse(r.json.start), Date.parse(chosen.start));
    assert.equal(r.json.timezone, 'America/New_York');
    assert.equal(r.json.locale, 'fr');
    assert.equal(r.json.name, 'Jean <b>Peeters</b>');

    // The confirmation shows that time, the video room, the calendar links.
    const when = await page.textContent('#done .when');
    assert.ok(when.includes(chosen.text), `${when} shows ${chosen.text}`);
    assert.equal(await page.getAttribute('#done .room-link', 'href'), r.json.room_url);
    assert.match(r.json.room_url, /^https?:\/\//);
    // Typed text is text: no element was made from it.
    assert.equal(await page.locator('#done b, #done script').count(), 0);
    assert.ok((await page.textContent('#done')).includes('Jean <b>Peeters</b>'));

    const ics = await page.getAttribute('#ics-link', 'href');
    const icsRes = await fetch(new URL(ics, d.url));
    assert.equal(icsRes.status, 200);
    assert.match(icsRes.headers.get('content-type'), /^text\/calendar/);
    assert.match(await icsRes.text(), /BEGIN:VEVENT/);
    const google = new URL(await page.getAttribute('#google-link', 'href'));
    assert.equal(google.host, 'calendar.google.com');
    const utc = new Date(chosen.start).toISOString().replace(/[-:]/g, '').replace('.000', '');
    assert.ok(google.searchParams.get('dates').startsWith(`${utc}/`), google.searchParams.get('dates'));
    const outlook = new URL(await page.getAttribute('#outlook-link', 'href'));
    assert.equal(Date.parse(outlook.searchParams.get('startdt')), Date.parse(chosen.start));
    assert.deepEqual(page.problems, []);

    // The next visitor, in Brussels, no longer sees that start.
    const other = await openPage(browser, { timezoneId: 'Europe/Brussels' });
    try {
      await other.page.goto(`${d.url}/${w.id}/${s.id}`);
      await waitForSlots(other.page, '#picker');
      const bxlDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Brussels' })
        .format(new Date(chosen.start));
      const dayBtn = other.page.locator(`.day[data-date="${bxlDay}"]`);
      if (await dayBtn.isEnabled()) {
        await dayBtn.click();
        await waitForSlots(other.page, '#picker');
      }
      const starts = await other.page.$$eval('#picker .slot', (bs) => bs.map((b) => b.dataset.start));
      assert.ok(starts.length > 0);
      assert.ok(!starts.some((x) => Date.parse(x) === Date.parse(chosen.start)),
        'the booked start is gone for the next visitor');
      assert.ok(starts.every((x) => /\+0[12]:00$/.test(x)), 'listed in Brussels time');
    } finally {
      await other.ctx.close();
    }
  } finally {
    await ctx.close();
  }
});

test('two visitors race for the last seat of a workshop: the loser is told and sees what is left', async () => {
  const { w, s } = await setupWorker(d, {
    service: { id: 'atelier', title: 'Atelier coiffure', capacity: 2, duration_min: 90, step_min: 90 },
  });
  // Take one of the two seats of the first session through the API.
  const day0 = new Date().toISOString().slice(0, 10);
  const first = (await slots(d, w, s.id, day0, new Date(Date.now() + 5 * 864e5).toISOString().slice(0, 10),
    'Europe/Brussels'))[0];
  assert.equal((await book(d, w, s.id, first.start, { email: 'first@example.org' })).status, 201);

  const a = await openPage(browser);
  const b = await openPage(browser, { width: 360, height: 780 });
  try {
    for (const v of [a, b]) {
      await v.page.goto(`${d.url}/${w.id}/${s.id}`);
      await waitForSlots(v.page, '#picker');
      const btn = v.page.locator(`#picker .slot[data-start="${first.start}"]`);
      // Seats left are shown for workshops, to eyes and screen readers.
      assert.match(await btn.textContent(), /1 place/);
      assert.ok((await btn.locator('.sr-only').textContent()).includes('1 place restante'));
      await btn.click();
      await v.page.fill('#f-name', 'Racer');
      await v.page.fill('#f-email', 'racer@example.org');
    }
    await Promise.all([a.page.click('#submit'), b.page.click('#submit')]);
    const outcome = async (p) => {
      await p.waitForFunction(() => !document.querySelector('#done-section').hidden
        || document.querySelector('#pick-status').textContent !== '');
      return p.evaluate(() => (document.querySelector('#done-section').hidden ? 'lost' : 'won'));
    };
    const results = await Promise.all([outcome(a.page), outcome(b.page)]);
    assert.deepEqual([...results].sort(), ['lost', 'won']);
    const loser = results[0] === 'lost' ? a.page : b.page;
    assert.equal(await loser.textContent('#pick-status'), fr['book.slotTaken']);
    assert.equal(await loser.getAttribute('#pick-status', 'role'), 'alert');
    assert.ok(await loser.locator('#form-section').isHidden());
    // Focus went back to the picker, which now lists what is left.
    assert.equal(await loser.evaluate(() => document.activeElement.id), 'pick-h');
    await loser.waitForFunction((start) => !document.querySelector(`.slot[data-start="${start}"]`)
      && document.querySelector('#picker [role=status]').textContent === '', first.start);
    // The loser's typed details are kept for the next try.
    assert.equal(await loser.inputValue('#f-name'), 'Racer');
    const left = await slots(d, w, s.id, day0, day0, 'Europe/Brussels');
    assert.ok(!left.some((x) => x.start === first.start), 'the session is full');
    assert.deepEqual([...a.page.problems, ...b.page.problems], []);
  } finally {
    await a.ctx.close();
    await b.ctx.close();
  }
});

test('an e-mail the server refuses is explained at the field', async () => {
  const { w, s } = await setupWorker(d);
  const { ctx, page } = await openPage(browser);
  try {
    await page.goto(`${d.url}/${w.id}/${s.id}`);
    await waitForSlots(page, '#picker');
    await page.locator('#picker .slot:not([disabled])').first().click();
    // Empty fields are caught before sending.
    await page.click('#submit');
    assert.equal(await page.textContent('#e-name'), fr['form.nameRequired']);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'f-name');
    // The browser's own check would pass "jean@localhost"; the API's rule
    // (two labels in the domain) refuses it with 422 field "email".
    await fillAndSubmit(page, { email: 'jean@localhost' });
    await page.waitForSelector('#e-email:not(:empty)');
    assert.equal(await page.textContent('#e-email'), fr['form.invalid.email']);
    assert.equal(await page.getAttribute('#f-email', 'aria-invalid'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'f-email');
    assert.match(await page.getAttribute('#f-email', 'aria-describedby'), /e-email/);
    assert.equal(await page.textContent('#e-name'), '');
    // Corrected, it books.
    await page.fill('#f-email', 'jean@example.org');
    await page.click('#submit');
    await page.waitForSelector('#done-section:not([hidden])');
    assert.equal(await page.locator('[aria-invalid="true"]').count(), 0);
  } finally {
    await ctx.close();
  }
});

test('too many attempts (429) and an unreachable server are explained', async () => {
  const d2 = await startDaemon({ args: ['--rate-limit', '2'], env: { CRENEAU_RATE_LIMIT: '2' } });
  try {
    const { w, s } = await setupWorker(d2);
    const { ctx, page } = await openPage(browser, { locale: 'en-GB' });
    const en = await catalogue('en');
    try {
      await page.goto(`${d2.url}/${w.id}/${s.id}`);
      await waitForSlots(page, '#picker');
      await page.locator('#picker .slot:not([disabled])').first().click();
      // Two refused attempts use up the allowance; the third is limited.
      const posted = () => page.waitForResponse((r) => r.request().method() === 'POST');
      let [r] = await Promise.all([posted(), fillAndSubmit(page, { email: 'a@localhost' })]);
      assert.equal(r.status(), 422);
      [r] = await Promise.all([posted(), fillAndSubmit(page, { email: 'b@localhost' })]);
      assert.equal(r.status(), 422);
      [r] = await Promise.all([posted(), fillAndSubmit(page, { email: 'c@example.org' })]);
      assert.equal(r.status(), 429);
      await page.waitForSelector('#form-status:not(:empty)');
      const msg = await page.textContent('#form-status');
      assert.match(msg, /^Too many attempts/, msg);
      assert.ok([en['error.rateLimited']].includes(msg) || /in \d+ seconds?\.$/.test(msg), msg);
      assert.equal(await page.getAttribute('#form-status', 'role'), 'alert');

      // The daemon goes away: the visitor is told the server is not answering.
      await d2.stop();
      await page.fill('#f-email', 'd@example.org');
      await page.click('#submit');
      await page.waitForFunction((m) => document.querySelector('#form-status').textContent === m,
        en['error.network']);
      assert.ok(await page.isEnabled('#submit'), 'the visitor can try again');
    } finally {
      await ctx.close();
    }
  } finally {
    await d2.stop();
    d2.cleanup();
  }
});

test('unknown worker and service pages say so', async () => {
  const { ctx, page } = await openPage(browser);
  try {
    const r = await page.goto(`${d.url}/nobody-here/nothing`);
    assert.ok([200, 404].includes(r.status()));
    await page.waitForSelector('#page-status:not(:empty)');
    assert.equal(await page.textContent('#page-status'), fr['error.pageNotFound']);
    assert.equal(await page.textContent('h1'), fr['error.pageNotFoundTitle']);
    await page.goto(`${d.url}/nobody-here`);
    await page.waitForSelector('#page-status:not(:empty)');
    assert.equal(await page.textContent('#page-status'), fr['error.pageNotFound']);
  } finally {
    await ctx.close();
  }
});
