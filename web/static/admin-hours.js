// admin-hours.js: the availability editor. Weekly hours (several intervals
// a day, copy a day to others), date exceptions (other hours or a day
// off) and time off ranges. The model is kept in `st` and the DOM is
// rebuilt from it on every structural change; inputs write into the model
// as they change. Saving PUTs the whole model, as API.md wants.
//
// Wall-clock times: <input type="time"> cannot say 24:00, so an end of
// 00:00 means midnight at the end of the day and is sent as "24:00".
// Time off: the worker types local date-times in *their* zone (which may
// not be the browser's); they are sent as RFC 3339 with that zone's
// offset at that instant.
import { h } from './dom.js';
import { t } from './i18n.js';
import { errorSlot, tx, uid } from './admin-form.js';
import { formatDateLong, todayIn, addDays, zoneLabel } from './time.js';

export const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

// ---- zones --------------------------------------------------------------

const fmtCache = new Map();
function partsIn(tz, ms) {
  let f = fmtCache.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
    });
    fmtCache.set(tz, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return { y: +p.year, mo: +p.month, d: +p.day, h: +p.hour % 24, mi: +p.minute, s: +p.second };
}

// Minutes east of UTC that zone tz has at instant ms.
export function offsetAt(tz, ms) {
  const p = partsIn(tz, ms);
  const asUtc = Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s);
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60000);
}

// "YYYY-MM-DDTHH:MM" in zone tz -> instant (ms). A time that the clocks
// skip (spring forward) lands after the gap, as a wall clock would; one
// that happens twice (autumn) is the first of the two.
export function localToInstant(local, tz) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(local || '');
  if (!m) return null;
  const guess = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
  const before = offsetAt(tz, guess - 86400000);
  const after = offsetAt(tz, guess + 86400000);
  // The candidates: the wall clock read with either offset around it.
  const cands = [...new Set([before, after])].map((off) => guess - off * 60000)
    .filter((ms) => offsetAt(tz, ms) === (guess - ms) / 60000)
    .sort((a, b) => a - b);
  if (cands.length) return cands[0];
  return guess - Math.min(before, after) * 60000;	/* in the gap */
}

function pad(n) {
  return String(n).padStart(2, '0');
}

// Instant -> RFC 3339 with tz's offset at that instant.
export function instantToRfc3339(ms, tz) {
  const p = partsIn(tz, ms);
  const off = offsetAt(tz, ms);
  const sign = off < 0 ? '-' : '+';
  const a = Math.abs(off);
  return `${p.y}-${pad(p.mo)}-${pad(p.d)}T${pad(p.h)}:${pad(p.mi)}:${pad(p.s)}${sign}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

// RFC 3339 -> "YYYY-MM-DDTHH:MM" as seen in tz (for datetime-local).
export function rfc3339ToLocal(iso, tz) {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return '';
  const p = partsIn(tz, ms);
  return `${p.y}-${pad(p.mo)}-${pad(p.d)}T${pad(p.h)}:${pad(p.mi)}`;
}

// ---- the editor ---------------------------------------------------------

function dayName(day) {
  // 2024-01-01 was a Monday.
  const i = DAYS.indexOf(day);
  return new Intl.DateTimeFormat(document.documentElement.lang || 'fr', { weekday: 'long', timeZone: 'UTC' })
    .format(new Date(Date.UTC(2024, 0, 1 + i)));
}

function toInput(hhmm) {
  return hhmm === '24:00' ? '00:00' : (hhmm || '');
}

function fromEnd(hhmm) {
  return hhmm === '00:00' ? '24:00' : hhmm;
}

export function createHoursEditor(root, { tz }) {
  const st = { weekly: Object.fromEntries(DAYS.map((d) => [d, []])), overrides: [], timeOff: [], copyFrom: null, tz };

  function load(av) {
    st.weekly = {};
    for (const d of DAYS) st.weekly[d] = ((av.weekly || {})[d] || []).map(([a, b]) => [a, toInput(b)]);
    st.overrides = (av.overrides || []).map((o) => ({
      date: o.date, intervals: (o.intervals || []).map(([a, b]) => [a, toInput(b)]),
      off: !(o.intervals || []).length,
    }));
    st.timeOff = (av.time_off || []).map((r) => ({
      start: rfc3339ToLocal(r.start, st.tz), end: rfc3339ToLocal(r.end, st.tz),
    }));
    render();
  }

  // The body PUT sends. Unfilled rows are kept (the server names them by
  // index, so indices must match what the person sees).
  function value() {
    const weekly = {};
    for (const d of DAYS) {
      if (st.weekly[d].length) weekly[d] = st.weekly[d].map(([a, b]) => [a, fromEnd(b)]);
    }
    return {
      weekly,
      overrides: st.overrides.map((o) => ({
        date: o.date, intervals: o.off ? [] : o.intervals.map(([a, b]) => [a, fromEnd(b)]),
      })),
      time_off: st.timeOff.map((r) => {
        const a = localToInstant(r.start, st.tz);
        const b = localToInstant(r.end, st.tz);
        return {
          start: a === null ? r.start : instantToRfc3339(a, st.tz),
          end: b === null ? r.end : instantToRfc3339(b, st.tz),
        };
      }),
    };
  }

  // Problems the browser can see before asking the server: [field, key].
  function localErrors() {
    const out = [];
    const checkList = (list, path) => list.forEach(([a, b], i) => {
      if (!a || !b) out.push([`${path}[${i}]`, 'admin.err.intervalEmpty']);
    });
    for (const d of DAYS) checkList(st.weekly[d], `weekly.${d}`);
    st.overrides.forEach((o, i) => {
      if (!o.date) out.push([`overrides[${i}].date`, 'admin.err.dateEmpty']);
      if (!o.off) checkList(o.intervals, `overrides[${i}].intervals`);
    });
    st.timeOff.forEach((r, i) => {
      if (!r.start) out.push([`time_off[${i}].start`, 'admin.err.dateTimeEmpty']);
      if (!r.end) out.push([`time_off[${i}].end`, 'admin.err.dateTimeEmpty']);
    });
    return out;
  }

  // Focus survives a rebuild when the element with that id comes back.
  function rebuild(focusId) {
    render();
    const el = focusId && root.querySelector(`#${CSS.escape(focusId)}`);
    if (el) el.focus();
  }

  function timeInput(id, val, labelKey, labelParams, onInput) {
    return [
      h('label', { for: id, class: 'sr-only', text: t(labelKey, labelParams) }),
      h('input', {
        id, type: 'time', value: val, class: 'time-input', step: '60',
        oninput: (ev) => onInput(ev.target.value),
        onchange: (ev) => onInput(ev.target.value),
      }),
    ];
  }

  // One interval row, named by its JSON path for the server's errors.
  function intervalRow(list, i, path, idBase, what) {
    const [a, b] = list[i];
    const [err, errId] = errorSlot();
    const sId = `${idBase}-${i}-s`;
    const eId = `${idBase}-${i}-e`;
    const n = i + 1;
    const row = h('li', { class: 'interval', 'data-field': `${path}[${i}]` },
      h('div', { class: 'interval-inputs' },
        ...timeInput(sId, a, 'admin.hours.startOf', { what, n }, (v) => { list[i][0] = v; }),
        h('span', { class: 'interval-sep', 'aria-hidden': 'true', text: '–' }),
        ...timeInput(eId, b, 'admin.hours.endOf', { what, n }, (v) => { list[i][1] = v; }),
        h('button', {
          type: 'button', class: 'btn btn-small remove-interval', id: `${idBase}-${i}-rm`,
          onclick: () => {
            list.splice(i, 1);
            const next = list.length ? `${idBase}-${Math.min(i, list.length - 1)}-s` : `${idBase}-add`;
            rebuild(next);
          },
          title: t('admin.hours.removeInterval', { what, n }),
        }, h('span', { 'aria-hidden': 'true', text: '✕' }),
        h('span', { class: 'sr-only', text: t('admin.hours.removeInterval', { what, n }) }))),
      err);
    for (const inp of row.querySelectorAll('input')) inp.setAttribute('aria-describedby', errId);
    return row;
  }

  function intervalList(list, path, idBase, what, emptyKey) {
    const ul = h('ul', { class: 'intervals' });
    list.forEach((_, i) => ul.append(intervalRow(list, i, path, idBase, what)));
    return [
      list.length ? ul : h('p', { class: 'muted closed', text: t(emptyKey) }),
      h('button', {
        type: 'button', class: 'btn btn-small', id: `${idBase}-add`,
        onclick: () => {
          const last = list[list.length - 1];
          list.push(last ? [last[1] === '00:00' ? '' : last[1], ''] : ['09:00', '17:00']);
          rebuild(`${idBase}-${list.length - 1}-s`);
        },
      }, tx('span', 'admin.hours.addInterval', { 'aria-hidden': 'true' }),
      h('span', { class: 'sr-only', text: t('admin.hours.addIntervalTo', { what }) })),
    ];
  }

  function copyPanel(day) {
    const name = dayName(day);
    const boxes = DAYS.filter((d) => d !== day).map((d) => {
      const id = `copy-${day}-${d}`;
      return h('li', { class: 'check-row' },
        h('input', { type: 'checkbox', id, value: d }),
        h('label', { for: id, text: dayName(d) }));
    });
    const legendId = uid('lg');
    return h('fieldset', { class: 'copy-panel', id: `copy-${day}` },
      h('legend', { id: legendId, text: t('admin.hours.copyTo', { day: name }) }),
      h('ul', { class: 'check-list' }, ...boxes),
      h('div', { class: 'btn-row' },
        h('button', {
          type: 'button', class: 'btn btn-primary', id: `copy-${day}-apply`,
          onclick: () => {
            const picked = [...root.querySelectorAll(`#copy-${day} input:checked`)].map((x) => x.value);
            for (const d of picked) st.weekly[d] = st.weekly[day].map(([a, b]) => [a, b]);
            st.copyFrom = null;
            rebuild(`copy-btn-${day}`);
            root.dispatchEvent(new CustomEvent('hours-note', {
              detail: picked.length
                ? t('admin.hours.copied', { day: name, days: picked.map(dayName).join(', ') })
                : '',
            }));
          },
        }, tx('span', 'admin.hours.copyApply')),
        h('button', {
          type: 'button', class: 'btn', onclick: () => { st.copyFrom = null; rebuild(`copy-btn-${day}`); },
        }, tx('span', 'admin.cancelEdit'))));
  }

  function weeklyBlock() {
    const out = h('div', { class: 'week' });
    for (const d of DAYS) {
      const name = dayName(d);
      const fs = h('fieldset', { class: 'day-hours', 'data-field': `weekly.${d}` },
        h('legend', { text: name }),
        ...intervalList(st.weekly[d], `weekly.${d}`, `wk-${d}`, name, 'admin.hours.closed'),
        h('button', {
          type: 'button', class: 'btn btn-small btn-link', id: `copy-btn-${d}`,
          'aria-expanded': st.copyFrom === d ? 'true' : 'false',
          'aria-controls': st.copyFrom === d ? `copy-${d}` : null,
          onclick: () => { st.copyFrom = st.copyFrom === d ? null : d; rebuild(`copy-${d}-apply`); },
        }, h('span', { text: t('admin.hours.copy', { day: name }) })),
        st.copyFrom === d ? copyPanel(d) : null,
        errorSlot()[0]);
      out.append(fs);
    }
    return out;
  }

  function overridesBlock() {
    const ul = h('ul', { class: 'cards' });
    st.overrides.forEach((o, i) => {
      const base = `ov-${i}`;
      const [dErr, dErrId] = errorSlot();
      const [oErr] = errorSlot();
      const label = o.date ? formatDateLong(o.date) : t('admin.hours.overrideN', { n: i + 1 });
      const off = h('input', {
        type: 'checkbox', id: `${base}-off`, checked: o.off,
        onchange: (ev) => {
          o.off = ev.target.checked;
          if (!o.off && !o.intervals.length) o.intervals.push(['09:00', '17:00']);
          rebuild(`${base}-off`);
        },
      });
      ul.append(h('li', { class: 'card override', 'data-field': `overrides[${i}]` },
        h('fieldset', {},
          h('legend', { text: label }),
          h('div', { class: 'field', 'data-field': `overrides[${i}].date` },
            tx('label', 'admin.hours.date', { for: `${base}-date` }),
            h('input', {
              type: 'date', id: `${base}-date`, value: o.date, 'aria-describedby': dErrId,
              onchange: (ev) => { o.date = ev.target.value; rebuild(`${base}-date`); },
            }),
            dErr),
          h('div', { class: 'check-row' }, off, tx('label', 'admin.hours.dayOff', { for: `${base}-off` })),
          o.off ? null : h('div', { class: 'override-intervals' },
            ...intervalList(o.intervals, `overrides[${i}].intervals`, `${base}-iv`, label, 'admin.hours.closed')),
          h('button', {
            type: 'button', class: 'btn btn-danger btn-small', id: `${base}-rm`,
            onclick: () => {
              st.overrides.splice(i, 1);
              rebuild(st.overrides.length ? `ov-${Math.min(i, st.overrides.length - 1)}-date` : 'ov-add');
            },
          }, tx('span', 'admin.hours.removeOverride', { 'aria-hidden': 'true' }),
          h('span', { class: 'sr-only', text: t('admin.hours.removeOverrideOf', { what: label }) }))),
        oErr));
    });
    return [
      st.overrides.length ? ul : tx('p', 'admin.hours.noOverrides', { class: 'muted' }),
      h('button', {
        type: 'button', class: 'btn', id: 'ov-add',
        onclick: () => {
          st.overrides.push({ date: addDays(todayIn(st.tz), 1), intervals: [], off: true });
          rebuild(`ov-${st.overrides.length - 1}-date`);
        },
      }, tx('span', 'admin.hours.addOverride')),
    ];
  }

  function timeOffBlock() {
    const ul = h('ul', { class: 'cards' });
    st.timeOff.forEach((r, i) => {
      const base = `to-${i}`;
      const n = i + 1;
      const one = (k, labelKey) => {
        const [err, errId] = errorSlot();
        return h('div', { class: 'field', 'data-field': `time_off[${i}].${k}` },
          h('label', { for: `${base}-${k}`, text: t(labelKey) }),
          h('input', {
            type: 'datetime-local', id: `${base}-${k}`, value: r[k], step: '60',
            'aria-describedby': `to-zone-hint ${errId}`,
            onchange: (ev) => { r[k] = ev.target.value; },
            oninput: (ev) => { r[k] = ev.target.value; },
          }),
          err);
      };
      ul.append(h('li', { class: 'card timeoff', 'data-field': `time_off[${i}]` },
        h('fieldset', {},
          h('legend', { text: t('admin.hours.timeOffN', { n }) }),
          h('div', { class: 'pair' }, one('start', 'admin.hours.from'), one('end', 'admin.hours.until')),
          h('button', {
            type: 'button', class: 'btn btn-danger btn-small', id: `${base}-rm`,
            onclick: () => {
              st.timeOff.splice(i, 1);
              rebuild(st.timeOff.length ? `to-${Math.min(i, st.timeOff.length - 1)}-start` : 'to-add');
            },
          }, tx('span', 'admin.remove', { 'aria-hidden': 'true' }),
          h('span', { class: 'sr-only', text: t('admin.hours.removeTimeOff', { n }) }))),
        errorSlot()[0]));
    });
    return [
      h('p', { id: 'to-zone-hint', class: 'hint', text: t('admin.hours.timeOffZone', { zone: zoneLabel(st.tz) }) }),
      st.timeOff.length ? ul : tx('p', 'admin.hours.noTimeOff', { class: 'muted' }),
      h('button', {
        type: 'button', class: 'btn', id: 'to-add',
        onclick: () => {
          const d = addDays(todayIn(st.tz), 7);
          st.timeOff.push({ start: `${d}T00:00`, end: `${addDays(d, 1)}T00:00` });
          rebuild(`to-${st.timeOff.length - 1}-start`);
        },
      }, tx('span', 'admin.hours.addTimeOff')),
    ];
  }

  function render() {
    root.replaceChildren(
      h('p', { class: 'lead', text: t('admin.hours.lead', { zone: zoneLabel(st.tz) }) }),
      tx('p', 'admin.hours.midnight', { class: 'hint' }),
      h('h3', { text: t('admin.hours.weekly') }),
      weeklyBlock(),
      h('h3', { text: t('admin.hours.overrides') }),
      tx('p', 'admin.hours.overridesHint', { class: 'hint' }),
      ...overridesBlock(),
      h('h3', { text: t('admin.hours.timeOff') }),
      tx('p', 'admin.hours.timeOffHint', { class: 'hint' }),
      ...timeOffBlock(),
    );
  }

  return {
    load, value, localErrors, render,
    setZone(z) { st.tz = z; render(); },
  };
}
