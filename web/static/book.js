// book.js: the booking page, /{worker}/{service}. Pick a day and a slot in
// the visitor's zone, give name and e-mail, book, see the confirmation.
import { initPage, lang, onLangChange, t } from './i18n.js';
import { api, ApiError, describeError, NetworkError, servicePath, workerPath } from './api.js';
import { $, announce, fill, h, randomKey } from './dom.js';
import { fillZoneSelect, formatDateTime, formatDuration, isZone, visitorZone, zoneLabel } from './time.js';
import { createSlotPicker } from './slotpicker.js';
import { calendarBlock, detailsList, manageBlock, videoBlock } from './bookingview.js';

initPage();

const st = {
  wid: null, sid: null, worker: null, service: null,
  tz: visitorZone(),
  slot: null,		/* the chosen slot {start, end, seats_left} */
  booking: null,	/* the 201 answer, token included */
  key: null,		/* Idempotency-Key of the last body sent */
  keyBody: null,
  busy: false,
  pageError: null,	/* i18n key of a fatal page error */
  fieldErrors: {},	/* field -> i18n key or message */
};
let picker = null;

function pathIds() {
  try {
    return location.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return [];
  }
}

function fatal(key) {
  st.pageError = key;
  $('title').textContent = t(key === 'error.pageNotFound' ? 'error.pageNotFoundTitle' : 'error.title');
  announce($('page-status'), t(key), 'error');
  $('pick-section').hidden = true;
  $('form-section').hidden = true;
}

async function main() {
  [st.wid, st.sid] = pathIds();
  if (!st.wid || !st.sid) return fatal('error.pageNotFound');
  try {
    [st.worker, st.service] = await Promise.all([
      api(workerPath(st.wid)), api(servicePath(st.wid, st.sid)),
    ]);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return fatal('error.pageNotFound');
    if (e instanceof NetworkError) return fatal('error.network');
    return fatal(e instanceof ApiError && e.status >= 500 ? 'error.server' : 'error.unexpected');
  }
  if (st.service.active === false) return fatal('book.inactive');
  if (!isZone(st.tz)) st.tz = st.worker.timezone;
  renderHeader();
  fillZoneSelect($('tz'), st.tz, st.worker.timezone);
  renderZoneHint();
  $('pick-section').hidden = false;
  picker = createSlotPicker($('picker'), {
    worker: st.wid, service: st.service, tz: st.tz,
    onSelect: selectSlot,
    onZoneRejected: () => {
      // The server does not know this zone: fall back to the worker's.
      st.tz = st.worker.timezone;
      $('tz').value = st.tz;
      renderZoneHint();
      announce($('pick-status'), t('tz.rejected', { zone: st.tz }), 'warn');
      picker.setZone(st.tz);
    },
  });
  picker.load();
}

function renderHeader() {
  const { worker, service } = st;
  document.title = `${service.title} – ${worker.name}`;
  $('title').textContent = service.title;
  const back = $('back-link');
  back.href = `/${encodeURIComponent(st.wid)}${location.search}`;
  back.textContent = `← ${t('book.back', { name: worker.name })}`;
  back.hidden = false;
  const desc = $('service-desc');
  desc.textContent = service.description || '';
  desc.hidden = !service.description;
  const facts = $('service-facts');
  fill(facts,
    h('li', { class: 'fact' }, t('book.with', { name: worker.name })),
    Number.isFinite(service.duration_min) ? h('li', { class: 'fact' }, formatDuration(service.duration_min)) : null,
    service.capacity > 1 ? h('li', { class: 'fact' }, t('service.seats', { n: service.capacity })) : null,
    service.video !== false ? h('li', { class: 'fact' }, t('service.video')) : null,
  );
  facts.hidden = false;
}

function renderZoneHint() {
  $('tz-hint').textContent = t('tz.hint', { zone: zoneLabel(st.tz) });
}

$('tz').addEventListener('change', (ev) => {
  st.tz = ev.target.value;
  st.slot = null;
  $('form-section').hidden = true;
  announce($('pick-status'), '');
  renderZoneHint();
  if (picker) picker.setZone(st.tz);
});

function selectSlot(slot) {
  st.slot = slot;
  announce($('pick-status'), '');
  announce($('form-status'), '');
  renderChosen();
  $('form-section').hidden = false;
  $('form-h').focus();
  $('form-h').scrollIntoView({ block: 'start' });
}

function renderChosen() {
  if (!st.slot) return;
  let text = formatDateTime(st.slot.start, st.tz);
  if (st.service.capacity > 1 && st.slot.seats_left !== undefined) {
    text += ` (${t('picker.seatsLeft', { n: st.slot.seats_left })})`;
  }
  $('chosen').textContent = text;
  $('form-h').textContent = t('book.formTitle');
}

$('change-slot').addEventListener('click', () => {
  st.slot = null;
  $('form-section').hidden = true;
  if (picker) picker.clearSelection();
  $('pick-h').focus();
});

const FIELDS = ['name', 'email', 'note'];

function setFieldError(field, text) {
  const input = $(`f-${field}`);
  const err = $(`e-${field}`);
  err.textContent = text || '';
  if (text) input.setAttribute('aria-invalid', 'true');
  else input.removeAttribute('aria-invalid');
}

function renderFieldErrors() {
  for (const f of FIELDS) {
    const e = st.fieldErrors[f];
    setFieldError(f, e ? t(e) : '');
  }
}

function setBusy(busy) {
  st.busy = busy;
  const b = $('submit');
  b.disabled = busy;
  b.textContent = t(busy ? 'form.sending' : 'form.submit');
  $('book-form').setAttribute('aria-busy', busy ? 'true' : 'false');
}

$('book-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  if (st.busy || !st.slot) return;
  announce($('form-status'), '');
  const body = {
    start: st.slot.start,
    name: $('f-name').value.trim(),
    email: $('f-email').value.trim(),
    note: $('f-note').value,
    timezone: st.tz,
    locale: lang(),
  };
  st.fieldErrors = {};
  if (!body.name) st.fieldErrors.name = 'form.nameRequired';
  if (!body.email) st.fieldErrors.email = 'form.emailRequired';
  renderFieldErrors();
  const firstBad = FIELDS.find((f) => st.fieldErrors[f]);
  if (firstBad) {
    $(`f-${firstBad}`).focus();
    return;
  }
  // The same body after a failure (network, 5xx) reuses its key, so a
  // retry can never book twice.
  const json = JSON.stringify(body);
  if (json !== st.keyBody) {
    st.key = randomKey();
    st.keyBody = json;
  }
  setBusy(true);
  try {
    const b = await api(`${servicePath(st.wid, st.sid)}/bookings`, {
      method: 'POST', body, headers: { 'Idempotency-Key': st.key },
    });
    st.booking = b;
    showDone();
  } catch (e) {
    bookingFailed(e, body.start);
  } finally {
    setBusy(false);
  }
});

function bookingFailed(e, start) {
  if (e instanceof ApiError && e.status === 409 && e.code === 'slot_unavailable') {
    // Someone was faster: say so, drop the slot, show what is left.
    st.slot = null;
    $('form-section').hidden = true;
    announce($('pick-status'), t('book.slotTaken'), 'warn');
    picker.drop(start);
    picker.refresh();
    $('pick-h').focus();
    $('pick-h').scrollIntoView({ block: 'start' });
    return;
  }
  if (e instanceof ApiError && e.status === 422 && FIELDS.includes(e.field)) {
    st.fieldErrors[e.field] = `form.invalid.${e.field}`;
    renderFieldErrors();
    $(`f-${e.field}`).focus();
    return;
  }
  announce($('form-status'), describeError(e), 'error');
}

function showDone() {
  $('pick-section').hidden = true;
  $('form-section').hidden = true;
  $('done-section').hidden = false;
  renderDone();
  $('done-h').focus();
  $('done-h').scrollIntoView({ block: 'start' });
}

function renderDone() {
  const b = st.booking;
  const ctx = { worker: st.worker, service: st.service, tz: st.tz, token: b.token };
  fill($('done'),
    h('p', { class: 'notice notice-ok', role: 'status', text: t('done.lead', { name: st.worker.name }) }),
    detailsList(b, ctx),
    videoBlock(b),
    calendarBlock(b, ctx),
    b.manage_url ? manageBlock(b.manage_url) : null,
  );
}

onLangChange(() => {
  if (st.pageError) return fatal(st.pageError);
  if (!st.worker) return;
  renderHeader();
  fillZoneSelect($('tz'), st.tz, st.worker.timezone);
  renderZoneHint();
  if (picker) picker.render();
  renderChosen();
  renderFieldErrors();
  setBusy(st.busy);
  if (st.booking) renderDone();
});

main();
