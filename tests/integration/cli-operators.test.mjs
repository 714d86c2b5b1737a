// Black-box tests of the operator's commands (creneau --help: worker add,
// worker list, worker token, bookings), each run on the database of a
// daemon that is serving at the same time: what the command writes, the
// daemon honours at once, and what the API wrote, the command shows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  book, createService, createWorker, dayFromNow, everyDay, putHours, run, slots, startDaemon,
} from './lib.mjs';

let d;

before(async () => {
  d = await startDaemon();
});

after(async () => {
  if (d) {
    const { code } = await d.stop();
    d.cleanup();
    assert.equal(code, 0);
  }
});

const cli = (...args) => run([...args, '--db', d.db]);

// Exit 2 (or 1), one line on stderr, nothing on stdout.
function fails(r, code, what, pattern) {
  assert.equal(r.code, code, `${what}: exit ${r.code}, stdout ${r.stdout}, stderr ${r.stderr}`);
  const lines = r.stderr.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, `${what}: one line on stderr, got:\n${r.stderr}`);
  if (pattern) assert.match(lines[0], pattern, what);
  assert.equal(r.stdout, '', `${what}: nothing on stdout`);
}

// "key: value" lines of `worker add`.
function fieldsOf(stdout) {
  const out = {};
  for (const line of stdout.split('\n')) {
    const m = /^([a-z ]+): (\S+)$/.exec(line);
    if (m) out[m[1]] = m[2];
  }
  return out;
}

let n = 0;
const newId = () => `cli-${process.pid}-${++n}`;

test('worker add prints a token and links that work against the running daemon', async () => {
  const id = newId();
  const r = cli('worker', 'add', id, '--name', 'Élise Van den Berghe', '--email', 'elise@example.org',
    '--timezone', 'Europe/Amsterdam', '--locale', 'nl', '--base-url', d.url);
  assert.equal(r.code, 0, r.stderr);
  const f = fieldsOf(r.stdout);
  assert.equal(f.worker, id);
  assert.match(f.token, /^crw_[A-Za-z0-9_-]{20,}$/);
  assert.equal(f['booking page'], `${d.url}/${id}`);
  assert.ok(f.feed.startsWith(`${d.url}/feeds/${id}/`) && f.feed.endsWith('.ics'), f.feed);

  // The daemon knows the worker and takes the token at once.
  const g = await d.api('GET', `/api/v1/workers/${id}`, { token: f.token });
  assert.equal(g.status, 200, g.text);
  assert.equal(g.json.name, 'Élise Van den Berghe');
  assert.equal(g.json.email, 'elise@example.org');
  assert.equal(g.json.timezone, 'Europe/Amsterdam');
  assert.equal(g.json.locale, 'nl');
  assert.equal(g.json.feed_url, f.feed);
  const put = await d.api('PUT', `/api/v1/workers/${id}/availability`, {
    token: f.token, body: everyDay(['09:00', '12:00']),
  });
  assert.equal(put.status, 200, put.text);
  assert.equal((await d.api('GET', `/api/v1/workers/${id}/availability`, { token: 'crw_wrong' })).status, 401);
  // The booking page and the feed it printed are served.
  assert.equal((await fetch(f['booking page'])).status, 200);
  const feed = await fetch(f.feed);
  assert.equal(feed.status, 200);
  assert.match(feed.headers.get('content-type'), /^text\/calendar/);
  assert.match(await feed.text(), /BEGIN:VCALENDAR/);
  // The admin token may not be reused as the worker's; it is another one.
  assert.notEqual(f.token, d.admin);
});

test('worker add defaults: zone Europe/Brussels, locale fr', async () => {
  const id = newId();
  const r = cli('worker', 'add', id, '--name', 'Jan', '--email', 'jan@example.org');
  assert.equal(r.code, 0, r.stderr);
  const g = await d.api('GET', `/api/v1/workers/${id}`);
  assert.equal(g.json.timezone, 'Europe/Brussels');
  assert.equal(g.json.locale, 'fr');
});

test('worker add refuses bad values with exit 2 and one line, and creates nothing', async () => {
  const base = ['--name', 'N', '--email', 'n@example.org'];
  const cases = [
    [[newId(), '--name', 'N', '--email', 'not-an-address'], /email/],
    [[newId(), '--name', 'N', '--email', 'n@localhost'], /email/],
    [[newId(), ...base, '--timezone', 'Mars/Olympus_Mons'], /timezone/],
    [[newId(), ...base, '--timezone', 'CET+1'], /timezone/],
    [[newId(), ...base, '--locale', 'de'], /locale/],
    [['Bad_Id', ...base], /id/],
    [['-starts-with-hyphen', ...base], null],
    [['a'.repeat(64), ...base], /id/],
    [['admin', ...base], /id/],
    [['static', ...base], /id/],
    [[newId(), '--name', 'A\tB', '--email', 'n@example.org'], /name/],
    [[newId(), '--email', 'n@example.org'], /name/],
    [[newId(), '--name', 'N'], /email/],
  ];
  for (const [args, pattern] of cases) {
    const r = cli('worker', 'add', ...args);
    fails(r, 2, `worker add ${args.join(' ')}`, pattern);
    const id = args[0];
    if (/^[a-z0-9][a-z0-9-]{0,62}$/.test(id) && !['admin', 'static'].includes(id)) {
      assert.equal((await d.api('GET', `/api/v1/workers/${id}`)).status, 404, `${id} was created`);
    }
  }
  fails(cli('worker', 'add'), 2, 'worker add without id');
  fails(cli('worker', 'frobnicate', 'x'), 2, 'unknown verb');
  fails(cli('worker', 'list', 'extra'), 2, 'worker list extra');
  fails(cli('worker', 'token'), 2, 'worker token without id');
});

test('worker add with an id that exists: exit 1, the first worker unchanged', async () => {
  const id = newId();
  assert.equal(cli('worker', 'add', id, '--name', 'First', '--email', 'first@example.org').code, 0);
  fails(cli('worker', 'add', id, '--name', 'Second', '--email', 'second@example.org'), 1, 'duplicate', /exist/);
  const g = await d.api('GET', `/api/v1/workers/${id}`);
  assert.equal(g.json.name, 'First');
  // Also one made through the API.
  const w = await createWorker(d, { name: 'Via API' });
  fails(cli('worker', 'add', w.id, '--name', 'X', '--email', 'x@example.org'), 1, 'duplicate of an API worker');
});

test('worker list shows the workers made by the CLI and by the API, one per line', async () => {
  const id = newId();
  assert.equal(cli('worker', 'add', id, '--name', 'Listed One', '--email', 'one@example.org',
    '--timezone', 'America/New_York', '--locale', 'en').code, 0);
  const w = await createWorker(d, { name: 'Listed Two', email: 'two@example.org', timezone: 'Asia/Tokyo', locale: 'nl' });
  const r = cli('worker', 'list');
  assert.equal(r.code, 0, r.stderr);
  const rows = r.stdout.split('\n').filter(Boolean).map((l) => l.split('\t'));
  assert.deepEqual(rows.find((x) => x[0] === id), [id, 'Listed One', 'one@example.org', 'America/New_York', 'en']);
  assert.deepEqual(rows.find((x) => x[0] === w.id), [w.id, 'Listed Two', 'two@example.org', 'Asia/Tokyo', 'nl']);
  assert.equal(new Set(rows.map((x) => x[0])).size, rows.length, 'each worker once');
  // A removed worker is no longer listed.
  assert.equal((await d.api('DELETE', `/api/v1/workers/${w.id}`, { token: d.admin })).status, 204);
  assert.ok(!cli('worker', 'list').stdout.split('\n').some((l) => l.startsWith(`${w.id}\t`)));
});

test('worker token rotates in the running daemon: old token 401, new one works', async () => {
  const w = await createWorker(d, { name: 'Rotated' });
  const path = `/api/v1/workers/${w.id}/availability`;
  assert.equal((await d.api('GET', path, { token: w.token })).status, 200);
  const r = cli('worker', 'token', w.id);
  assert.equal(r.code, 0, r.stderr);
  const fresh = r.stdout.trim();
  assert.match(fresh, /^crw_[A-Za-z0-9_-]{20,}$/);
  assert.equal(r.stdout, `${fresh}\n`, 'only the token on stdout');
  assert.equal((await d.api('GET', path, { token: w.token })).status, 401);
  assert.equal((await d.api('GET', path, { token: fresh })).status, 200);
  // Again: the second rotation kills the first new token.
  const again = cli('worker', 'token', w.id).stdout.trim();
  assert.notEqual(again, fresh);
  assert.equal((await d.api('GET', path, { token: fresh })).status, 401);
  assert.equal((await d.api('GET', path, { token: again })).status, 200);
  fails(cli('worker', 'token', `${newId()}-nobody`), 1, 'token for nobody', /no worker/);
});

test('bookings lists what clients booked through the API, in the worker\'s zone, with --from/--to', async () => {
  const w = await createWorker(d, { name: 'Booked', timezone: 'Europe/Brussels' });
  await putHours(d, w, everyDay(['09:00', '12:00']));
  await createService(d, w, { id: 'maths', duration_min: 60 });
  const d1 = dayFromNow(2);
  const d2 = dayFromNow(5);
  const s1 = (await slots(d, w, 'maths', d1))[0];
  const s2 = (await slots(d, w, 'maths', d2))[1];
  const b1 = await book(d, w, 'maths', s1.start, { name: 'Jean Peeters', email: 'jean@example.org', timezone: 'America/New_York' });
  const b2 = await book(d, w, 'maths', s2.start, { name: 'Anna Janssens', email: 'anna@example.org' });
  assert.equal(b1.status, 201, b1.text);
  assert.equal(b2.status, 201, b2.text);
  assert.equal((await d.api('POST', `/api/v1/bookings/${b2.json.id}/cancel`, { token: b2.json.token, body: {} })).status, 200);

  const rows = (r) => {
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.split('\n').filter(Boolean).map((l) => l.split('\t'));
  };
  const all = rows(cli('bookings', w.id));
  assert.equal(all.length, 2);
  const [r1, r2] = all;
  // start, end (the worker's zone, whatever the client's), service, status, name, email, id.
  assert.equal(Date.parse(r1[0]), Date.parse(s1.start));
  assert.equal(r1[0], s1.start, 'written with the Brussels offset');
  assert.equal(Date.parse(r1[1]), Date.parse(s1.start) + 3600000);
  assert.deepEqual(r1.slice(2), ['maths', 'confirmed', 'Jean Peeters', 'jean@example.org', b1.json.id]);
  assert.deepEqual(r2.slice(2), ['maths', 'cancelled', 'Anna Janssens', 'anna@example.org', b2.json.id]);
  assert.ok(Date.parse(r1[0]) < Date.parse(r2[0]), 'by start');

  // The range: both dates included, in the worker's zone.
  assert.deepEqual(rows(cli('bookings', w.id, '--from', d1, '--to', d1)).map((x) => x[6]), [b1.json.id]);
  assert.deepEqual(rows(cli('bookings', w.id, '--from', d2, '--to', d2)).map((x) => x[6]), [b2.json.id]);
  assert.deepEqual(rows(cli('bookings', w.id, '--from', dayFromNow(3), '--to', dayFromNow(4))), []);
  assert.equal(rows(cli('bookings', w.id, '--from', d1, '--to', d2)).length, 2);
  assert.equal(rows(cli('bookings', w.id, '--from', d2)).length, 1, '--from alone');

  // What the API lists for the same range, the command lists too.
  const api = await d.api('GET', `/api/v1/workers/${w.id}/bookings?from=${d1}&to=${d2}`, { token: w.token });
  assert.deepEqual(api.json.bookings.map((b) => b.id), all.map((x) => x[6]));

  fails(cli('bookings', w.id, '--from', '2027-13-01'), 2, 'bad --from', /YYYY-MM-DD/);
  fails(cli('bookings', w.id, '--to', 'tomorrow'), 2, 'bad --to');
  fails(cli('bookings', w.id, '--from', d2, '--to', d1), 2, 'to before from');
  fails(cli('bookings', `${newId()}-nobody`), 1, 'unknown worker', /no worker/);
  fails(cli('bookings'), 2, 'bookings without id');
});

test('a worker made by the CLI can be booked end to end through the API', async () => {
  const id = newId();
  const r = cli('worker', 'add', id, '--name', 'End To End', '--email', 'e2e@example.org');
  const token = fieldsOf(r.stdout).token;
  const w = { id, token };
  await putHours(d, w, everyDay(['10:00', '11:00']));
  await createService(d, w, { id: 'one', duration_min: 30 });
  const s = (await slots(d, w, 'one', dayFromNow(3)))[0];
  assert.equal((await book(d, w, 'one', s.start)).status, 201);
  const list = cli('bookings', id).stdout.split('\n').filter(Boolean);
  assert.equal(list.length, 1);
  assert.equal(list[0].split('\t')[0], s.start);
});
