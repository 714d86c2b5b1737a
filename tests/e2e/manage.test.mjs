// The manage page (/manage/{id}#token) against the real daemon: see the
// booking, cancel only after a confirmation, reschedule with the picker.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { book, slots, startDaemon } from '../integration/lib.mjs';
import { catalogue, launch, openPage, parseManage, setupWorker, waitForSlots, wallClock } from './helpers.mjs';

let d;
let browser;

before(async () => {
  d = await startDaemon();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  if (d) {
    const { code } = await d.stop();
    d.cleanup();
    assert.equal(code, 0);
  }
});

const today = () => new Date().toISOString().slice(0, 10);
const inDays = (n) => new Date(Date.now() + n * 864e5).toISOString().slice(0, 10);

async function booked(w, s, index = 0) {
  const list = await slots(d, w, s.id, today(), inDays(6), 'Europe/Brussels');
  const slot = list[index];
  const r = await book(d, w, s.id, slot.start, { name: 'Anna <i>Janssens</i>', note: 'Line 1\nLine 2' });
  assert.equal(r.status, 201, r.text);
  const { id, token } = parseManage(r.json.manage_url);
  assert.equal(id, r.json.id);
  assert.equal(token, r.json.token);
  return { slot, booking: r.json, list };
}

async function apiBooking(b) {
  return (await d.api('GET', `/api/v1/bookings/${b.id}`, { token: b.token })).json;
}

test('cancel needs a second, explicit step, then frees the slot (Dutch page)', async () => {
  const nl = await catalogue('nl');
  const { w, s } = await setupWorker(d, { worker: { name: 'Marie Dubois' } });
  const { slot, booking } = await booked(w, s);
  const { ctx, page } = await openPage(browser, { locale: 'nl-BE', timezoneId: 'Europe/Brussels' });
  try {
    const res = await page.goto(`${d.url}/manage/${booking.id}#${booking.token}`);
    assert.equal(res.status(), 200);
    await page.waitForSelector('#booking-section:not([hidden])');
    assert.equal(await page.getAttribute('html', 'lang'), 'nl');
    assert.equal(await page.textContent('#status-badge'), nl['status.confirmed']);
    const details = await page.textContent('#details');
    for (const x of ['Cours de maths', 'Marie Dubois', 'Anna <i>Janssens</i>', wallClock(slot.start)]) {
      assert.ok(details.includes(x), `details show ${x}: ${details}`);
    }
    assert.equal(await page.locator('#details i').count(), 0);
    assert.equal(await page.getAttribute('#details .room-link', 'href'), booking.room_url);

    await page.click('#cancel-btn');
    await page.waitForSelector('#cancel-confirm:not([hidden])');
    assert.match(await page.textContent('#cancel-question'), new RegExp(wallClock(slot.start)));
    assert.equal(await page.evaluate(() => document.activeElement.id), 'cancel-question');
    // Nothing is cancelled before the confirmation.
    assert.equal((await apiBooking(booking)).status, 'confirmed');
    await page.click('#cancel-no');
    assert.ok(await page.isVisible('#cancel-btn'));
    assert.equal((await apiBooking(booking)).status, 'confirmed');

    await page.click('#cancel-btn');
    await page.click('#cancel-yes');
    await page.waitForFunction((t) => document.querySelector('#status-badge').textContent === t,
      nl['status.cancelled']);
    assert.equal(await page.textContent('#page-status'), nl['manage.cancelled']);
    assert.ok(await page.isHidden('#actions'));
    assert.equal((await apiBooking(booking)).status, 'cancelled');
    const again = await slots(d, w, s.id, slot.start.slice(0, 10), slot.start.slice(0, 10), 'Europe/Brussels');
    assert.ok(again.some((x) => x.start === slot.start), 'the slot is free again');

    // Reloading the page shows the cancelled booking, with no actions.
    await page.reload();
    await page.waitForSelector('#booking-section:not([hidden])');
    assert.equal(await page.textContent('#status-badge'), nl['status.cancelled']);
    assert.ok(await page.isHidden('#actions'));
    assert.deepEqual(page.problems, []);
  } finally {
    await ctx.close();
  }
});

test('reschedule picks another slot in the visitor zone and moves the booking', async () => {
  const en = await catalogue('en');
  const { w, s } = await setupWorker(d);
  const { slot, booking } = await booked(w, s);
  const { ctx, page } = await openPage(browser, { locale: 'en-GB', timezoneId: 'Asia/Tokyo' });
  try {
    await page.goto(`${d.url}/manage/${booking.id}#${booking.token}`);
    await page.waitForSelector('#booking-section:not([hidden])');
    assert.equal(await page.inputValue('#tz'), 'Asia/Tokyo');
    await page.click('#reschedule-btn');
    await waitForSlots(page, '#picker');
    const starts = await page.$$eval('#picker .slot:not([disabled])', (bs) => bs.map((b) => b.dataset.start));
    const target = starts.find((x) => Date.parse(x) !== Date.parse(slot.start));
    assert.ok(target, 'another slot is offered');
    assert.match(target, /\+09:00$/, 'listed in Tokyo time');
    await page.click(`#picker .slot[data-start="${target}"]`);
    await page.waitForSelector('#move-confirm:not([hidden])');
    // Still unchanged until confirmed.
    assert.equal(Date.parse((await apiBooking(booking)).start), Date.parse(slot.start));
    await page.click('#move-yes');
    await page.waitForFunction(() => document.querySelector('#page-status').className.includes('notice-ok'));
    assert.ok((await page.textContent('#page-status')).startsWith(en['manage.moved'].split('{')[0]));
    const after = await apiBooking(booking);
    assert.equal(after.id, booking.id);
    assert.equal(after.status, 'confirmed');
    assert.equal(Date.parse(after.start), Date.parse(target));
    assert.equal(after.sequence, booking.sequence + 1);
    // The page shows the new time, and the old start is bookable again.
    assert.ok((await page.textContent('#details .when')).length > 0);
    assert.ok(await page.isHidden('#reschedule-section'));
    const day = slot.start.slice(0, 10);
    const free = await slots(d, w, s.id, day, day, 'Europe/Brussels');
    assert.ok(free.some((x) => x.start === slot.start), 'the old slot is free again');
    assert.deepEqual(page.problems, []);
  } finally {
    await ctx.close();
  }
});

test('a wrong or missing token says the link is not valid', async () => {
  const fr = await catalogue('fr');
  const { w, s } = await setupWorker(d);
  const { booking } = await booked(w, s);
  const { ctx, page } = await openPage(browser);
  try {
    for (const hash of ['#not-the-token', '']) {
      await page.goto(`${d.url}/manage/${booking.id}${hash}`);
      await page.waitForSelector('#page-status:not(:empty)');
      assert.equal(await page.textContent('#page-status'), fr['manage.badLink']);
      assert.ok(await page.isHidden('#booking-section'));
    }
    assert.equal((await apiBooking(booking)).status, 'confirmed');
  } finally {
    await ctx.close();
  }
});
