// Acceptance tests of API.md "Command line": --version, --help, usage errors
// (exit 2, one line on stderr), runtime errors (exit 1), admin-token and its
// effect on a running daemon, backup while serving, --demo, and the
// precedence command line > CRENEAU_* environment > config file.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { startDaemon, createWorker, putHours, createService, everyDay, tempDir, WEB } from './lib.mjs';
import { runBounded, runAsync, spawnListening, freePort, expectError, uid } from './foundation-helpers.mjs';

const dirs = [];
const scratch = () => { const t = tempDir(); dirs.push(t); return t; };
after(() => { for (const t of dirs) rmSync(t, { recursive: true, force: true }); });

// A usage error: exit 2, exactly one line on stderr, nothing on stdout.
function usageError(r, what) {
  assert.equal(r.signal, null, `${what}: killed (did it start serving?)`);
  assert.equal(r.code, 2, `${what}: exit ${r.code}, stderr: ${r.stderr}`);
  const lines = r.stderr.split('\n').filter((l) => l.length > 0);
  assert.equal(lines.length, 1, `${what}: stderr should be one line, got:\n${r.stderr}`);
  assert.ok(lines[0].trim().length > 0);
  assert.equal(r.stdout, '', `${what}: stdout should be empty`);
}

test('--version prints "creneau X.Y.Z" and exits 0', () => {
  const r = runBounded(['--version']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^creneau \d+\.\d+\.\d+\n?$/);
});

test('--help exits 0 and names the subcommands and options', () => {
  const r = runBounded(['--help']);
  assert.equal(r.code, 0, r.stderr);
  for (const word of ['serve', 'admin-token', 'backup', '--db', '--listen', '--base-url', '--config']) {
    assert.ok(r.stdout.includes(word), `--help should mention ${word}:\n${r.stdout}`);
  }
});

test('usage errors exit 2 with one line on stderr', () => {
  const cases = [
    ['--bogus'],
    ['frobnicate'],
    ['serve', '--bogus'],
    ['serve', '--db'],
    ['serve', '--listen'],
    ['admin-token', '--bogus'],
    ['admin-token', '--db'],
    ['backup'],
    ['backup', '--bogus', '/tmp/x.db'],
    ['-x'],
    ['serve', 'extra'],
    ['admin-token', 'extra'],
    ['backup', 'a.db', 'b.db'],
  ];
  for (const args of cases) usageError(runBounded(args), args.join(' '));
});

test('bad option values are refused with a message (exit 1 or 2), never served', () => {
  const dir = scratch();
  const db = join(dir, 'c.db');
  const cases = [
    ['serve', '--db', db, '--listen', 'nonsense'],
    ['serve', '--db', db, '--listen', '127.0.0.1:99999'],
    ['serve', '--db', db, '--listen', '127.0.0.1:0', '--rate-limit', 'many'],
    ['serve', '--db', db, '--listen', '127.0.0.1:0', '--rate-limit', '-1'],
  ];
  for (const args of cases) {
    const r = runBounded(args, { timeout: 5000 });
    assert.equal(r.signal, null, `${args.join(' ')}: still running`);
    assert.ok(r.code === 1 || r.code === 2, `${args.join(' ')}: exit ${r.code}`);
    assert.ok(r.stderr.trim().length > 0, `${args.join(' ')}: no message`);
  }
});

test('an unreadable --config is an error with a message naming the file', () => {
  const dir = scratch();
  const missing = join(dir, 'nope.conf');
  const sub = join(dir, 'a-directory');
  mkdirSync(sub);
  for (const cfg of [missing, sub]) {
    const r = runBounded(['serve', '--config', cfg, '--db', join(dir, 'c.db'), '--listen', '127.0.0.1:0'], { timeout: 5000 });
    assert.equal(r.signal, null, 'still running');
    assert.ok(r.code === 1 || r.code === 2, `exit ${r.code}: ${r.stderr}`);
    assert.ok(r.stderr.includes(cfg), `the message should name ${cfg}: ${r.stderr}`);
  }
});

test('a config file with an unknown key or a line without "=" is refused', () => {
  const dir = scratch();
  for (const text of ['colour = blue\n', 'listen 127.0.0.1:0\n']) {
    const cfg = join(dir, `${uid('c')}.conf`);
    writeFileSync(cfg, text);
    const r = runBounded(['serve', '--config', cfg, '--db', join(dir, 'c.db'), '--listen', '127.0.0.1:0'], { timeout: 5000 });
    assert.equal(r.signal, null, `${JSON.stringify(text)}: served anyway`);
    assert.ok(r.code === 1 || r.code === 2, `exit ${r.code}`);
    assert.ok(r.stderr.trim().length > 0);
  }
});

test('admin-token prints a token; a new one replaces the old, also in a running daemon', async () => {
  const d = await startDaemon();
  try {
    const body = () => ({ id: uid('at'), name: 'A', email: 'a@example.org', timezone: 'Europe/Brussels' });
    assert.equal((await d.api('POST', '/api/v1/workers', { token: d.admin, body: body() })).status, 201);
    const r = runBounded(['admin-token', '--db', d.db]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n').filter(Boolean);
    assert.equal(lines.length, 1, `one line on stdout: ${r.stdout}`);
    const t2 = lines[0].trim();
    assert.ok(t2.length >= 22, 'at least 128 bits');
    assert.notEqual(t2, d.admin);
    expectError(await d.api('POST', '/api/v1/workers', { token: d.admin, body: body() }), 401, 'unauthorized');
    assert.equal((await d.api('POST', '/api/v1/workers', { token: t2, body: body() })).status, 201);
  } finally {
    await d.stop();
    d.cleanup();
  }
});

test('admin-token reads the database path from CRENEAU_DB and defaults to ./creneau.db', async () => {
  const dir = scratch();
  const db = join(dir, 'env.db');
  const r = runBounded(['admin-token'], { env: { CRENEAU_DB: db } });
  assert.equal(r.code, 0, r.stderr);
  assert.ok(existsSync(db), 'CRENEAU_DB was not used');
  const cwd = scratch();
  const r2 = runBounded(['admin-token'], { cwd });
  assert.equal(r2.code, 0, r2.stderr);
  assert.ok(existsSync(join(cwd, 'creneau.db')), 'the default ./creneau.db was not created');
  // The token printed for env.db opens a daemon on env.db.
  const d = await startDaemon({ db, dir, adminToken: r.stdout.trim() });
  try {
    const w = await createWorker(d, { id: uid('env') });
    assert.equal(w.id.startsWith('env-'), true);
  } finally { await d.stop(); }
});

test('backup DEST while the daemon serves: a sound copy holding the workers', async () => {
  const d = await startDaemon();
  try {
    const ids = [];
    for (let i = 0; i < 5; i++) {
      const w = await createWorker(d, { id: uid('bk') });
      await putHours(d, w, everyDay(['09:00', '17:00']));
      await createService(d, w, { id: 'maths' });
      ids.push(w.id);
    }
    // Writes go on while the copy is taken.
    let stop = false;
    const writer = (async () => {
      while (!stop) await createWorker(d, { id: uid('bg') });
    })();
    const dest = join(d.dir, 'copy.db');
    const r = await runAsync(['backup', dest, '--db', d.db]);
    stop = true;
    await writer;
    assert.equal(r.code, 0, r.stderr);
    const check = execFileSync('/usr/bin/sqlite3', [dest, 'PRAGMA integrity_check'], { encoding: 'utf8' });
    assert.equal(check.trim(), 'ok');
    const dump = execFileSync('/usr/bin/sqlite3', [dest, '.dump'], { encoding: 'utf8', maxBuffer: 64 << 20 });
    for (const id of ids) assert.ok(dump.includes(id), `${id} is missing from the backup`);
    // The copy runs as a database of its own.
    const d2 = await startDaemon({ db: dest, dir: d.dir });
    try {
      for (const id of ids) {
        const g = await d2.api('GET', `/api/v1/workers/${id}`);
        assert.equal(g.status, 200, g.text);
        assert.deepEqual(g.json.services.map((s) => s.id), ['maths']);
      }
    } finally { await d2.stop(); }
  } finally {
    await d.stop();
    d.cleanup();
  }
});

test('backup to a folder that does not exist is a runtime error (exit 1)', () => {
  const dir = scratch();
  const db = join(dir, 'c.db');
  assert.equal(runBounded(['admin-token', '--db', db]).code, 0);
  const r = runBounded(['backup', join(dir, 'no', 'such', 'dir', 'x.db'), '--db', db]);
  assert.equal(r.code, 1, r.stderr);
  assert.ok(r.stderr.trim().length > 0);
});

test('runtime errors exit 1 with a message: port taken, database folder missing', async () => {
  const dir = scratch();
  const d = await startDaemon();
  try {
    const { port } = new URL(d.url);
    const taken = runBounded(['serve', '--db', join(dir, 'c.db'), '--listen', `127.0.0.1:${port}`], { timeout: 5000 });
    assert.equal(taken.signal, null, 'still running on a taken port');
    assert.equal(taken.code, 1, taken.stderr);
    assert.ok(taken.stderr.trim().length > 0);
  } finally { await d.stop(); d.cleanup(); }
  const nodir = join(dir, 'no', 'such', 'c.db');
  for (const args of [['serve', '--db', nodir, '--listen', '127.0.0.1:0'], ['admin-token', '--db', nodir]]) {
    const r = runBounded(args, { timeout: 5000 });
    assert.equal(r.signal, null, `${args[0]}: still running`);
    assert.equal(r.code, 1, `${args[0]}: ${r.stderr}`);
    assert.ok(r.stderr.includes(nodir), `${args[0]}: the message should name ${nodir}: ${r.stderr}`);
  }
});

test('backup of a database that does not exist is an error, not an empty copy', () => {
  const dir = scratch();
  const missing = join(dir, 'typo.db');
  const dest = join(dir, 'copy.db');
  const r = runBounded(['backup', dest, '--db', missing]);
  assert.equal(r.code, 1, `exit ${r.code}: ${r.stderr}`);
  assert.ok(r.stderr.trim().length > 0);
  assert.ok(!existsSync(missing), 'backup created the database it was asked to copy');
});

// ---- precedence ----------------------------------------------------------------

async function baseUrlOf(opts) {
  const d = await startDaemon(opts);
  try {
    const w = await createWorker(d, { id: uid('pr') });
    return w.feed_url;
  } finally {
    await d.stop();
    d.cleanup();
  }
}

function configFile(text) {
  const dir = scratch();
  const cfg = join(dir, 'creneau.conf');
  writeFileSync(cfg, text);
  return cfg;
}

test('precedence of base_url: file < environment < command line', async () => {
  const cfg = configFile([
    '# creneau test config',
    '',
    '   # an indented comment',
    'base_url = https://file.example',
    'rate_limit=0',
  ].join('\n') + '\n');
  const fromFile = await baseUrlOf({ args: ['--config', cfg] });
  assert.match(fromFile, /^https:\/\/file\.example\/feeds\//);
  const fromEnv = await baseUrlOf({ args: ['--config', cfg], env: { CRENEAU_BASE_URL: 'https://env.example' } });
  assert.match(fromEnv, /^https:\/\/env\.example\/feeds\//);
  const fromCli = await baseUrlOf({
    args: ['--config', cfg, '--base-url', 'https://cli.example'], env: { CRENEAU_BASE_URL: 'https://env.example' },
  });
  assert.match(fromCli, /^https:\/\/cli\.example\/feeds\//);
  const cliOverFile = await baseUrlOf({ args: ['--config', cfg, '--base-url', 'https://cli.example'] });
  assert.match(cliOverFile, /^https:\/\/cli\.example\/feeds\//);
});

test('CRENEAU_CONFIG names the config file', async () => {
  const cfg = configFile('base_url = https://viaenv.example\n');
  const url = await baseUrlOf({ env: { CRENEAU_CONFIG: cfg } });
  assert.match(url, /^https:\/\/viaenv\.example\/feeds\//);
});

test('precedence of listen: file < environment < command line', async () => {
  const [p1, p2, p3] = [await freePort(), await freePort(), await freePort()];
  const dir = scratch();
  const db = join(dir, 'c.db');
  const cfg = configFile(`# ports\nlisten = 127.0.0.1:${p1}\ndb = ${db}\nweb_dir = ${WEB}\n`);
  const cases = [
    [{}, [], p1],
    [{ CRENEAU_LISTEN: `127.0.0.1:${p2}` }, [], p2],
    [{ CRENEAU_LISTEN: `127.0.0.1:${p2}` }, ['--listen', `127.0.0.1:${p3}`], p3],
  ];
  for (const [env, extra, port] of cases) {
    const s = await spawnListening(['serve', '--config', cfg, ...extra], { env });
    try {
      assert.equal(new URL(s.url).port, String(port), `${JSON.stringify(env)} ${extra.join(' ')}: ${s.url}`);
      const r = await fetch(`http://127.0.0.1:${port}/healthz`);
      assert.equal(r.status, 200);
    } finally {
      const e = await s.stop();
      assert.equal(e.code, 0);
    }
  }
  assert.ok(existsSync(db), 'db from the config file was not used');
});

test('the default base URL is the listen address', async () => {
  const d = await startDaemon();
  try {
    const w = await createWorker(d, { id: uid('bu') });
    assert.ok(w.feed_url.startsWith(`${d.url}/feeds/${w.id}/`), w.feed_url);
  } finally { await d.stop(); d.cleanup(); }
});

test('serve --demo adds a demo worker with hours and services and prints its booking link', async () => {
  const d = await startDaemon({ args: ['--demo'] });
  try {
    const out = d.stdout + d.stderr;
    const m = new RegExp(`${d.url.replace(/[.]/g, '\\.')}/([a-z0-9][a-z0-9-]*)(/[a-z0-9][a-z0-9-]*)?`).exec(out);
    assert.ok(m, `no booking link in the output:\n${out}`);
    const wid = m[1];
    const g = await d.api('GET', `/api/v1/workers/${wid}`);
    assert.equal(g.status, 200, g.text);
    assert.ok(g.json.services.length > 0, 'the demo worker has no active service');
    const page = await d.api('GET', new URL(m[0]).pathname);
    assert.equal(page.status, 200);
    // A second start on the same database adds nothing.
    const d2 = await d.restart({ args: ['--demo'] });
    try {
      const g2 = await d2.api('GET', `/api/v1/workers/${wid}`);
      assert.equal(g2.status, 200);
      assert.equal(g2.json.services.length, g.json.services.length);
    } finally { await d2.stop(); }
  } finally {
    await d.stop();
    d.cleanup();
  }
});
