// Acceptance tests of API.md "Conventions" and "Operations": routing (404 vs
// 405), the error body, the 64 KiB body cap, JSON well-formedness, nesting
// depth, unknown fields, number ranges, the order of the checks, security
// headers and /healthz. One daemon for the whole file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon, createWorker, createService } from './lib.mjs';
import { expectError, expect422, rawConn, rawRequest, hostPort, uid, sleep } from './foundation-helpers.mjs';

let d;
before(async () => { d = await startDaemon(); });
after(async () => { if (d) { await d.stop(); d.cleanup(); } });

const workerBody = (extra = {}) => ({
  id: uid('cv'), name: 'Marie Dubois', email: 'marie@example.org', timezone: 'Europe/Brussels', ...extra,
});

// A request head for raw socket tests.
function head(method, path, headers) {
  const lines = [`${method} ${path} HTTP/1.1`, `Host: ${hostPort(d.url).host}:${hostPort(d.url).port}`];
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  return lines.join('\r\n') + '\r\n\r\n';
}

// A worker-creation body of exactly n bytes (padding in an unknown field).
function bodyOfSize(n) {
  const base = JSON.stringify({ ...workerBody(), pad: '' });
  const s = base.slice(0, -2) + 'x'.repeat(n - base.length) + '"}';
  assert.equal(Buffer.byteLength(s), n);
  return s;
}

// ---- /healthz -------------------------------------------------------------

test('GET /healthz is 200 {"status":"ok"} as application/json', async () => {
  const r = await d.api('GET', '/healthz');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^application\/json\b/);
  assert.deepEqual(r.json, { status: 'ok' });
});

// ---- routes ---------------------------------------------------------------

test('an unknown API path is 404 not_found', async () => {
  expectError(await d.api('GET', '/api/v1/nope'), 404, 'not_found');
  expectError(await d.api('POST', '/api/v1/nope', { body: {} }), 404, 'not_found');
  expectError(await d.api('GET', '/api/v2/workers'), 404, 'not_found');
  const w = await createWorker(d, { id: uid('rt') });
  expectError(await d.api('GET', `/api/v1/workers/${w.id}/nope`, { token: w.token }), 404, 'not_found');
});

test('a known path with a wrong method is 405 method_not_allowed', async () => {
  const w = await createWorker(d, { id: uid('rt') });
  const cases = [
    ['DELETE', '/healthz'],
    ['POST', '/healthz'],
    ['PUT', '/api/v1/workers'],
    ['DELETE', '/api/v1/workers'],
    ['POST', `/api/v1/workers/${w.id}`],
    ['PUT', `/api/v1/workers/${w.id}`],
    ['DELETE', `/api/v1/workers/${w.id}/availability`],
    ['POST', `/api/v1/workers/${w.id}/availability`],
    ['GET', `/api/v1/workers/${w.id}/token`],
    ['GET', `/api/v1/workers/${w.id}/feed-token`],
    ['PUT', `/api/v1/workers/${w.id}/services`],
    ['POST', `/api/v1/workers/${w.id}/services/maths`],
    ['PUT', `/api/v1/workers/${w.id}/services/maths`],
  ];
  for (const [m, p] of cases) {
    const r = await d.api(m, p, { token: d.admin });
    expectError(r, 405, 'method_not_allowed');
  }
});

test('405 comes before authentication and before the body', async () => {
  const w = await createWorker(d, { id: uid('rt') });
  // No token, a body that is not JSON: still 405.
  expectError(await d.api('PUT', '/api/v1/workers', { body: 'not json' }), 405, 'method_not_allowed');
  expectError(await d.api('GET', `/api/v1/workers/${w.id}/token`), 405, 'method_not_allowed');
  expectError(await d.api('PUT', '/healthz', { body: '{{{' }), 405, 'method_not_allowed');
  // 404 too comes before authentication.
  expectError(await d.api('POST', '/api/v1/nope', { body: 'not json' }), 404, 'not_found');
});

test('405 answers name the allowed methods in Allow (RFC 9110)', async () => {
  const r = await d.api('DELETE', '/healthz');
  assert.equal(r.status, 405);
  assert.match(r.headers.get('allow') || '', /\bGET\b/);
});

// ---- order of the checks --------------------------------------------------

test('bad JSON without a token is 401, not 400', async () => {
  expectError(await d.api('POST', '/api/v1/workers', { body: 'not json' }), 401, 'unauthorized');
  expectError(await d.api('POST', '/api/v1/workers', { body: 'not json', token: 'nope-nope-nope' }), 401, 'unauthorized');
  const w = await createWorker(d, { id: uid('or') });
  expectError(await d.api('PATCH', `/api/v1/workers/${w.id}`, { body: '{"name":' }), 401, 'unauthorized');
  expectError(await d.api('PUT', `/api/v1/workers/${w.id}/availability`, { body: '[' }), 401, 'unauthorized');
});

test('bad JSON with a token that may not act is 403, not 400', async () => {
  const a = await createWorker(d, { id: uid('or') });
  const b = await createWorker(d, { id: uid('or') });
  expectError(await d.api('POST', '/api/v1/workers', { body: 'not json', token: a.token }), 403, 'forbidden');
  expectError(await d.api('PATCH', `/api/v1/workers/${b.id}`, { body: 'not json', token: a.token }), 403, 'forbidden');
  expectError(await d.api('POST', `/api/v1/workers/${b.id}/services`, { body: '{', token: a.token }), 403, 'forbidden');
});

test('bad JSON on a worker that does not exist is 404, not 400', async () => {
  expectError(await d.api('PATCH', `/api/v1/workers/${uid('ghost')}`, { body: 'not json', token: d.admin }), 404, 'not_found');
  expectError(await d.api('PUT', `/api/v1/workers/${uid('ghost')}/availability`, { body: '[', token: d.admin }), 404, 'not_found');
});

test('bad fields win over a taken id: 422 before 409', async () => {
  const w = await createWorker(d, { id: uid('or') });
  const r = await d.api('POST', '/api/v1/workers', {
    token: d.admin, body: { id: w.id, name: 'X', email: 'x@example.org', timezone: 'Mars/Olympus' },
  });
  expect422(r, 'timezone');
  await createService(d, w, { id: 'dup' });
  expect422(await d.api('POST', `/api/v1/workers/${w.id}/services`, {
    token: w.token, body: { id: 'dup', title: 'T', duration_min: 4 },
  }), 'duration_min');
});

// ---- the error body ---------------------------------------------------------

test('every error is {"error":{code,message,field?}} as application/json', async () => {
  const w = await createWorker(d, { id: uid('eb') });
  expectError(await d.api('GET', '/api/v1/nope'), 404, 'not_found');
  expectError(await d.api('DELETE', '/healthz'), 405, 'method_not_allowed');
  expectError(await d.api('PATCH', `/api/v1/workers/${w.id}`, { body: {} }), 401, 'unauthorized');
  expectError(await d.api('POST', '/api/v1/workers', { token: w.token, body: workerBody() }), 403, 'forbidden');
  expectError(await d.api('POST', '/api/v1/workers', { token: d.admin, body: '[1]' }), 400, 'invalid_json');
  expectError(await d.api('POST', '/api/v1/workers', { token: d.admin, body: { ...workerBody(), id: w.id } }), 409, 'conflict');
  expectError(await d.api('POST', '/api/v1/workers', { token: d.admin, body: workerBody({ timezone: 'UTC+1' }) }), 422, 'validation_failed', 'timezone');
});

// ---- the 64 KiB cap -----------------------------------------------------------

test('a body of exactly 64 KiB is accepted, one byte more is 413', async () => {
  const ok = bodyOfSize(65536);
  const r = await d.api('POST', '/api/v1/workers', { token: d.admin, body: ok });
  assert.equal(r.status, 201, r.text);
  expectError(await d.api('POST', '/api/v1/workers', { token: d.admin, body: bodyOfSize(65537) }),
    413, 'payload_too_large');
});

test('a Content-Length over 64 KiB is 413 at once, before the body is sent', async () => {
  const c = rawConn(d.url);
  await c.write(head('POST', '/api/v1/workers', {
    Authorization: `Bearer ${d.admin}`, 'Content-Type': 'application/json',
    'Content-Length': '70000', Connection: 'close',
  }));
  const r = await c.waitFinal(4000);
  c.close();
  assert.ok(r, 'no answer while the body was held back');
  expectError(r, 413, 'payload_too_large');
});

test('Expect: 100-continue with a Content-Length over 64 KiB: 413, no 100 Continue', async () => {
  const c = rawConn(d.url);
  await c.write(head('POST', '/api/v1/workers', {
    Authorization: `Bearer ${d.admin}`, 'Content-Type': 'application/json',
    'Content-Length': String(1024 * 1024), Expect: '100-continue', Connection: 'close',
  }));
  const r = await c.waitFinal(4000);
  const all = c.responses();
  c.close();
  assert.ok(r, 'no answer to the headers');
  assert.ok(!all.some((x) => x.status === 100), 'the server asked for a body it will refuse');
  expectError(r, 413, 'payload_too_large');
});

test('Expect: 100-continue with a small body gets 100 Continue and is served', async () => {
  const body = JSON.stringify(workerBody());
  const c = rawConn(d.url);
  await c.write(head('POST', '/api/v1/workers', {
    Authorization: `Bearer ${d.admin}`, 'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(body)), Expect: '100-continue', Connection: 'close',
  }));
  await c.waitFor(() => c.responses().length > 0, 3000);
  assert.equal(c.responses()[0]?.status, 100, 'expected 100 Continue');
  await c.write(body);
  const r = await c.waitFinal(4000);
  c.close();
  assert.equal(r?.status, 201, r?.text);
});

test('an over-size Content-Length without a token is 401 (auth before body)', async () => {
  const r = await rawRequest(d.url, head('POST', '/api/v1/workers', {
    'Content-Type': 'application/json', 'Content-Length': '70000', Connection: 'close',
  }), 4000);
  assert.ok(r, 'no answer');
  expectError(r, 401, 'unauthorized');
});

test('Expect: 100-continue without a token: 401 at once, no 100 Continue', async () => {
  const c = rawConn(d.url);
  await c.write(head('POST', '/api/v1/workers', {
    'Content-Type': 'application/json', 'Content-Length': '200', Expect: '100-continue', Connection: 'close',
  }));
  const r = await c.waitFinal(4000);
  const all = c.responses();
  c.close();
  assert.ok(r, 'no answer to the headers');
  assert.ok(!all.some((x) => x.status === 100), 'the server asked for a body it will refuse');
  expectError(r, 401, 'unauthorized');
});

test('a chunked body that passes 64 KiB is 413', async () => {
  const c = rawConn(d.url);
  await c.write(head('POST', '/api/v1/workers', {
    Authorization: `Bearer ${d.admin}`, 'Content-Type': 'application/json',
    'Transfer-Encoding': 'chunked', Connection: 'close',
  }));
  const start = JSON.stringify(workerBody()).slice(0, -1) + ',"pad":"';
  await c.write(`${Buffer.byteLength(start).toString(16)}\r\n${start}\r\n`);
  const piece = 'y'.repeat(8192);
  // Up to 160 KiB in 8 KiB chunks, stopping as soon as an answer arrives.
  for (let i = 0; i < 20 && c.responses().length === 0 && !c.closed; i++) {
    if (!(await c.write(`${piece.length.toString(16)}\r\n${piece}\r\n`))) break;
    await sleep(5);
  }
  if (c.responses().length === 0 && !c.closed) await c.write('2\r\n"}\r\n0\r\n\r\n');
  const r = await c.waitFinal(4000);
  c.close();
  assert.ok(r, 'no answer to an over-size chunked body');
  expectError(r, 413, 'payload_too_large');
});

test('a chunked body under the cap is served', async () => {
  const body = JSON.stringify(workerBody());
  const half = Math.floor(body.length / 2);
  const chunks = [body.slice(0, half), body.slice(half)];
  let raw = head('POST', '/api/v1/workers', {
    Authorization: `Bearer ${d.admin}`, 'Content-Type': 'application/json',
    'Transfer-Encoding': 'chunked', Connection: 'close',
  });
  for (const ch of chunks) raw += `${Buffer.byteLength(ch).toString(16)}\r\n${ch}\r\n`;
  raw += '0\r\n\r\n';
  const r = await rawRequest(d.url, raw);
  assert.equal(r?.status, 201, r?.text);
});

// ---- invalid JSON ---------------------------------------------------------------

test('a body that is not a JSON object is 400 invalid_json', async () => {
  const bad = ['not json', '', '{', '{"id": }', "{'id': 'x'}", '[]', '[{"id":"x"}]', '"text"', '42',
    'null', 'true', '{"id":"x"} trailing', '{"id":"x"}{"id":"y"}'];
  for (const body of bad) {
    const r = await d.api('POST', '/api/v1/workers', { token: d.admin, body, headers: { 'content-type': 'application/json' } });
    expectError(r, 400, 'invalid_json');
  }
});

test('invalid UTF-8 in a body is 400 invalid_json', async () => {
  const mk = (bytes) => Buffer.concat([
    Buffer.from(`{"id":"${uid('u8')}","name":"Marie `), Buffer.from(bytes),
    Buffer.from('","email":"marie@example.org","timezone":"Europe/Brussels"}'),
  ]);
  for (const bytes of [[0xff], [0xc3], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80]]) {
    const r = await d.api('POST', '/api/v1/workers', { token: d.admin, body: new Uint8Array(mk(bytes)) });
    expectError(r, 400, 'invalid_json');
  }
  // The same body with valid UTF-8 is fine.
  const r = await d.api('POST', '/api/v1/workers', { token: d.admin, body: new Uint8Array(mk([0xc3, 0xa9])) });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.name, 'Marie é');
});

test('nesting: depth 32 is accepted, depth 33 is 400', async () => {
  // The body object is level 1; n nested arrays add n levels.
  const arrays = (n) => '['.repeat(n) + ']'.repeat(n);
  const objects = (n) => '{"a":'.repeat(n - 1) + '{}' + '}'.repeat(n - 1);
  const withPad = (pad) => JSON.stringify(workerBody()).slice(0, -1) + `,"pad":${pad}}`;
  let r = await d.api('POST', '/api/v1/workers', { token: d.admin, body: withPad(arrays(31)) });
  assert.equal(r.status, 201, `depth 32 (arrays): ${r.text}`);
  r = await d.api('POST', '/api/v1/workers', { token: d.admin, body: withPad(objects(31)) });
  assert.equal(r.status, 201, `depth 32 (objects): ${r.text}`);
  expectError(await d.api('POST', '/api/v1/workers', { token: d.admin, body: withPad(arrays(32)) }), 400, 'invalid_json');
  expectError(await d.api('POST', '/api/v1/workers', { token: d.admin, body: withPad(objects(32)) }), 400, 'invalid_json');
  expectError(await d.api('POST', '/api/v1/workers', { token: d.admin, body: withPad(arrays(5000)) }), 400, 'invalid_json');
});

test('unknown fields are ignored', async () => {
  const body = workerBody({ colour: 'blue', nested: { a: [1, 2, { b: null }] }, admin: true });
  const r = await d.api('POST', '/api/v1/workers', { token: d.admin, body });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.id, body.id);
  assert.equal(r.json.colour, undefined);
  const w = r.json;
  const s = await d.api('POST', `/api/v1/workers/${w.id}/services`, {
    token: w.token, body: { id: 'x', title: 'X', duration_min: 30, whatever: [1] },
  });
  assert.equal(s.status, 201, s.text);
});

// ---- numbers ------------------------------------------------------------------------

test('a number outside its range is 422 naming the field', async () => {
  const w = await createWorker(d, { id: uid('nr') });
  const post = (f) => d.api('POST', `/api/v1/workers/${w.id}/services`, {
    token: w.token, body: { id: uid('s'), title: 'T', duration_min: 60, ...f },
  });
  expect422(await post({ capacity: 1001 }), 'capacity');
  expect422(await post({ capacity: -1 }), 'capacity');
  expect422(await post({ duration_min: 2147483648 }), 'duration_min');
  expect422(await post({ horizon_days: -9007199254740991 }), 'horizon_days');
});

test('a number beyond 64 bits or a double is 400 or 422, never accepted', async () => {
  const w = await createWorker(d, { id: uid('nr') });
  for (const lit of ['99999999999999999999999', '-99999999999999999999999', '1e400']) {
    const body = `{"id":"${uid('s')}","title":"T","duration_min":60,"capacity":${lit}}`;
    const r = await d.api('POST', `/api/v1/workers/${w.id}/services`, { token: w.token, body });
    if (r.status === 400) expectError(r, 400, 'invalid_json');
    else expect422(r, 'capacity');
  }
});

// ---- headers ------------------------------------------------------------------------

test('answers carry X-Content-Type-Options: nosniff (success and error)', async () => {
  for (const [m, p] of [['GET', '/healthz'], ['GET', '/api/v1/nope'], ['DELETE', '/healthz']]) {
    const r = await d.api(m, p);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff', `${m} ${p}`);
  }
  const r = await d.api('PATCH', `/api/v1/workers/${uid('x')}`, { body: {} });
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
});

test('pages carry a Content-Security-Policy that loads nothing from other hosts', async () => {
  const w = await createWorker(d, { id: uid('pg') });
  await createService(d, w, { id: 'maths-60' });
  for (const p of ['/admin', `/${w.id}`, `/${w.id}/maths-60`]) {
    const r = await d.api('GET', p);
    assert.equal(r.status, 200, `${p}: ${r.status}`);
    assert.match(r.headers.get('content-type') || '', /^text\/html/, p);
    const csp = r.headers.get('content-security-policy') || '';
    assert.match(csp, /default-src\s+('self'|'none')/, `${p}: CSP "${csp}"`);
    assert.doesNotMatch(csp, /(^|[\s;])\*(\s|;|$)|https?:/, `${p}: CSP allows other hosts: "${csp}"`);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff', p);
  }
});

test('no answer leaks a stack trace or SQL text', async () => {
  const w = await createWorker(d, { id: uid('lk') });
  const probes = [
    ['GET', `/api/v1/workers/${encodeURIComponent("x' OR '1'='1")}`],
    ['GET', `/api/v1/workers/${w.id}/services/${encodeURIComponent("'; DROP TABLE workers; --")}`],
  ];
  for (const [m, p] of probes) {
    const r = await d.api(m, p);
    assert.ok(r.status === 404 || r.status === 422, `${p}: ${r.status}`);
    assert.doesNotMatch(r.text, /sqlite|SELECT|syntax error|\.c:\d+/i);
  }
  assert.equal((await d.api('GET', '/healthz')).status, 200);
});
