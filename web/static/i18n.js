// i18n.js: the language of a page. The server already picked one
// (Accept-Language, then the worker's locale) and wrote it into
// <html lang>; ?lang=xx in the URL overrides it, and the switcher changes
// it in place and keeps it in the URL (no cookies, no storage).
//
// Strings live in one catalogue per language (i18n/fr.js, nl.js, en.js).
// Other pages (the admin console) add their own strings with
// addCatalogue() instead of editing these files.
import fr from './i18n/fr.js';
import nl from './i18n/nl.js';
import en from './i18n/en.js';

export const LANGS = ['fr', 'nl', 'en'];
const NATIVE = { fr: 'Français', nl: 'Nederlands', en: 'English' };
const catalogues = { fr: { ...fr }, nl: { ...nl }, en: { ...en } };
const listeners = [];
let current = pickInitial();

function pickInitial() {
  const q = new URLSearchParams(location.search).get('lang');
  if (LANGS.includes(q)) return q;
  const d = (document.documentElement.lang || '').slice(0, 2).toLowerCase();
  return LANGS.includes(d) ? d : 'fr';
}

// Adds (or overrides) strings: addCatalogue({fr: {...}, nl: {...}, en: {...}}).
export function addCatalogue(byLang) {
  for (const l of LANGS) if (byLang[l]) Object.assign(catalogues[l], byLang[l]);
}

export function lang() {
  return current;
}

// The BCP 47 locale used for Intl formatting of the current language.
export function locale() {
  return { fr: 'fr-BE', nl: 'nl-BE', en: 'en-GB' }[current];
}

// Looks a key up in the current language (French as the fallback), picks
// the plural form when the entry is an object {one, other} and params.n is
// given, and replaces {name} placeholders. The result is plain text: callers
// put it in textContent, never innerHTML.
export function t(key, params = {}) {
  let s = catalogues[current][key];
  if (s === undefined) s = catalogues.fr[key];
  if (s === undefined) return key;
  if (typeof s === 'object') {
    const form = new Intl.PluralRules(current).select(Number(params.n));
    s = s[form] ?? s.other;
  }
  return s.replace(/\{(\w+)\}/g, (m, k) => (k in params ? String(params[k]) : m));
}

// Fills elements marked data-i18n="key" (text) and
// data-i18n-attr="aria-label:key;placeholder:key2" (attributes).
export function applyStatic(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of el.dataset.i18nAttr.split(';')) {
      const [attr, key] = pair.split(':').map((x) => x.trim());
      if (attr && key) el.setAttribute(attr, t(key));
    }
  }
}

export function onLangChange(fn) {
  listeners.push(fn);
}

function urlFor(l) {
  const u = new URL(location.href);
  u.searchParams.set('lang', l);
  return u.pathname + u.search + u.hash;
}

// Switches the page to language l: <html lang>, the URL, the static
// strings, then every listener re-renders its dynamic part.
export function setLang(l) {
  if (!LANGS.includes(l)) return;
  current = l;
  document.documentElement.lang = l;
  history.replaceState(history.state, '', urlFor(l));
  applyStatic();
  refreshSwitchers();
  for (const fn of listeners) fn(l);
}

const switchers = [];

function refreshSwitchers() {
  for (const nav of switchers) {
    nav.setAttribute('aria-label', t('lang.switch'));
    for (const a of nav.querySelectorAll('a[hreflang]')) {
      const l = a.getAttribute('hreflang');
      a.href = urlFor(l);
      if (l === current) a.setAttribute('aria-current', 'true');
      else a.removeAttribute('aria-current');
    }
  }
}

// Builds the fr / nl / en switcher inside container (French first). The
// links work without JavaScript too (?lang=xx); with it they switch in place.
export function mountSwitcher(container) {
  const nav = document.createElement('nav');
  nav.className = 'lang-switch';
  const ul = document.createElement('ul');
  for (const l of LANGS) {
    const li = document.createElement('li');
    const a = document.createElement('a');
    a.lang = l;
    a.hreflang = l;
    a.textContent = NATIVE[l];
    a.addEventListener('click', (ev) => {
      ev.preventDefault();
      setLang(l);
    });
    li.append(a);
    ul.append(li);
  }
  nav.append(ul);
  container.append(nav);
  switchers.push(nav);
  refreshSwitchers();
  return nav;
}

// Sets up a page: the language from the URL or <html lang>, the static
// strings and the switcher (in #lang-switch when present).
export function initPage() {
  document.documentElement.lang = current;
  applyStatic();
  const slot = document.getElementById('lang-switch');
  if (slot) mountSwitcher(slot);
}
