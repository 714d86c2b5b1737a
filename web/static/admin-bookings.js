// admin-bookings.js: the worker's bookings between two dates (the
// worker's zone), by day, then by session (one start of one service:
// a group session shows how many seats are taken), with each client's
// name, e-mail, note, status and video link, and cancel after a
// confirmation (with an optional reason for the client).
import { h, $, announce } from './dom.js';
import { t } from './i18n.js';
import { api, ApiError, bookingPath, describeError, workerPath } from './api.js';
import { clearErrors, openConfirm, showFieldError, tx, uid } from './admin-form.js';
import { addDays, daysBetween, dateIn, formatDateLong, formatTime, todayIn } from './time.js';

export function createBookingsView(ctx) {
  const st = { bookings: [], from: null, to: null, loaded: false };
  const status = $('bookings-status');
  const form = $('bookings-form');

  function serviceOf(id) {
    return ctx.services().find((s) => s.id === id) || null;
  }

  function bookingCard(b) {
    const cancelled = b.status === 'cancelled';
    const past = Date.parse(b.end) <= Date.now();
    const nameId = uid('bk');
    const li = h('li', { class: `card booking${cancelled ? ' is-cancelled' : ''}`, 'data-booking': b.id },
      h('p', { class: 'booking-head' },
        h('strong', { id: nameId, class: 'booking-name', text: b.name }), ' ',
        h('span', {
          class: `badge ${cancelled ? 'badge-cancelled' : 'badge-ok'}`,
          text: t(cancelled ? 'status.cancelled' : (past ? 'status.past' : 'status.confirmed')),
        })),
      h('dl', { class: 'details' },
        h('dt', { text: t('details.email') }),
        h('dd', {}, h('a', { href: `mailto:${b.email}`, text: b.email })),
        b.note ? [h('dt', { text: t('details.note') }), h('dd', { class: 'pre-line booking-note', text: b.note })] : null,
        !cancelled && b.room_url ? [
          h('dt', { text: t('details.video') }),
          h('dd', {}, h('a', {
            href: b.room_url, class: 'room-link', target: '_blank', rel: 'noopener noreferrer', text: b.room_url,
          }, h('span', { class: 'sr-only', text: ` (${t('newWindow')})` }))),
        ] : null,
        b.timezone && b.timezone !== ctx.tz() ? [
          h('dt', { text: t('admin.bookings.clientZone') }),
          h('dd', { text: `${b.timezone} (${formatTime(b.start, b.timezone)})` }),
        ] : null));
    if (!cancelled && !past) {
      const btn = h('button', { type: 'button', class: 'btn btn-danger', 'aria-describedby': nameId });
      btn.append(tx('span', 'admin.bookings.cancel'));
      const row = h('div', { class: 'btn-row' }, btn);
      btn.addEventListener('click', () => {
        const reasonId = uid('reason');
        const reason = h('textarea', { id: reasonId, rows: '2', maxlength: '2000', 'aria-describedby': `${reasonId}-hint` });
        const extra = h('div', { class: 'field' },
          h('label', { for: reasonId, text: t('admin.bookings.reason') }),
          h('span', { id: `${reasonId}-hint`, class: 'hint', text: t('admin.bookings.reasonHint') }),
          reason);
        openConfirm(row, {
          question: t('admin.bookings.cancelQuestion', {
            name: b.name, when: `${formatDateLong(dateIn(new Date(b.start), ctx.tz()))} ${formatTime(b.start, ctx.tz())}`,
          }),
          yesKey: 'admin.bookings.cancelYes',
          noKey: 'admin.bookings.cancelNo',
          returnTo: btn,
          extra,
          onYes: async () => {
            const body = reason.value.trim() ? { reason: reason.value.trim() } : {};
            try {
              await api(`${bookingPath(b.id)}/cancel`, { method: 'POST', token: ctx.token(), body });
            } catch (e) {
              throw new Error(describeError(e));
            }
            await load();
            announce(status, t('admin.bookings.cancelled', { name: b.name }), 'ok');
            $('bookings-h').focus();
          },
        });
      });
      li.append(row);
    }
    return li;
  }

  function render() {
    const root = $('bookings');
    root.replaceChildren();
    if (!st.loaded) return;
    const tz = ctx.tz();
    if (!st.bookings.length) {
      root.append(h('p', { class: 'muted', text: t('admin.bookings.none') }));
      return;
    }
    // Day -> session key -> bookings, in start order (the API sorts).
    const days = new Map();
    for (const b of st.bookings) {
      const day = dateIn(new Date(b.start), tz);
      if (!days.has(day)) days.set(day, new Map());
      const key = `${Date.parse(b.start)}|${b.service}`;
      const m = days.get(day);
      if (!m.has(key)) m.set(key, []);
      m.get(key).push(b);
    }
    for (const [day, sessions] of days) {
      const dayId = `day-${day}`;
      const sec = h('section', { class: 'bookings-day', 'aria-labelledby': dayId, 'data-date': day },
        h('h3', { id: dayId, text: formatDateLong(day) }));
      for (const list of sessions.values()) {
        const b0 = list[0];
        const svc = serviceOf(b0.service);
        const taken = list.filter((b) => b.status !== 'cancelled').length;
        const cap = svc ? svc.capacity : 1;
        const head = [`${formatTime(b0.start, tz)} – ${formatTime(b0.end, tz)}`, svc ? svc.title : b0.service];
        if (cap > 1) head.push(t('admin.bookings.seatsTaken', { n: taken, cap }));
        const hid = uid('sess');
        sec.append(h('div', { class: 'session', 'data-start': b0.start, 'data-service': b0.service, 'data-taken': String(taken) },
          h('h4', { id: hid, class: 'session-head', text: head.join(' · ') }),
          h('ul', { class: 'cards', 'aria-labelledby': hid }, ...list.map(bookingCard))));
      }
      root.append(sec);
    }
  }

  async function load() {
    clearErrors(form);
    const from = $('bk-from').value;
    const to = $('bk-to').value;
    const q = new URLSearchParams({ from, to });
    try {
      const r = await api(`${workerPath(ctx.wid)}/bookings?${q}`, { token: ctx.token() });
      st.bookings = r.bookings || [];
      st.loaded = true;
      st.from = from;
      st.to = to;
    } catch (e) {
      if (e instanceof ApiError && e.status === 422 && (e.field === 'from' || e.field === 'to')) {
        showFieldError(form, e.field, t(e.field === 'from' ? 'admin.err.from' : 'admin.err.to'), e.message);
        return;
      }
      announce(status, describeError(e), 'error');
      return;
    }
    render();
  }

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    status.textContent = '';
    load().then(() => {
      if (st.loaded) announce(status, t('admin.bookings.count', { n: st.bookings.length }));
    });
  });

  return {
    load, render,
    start() {
      const today = todayIn(ctx.tz());
      $('bk-from').value = today;
      $('bk-to').value = addDays(today, 30);
      st.loaded = false;
      return load();
    },
    reset() { st.bookings = []; st.loaded = false; render(); },
    span: () => (st.from && st.to ? daysBetween(st.from, st.to) + 1 : 0),
  };
}
