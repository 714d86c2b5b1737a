// slotpicker.js: the week of days with free slots, then the chosen day's
// slots, in the visitor's time zone. Used by the booking page and by the
// manage page (reschedule). The server's slot list is the only truth: the
// picker never invents a slot, and refresh() asks again after a 409.
import { api, servicePath, describeError, ApiError } from './api.js';
import { h } from './dom.js';
import { t } from './i18n.js';
import {
  addDays, dateIn, daysBetween, formatDateLong, formatDateMedium,
  formatDayNumber, formatRange, formatTime, formatWeekday, mondayOf, todayIn,
} from './time.js';

const MAX_SPAN = 61;	/* API: from and to at most 62 days apart */

// opts: {worker, service (the API object), tz, onSelect(slot), current
// (RFC 3339 start to mark as the booking's own), booking ({id, token} of
// a booking being moved), onZoneRejected(tz)}.
export function createSlotPicker(root, opts) {
  const st = {
    tz: opts.tz,
    byDate: new Map(),	/* "YYYY-MM-DD" -> [slot], for loaded dates */
    week: null,
    day: null,
    selected: null,		/* the chosen slot's start */
    loading: false,
    error: null,
    noneAhead: 0,		/* days looked ahead in vain at load, or 0 */
    seq: 0,
  };
  const horizon = Math.max(1, Number(opts.service.horizon_days) || 60);
  const group = Number(opts.service.capacity) > 1;
  const uid = `sp${Math.random().toString(36).slice(2, 8)}`;

  const weekTitle = h('h3', { id: `${uid}-week`, 'aria-live': 'polite' });
  const prev = h('button', { type: 'button', class: 'btn', onclick: () => go(-7) });
  const next = h('button', { type: 'button', class: 'btn', onclick: () => go(7) });
  const days = h('ul', { class: 'days', 'aria-labelledby': `${uid}-week` });
  const status = h('p', { class: 'muted', role: 'status' });
  const dayTitle = h('h3', { id: `${uid}-day` });
  const slots = h('ul', { class: 'slots', 'aria-labelledby': `${uid}-day` });
  const error = h('div', { class: 'notice notice-error', role: 'alert' });
  root.replaceChildren(
    h('div', { class: 'week-nav' }, prev, weekTitle, next),
    days, error, status, dayTitle, slots,
  );

  function today() {
    return todayIn(st.tz);
  }

  function lastDay() {
    return addDays(today(), horizon);
  }

  // Asks the server for [from, to] and replaces what we knew of those dates.
  async function fetchRange(from, to) {
    const q = new URLSearchParams({ from, to, tz: st.tz });
    // Moving a booking: its own seat does not count (a 1:1 lesson may move
    // by half an hour into its own time), as the reschedule itself allows.
    let token;
    if (opts.booking) {
      q.set('booking', opts.booking.id);
      token = opts.booking.token;
    }
    const data = await api(`${servicePath(opts.worker, opts.service.id)}/slots?${q}`, { token });
    for (let d = from; d <= to; d = addDays(d, 1)) st.byDate.set(d, []);
    for (const s of data.slots || []) {
      const d = dateIn(new Date(s.start), st.tz);
      if (!st.byDate.has(d)) st.byDate.set(d, []);
      st.byDate.get(d).push(s);
    }
  }

  async function guarded(fn) {
    const mine = ++st.seq;
    st.loading = true;
    st.error = null;
    render();
    try {
      await fn(() => mine === st.seq);
    } catch (e) {
      if (mine !== st.seq) return;
      if (e instanceof ApiError && e.status === 422 && e.field === 'tz' && opts.onZoneRejected) {
        st.loading = false;
        opts.onZoneRejected(st.tz);
        return;
      }
      st.error = describeError(e);
    }
    if (mine !== st.seq) return;
    st.loading = false;
    render();
  }

  function firstFreeIn(from, to) {
    for (let d = from; d <= to; d = addDays(d, 1)) {
      if ((st.byDate.get(d) || []).length) return d;
    }
    return null;
  }

  // First load: look ahead for the first day with a slot and open its week.
  function load() {
    return guarded(async (current) => {
      st.byDate.clear();
      const from = today();
      const to = addDays(from, Math.min(MAX_SPAN, horizon));
      await fetchRange(from, to);
      if (!current()) return;
      const first = firstFreeIn(from, to);
      st.noneAhead = first ? 0 : daysBetween(from, to) + 1;
      st.week = mondayOf(first || from);
      st.day = first;
      const wend = addDays(st.week, 6);
      if (wend > to) await fetchRange(addDays(to, 1), wend);
    });
  }

  // Asks again for the shown week (after a 409, or on demand), keeping
  // the chosen day if it still has slots.
  function refresh() {
    return guarded(async (current) => {
      if (!st.week) st.week = mondayOf(today());
      await fetchRange(st.week, addDays(st.week, 6));
      if (!current()) return;
      const list = st.byDate.get(st.day) || [];
      if (!list.some((s) => s.start === st.selected)) st.selected = null;
      if (!list.length) st.day = firstFreeIn(st.week, addDays(st.week, 6)) || st.day;
    });
  }

  function go(delta) {
    const w = addDays(st.week, delta);
    if (w < mondayOf(today()) || w > lastDay()) return;
    st.week = w;
    st.noneAhead = 0;
    st.day = null;
    st.selected = null;
    guarded(async (current) => {
      await fetchRange(w, addDays(w, 6));
      if (current()) st.day = firstFreeIn(w, addDays(w, 6));
    });
  }

  function setZone(tz) {
    st.tz = tz;
    st.selected = null;
    return load();
  }

  function pickDay(d) {
    st.day = d;
    st.selected = null;
    render();
    const n = (st.byDate.get(d) || []).length;
    status.textContent = t('picker.dayCount', { n, date: formatDateMedium(d) });
  }

  function pickSlot(s) {
    st.selected = s.start;
    render();
    if (opts.onSelect) opts.onSelect(s);
  }

  function slotLabel(s) {
    let label = formatDateTime(s.start);
    if (group && s.seats_left !== undefined) {
      label += `, ${t('picker.seatsLeft', { n: s.seats_left })}`;
    }
    if (isCurrent(s)) label += `, ${t('picker.current')}`;
    return label;
  }

  function formatDateTime(iso) {
    return t('time.dateAtTime', {
      date: formatDateLong(dateIn(new Date(iso), st.tz)),
      time: formatTime(iso, st.tz),
    });
  }

  function isCurrent(s) {
    return opts.current && Date.parse(s.start) === Date.parse(opts.current);
  }

  // Rebuilds everything from the state, in the current language. Focus
  // stays on the same day or slot when it was on one.
  function render() {
    const focused = document.activeElement;
    const refocus = root.contains(focused) ? focused.dataset.key : null;
    const tdy = today();

    prev.disabled = !st.week || st.week <= mondayOf(tdy);
    next.disabled = !st.week || addDays(st.week, 7) > lastDay();
    prev.replaceChildren(h('span', { 'aria-hidden': 'true', text: '‹' }),
      h('span', { class: 'sr-only', text: t('picker.prevWeek') }));
    next.replaceChildren(h('span', { 'aria-hidden': 'true', text: '›' }),
      h('span', { class: 'sr-only', text: t('picker.nextWeek') }));
    weekTitle.textContent = st.week ? formatRange(st.week, addDays(st.week, 6)) : '';

    days.replaceChildren();
    if (st.week) {
      for (let i = 0; i < 7; i++) {
        const d = addDays(st.week, i);
        const list = st.byDate.get(d) || [];
        const free = list.length > 0 && d >= tdy;
        const b = h('button', {
          type: 'button',
          class: `day${d === tdy ? ' today' : ''}`,
          'data-key': `d${d}`,
          'data-date': d,
          'aria-pressed': d === st.day ? 'true' : 'false',
          disabled: !free,
          onclick: () => pickDay(d),
        },
        h('span', { class: 'dow', 'aria-hidden': 'true', text: formatWeekday(d) }),
        h('span', { class: 'dnum', 'aria-hidden': 'true', text: formatDayNumber(d) }),
        h('span', { class: 'count', 'aria-hidden': 'true', text: free ? String(list.length) : '–' }),
        h('span', {
          class: 'sr-only',
          text: `${formatDateLong(d)}, ${t('picker.slotCount', { n: list.length })}`,
        }));
        days.append(h('li', {}, b));
      }
    }

    error.textContent = st.error || '';
    if (st.loading) status.textContent = t('picker.loading');
    else if (st.week && !firstFreeIn(st.week, addDays(st.week, 6))) {
      status.textContent = st.noneAhead
        ? t('picker.noneAhead', { n: st.noneAhead }) : t('picker.noneThisWeek');
    } else if (!st.error) status.textContent = '';

    slots.replaceChildren();
    const list = st.day ? st.byDate.get(st.day) || [] : [];
    dayTitle.textContent = st.day && list.length
      ? t('picker.slotsOf', { date: formatDateMedium(st.day) }) : '';
    dayTitle.hidden = !dayTitle.textContent;
    for (const s of list) {
      const cur = isCurrent(s);
      const b = h('button', {
        type: 'button',
        class: 'slot',
        'data-key': `s${s.start}`,
        'data-start': s.start,
        'aria-pressed': s.start === st.selected ? 'true' : 'false',
        disabled: cur,
        onclick: () => pickSlot(s),
      },
      h('span', { 'aria-hidden': 'true', text: formatTime(s.start, st.tz) }),
      group && s.seats_left !== undefined
        ? h('span', { class: 'seats', 'aria-hidden': 'true', text: t('picker.seatsShort', { n: s.seats_left }) })
        : null,
      cur ? h('span', { class: 'seats', 'aria-hidden': 'true', text: t('picker.current') }) : null,
      h('span', { class: 'sr-only', text: slotLabel(s) }));
      slots.append(h('li', {}, b));
    }

    if (refocus) {
      const again = root.querySelector(`[data-key="${CSS.escape(refocus)}"]`);
      if (again && !again.disabled) again.focus();
    }
  }

  return {
    load, refresh, setZone, render,
    get tz() { return st.tz; },
    clearSelection() { st.selected = null; render(); },
    // Forgets one start at once (it was just taken), before the refresh.
    drop(start) {
      for (const list of st.byDate.values()) {
        const i = list.findIndex((s) => s.start === start);
        if (i >= 0) list.splice(i, 1);
      }
      if (st.selected === start) st.selected = null;
      render();
    },
  };
}
