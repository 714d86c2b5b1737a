// calendar.js: "add to calendar" links. The .ics comes from the daemon
// (invite_url); Google Calendar and Outlook get plain links to their own
// sites, built here from the booking, in UTC so no zone can be misread.

function utcBasic(iso) {
  // 2027-03-29T07:00:00.000Z -> 20270329T070000Z
  return new Date(iso).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function utcIso(iso) {
  return new Date(iso).toISOString().replace(/\.\d{3}/, '');
}

// The invite's URL with the booking token (calendar apps send no header).
export function icsUrl(inviteUrl, id, token) {
  const base = inviteUrl || `/api/v1/bookings/${encodeURIComponent(id)}/invite.ics`;
  const u = new URL(base, location.href);
  if (token && !u.searchParams.has('token')) u.searchParams.set('token', token);
  return u.origin === location.origin ? u.pathname + u.search : u.href;
}

// ev: {title, details, location, start, end} (start/end RFC 3339).
export function googleUrl(ev) {
  const u = new URL('https://calendar.google.com/calendar/render');
  u.searchParams.set('action', 'TEMPLATE');
  u.searchParams.set('text', ev.title);
  u.searchParams.set('dates', `${utcBasic(ev.start)}/${utcBasic(ev.end)}`);
  if (ev.details) u.searchParams.set('details', ev.details);
  if (ev.location) u.searchParams.set('location', ev.location);
  return u.href;
}

export function outlookUrl(ev) {
  const u = new URL('https://outlook.live.com/calendar/0/deeplink/compose');
  u.searchParams.set('path', '/calendar/action/compose');
  u.searchParams.set('rru', 'addevent');
  u.searchParams.set('subject', ev.title);
  u.searchParams.set('startdt', utcIso(ev.start));
  u.searchParams.set('enddt', utcIso(ev.end));
  if (ev.details) u.searchParams.set('body', ev.details);
  if (ev.location) u.searchParams.set('location', ev.location);
  return u.href;
}
