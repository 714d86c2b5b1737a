// The worker's console (/admin) against the real daemon: a worker signs
// in with their token alone (GET /api/v1/me says whose it is), sets hours and a service in the browser, and their booking page
// offers exactly those hours; the server's 422s land at the field; a
// client's booking shows up and is cancelled from the console; token and
// feed rotation; the admin creates and removes a worker. axe-core and the
// CSP watch every page; screenshots go to tests/artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { book, createService, createWorker, dayFromNow, putHours, everyDay, slots, startDaemon } from '../integration/lib.mjs';
import { axeViolations, launch, openPage, screenshot, waitForSlots, wallClock } from './helpers.mjs';

let d;
let browser;
let cat;

before(async () => {
  d = await startDaemon();
  browser = await launch();
  cat = (await import('../../web/static/admin-i18n.js')).default;
});

after(async () => {
  await browser?.close();
  if (d) {
    const { code } = await d.stop();
    d.cleanup();
    assert.equal(code, 0);
  }
});

// The sign-in form has a token field and nothing else to fill.
async function signIn(page, token, { lang = 'fr', worker } = {}) {
  const q = new URLSearchParams({ lang });
  if (worker) q.set('worker', worker);
  const res = await page.goto(`${d.url}/admin?${q}`);
  assert.equal(res.status(), 200);
  await page.waitForSelector('#signin-section:not([hidden])');
  assert.deepEqual(await page.$$eval('#signin-form input', (is) => is.map((i) => i.id)), ['si-token']);
  await page.fill('#si-token', token);
  await page.click('#signin-submit');
}

async function signInWorker(page, w, opts) {
  await signIn(page, w.token, opts);
  await page.waitForSelector('#worker-section:not([hidden])');
  await page.waitForSelector('#bookings .muted, #bookings .bookings-day');
}

async function noAxe(page, what) {
  const v = await axeViolations(page);
  assert.deepEqual(v, [], `${what}: ${v.join('\n')}`);
}

// The live region's text once it is set (announce() sets it a frame late).
async function statusText(page, sel) {
  await page.waitForFunction((s) => document.querySelector(s).textContent.trim() !== '', sel);
  return page.textContent(sel);
}

test('a new worker sets hours and a service in the console; the booking page offers exactly those hours', async () => {
  const w = await createWorker(d, { name: 'Sofie Janssens', timezone: 'Europe/Brussels' });
  const { ctx, page } = await openPage(browser);
  try {
    await signInWorker(page, w);
    assert.equal(await page.textContent('#worker-h'), 'Sofie Janssens');
    // The token is in this tab's sessionStorage only.
    const stored = await page.evaluate(() => ({
      session: sessionStorage.getItem('creneau.console'), local: localStorage.length, cookie: document.cookie,
    }));
    assert.equal(JSON.parse(stored.session).token, w.token);
    assert.equal(stored.local, 0);
    assert.equal(stored.cookie, '');
    assert.equal((await ctx.cookies()).length, 0);
    await noAxe(page, 'signed in, empty worker');

    // Monday: 09:00-12:00 and 14:00-17:00, then copied to every other day.
    await page.click('#wk-mon-add');
    await page.fill('#wk-mon-0-s', '09:00');
    await page.fill('#wk-mon-0-e', '12:00');
    await page.click('#wk-mon-add');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'wk-mon-1-s');
    await page.fill('#wk-mon-1-s', '14:00');
    await page.fill('#wk-mon-1-e', '17:00');
    await page.click('#copy-btn-mon');
    for (const cb of await page.$$('#copy-mon input[type="checkbox"]')) await cb.check();
    await page.click('#copy-mon-apply');
    assert.equal(await page.inputValue('#wk-sun-1-e'), '17:00');
    // Sunday evening until midnight: an end of 00:00 is sent as 24:00.
    await page.click('#wk-sun-add');
    await page.fill('#wk-sun-2-s', '20:00');
    await page.fill('#wk-sun-2-e', '00:00');
    await page.click('#hours-save');
    assert.equal(await statusText(page, '#hours-status'), cat.fr['admin.hours.saved']);
    const av = await d.api('GET', `/api/v1/workers/${w.id}/availability`, { token: w.token });
    for (const day of ['mon', 'tue', 'wed', 'thu', 'fri', 'sat']) {
      assert.deepEqual(av.json.weekly[day], [['09:00', '12:00'], ['14:00', '17:00']], day);
    }
    assert.deepEqual(av.json.weekly.sun, [['09:00', '12:00'], ['14:00', '17:00'], ['20:00', '24:00']]);

    // A service, every field through the form.
    await page.click('#service-new');
    await page.fill('#svc-id', 'cours-60');
    await page.fill('#svc-title', 'Cours de néerlandais');
    await page.fill('#svc-description', 'Niveau A2\n<b>pas de HTML</b>');
    await page.fill('#svc-duration-min', '60');
    await page.fill('#svc-min-notice-min', '0');
    await page.fill('#svc-buffer-after-min', '0');
    await page.fill('#svc-horizon-days', '30');
    await page.fill('#svc-max-per-day', '');
    await page.click('#service-save');
    await page.waitForSelector('[data-service="cours-60"]');
    const s = (await d.api('GET', `/api/v1/workers/${w.id}/services/cours-60`)).json;
    assert.equal(s.title, 'Cours de néerlandais');
    assert.equal(s.duration_min, 60);
    assert.equal(s.step_min, 60);
    assert.equal(s.min_notice_min, 0);
    assert.equal(s.horizon_days, 30);
    assert.equal(s.max_per_day, null);
    assert.equal(s.active, true);
    assert.equal(await page.locator('[data-service="cours-60"] b').count(), 0);
    await screenshot(page, 'admin-worker-fr-desktop');

    // The booking link, as the worker would follow it.
    const link = await page.inputValue('#booking-url');
    assert.equal(link, `${d.url}/${w.id}`);
    await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: d.url });
    await page.click('[data-copy-for="booking-url"]');
    assert.equal(await statusText(page, '#links-status'), cat.fr['admin.copied']);
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link);
    await page.click('#booking-link');
    await page.waitForURL(`${d.url}/${w.id}`);
    await page.click(`a.card-link[href^="/${w.id}/cours-60"]`);
    await waitForSlots(page, '#picker');
    const day = await page.getAttribute('.day[aria-pressed="true"]', 'data-date');
    const api = await slots(d, w, 'cours-60', day, day, 'Europe/Brussels');
    const shown = await page.$$eval('#picker .slot', (bs) => bs.map((b) => b.dataset.start));
    assert.deepEqual(shown, api.map((x) => x.start));
    const allowed = ['09:00', '10:00', '11:00', '14:00', '15:00', '16:00', '20:00', '21:00', '22:00', '23:00'];
    for (const x of shown) assert.ok(allowed.includes(wallClock(x)), `slot ${x} is within the hours`);
    // A whole day ahead: exactly the hours set above.
    const tomorrow = dayFromNow(2);
    const dow = new Date(`${tomorrow}T12:00:00Z`).getUTCDay();
    const want = dow === 0 ? allowed : allowed.slice(0, 6);
    assert.deepEqual((await slots(d, w, 'cours-60', tomorrow, tomorrow)).map((x) => wallClock(x.start)), want);
    assert.deepEqual(page.problems, []);
  } finally {
    await ctx.close();
  }
});

test('the server\'s 422 is shown at the field: a service value and an overlapping interval', async () => {
  const w = await createWorker(d, { name: 'Luc Martin' });
  await putHours(d, w, everyDay(['09:00', '12:00']));
  await createService(d, w, { id: 'guitare', title: 'Guitare' });
  const { ctx, page } = await openPage(browser, { locale: 'en-GB' });
  try {
    await signInWorker(page, w, { lang: 'en' });
    await page.click('[data-service="guitare"] .btn-row .btn:first-child');
    await page.waitForSelector('#service-form:not([hidden])');
    await page.fill('#svc-duration-min', '1000');
    await page.click('#service-save');
    await page.waitForSelector('#svc-duration-min[aria-invalid="true"]');
    const errId = (await page.getAttribute('#svc-duration-min', 'aria-describedby')).split(' ').pop();
    const msg = await page.textContent(`#${errId}`);
    assert.ok(msg.includes(cat.en['admin.err.f.duration_min']), msg);
    assert.match(msg, /720/);	/* the server's own words follow */
    assert.equal(await page.evaluate(() => document.activeElement.id), 'svc-duration-min');
    assert.equal(await page.textContent('#service-form-status'), cat.en['admin.err.seeField']);
    assert.equal((await d.api('GET', `/api/v1/workers/${w.id}/services/guitare`)).json.duration_min, 60);
    await noAxe(page, 'service field error');
    await screenshot(page, 'admin-field-error-en-desktop');
    await page.click('#service-cancel');

    // Two overlapping intervals on Monday: the server names weekly.mon[1].
    await page.click('#wk-mon-add');
    await page.fill('#wk-mon-1-s', '11:00');
    await page.fill('#wk-mon-1-e', '13:00');
    await page.click('#hours-save');
    await page.waitForSelector('#wk-mon-1-s[aria-invalid="true"]');
    assert.equal(await page.getAttribute('#wk-mon-0-s', 'aria-invalid'), null);
    const ivErr = await page.getAttribute('#wk-mon-1-s', 'aria-describedby');
    assert.ok((await page.textContent(`#${ivErr}`)).includes(cat.en['admin.err.interval']));
    assert.equal(await page.getAttribute('[data-field="weekly.mon[1]"] #' + ivErr, 'class'), 'field-error');
    // Nothing was saved.
    const av = await d.api('GET', `/api/v1/workers/${w.id}/availability`, { token: w.token });
    assert.deepEqual(av.json.weekly.mon, [['09:00', '12:00']]);
    // Fixed, it saves and the error goes.
    await page.fill('#wk-mon-1-s', '13:00');
    await page.fill('#wk-mon-1-e', '15:00');
    await page.click('#hours-save');
    assert.equal(await statusText(page, '#hours-status'), cat.en['admin.hours.saved']);
    assert.equal(await page.getAttribute('#wk-mon-1-s', 'aria-invalid'), null);
    assert.deepEqual(page.problems, []);
  } finally {
    await ctx.close();
  }
});

test('time off typed in the worker\'s zone is sent with that zone\'s offset, even from another browser zone', async () => {
  const w = await createWorker(d, { name: 'Ana Silva', timezone: 'America/New_York' });
  await putHours(d, w, everyDay(['09:00', '17:00']));
  const { ctx, page } = await openPage(browser, { timezoneId: 'Asia/Tokyo' });
  try {
    await signInWorker(page, w);
    await page.click('#to-add');
    // One range across the US DST change of 2027-11-07.
    await page.fill('#to-0-start', '2027-11-06T08:00');
    await page.fill('#to-0-end', '2027-11-08T18:30');
    await page.click('#hours-save');
    await statusText(page, '#hours-status');
    const av = await d.api('GET', `/api/v1/workers/${w.id}/availability`, { token: w.token });
    assert.equal(av.json.time_off.length, 1);
    assert.equal(Date.parse(av.json.time_off[0].start), Date.parse('2027-11-06T08:00:00-04:00'));
    assert.equal(Date.parse(av.json.time_off[0].end), Date.parse('2027-11-08T18:30:00-05:00'));
    // And it comes back as the same wall clock.
    assert.equal(await page.inputValue('#to-0-start'), '2027-11-06T08:00');
    assert.equal(await page.inputValue('#to-0-end'), '2027-11-08T18:30');
    // End before start: the server's message at the end field.
    await page.fill('#to-0-end', '2027-11-01T10:00');
    await page.click('#hours-save');
    await page.waitForSelector('#to-0-end[aria-invalid="true"]');
    // A date exception: a day off.
    await page.fill('#to-0-end', '2027-11-08T18:30');
    await page.click('#ov-add');
    await page.fill('#ov-0-date', '2027-12-24');
    await page.click('#hours-save');
    await page.waitForFunction(() => !document.querySelector('[aria-invalid="true"]') &&
      document.querySelector('#hours-status').classList.contains('notice-ok'));
    const av2 = await d.api('GET', `/api/v1/workers/${w.id}/availability`, { token: w.token });
    assert.deepEqual(av2.json.overrides, [{ date: '2027-12-24', intervals: [] }]);
    assert.deepEqual(page.problems, []);
  } finally {
    await ctx.close();
  }
});

test('a client\'s booking appears in the console, group seats are counted, and the worker cancels after confirming', async () => {
  const w = await createWorker(d, { name: 'Marie Dubois' });
  await putHours(d, w, everyDay(['09:00', '17:00']));
  await createService(d, w, { id: 'un-a-un', title: 'Cours particulier' });
  await createService(d, w, { id: 'atelier', title: 'Atelier', capacity: 3, duration_min: 90 });
  const day = dayFromNow(3);
  const one = (await slots(d, w, 'un-a-un', day))[0];
  const grp = (await slots(d, w, 'atelier', day)).at(-1);
  const b1 = await book(d, w, 'un-a-un', one.start, {
    name: 'Jean <b>Peeters</b>', email: 'jean@example.org', note: 'Chapitre 3\n<script>x</script>',
  });
  assert.equal(b1.status, 201, b1.text);
  for (const name of ['Anna', 'Bram']) {
    const r = await book(d, w, 'atelier', grp.start, { name, email: `${name.toLowerCase()}@example.org` });
    assert.equal(r.status, 201, r.text);
  }
  const { ctx, page } = await openPage(browser, { width: 360, height: 800 });
  try {
    await signInWorker(page, w);
    const card = `[data-booking="${b1.json.id}"]`;
    await page.waitForSelector(card);
    assert.equal(await page.textContent(`${card} .booking-name`), 'Jean <b>Peeters</b>');
    assert.equal(await page.locator(`${card} b, ${card} script`).count(), 0);
    assert.equal(await page.textContent(`${card} .booking-note`), 'Chapitre 3\n<script>x</script>');
    assert.equal(await page.getAttribute(`${card} .room-link`, 'href'), b1.json.room_url);
    assert.ok((await page.textContent(card)).includes('jean@example.org'));
    const session = `.session[data-service="atelier"]`;
    assert.equal(await page.getAttribute(session, 'data-taken'), '2');
    assert.ok((await page.textContent(`${session} .session-head`)).includes(
      cat.fr['admin.bookings.seatsTaken'].other.replace('{n}', '2').replace('{cap}', '3')));
    assert.equal(await page.locator(`${session} .booking`).count(), 2);
    await noAxe(page, 'bookings at 360 px');
    await screenshot(page, 'admin-worker-fr-360');

    // Cancel: a first click only asks.
    await page.click(`${card} .btn-danger`);
    await page.waitForSelector(`${card} .confirm-panel`);
    assert.equal((await d.api('GET', `/api/v1/bookings/${b1.json.id}`, { token: w.token })).json.status, 'confirmed');
    await noAxe(page, 'cancel confirmation');
    await page.fill(`${card} .confirm-panel textarea`, 'Malade, désolée');
    await page.click(`${card} .confirm-panel .btn-primary`);
    await statusText(page, '#bookings-status');
    const after = await d.api('GET', `/api/v1/bookings/${b1.json.id}`, { token: w.token });
    assert.equal(after.json.status, 'cancelled');
    assert.equal(await page.textContent(`${card} .badge`), 'Annulé');
    assert.equal(await page.locator(`${card} .btn-danger`).count(), 0);
    // The freed slot is offered again.
    assert.ok((await slots(d, w, 'un-a-un', day)).some((x) => x.start === one.start));

    // A service with upcoming bookings cannot be deleted: said, not done.
    await page.click('.service-card[data-service="atelier"] .btn-danger');
    await page.click('.service-card[data-service="atelier"] .confirm-panel .btn-primary');
    await page.waitForFunction(() => document.querySelector('.service-card[data-service="atelier"] .confirm-panel [role="alert"]')?.textContent);
    assert.equal(await page.textContent('.service-card[data-service="atelier"] .confirm-panel [role="alert"]'),
      cat.fr['admin.services.deleteBusy']);
    assert.equal((await d.api('GET', `/api/v1/workers/${w.id}/services/atelier`)).status, 200);
    // The one without: deleted after the confirmation.
    await page.click('.service-card[data-service="un-a-un"] .btn-danger');
    await page.click('.service-card[data-service="un-a-un"] .confirm-panel .btn-primary');
    await page.waitForSelector('.service-card[data-service="un-a-un"]', { state: 'detached' });
    assert.equal((await d.api('GET', `/api/v1/workers/${w.id}/services/un-a-un`)).status, 404);
    assert.deepEqual(page.problems, []);
  } finally {
    await ctx.close();
  }
});

test('rotating the worker token switches the session to the new token; the feed URL rotates too', async () => {
  const w = await createWorker(d, { name: 'Pieter Claes' });
  const { ctx, page } = await openPage(browser, { locale: 'nl-BE' });
  try {
    await signInWorker(page, w, { lang: 'nl' });
    const feed = await page.inputValue('#feed-https');
    assert.equal(feed, w.feed_url);
    const webcal = await page.inputValue('#feed-webcal');
    assert.equal(webcal, w.feed_url.replace(/^http:\/\//, 'webcal://'));
    assert.equal(await page.getAttribute('#google-subscribe', 'href'),
      `https://calendar.google.com/calendar/r?cid=${encodeURIComponent(webcal)}`);

    await page.click('#rotate-token');
    await page.waitForSelector('.confirm-panel');
    await page.click('.confirm-panel .btn-primary');
    await page.waitForSelector('#new-token');
    const fresh = await page.inputValue('#new-token');
    assert.match(fresh, /^crw_/);
    assert.notEqual(fresh, w.token);
    const path = `/api/v1/workers/${w.id}/availability`;
    assert.equal((await d.api('GET', path, { token: w.token })).status, 401);
    assert.equal((await d.api('GET', path, { token: fresh })).status, 200);
    assert.equal(JSON.parse(await page.evaluate(() => sessionStorage.getItem('creneau.console'))).token, fresh);
    // The console keeps working (with the new token), also after a reload.
    await page.reload();
    await page.waitForSelector('#worker-section:not([hidden])');
    await page.click('#service-new');
    await page.fill('#svc-id', 'na-rotatie');
    await page.fill('#svc-title', 'Na de rotatie');
    await page.click('#service-save');
    await page.waitForSelector('[data-service="na-rotatie"]');

    await page.click('#rotate-feed');
    await page.click('.confirm-panel .btn-primary');
    await page.waitForFunction((old) => document.querySelector('#feed-https').value !== old, feed);
    const newFeed = await page.inputValue('#feed-https');
    assert.equal((await fetch(feed)).status, 404);
    assert.equal((await fetch(newFeed)).status, 200);
    await noAxe(page, 'after rotation (nl)');
    assert.match(await page.textContent('#copy-btn-mon'), /^maandag naar andere dagen kopiëren…$/i);
    // Switching language re-renders in place, the session and data kept.
    await page.click('#lang-switch a[hreflang="en"]');
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal(await page.textContent('#hours-save'), cat.en['admin.hours.save']);
    assert.equal(await page.textContent('#copy-btn-mon'), 'Copy Monday to other days…');
    assert.equal(await page.textContent('[data-service="na-rotatie"] h3'), 'Na de rotatie');
    assert.match(page.url(), /[?&]lang=en/);
    assert.deepEqual(page.problems, []);
  } finally {
    await ctx.close();
  }
});

test('admin: create a worker in the console, hand out a working token, open and remove workers', async () => {
  const { ctx, page } = await openPage(browser, { width: 360, height: 800 });
  try {
    await signIn(page, 'cra_not-the-token');
    await page.waitForSelector('#si-token[aria-invalid="true"]');
    assert.equal(await page.textContent('#si-token-error'), cat.fr['admin.signin.badToken']);
    assert.equal(await page.evaluate(() => sessionStorage.getItem('creneau.console')), null);
    await page.fill('#si-token', d.admin);
    await page.click('#signin-submit');
    await page.waitForSelector('#admin-section:not([hidden])');
    await noAxe(page, 'admin view');

    // A bad e-mail: the server's 422 at the field.
    await page.fill('#nw-id', 'nadia-el-amrani');
    await page.fill('#nw-name', 'Nadia El Amrani');
    await page.fill('#nw-email', 'nadia@localhost');
    await page.selectOption('#nw-timezone', 'Europe/Amsterdam');
    await page.selectOption('#nw-locale', 'nl');
    await page.click('#create-submit');
    await page.waitForSelector('#nw-email[aria-invalid="true"]');
    await page.fill('#nw-email', 'nadia@example.org');
    await page.click('#create-submit');
    await page.waitForSelector('#created-card');
    const token = await page.inputValue('#created-token');
    assert.match(token, /^crw_/);
    const g = await d.api('GET', '/api/v1/workers/nadia-el-amrani', { token });
    assert.equal(g.status, 200);
    assert.equal(g.json.timezone, 'Europe/Amsterdam');
    assert.equal(g.json.locale, 'nl');
    assert.equal(await page.inputValue('#created-booking'), `${d.url}/nadia-el-amrani`);
    assert.equal(await page.inputValue('#created-feed'), g.json.feed_url);
    assert.equal(await page.locator('[data-worker="nadia-el-amrani"]').count(), 1);
    await noAxe(page, 'worker created');
    await screenshot(page, 'admin-admin-fr-360');

    // Same id again: 409, said at the id.
    await page.fill('#nw-id', 'nadia-el-amrani');
    await page.fill('#nw-name', 'Autre');
    await page.fill('#nw-email', 'autre@example.org');
    await page.click('#create-submit');
    await page.waitForSelector('#nw-id[aria-invalid="true"]');

    // Open a worker made elsewhere, by id, with the admin token.
    const other = await createWorker(d, { name: 'Tom Peeters' });
    await page.fill('#open-id', other.id);
    await page.click('#open-form button[type="submit"]');
    await page.waitForSelector('#worker-section:not([hidden])');
    assert.equal(await page.textContent('#worker-h'), 'Tom Peeters');
    // Remove: with an upcoming booking, the 409 is explained; then it works.
    await putHours(d, other, everyDay(['09:00', '17:00']));
    await createService(d, other, { id: 'x' });
    const s0 = (await slots(d, other, 'x', dayFromNow(2)))[0];
    const b = await book(d, other, 'x', s0.start);
    assert.equal(b.status, 201);
    await page.click('#remove-worker');
    await page.click('.confirm-panel .btn-primary');
    await page.waitForFunction(() => document.querySelector('.confirm-panel [role="alert"]')?.textContent);
    assert.equal(await page.textContent('.confirm-panel [role="alert"]'), cat.fr['admin.workers.removeBusy']);
    assert.equal((await d.api('POST', `/api/v1/bookings/${b.json.id}/cancel`, { token: other.token, body: {} })).status, 200);
    await page.click('.confirm-panel .btn-primary');
    await page.waitForSelector('#admin-section:not([hidden])');
    assert.equal((await d.api('GET', `/api/v1/workers/${other.id}`)).status, 404);
    assert.equal(await page.locator(`[data-worker="${other.id}"]`).count(), 0);

    // Sign out forgets the token.
    await page.click('#signout');
    await page.waitForSelector('#signin-section:not([hidden])');
    assert.equal(await page.evaluate(() => sessionStorage.getItem('creneau.console')), null);
    await noAxe(page, 'sign-in form');
    await screenshot(page, 'admin-signin-fr-360');
    assert.deepEqual(page.problems, []);
  } finally {
    await ctx.close();
  }
});

test('a token alone signs in: a wrong one is said at the field, a worker\'s opens its own console, the admin\'s follows ?worker=', async () => {
  const w = await createWorker(d, { name: 'Els Wouters' });
  const other = await createWorker(d, { name: 'Karim Benali' });
  await putHours(d, w, everyDay(['09:00', '17:00']));
  await createService(d, w, { id: 'yoga', title: 'Yoga' });
  const b = await book(d, w, 'yoga', (await slots(d, w, 'yoga', dayFromNow(2)))[0].start);
  assert.equal(b.status, 201, b.text);
  const { ctx, page } = await openPage(browser, { locale: 'en-GB' });
  const calls = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.pathname.startsWith('/api/')) calls.push(`${r.method()} ${u.pathname}`);
  });
  try {
    // Well shaped but nobody's: /api/v1/me says 401, shown at the field.
    await signIn(page, `crw_${'A'.repeat(43)}`, { lang: 'en', worker: other.id });
    await page.waitForSelector('#si-token[aria-invalid="true"]');
    assert.equal(await page.textContent('#si-token-error'), cat.en['admin.signin.badToken']);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'si-token');
    assert.ok((await page.getAttribute('#si-token', 'aria-describedby')).split(' ').includes('si-token-error'));
    assert.deepEqual(calls, ['GET /api/v1/me']);
    assert.equal(await page.evaluate(() => sessionStorage.getItem('creneau.console')), null);
    await noAxe(page, 'wrong token');
    // A booking's token is no console token: said from its shape, unsent.
    await page.fill('#si-token', b.json.token);
    await page.click('#signin-submit');
    await page.waitForFunction((m) => document.querySelector('#si-token-error').textContent === m,
      cat.en['admin.signin.badShape']);
    assert.equal(await page.getAttribute('#si-token', 'aria-invalid'), 'true');
    await page.fill('#si-token', '');
    await page.click('#signin-submit');
    await page.waitForFunction((m) => document.querySelector('#si-token-error').textContent === m,
      cat.en['admin.signin.tokenRequired']);
    assert.deepEqual(calls, ['GET /api/v1/me']);

    // The worker's own token: their console, whatever ?worker= names.
    await page.fill('#si-token', w.token);
    await page.click('#signin-submit');
    await page.waitForSelector('#worker-section:not([hidden])');
    assert.equal(await page.textContent('#worker-h'), 'Els Wouters');
    assert.equal(await page.getAttribute('#si-token', 'aria-invalid'), null);
    assert.equal(await page.isHidden('#back-row'), true);
    assert.equal(await page.locator('#remove-worker').count(), 0);
    await page.waitForSelector(`[data-booking="${b.json.id}"]`);
    assert.equal(JSON.parse(await page.evaluate(() => sessionStorage.getItem('creneau.console'))).wid, w.id);
    // A reload asks the server again whose token it is.
    calls.length = 0;
    await page.reload();
    await page.waitForSelector('#worker-section:not([hidden])');
    assert.equal(await page.textContent('#worker-h'), 'Els Wouters');
    assert.equal(calls[0], 'GET /api/v1/me');
    assert.ok(!calls.some((c) => c.includes(other.id)), calls.join('\n'));

    // The admin at /admin?worker=ID lands on that worker directly.
    await page.click('#signout');
    await page.waitForSelector('#signin-section:not([hidden])');
    await signIn(page, d.admin, { lang: 'en', worker: other.id });
    await page.waitForSelector('#worker-section:not([hidden])');
    assert.equal(await page.textContent('#worker-h'), 'Karim Benali');
    assert.equal(await page.isVisible('#back-row'), true);
    assert.equal(await page.locator('#remove-worker').count(), 1);
    // An id nobody has: the admin view, with the error at the open field.
    await page.click('#signout');
    await page.waitForSelector('#signin-section:not([hidden])');
    await signIn(page, d.admin, { lang: 'en', worker: 'nobody-here' });
    await page.waitForSelector('#admin-section:not([hidden])');
    await page.waitForSelector('#open-id[aria-invalid="true"]');
    assert.equal(await page.inputValue('#open-id'), 'nobody-here');
    assert.equal(await page.textContent('#open-id-error'), cat.en['admin.signin.noWorker']);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'open-id');
    await noAxe(page, 'admin, unknown ?worker=');
    // The admin token is checked by /api/v1/me, never by an empty create.
    assert.ok(!calls.some((c) => c.startsWith('POST /api/v1/workers')), calls.join('\n'));
    assert.deepEqual(page.problems, []);
  } finally {
    await ctx.close();
  }
});
