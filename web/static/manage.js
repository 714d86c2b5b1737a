// manage.js: a booking's own page, /manage/{id}#TOKEN. The token stays in
// the fragment, so it never reaches a server log or a Referer. Shows the
// booking in the visitor's zone; cancels after an explicit confirmation;
// reschedules by picking a new slot with the same picker as the booking page.
import { initPage, onLangChange, t } from './i18n.js';
import { api, ApiError, bookingPath, describeError, NetworkError, servicePath, workerPath } from './api.js';
import { $, announce, fill } from './dom.js';
import { fillZoneSelect, formatDateTime, isZone, visitorZone } from './time.js';
import { createSlotPicker } from './slotpicker.js';
import { calendarBlock, detailsList, videoBlock } from './bookingview.js';

initPage();

const st = {
  id: null, token: null, booking: null, worker: null, service: null,
  tz: visitorZone(), move: null, busy: false, error: null, message: null,
};
let picker = null;

function fatal(key) {
  st.error = key;
  announce($('page-status'), t(key), 'error');
  $('booking-section').hidden = true;
}

function say(key, params = {}, kind = 'ok') {
  st.message = { key, params, kind };
  announce($('page-status'), t(key, params), kind);
}

function isPast(b) {
  return Date.parse(b.end) <= Date.now();
}

async function main() {
  try {
    st.id = decodeURIComponent(location.pathname.split('/').filter(Boolean)[1] || '');
    st.token = decodeURIComponent(location.hash.replace(/^#/, ''));
  } catch {
    return fatal('manage.badLink');
  }
  if (!st.id || !st.token) return fatal('manage.badLink');
  try {
    st.booking = await api(bookingPath(st.id), { token: st.token });
  } catch (e) {
    if (e instanceof ApiError && (e.status === 401 || e.status === 404)) return fatal('manage.badLink');
    if (e instanceof NetworkError) return fatal('error.network');
    return fatal(e instanceof ApiError && e.status >= 500 ? 'error.server' : 'error.unexpected');
  }
  // The names behind the ids; the page still works if these fail.
  const [w, s] = await Promise.allSettled([
    api(workerPath(st.booking.worker)),
    api(servicePath(st.booking.worker, st.booking.service)),
  ]);
  st.worker = w.status === 'fulfilled' ? w.value : null;
  st.service = s.status === 'fulfilled' ? s.value : null;
  if (!isZone(st.tz)) st.tz = st.booking.timezone;
  fillZoneSelect($('tz'), st.tz, st.booking.timezone);
  $('booking-section').hidden = false;
  render();
}

function render() {
  const b = st.booking;
  const cancelled = b.status === 'cancelled';
  if (st.service) document.title = `${st.service.title} – ${t('manage.title')}`;
  const badge = $('status-badge');
  badge.textContent = t(cancelled ? 'status.cancelled' : (isPast(b) ? 'status.past' : 'status.confirmed'));
  badge.className = `badge ${cancelled ? 'badge-cancelled' : 'badge-ok'}`;
  const ctx = { worker: st.worker, service: st.service, tz: st.tz, token: st.token };
  fill($('details'), detailsList(b, ctx), cancelled ? null : videoBlock(b));
  fill($('calendar'), cancelled ? null : calendarBlock(b, ctx));
  const canAct = !cancelled && !isPast(b);
  $('actions').hidden = !canAct || !$('cancel-confirm').hidden || !$('reschedule-section').hidden;
  if (!canAct) {
    $('cancel-confirm').hidden = true;
    $('reschedule-section').hidden = true;
  }
  $('cancel-question').textContent = t('manage.cancelQuestion', { when: formatDateTime(b.start, st.tz) });
  if (st.move) $('move-question').textContent = t('manage.moveQuestion', { when: formatDateTime(st.move.start, st.tz) });
  $('reschedule-btn').disabled = !st.service;
  if (picker) picker.render();
}

$('tz').addEventListener('change', (ev) => {
  st.tz = ev.target.value;
  st.move = null;
  $('move-confirm').hidden = true;
  render();
  if (picker) picker.setZone(st.tz);
});

// Cancel: a button, then a confirmation; only the second one posts.
$('cancel-btn').addEventListener('click', () => {
  $('actions').hidden = true;
  $('cancel-confirm').hidden = false;
  $('cancel-question').focus();
});

$('cancel-no').addEventListener('click', () => {
  $('cancel-confirm').hidden = true;
  $('actions').hidden = false;
  $('cancel-btn').focus();
});

function setBusy(busy, ...buttons) {
  st.busy = busy;
  for (const b of buttons) $(b).disabled = busy;
}

$('cancel-yes').addEventListener('click', async () => {
  if (st.busy) return;
  setBusy(true, 'cancel-yes', 'cancel-no');
  try {
    st.booking = await api(`${bookingPath(st.id)}/cancel`, { method: 'POST', token: st.token, body: {} });
    $('cancel-confirm').hidden = true;
    render();
    say('manage.cancelled');
    $('title').focus();
  } catch (e) {
    announce($('page-status'), describeError(e), 'error');
  } finally {
    setBusy(false, 'cancel-yes', 'cancel-no');
  }
});

// Reschedule: the picker, a chosen slot, a confirmation, then the POST.
$('reschedule-btn').addEventListener('click', () => {
  $('actions').hidden = true;
  $('reschedule-section').hidden = false;
  announce($('reschedule-status'), '');
  if (!picker) {
    picker = createSlotPicker($('picker'), {
      worker: st.booking.worker, service: st.service, tz: st.tz,
      current: st.booking.start, booking: { id: st.id, token: st.token },
      onSelect: (slot) => {
        st.move = slot;
        $('move-question').textContent = t('manage.moveQuestion', { when: formatDateTime(slot.start, st.tz) });
        $('move-confirm').hidden = false;
        $('move-question').focus();
      },
      onZoneRejected: () => {
        st.tz = st.booking.timezone;
        $('tz').value = st.tz;
        render();
        picker.setZone(st.tz);
      },
    });
    picker.load();
  } else {
    picker.refresh();
  }
  $('reschedule-h').focus();
});

function closeReschedule() {
  st.move = null;
  $('move-confirm').hidden = true;
  $('reschedule-section').hidden = true;
  $('actions').hidden = false;
  if (picker) picker.clearSelection();
}

$('reschedule-close').addEventListener('click', () => {
  closeReschedule();
  $('reschedule-btn').focus();
});

$('move-no').addEventListener('click', () => {
  st.move = null;
  $('move-confirm').hidden = true;
  picker.clearSelection();
  $('reschedule-h').focus();
});

$('move-yes').addEventListener('click', async () => {
  if (st.busy || !st.move) return;
  const start = st.move.start;
  setBusy(true, 'move-yes', 'move-no');
  try {
    st.booking = await api(`${bookingPath(st.id)}/reschedule`, {
      method: 'POST', token: st.token, body: { start },
    });
    closeReschedule();
    picker = null;		/* its "current" slot has changed */
    $('picker').replaceChildren();
    render();
    say('manage.moved', { when: formatDateTime(st.booking.start, st.tz) });
    $('title').focus();
  } catch (e) {
    if (e instanceof ApiError && e.status === 409 && e.code === 'slot_unavailable') {
      st.move = null;
      $('move-confirm').hidden = true;
      announce($('reschedule-status'), t('book.slotTaken'), 'warn');
      picker.drop(start);
      picker.refresh();
      $('reschedule-h').focus();
    } else {
      announce($('reschedule-status'), describeError(e), 'error');
    }
  } finally {
    setBusy(false, 'move-yes', 'move-no');
  }
});

onLangChange(() => {
  if (st.error) return fatal(st.error);
  if (!st.booking) return;
  fillZoneSelect($('tz'), st.tz, st.booking.timezone);
  render();
  if (st.message) announce($('page-status'), t(st.message.key, {
    ...st.message.params,
    ...(st.message.key === 'manage.moved' ? { when: formatDateTime(st.booking.start, st.tz) } : {}),
  }), st.message.kind);
});

main();
