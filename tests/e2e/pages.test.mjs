// Every public page in French, Dutch and English, at 360 px and on a
// desktop: the language the server negotiated, the switcher, 24-hour
// times in fr and nl, no serious or critical axe-core violation, no
// horizontal scrolling on a phone, the security headers, screenshots in
// tests/artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createService, createWorker, everyDay, putHours, startDaemon } from '../integration/lib.mjs';
import { axeViolations, catalogue, launch, openPage, screenshot, waitForSlots } from './helpers.mjs';

let d;
let browser;
let w;
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

before(async () => {
  d = await startDaemon();
  browser = await launch();
  w = await createWorker(d, { name: 'Marie <img src=x> Dubois', locale: 'fr' });
  await putHours(d, w, everyDay(['09:00', '17:00']));
  await createService(d, w, { description: 'Secondaire\nTous niveaux' });
  await createService(d, w, {
    id: 'atelier', title: 'Atelier coiffure', capacity: 8, duration_min: 90, step_min: 90,
  });
});

after(async () => {
  await browser?.close();
  if (d) {
    const { code } = await d.stop();
    d.cleanup();
    assert.equal(code, 0);
  }
});

const LOCALES = { fr: 'fr-BE', nl: 'nl-BE', en: 'en-GB' };
const VIEWS = [{ name: '360', width: 360, height: 740 }, { name: 'desktop', width: 1280, height: 900 }];

async function check(page, label, width) {
  const bad = await axeViolations(page);
  assert.deepEqual(bad, [], `${label}: axe`);
  if (width <= 360) {
    const sw = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(sw <= width, `${label}: no horizontal scroll (${sw} px)`);
  }
  await screenshot(page, label);
}

for (const lang of ['fr', 'nl', 'en']) {
  for (const view of VIEWS) {
    test(`${lang} at ${view.name}: worker, booking, confirmation and manage pages`, async () => {
      const cat = await catalogue(lang);
      const { ctx, page } = await openPage(browser, {
        locale: LOCALES[lang], width: view.width, height: view.height,
      });
      try {
        // The worker's page.
        const res = await page.goto(`${d.url}/${w.id}`);
        const hd = res.headers();
        assert.equal(hd['content-security-policy'], CSP);
        assert.equal(hd['x-content-type-options'], 'nosniff');
        assert.equal(hd['referrer-policy'], 'no-referrer');
        await page.waitForSelector('#services li');
        assert.equal(await page.getAttribute('html', 'lang'), lang);
        assert.equal(await page.textContent('h1'), 'Marie <img src=x> Dubois');
        assert.equal(await page.locator('main img').count(), 0);
        assert.equal(await page.textContent('#services-h'), cat['worker.services']);
        assert.equal(await page.locator('#services > li').count(), 2);
        const seats = cat['service.seats'].other.replace('{n}', '8');
        assert.ok((await page.textContent('#services')).includes(seats), `workshop shows ${seats}`);
        await check(page, `worker-${lang}-${view.name}`, view.width);

        // The booking page, reached by the link.
        await page.click('#services a.card-link >> nth=0');
        await waitForSlots(page, '#picker');
        assert.equal(await page.textContent('#pick-h'), cat['book.pickTitle']);
        const times = await page.$$eval('#picker .slot > span:first-child', (xs) => xs.map((x) => x.textContent));
        if (lang !== 'en') {
          for (const x of times) assert.match(x, /^\d{2}:\d{2}$/, `24-hour clock in ${lang}`);
        }
        await check(page, `book-${lang}-${view.name}`, view.width);

        await page.locator('#picker .slot:not([disabled])').first().click();
        await page.waitForSelector('#form-section:not([hidden])');
        assert.equal(await page.textContent('label[for="f-name"] [data-i18n]'), cat['form.name']);
        await check(page, `form-${lang}-${view.name}`, view.width);

        // Keyboard only: name, e-mail, note, submit.
        await page.focus('#f-name');
        await page.keyboard.type('Jean Peeters');
        await page.keyboard.press('Tab');
        assert.equal(await page.evaluate(() => document.activeElement.id), 'f-email');
        await page.keyboard.type('jean@example.org');
        await page.keyboard.press('Tab');
        await page.keyboard.press('Tab');
        assert.equal(await page.evaluate(() => document.activeElement.id), 'submit');
        await page.keyboard.press('Enter');
        await page.waitForSelector('#done-section:not([hidden])');
        assert.equal(await page.textContent('#done-h'), cat['done.title']);
        assert.equal(await page.evaluate(() => document.activeElement.id), 'done-h');
        await check(page, `done-${lang}-${view.name}`, view.width);

        // The manage page from the confirmation's link.
        const manage = await page.getAttribute('#manage-link', 'href');
        await page.goto(manage);
        await page.waitForSelector('#booking-section:not([hidden])');
        assert.equal(await page.getAttribute('html', 'lang'), lang);
        assert.equal(await page.textContent('h1'), cat['manage.title']);
        await check(page, `manage-${lang}-${view.name}`, view.width);
        await page.click('#cancel-btn');
        await check(page, `manage-cancel-${lang}-${view.name}`, view.width);
        assert.deepEqual(page.problems, []);
      } finally {
        await ctx.close();
      }
    });
  }
}

test('the switcher changes the language in place and keeps it in the URL', async () => {
  const [fr, nl, en] = await Promise.all(['fr', 'nl', 'en'].map(catalogue));
  const { ctx, page } = await openPage(browser, { locale: 'fr-BE' });
  try {
    await page.goto(`${d.url}/${w.id}/maths-60`);
    await waitForSlots(page, '#picker');
    const names = await page.$$eval('.lang-switch a', (as) => as.map((a) => a.lang));
    assert.deepEqual(names, ['fr', 'nl', 'en'], 'French first');
    assert.equal(await page.getAttribute('.lang-switch a[aria-current="true"]', 'lang'), 'fr');
    assert.equal(await page.textContent('#pick-h'), fr['book.pickTitle']);

    await page.click('.lang-switch a[lang="nl"]');
    assert.equal(await page.getAttribute('html', 'lang'), 'nl');
    assert.equal(new URL(page.url()).searchParams.get('lang'), 'nl');
    assert.equal(await page.textContent('#pick-h'), nl['book.pickTitle']);
    assert.match(await page.textContent('.week-nav h3'), /\d/);
    assert.equal(await page.textContent('.slot .sr-only >> nth=0').then((x) => / om /.test(x)), true);

    await page.click('.lang-switch a[lang="en"]');
    assert.equal(await page.textContent('#pick-h'), en['book.pickTitle']);
    // A reload keeps the chosen language, whatever Accept-Language says.
    await page.reload();
    await waitForSlots(page, '#picker');
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal(await page.textContent('#pick-h'), en['book.pickTitle']);
    // No cookie was ever set.
    assert.deepEqual(await ctx.cookies(), []);
  } finally {
    await ctx.close();
  }
});

test('without a supported Accept-Language the worker\'s locale is used', async () => {
  const nlWorker = await createWorker(d, { name: 'Joke Peeters', locale: 'nl' });
  const { ctx, page } = await openPage(browser, { locale: 'de-DE' });
  try {
    await page.goto(`${d.url}/${nlWorker.id}`);
    assert.equal(await page.getAttribute('html', 'lang'), 'nl');
    await page.goto(`${d.url}/${w.id}`);
    assert.equal(await page.getAttribute('html', 'lang'), 'fr');
  } finally {
    await ctx.close();
  }
});
