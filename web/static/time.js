// time.js: dates, times and time zones with Intl only. Two kinds of value:
// - instants: RFC 3339 strings from the API ("2027-03-29T09:00:00+02:00"),
//   shown in a chosen IANA zone;
// - calendar dates: "YYYY-MM-DD" strings, computed with UTC arithmetic so
//   that no zone or DST change can shift them.
import { lang, locale, t } from './i18n.js';

export function visitorZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

// The IANA zones this browser knows, sorted, always including the given ones.
export function allZones(...include) {
  let list = [];
  try { list = Intl.supportedValuesOf('timeZone'); } catch { list = []; }
  const set = new Set(list);
  for (const z of include) if (z) set.add(z);
  if (!set.has('UTC')) set.add('UTC');
  return [...set].sort();
}

export function isZone(z) {
  try {
    new Intl.DateTimeFormat('en', { timeZone: z });
    return true;
  } catch {
    return false;
  }
}

const partsCache = new Map();
function partsFormatter(tz) {
  let f = partsCache.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
    });
    partsCache.set(tz, f);
  }
  return f;
}

// The calendar date ("YYYY-MM-DD") that instant d shows in zone tz.
export function dateIn(d, tz) {
  const p = Object.fromEntries(partsFormatter(tz).formatToParts(d).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}`;
}

export function todayIn(tz) {
  return dateIn(new Date(), tz);
}

function utcDate(s) {
  const [y, m, d] = s.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d));
}

export function addDays(s, n) {
  const d = utcDate(s);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

// Monday of the week holding date s.
export function mondayOf(s) {
  const dow = (utcDate(s).getUTCDay() + 6) % 7;	/* Monday 0 */
  return addDays(s, -dow);
}

export function daysBetween(a, b) {
  return Math.round((utcDate(b) - utcDate(a)) / 86400000);
}

// 24-hour clocks in French and Dutch; English keeps its usual one.
function hourCycle() {
  return lang() === 'en' ? {} : { hourCycle: 'h23' };
}

function fmt(opts) {
  return new Intl.DateTimeFormat(locale(), opts);
}

// "09:00" (fr, nl) or "9:00 am" (en) for an instant in tz.
export function formatTime(iso, tz) {
  return fmt({ timeZone: tz, hour: '2-digit', minute: '2-digit', ...hourCycle() })
    .format(new Date(iso));
}

// "lundi 29 mars 2027 à 09:00" style, for an instant in tz.
export function formatDateTime(iso, tz) {
  return t('time.dateAtTime', {
    date: formatDateLong(dateIn(new Date(iso), tz)),
    time: formatTime(iso, tz),
  });
}

// A calendar date, long: "lundi 29 mars 2027".
export function formatDateLong(s) {
  return fmt({ timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' })
    .format(utcDate(s));
}

// A calendar date, without the year: "lundi 29 mars".
export function formatDateMedium(s) {
  return fmt({ timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long' }).format(utcDate(s));
}

export function formatWeekday(s) {
  return fmt({ timeZone: 'UTC', weekday: 'short' }).format(utcDate(s));
}

export function formatDayNumber(s) {
  return fmt({ timeZone: 'UTC', day: 'numeric' }).format(utcDate(s));
}

// "29 mars – 4 avril 2027".
export function formatRange(a, b) {
  const f = fmt({ timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' });
  if (f.formatRange) return f.formatRange(utcDate(a), utcDate(b));
  return `${f.format(utcDate(a))} – ${f.format(utcDate(b))}`;
}

// "Europe/Brussels (UTC+2)": the zone with its offset at instant d.
export function zoneLabel(tz, d = new Date()) {
  let off = '';
  try {
    const p = new Intl.DateTimeFormat('en', { timeZone: tz, timeZoneName: 'shortOffset' })
      .formatToParts(d).find((x) => x.type === 'timeZoneName');
    off = p ? p.value.replace('GMT', 'UTC') : '';
    if (off === 'UTC') off = 'UTC+0';
  } catch { off = ''; }
  const name = tz.replace(/_/g, ' ');
  return off ? `${name} (${off})` : name;
}

export function formatDuration(min) {
  const hrs = Math.floor(min / 60);
  const m = min % 60;
  if (hrs === 0) return t('duration.m', { m });
  if (m === 0) return t('duration.h', { h: hrs });
  return t('duration.hm', { h: hrs, m: String(m).padStart(2, '0') });
}

// Fills a <select> with every zone, selecting tz. Labels carry the
// current offset so a visitor can recognise their zone.
export function fillZoneSelect(select, tz, ...extra) {
  select.replaceChildren();
  const now = new Date();
  for (const z of allZones(tz, ...extra)) {
    const o = document.createElement('option');
    o.value = z;
    o.textContent = zoneLabel(z, now);
    if (z === tz) o.selected = true;
    select.append(o);
  }
}
