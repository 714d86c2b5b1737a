// helpers.mjs: what the browser tests share. The daemon is the real one
// (../integration/lib.mjs); the browser is Debian's chromium driven by
// playwright-core. Nothing here fakes the server.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT, createService, createWorker, everyDay, putHours } from '../integration/lib.mjs';

export const ARTIFACTS = join(ROOT, 'tests', 'artifacts');
const AXE = readFileSync(join(ROOT, 'tests', 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

export const CHROMIUM_ARGS = ['--no-sandbox', '--headless=new', '--disable-gpu',
  '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
}

// The catalogues the pages use, so that assertions follow the wording.
export async function catalogue(lang) {
  return (await import(join(ROOT, 'web', 'static', 'i18n', `${lang}.js`))).default;
}

// A page in a fresh context (no shared cookies or cache). Records script
// errors and CSP violations in page.problems, which tests assert empty.
export async function openPage(browser, {
  timezoneId = 'Europe/Brussels', locale = 'fr-BE', width = 1280, height = 900,
} = {}) {
  const ctx = await browser.newContext({
    timezoneId, locale, viewport: { width, height }, acceptDownloads: true,
  });
  const page = await ctx.newPage();
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) {
      page.problems.push(`csp: ${m.text()}`);
    }
  });
  page.setDefaultTimeout(10000);
  return { ctx, page };
}

// axe-core's serious and critical violations on the page as it is now.
// Injected with evaluate(): the page's CSP (script-src 'self') refuses the
// inline <script> that addScriptTag() would add, and we keep the CSP on.
export async function axeViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE);
  const r = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
  }));
  return r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

export async function screenshot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

// A worker with hours every day and one service; returns {w, s}.
export async function setupWorker(d, { worker = {}, hours, service = {} } = {}) {
  const w = await createWorker(d, worker);
  await putHours(d, w, hours || everyDay(['09:00', '17:00']));
  const s = await createService(d, w, service);
  return { w, s };
}

// Wall-clock "HH:MM" written in an RFC 3339 string ("...T09:00:00+02:00").
export function wallClock(rfc3339) {
  return /T(\d{2}:\d{2})/.exec(rfc3339)[1];
}

// Waits until the slot picker has finished loading and shows slots.
export async function waitForSlots(page, root = '') {
  await page.waitForSelector(`${root} .slot:not([disabled])`);
}

// Token and id from a manage URL ("/manage/ID#TOKEN").
export function parseManage(url) {
  const u = new URL(url, 'http://x');
  return { id: decodeURIComponent(u.pathname.split('/').pop()), token: decodeURIComponent(u.hash.slice(1)) };
}
