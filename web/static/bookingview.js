// bookingview.js: a booking's details, video link and "add to calendar"
// links, shared by the confirmation (book page) and the manage page.
// Every value a person typed is set as text.
import { h } from './dom.js';
import { t } from './i18n.js';
import { icsUrl, googleUrl, outlookUrl } from './calendar.js';
import { formatDateTime, formatDuration, formatTime, zoneLabel } from './time.js';

function row(label, ...value) {
  return [h('dt', { text: label }), h('dd', {}, ...value)];
}

function minutesBetween(a, b) {
  return Math.round((Date.parse(b) - Date.parse(a)) / 60000);
}

// The <dl> of a booking b, times shown in tz.
export function detailsList(b, { worker, service, tz, showPerson = true }) {
  const dl = h('dl', { class: 'details' });
  const when = h('span', {},
    h('span', { class: 'when', text: formatDateTime(b.start, tz) }),
    ` – ${formatTime(b.end, tz)}`);
  dl.append(
    ...row(t('details.service'), service ? service.title : b.service),
    ...row(t('details.with'), worker ? worker.name : b.worker),
    ...row(t('details.when'), when),
    ...row(t('details.duration'), formatDuration(minutesBetween(b.start, b.end))),
    ...row(t('details.zone'), zoneLabel(tz, new Date(b.start))),
  );
  if (showPerson) {
    dl.append(...row(t('details.name'), b.name));
    dl.append(...row(t('details.email'), b.email));
    if (b.note) dl.append(...row(t('details.note'), h('span', { class: 'pre-line', text: b.note })));
  }
  return dl;
}

export function videoBlock(b) {
  if (!b.room_url) return null;
  return h('div', { class: 'video' },
    h('h3', { text: t('details.video') }),
    h('p', {}, h('a', {
      href: b.room_url, class: 'room-link', target: '_blank', rel: 'noopener noreferrer',
      text: b.room_url,
    })),
    h('p', { class: 'muted', text: t('details.videoHint') }));
}

// Absolute manage URL (the API may give a path).
export function absolute(url) {
  return new URL(url, location.href).href;
}

export function calendarBlock(b, { worker, service, token }) {
  const title = `${service ? service.title : b.service} – ${worker ? worker.name : b.worker}`;
  const lines = [];
  if (b.room_url) lines.push(`${t('details.video')}: ${b.room_url}`);
  if (b.manage_url) lines.push(`${t('cal.manage')}: ${absolute(b.manage_url)}`);
  const ev = { title, start: b.start, end: b.end, location: b.room_url || '', details: lines.join('\n') };
  return h('div', { class: 'add-to-calendar' },
    h('h3', { text: t('cal.title') }),
    h('ul', { class: 'calendar-links' },
      h('li', {}, h('a', {
        class: 'btn', id: 'ics-link', href: icsUrl(b.invite_url, b.id, token),
        download: 'creneau.ics', type: 'text/calendar',
      }, t('cal.ics'))),
      h('li', {}, h('a', {
        class: 'btn', id: 'google-link', href: googleUrl(ev), target: '_blank', rel: 'noopener noreferrer',
      }, t('cal.google'), h('span', { class: 'sr-only', text: ` (${t('newWindow')})` }))),
      h('li', {}, h('a', {
        class: 'btn', id: 'outlook-link', href: outlookUrl(ev), target: '_blank', rel: 'noopener noreferrer',
      }, t('cal.outlook'), h('span', { class: 'sr-only', text: ` (${t('newWindow')})` })))));
}

// The manage link with a copy button.
export function manageBlock(manageUrl) {
  const url = absolute(manageUrl);
  const input = h('input', {
    id: 'manage-url', type: 'url', readonly: true, value: url, 'aria-describedby': 'manage-hint',
  });
  const copied = h('span', { role: 'status', class: 'muted' });
  const copy = h('button', {
    type: 'button', class: 'btn', text: t('manage.copy'),
    onclick: async () => {
      try {
        await navigator.clipboard.writeText(url);
      } catch {
        input.select();
        document.execCommand('copy');
      }
      copied.textContent = t('manage.copied');
    },
  });
  return h('div', { class: 'manage-block' },
    h('h3', { text: t('manage.linkTitle') }),
    h('p', { id: 'manage-hint', text: t('manage.linkHint') }),
    h('div', { class: 'field' },
      h('label', { for: 'manage-url', class: 'sr-only', text: t('manage.linkTitle') }),
      h('div', { class: 'copy-row' }, input, copy)),
    copied,
    h('p', {}, h('a', { id: 'manage-link', href: url, text: t('manage.open') })));
}
