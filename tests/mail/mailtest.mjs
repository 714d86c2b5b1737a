// mailtest.mjs: what the mail-*.test.mjs tests share. An SMTP sink (the
// real aiosmtpd server of smtp_sink.py, on the loopback), reading what it
// received through Python's email package (parse_mail.py), and the two
// .ics validators of tests/ics. No mocks: the daemon speaks SMTP to a real
// server and the tests read the bytes it stored.
import { spawn, execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const TESTS = resolve(HERE, '..');
const PY = '/usr/bin/python3';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A loopback port that nothing listens on right now (the kernel's pick,
// released again): for a server that is down, then comes up there.
export async function freePort() {
  const srv = createServer();
  await new Promise((res) => srv.listen(0, '127.0.0.1', res));
  const { port } = srv.address();
  await new Promise((res) => srv.close(res));
  return port;
}

// Starts smtp_sink.py. Options: port (0: any), tempfail (451 to the first
// N recipients), auth ('USER:PASS'), maxSeconds. Returns {port, dir, stop(), files(), read()}.
export async function startSink({ port = 0, tempfail = 0, auth, maxSeconds = 110 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'creneau-mail-'));
  const args = [join(HERE, 'smtp_sink.py'), '--port', String(port), '--dir', dir,
    '--max-seconds', String(maxSeconds)];
  if (tempfail) args.push('--tempfail', String(tempfail));
  if (auth) args.push('--auth', auth);
  const proc = spawn(PY, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '', err = '';
  const exited = new Promise((res) => proc.on('exit', res));
  const got = await new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`sink did not start: ${err}`)), 15000);
    proc.stderr.on('data', (b) => { err += b; });
    proc.stdout.on('data', (b) => {
      out += b;
      const m = /^(\d+)\n/.exec(out);
      if (m) { clearTimeout(timer); res(Number(m[1])); }
    });
    exited.then((code) => { clearTimeout(timer); rej(new Error(`sink exited (${code}): ${err}`)); });
  });
  const sink = {
    port: got, dir, proc,
    get stderr() { return err; },
    // The stored messages, by number: ['0001', ...].
    files() {
      return readdirSync(dir).filter((f) => f.endsWith('.eml')).sort().map((f) => f.slice(0, -4));
    },
    // Every stored message, parsed: parse_mail.py's JSON plus `envelope`
    // (smtp_sink's .json) and `at` (when it was read, ms).
    read() { return readMail(dir); },
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      await exited;
    },
    cleanup() { rmSync(dir, { recursive: true, force: true }); },
  };
  return sink;
}

// Parses every NNNN.eml of dir with parse_mail.py; the calendar parts are
// written to dir/ics for the validators.
export function readMail(dir) {
  const names = readdirSync(dir).filter((f) => f.endsWith('.eml')).sort();
  if (names.length === 0) return [];
  const icsDir = join(dir, 'ics');
  mkdirSync(icsDir, { recursive: true });
  const out = execFileSync(PY, [join(HERE, 'parse_mail.py'), '--ics-dir', icsDir,
    ...names.map((n) => join(dir, n))], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return out.trim().split('\n').map((l) => {
    const m = JSON.parse(l);
    m.envelope = JSON.parse(readFileSync(m.file.replace(/\.eml$/, '.json'), 'utf8'));
    return m;
  });
}

// Polls until pred(messages) holds (messages: sink.read()), or throws after
// timeoutMs with what arrived. Returns the messages.
export async function waitMail(sink, pred, timeoutMs, what = 'the expected mail') {
  const end = Date.now() + timeoutMs;
  let last = -1, msgs = [];
  for (;;) {
    const n = sink.files().length;
    if (n !== last) { msgs = sink.read(); last = n; }
    if (pred(msgs)) return msgs;
    if (Date.now() > end) {
      throw new Error(`${what} did not arrive in ${timeoutMs} ms; got ${msgs.length}:\n` +
        msgs.map((m) => `  ${m.envelope.rcpt_tos.join(',')}: ${m.subject}`).join('\n'));
    }
    await sleep(150);
  }
}

// Runs both validators of tests/ics on the files; returns [py, js] lists of
// the per-file JSON. Throws with the validator's reason on a failure.
export function validateIcs(files) {
  const run = (cmd, args, cwd) => {
    try {
      return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
        .trim().split('\n').map((l) => JSON.parse(l));
    } catch (e) {
      throw new Error(`${args[0]} refused ${files.join(' ')}: ${e.stderr || e.message}`);
    }
  };
  const py = run(PY, [join(TESTS, 'ics', 'check_ics.py'), ...files], TESTS);
  const js = run(process.execPath, [join(TESTS, 'ics', 'check_ics.mjs'), ...files], TESTS);
  return [py, js];
}

// check_mail.py (a colleague's independent reading of a message): returns
// '' when it is happy, else its reasons.
export function checkMail(file, args = []) {
  try {
    execFileSync(PY, [join(HERE, 'check_mail.py'), file, ...args],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return '';
  } catch (e) {
    return (e.stderr || e.message).trim();
  }
}

// Messages for one address.
export const to = (msgs, addr) => msgs.filter((m) => m.envelope.rcpt_tos.includes(addr));
