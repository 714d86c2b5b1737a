// admin.js: the console, /admin. Anyone signs in with a token alone: GET
// /api/v1/me says whether it is the admin token (which may open any worker,
// and create and remove workers) or a worker's, and which worker. The token
// lives in sessionStorage only: it is gone when the tab closes, and never
// sent anywhere but the API's Authorization header.
import { addCatalogue, initPage, onLangChange, t } from './i18n.js';
import { api, ApiError, describeError, NetworkError, workerPath } from './api.js';
import { $, announce, h } from './dom.js';
import { fillZoneSelect, zoneLabel } from './time.js';
import catalogue from './admin-i18n.js';
import {
  clearErrors, copyBox, fieldBox, fieldMessage, openConfirm, showFieldError, tx,
} from './admin-form.js';
import { createHoursEditor } from './admin-hours.js';
import { createServicesEditor } from './admin-services.js';
import { createBookingsView } from './admin-bookings.js';

addCatalogue(catalogue);
initPage();

const KEY = 'creneau.console';
const WORKERS_KEY = 'creneau.console.workers';
const ID_RE = /^[a-z0-9][a-z0-9-]{0,62}$/;

// session: {token, admin: bool, wid: worker id or null}. admin and wid
// are what /api/v1/me said; they are asked again on every page load.
const st = {
  session: null, worker: null, availability: null, created: null,
  view: 'signin', linksMsg: null,
};

function loadSession() {
  try {
    const s = JSON.parse(sessionStorage.getItem(KEY) || 'null');
    if (s && typeof s.token === 'string') return s;
  } catch { /* storage off or damaged: sign in again */ }
  return null;
}

function saveSession() {
  try {
    if (st.session) sessionStorage.setItem(KEY, JSON.stringify(st.session));
    else sessionStorage.removeItem(KEY);
  } catch { /* private mode without storage: the session lasts the page */ }
}

// Workers the admin created or opened in this tab (no API lists them).
function sessionWorkers() {
  try { return JSON.parse(sessionStorage.getItem(WORKERS_KEY) || '[]'); } catch { return []; }
}

function rememberWorker(w) {
  const list = sessionWorkers().filter((x) => x.id !== w.id);
  list.push({ id: w.id, name: w.name });
  try { sessionStorage.setItem(WORKERS_KEY, JSON.stringify(list)); } catch { /* ignore */ }
}

function forgetWorker(id) {
  const list = sessionWorkers().filter((x) => x.id !== id);
  try { sessionStorage.setItem(WORKERS_KEY, JSON.stringify(list)); } catch { /* ignore */ }
}

const ctx = {
  wid: null,
  token: () => st.session && st.session.token,
  tz: () => (st.worker && st.worker.timezone) || 'UTC',
  services: () => services.list(),
  changed: () => { if (bookingsLoaded) bookings.render(); },
};
let bookingsLoaded = false;

const hours = createHoursEditor($('hours'), { tz: 'UTC' });
const services = createServicesEditor(ctx);
const bookings = createBookingsView(ctx);

function pageStatus(key, params, kind) {
  st.pageMsg = key ? { key, params, kind } : null;
  announce($('page-status'), key ? t(key, params) : '', kind);
}

function show(view) {
  st.view = view;
  $('signin-section').hidden = view !== 'signin';
  $('admin-section').hidden = view !== 'admin';
  $('worker-section').hidden = view !== 'worker';
  $('signout').hidden = view === 'signin';
  $('back-row').hidden = !(view === 'worker' && st.session && st.session.admin);
  document.title = view === 'worker' && st.worker
    ? `${st.worker.name} – ${t('admin.title')}` : `${t('admin.title')} – creneau`;
}

// ---- sign in ----------------------------------------------------------------

// Whose token this is, as the server says: {admin: true, wid: null} or
// {admin: false, wid: the worker's id}. Throws what api() throws (401 for
// an unknown token), or an Error if the answer makes no sense.
async function whoAmI(token) {
  const me = await api('/api/v1/me', { token });
  if (me && me.role === 'admin') return { admin: true, wid: null };
  if (me && me.role === 'worker' && typeof me.worker === 'string' && ID_RE.test(me.worker)) {
    return { admin: false, wid: me.worker };
  }
  throw new Error('unexpected answer from /api/v1/me');
}

// ?worker=ID: the console link handed out with a new worker. A worker's
// token only ever opens its own console, so the id matters to the admin.
function urlWorker() {
  return (new URLSearchParams(location.search).get('worker') || '').trim();
}

// The admin opens a worker by id from the list view, so that a bad or
// unknown id is said at the "open" field, with the list still there.
async function adminOpen(id) {
  showAdmin(false);
  $('open-id').value = id;
  if (!ID_RE.test(id)) {
    showFieldError($('open-form'), 'open', t('admin.err.f.id'));
    return;
  }
  await openWorker(id, $('open-form'));
}

async function signIn(token) {
  const form = $('signin-form');
  clearErrors(form);
  pageStatus(null);
  if (!/^cr[aw]_/.test(token)) {
    showFieldError(form, 'token', t(token ? 'admin.signin.badShape' : 'admin.signin.tokenRequired'));
    return;
  }
  let who;
  try {
    who = await whoAmI(token);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) showFieldError(form, 'token', t('admin.signin.badToken'));
    else announce($('page-status'), describeError(e), 'error');
    return;
  }
  st.session = { token, admin: who.admin, wid: null };
  saveSession();
  $('si-token').value = '';
  const q = urlWorker();
  if (who.admin && q) await adminOpen(q);
  else if (who.admin) showAdmin(true);
  else await openWorker(who.wid);
}

$('signin-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const btn = $('signin-submit');
  btn.disabled = true;
  try {
    await signIn($('si-token').value.trim());
  } finally {
    btn.disabled = false;
  }
});

function signOut(msgKey = 'admin.signedOut') {
  st.session = null;
  st.worker = null;
  st.created = null;
  saveSession();
  try { sessionStorage.removeItem(WORKERS_KEY); } catch { /* ignore */ }
  services.reset();
  bookings.reset();
  bookingsLoaded = false;
  fill$('links');
  fill$('created');
  show('signin');
  pageStatus(msgKey, {}, msgKey === 'admin.signedOut' ? 'ok' : 'warn');
  $('si-token').focus();
}

function fill$(id, ...children) {
  $(id).replaceChildren(...children.filter(Boolean));
}

$('signout').addEventListener('click', () => signOut());

// Any 401 means the token stopped working (rotated elsewhere, or a new
// admin token): back to the sign-in form.
function handleAuth(e) {
  if (e instanceof ApiError && e.status === 401) {
    signOut('admin.sessionEnded');
    return true;
  }
  return false;
}

// ---- admin: workers ---------------------------------------------------------

function createFields() {
  const zone = h('select', { id: 'nw-timezone', name: 'timezone' });
  fillZoneSelect(zone, 'Europe/Brussels');
  const locale = h('select', { id: 'nw-locale', name: 'locale' },
    h('option', { value: 'fr', lang: 'fr', text: 'Français' }),
    h('option', { value: 'nl', lang: 'nl', text: 'Nederlands' }),
    h('option', { value: 'en', lang: 'en', text: 'English' }));
  fill$('create-fields',
    fieldBox('id', 'admin.w.id', 'admin.w.id.hint',
      h('input', { id: 'nw-id', name: 'id', type: 'text', autocapitalize: 'none', spellcheck: 'false', maxlength: '63' }),
      { required: true }),
    fieldBox('name', 'admin.w.name', null,
      h('input', { id: 'nw-name', name: 'name', type: 'text', maxlength: '200', autocomplete: 'off' }), { required: true }),
    fieldBox('email', 'admin.w.email', 'admin.w.email.hint',
      h('input', { id: 'nw-email', name: 'email', type: 'email', inputmode: 'email', autocomplete: 'off' }), { required: true }),
    fieldBox('timezone', 'admin.w.timezone', null, zone),
    fieldBox('locale', 'admin.w.locale', 'admin.w.locale.hint', locale));
}

function renderCreated() {
  const w = st.created;
  if (!w) { fill$('created'); return; }
  const status = h('p', { class: 'muted', role: 'status' });
  const base = location.origin;
  const bookingUrl = `${base}/${encodeURIComponent(w.id)}`;
  fill$('created', h('div', { class: 'card created-card', id: 'created-card' },
    h('h3', { id: 'created-h', tabindex: '-1', text: t('admin.workers.created', { name: w.name }) }),
    tx('p', 'admin.workers.handOut', { class: 'notice notice-warn' }),
    copyBox('admin.w.token', w.token, { id: 'created-token', hintKey: 'admin.w.token.hint', status, secret: true }),
    copyBox('admin.links.booking', bookingUrl, { id: 'created-booking', status }),
    copyBox('admin.links.feedHttps', w.feed_url, { id: 'created-feed', status }),
    copyBox('admin.links.console', `${base}/admin?worker=${encodeURIComponent(w.id)}`, { id: 'created-console', status }),
    status,
    h('div', { class: 'btn-row' },
      h('button', { type: 'button', class: 'btn btn-primary', onclick: () => openWorker(w.id) },
        h('span', { text: t('admin.workers.openName', { name: w.name }) })))));
}

function renderWorkerList() {
  const list = sessionWorkers();
  const ul = $('workers-list');
  ul.replaceChildren();
  $('workers-empty').hidden = list.length > 0;
  for (const w of list) {
    const nameId = `wl-${w.id}`;
    const open = h('button', { type: 'button', class: 'btn', 'aria-describedby': nameId, onclick: () => openWorker(w.id) },
      tx('span', 'admin.workers.open'));
    const del = h('button', { type: 'button', class: 'btn btn-danger', 'aria-describedby': nameId },
      tx('span', 'admin.workers.remove'));
    const row = h('div', { class: 'btn-row' }, open, del);
    del.addEventListener('click', () => confirmRemove(w, row, del, () => {
      renderWorkerList();
      $('admin-h').focus();
    }));
    ul.append(h('li', { class: 'card', 'data-worker': w.id },
      h('h4', { id: nameId }, h('span', { text: w.name }), ' ', h('code', { class: 'muted', text: w.id })),
      row));
  }
}

function confirmRemove(w, anchor, returnTo, done) {
  openConfirm(anchor, {
    question: t('admin.workers.removeQuestion', { name: w.name, id: w.id }),
    yesKey: 'admin.workers.removeYes',
    returnTo,
    onYes: async () => {
      try {
        await api(workerPath(w.id), { method: 'DELETE', token: ctx.token() });
      } catch (e) {
        if (e instanceof ApiError && e.status === 409) throw new Error(t('admin.workers.removeBusy'));
        if (!(e instanceof ApiError && e.status === 404)) throw new Error(describeError(e));
      }
      forgetWorker(w.id);
      if (st.created && st.created.id === w.id) { st.created = null; renderCreated(); }
      pageStatus('admin.workers.removed', { name: w.name }, 'ok');
      done();
    },
  });
}

function showAdmin(focus) {
  st.worker = null;
  ctx.wid = null;
  if (st.session.wid) {
    st.session.wid = null;
    saveSession();
  }
  show('admin');
  if (!$('create-fields').childElementCount) createFields();
  renderCreated();
  renderWorkerList();
  if (focus) $('admin-h').focus();
}

$('create-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const form = $('create-form');
  clearErrors(form);
  $('create-status').textContent = '';
  const body = {
    id: $('nw-id').value.trim(), name: $('nw-name').value.trim(), email: $('nw-email').value.trim(),
    timezone: $('nw-timezone').value, locale: $('nw-locale').value,
  };
  const btn = $('create-submit');
  btn.disabled = true;
  try {
    const w = await api('/api/v1/workers', { method: 'POST', token: ctx.token(), body });
    st.created = w;
    rememberWorker(w);
    for (const id of ['nw-id', 'nw-name', 'nw-email']) $(id).value = '';
    renderCreated();
    renderWorkerList();
    $('created-h').focus();
  } catch (e) {
    if (handleAuth(e)) return;
    if (e instanceof ApiError && e.status === 422 && e.field &&
        showFieldError(form, e.field, fieldMessage(e.field), e.message)) {
      $('create-status').textContent = t('admin.err.seeField');
    } else if (e instanceof ApiError && e.status === 409) {
      showFieldError(form, 'id', t('admin.workers.idTaken'));
    } else {
      $('create-status').textContent = describeError(e);
    }
  } finally {
    btn.disabled = false;
  }
});

$('open-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const form = $('open-form');
  clearErrors(form);
  const id = $('open-id').value.trim();
  if (!ID_RE.test(id)) {
    showFieldError(form, 'open', t('admin.err.f.id'));
    return;
  }
  await openWorker(id, form);
});

$('back-admin').addEventListener('click', () => showAdmin(true));

// ---- one worker -------------------------------------------------------------

function renderHeader() {
  const w = st.worker;
  $('worker-h').textContent = w.name;
  $('worker-sub').replaceChildren(
    h('code', { text: w.id }), ' · ', w.email || '', ' · ', zoneLabel(w.timezone));
}

function renderLinks() {
  const w = st.worker;
  const status = $('links-status');
  const bookingUrl = `${location.origin}/${encodeURIComponent(w.id)}`;
  const feed = w.feed_url || '';
  const webcal = feed.replace(/^https?:\/\//, 'webcal://');
  const google = `https://calendar.google.com/calendar/r?cid=${encodeURIComponent(webcal)}`;
  const rotateFeed = h('button', { type: 'button', class: 'btn', id: 'rotate-feed' }, tx('span', 'admin.links.rotateFeed'));
  const rotateToken = h('button', { type: 'button', class: 'btn btn-danger', id: 'rotate-token' }, tx('span', 'admin.links.rotateToken'));
  const actions = h('div', { class: 'btn-row', id: 'link-actions' }, rotateFeed, rotateToken);
  let remove = null;
  if (st.session.admin) {
    remove = h('button', { type: 'button', class: 'btn btn-danger', id: 'remove-worker' }, tx('span', 'admin.workers.remove'));
    actions.append(remove);
    remove.addEventListener('click', () => confirmRemove(w, actions, remove, () => showAdmin(true)));
  }
  const newToken = st.newToken
    ? h('div', { class: 'card new-token' },
      tx('p', st.session.admin ? 'admin.links.newTokenAdmin' : 'admin.links.newTokenSelf', { class: 'notice notice-warn' }),
      copyBox('admin.w.token', st.newToken, { id: 'new-token', status, secret: true }))
    : null;
  fill$('links',
    copyBox('admin.links.booking', bookingUrl, {
      id: 'booking-url', status, hintKey: 'admin.links.booking.hint',
      open: h('a', { href: bookingUrl, id: 'booking-link', class: 'btn btn-link' }, tx('span', 'admin.links.openPage')),
    }),
    copyBox('admin.links.feedWebcal', webcal, { id: 'feed-webcal', status, hintKey: 'admin.links.feed.hint' }),
    copyBox('admin.links.feedHttps', feed, { id: 'feed-https', status }),
    h('p', {}, h('a', {
      href: google, id: 'google-subscribe', target: '_blank', rel: 'noopener noreferrer',
    }, tx('span', 'admin.links.google'), h('span', { class: 'sr-only', text: ` (${t('newWindow')})` })),
    ' · ',
    h('a', { href: webcal, id: 'webcal-link' }, tx('span', 'admin.links.subscribe'))),
    newToken,
    actions);

  rotateFeed.addEventListener('click', () => openConfirm(actions, {
    question: t('admin.links.rotateFeedQuestion'),
    yesKey: 'admin.links.rotateFeedYes',
    returnTo: rotateFeed,
    onYes: async () => {
      let r;
      try {
        r = await api(`${workerPath(w.id)}/feed-token`, { method: 'POST', token: ctx.token(), body: {} });
      } catch (e) {
        if (handleAuth(e)) return;
        throw new Error(describeError(e));
      }
      st.worker.feed_url = r.feed_url;
      renderLinks();
      announce(status, t('admin.links.feedRotated'), 'ok');
      $('feed-webcal').focus();
    },
  }));

  rotateToken.addEventListener('click', () => openConfirm(actions, {
    question: t(st.session.admin ? 'admin.links.rotateTokenQuestionAdmin' : 'admin.links.rotateTokenQuestion'),
    yesKey: 'admin.links.rotateTokenYes',
    returnTo: rotateToken,
    onYes: async () => {
      let r;
      try {
        r = await api(`${workerPath(w.id)}/token`, { method: 'POST', token: ctx.token(), body: {} });
      } catch (e) {
        if (handleAuth(e)) return;
        throw new Error(describeError(e));
      }
      // The old token is dead: a worker's session goes on with the new one.
      if (!st.session.admin) {
        st.session.token = r.token;
        saveSession();
      }
      st.newToken = r.token;
      renderLinks();
      announce(status, t(st.session.admin ? 'admin.links.tokenRotatedAdmin' : 'admin.links.tokenRotated'), 'ok');
      $('new-token').focus();
    },
  }));
}

async function saveHours(ev) {
  ev.preventDefault();
  const form = $('hours-form');
  const status = $('hours-status');
  clearErrors(form);
  status.textContent = '';
  const local = hours.localErrors();
  if (local.length) {
    local.forEach(([f, key], i) => showFieldError(form, f, t(key), null, { focus: i === 0 }));
    announce(status, t('admin.err.seeField'), 'error');
    return;
  }
  const btn = $('hours-save');
  btn.disabled = true;
  try {
    st.availability = await api(`${workerPath(ctx.wid)}/availability`, {
      method: 'PUT', token: ctx.token(), body: hours.value(),
    });
    hours.load(st.availability);
    announce(status, t('admin.hours.saved'), 'ok');
  } catch (e) {
    if (handleAuth(e)) return;
    if (e instanceof ApiError && e.status === 422 && e.field &&
        showFieldError(form, e.field, fieldMessage(e.field), e.message)) {
      announce(status, t('admin.err.seeField'), 'error');
    } else {
      announce(status, describeError(e), 'error');
    }
  } finally {
    btn.disabled = false;
  }
}

$('hours-form').addEventListener('submit', saveHours);
$('hours').addEventListener('hours-note', (ev) => {
  if (ev.detail) announce($('hours-status'), ev.detail, 'ok');
});

async function openWorker(id, errorForm) {
  let w;
  let av;
  try {
    [w, av] = await Promise.all([
      api(workerPath(id), { token: ctx.token() }),
      api(`${workerPath(id)}/availability`, { token: ctx.token() }),
    ]);
  } catch (e) {
    if (handleAuth(e)) return;
    if (errorForm && e instanceof ApiError && e.status === 404) {
      showFieldError(errorForm, 'open', t('admin.signin.noWorker'));
      return;
    }
    if (e instanceof ApiError && e.status === 403) {
      signOut('admin.sessionEnded');
      return;
    }
    // Never a blank page: the admin gets the list back, a worker whose
    // own record is gone the sign-in form.
    if (st.view !== 'worker') {
      if (st.session.admin) showAdmin(false);
      else if (e instanceof ApiError && e.status === 404) { signOut('admin.sessionEnded'); return; } else show('signin');
    }
    announce($('page-status'), describeError(e), 'error');
    return;
  }
  st.worker = w;
  st.availability = av;
  st.newToken = null;
  ctx.wid = w.id;
  if (st.session.admin) rememberWorker(w);
  st.session.wid = w.id;
  saveSession();
  pageStatus(null);
  show('worker');
  renderHeader();
  renderLinks();
  hours.setZone(w.timezone);
  hours.load(av);
  services.reset();
  bookings.reset();
  $('worker-h').focus();
  try {
    await services.load();
    await bookings.start();
    bookingsLoaded = true;
  } catch (e) {
    if (!handleAuth(e)) announce($('services-status'), describeError(e), 'error');
  }
}

// ---- language and start -----------------------------------------------------

onLangChange(() => {
  if (st.pageMsg) announce($('page-status'), t(st.pageMsg.key, st.pageMsg.params), st.pageMsg.kind);
  show(st.view);
  if (st.view === 'admin') { renderCreated(); renderWorkerList(); }
  if (st.view === 'worker' && st.worker) {
    renderHeader();
    renderLinks();
    hours.render();
    services.render();
    bookings.render();
  }
});

async function main() {
  st.session = loadSession();
  if (!st.session) {
    show('signin');
    return;
  }
  // The stored role is not trusted: the token may have been rotated or
  // replaced since, and only the server knows whose it is.
  let who;
  try {
    who = await whoAmI(st.session.token);
  } catch (e) {
    if (handleAuth(e)) return;
    show('signin');
    announce($('page-status'), describeError(e), 'error');
    return;
  }
  st.session.admin = who.admin;
  if (!who.admin) st.session.wid = who.wid;
  saveSession();
  if (st.session.wid) await openWorker(st.session.wid);
  else showAdmin(false);
}

main().catch((e) => {
  announce($('page-status'), e instanceof NetworkError ? t('error.network') : t('error.unexpected'), 'error');
});
