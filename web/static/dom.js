// dom.js: building elements without HTML strings. Everything a person typed
// (names, notes, titles) goes in as text nodes, so it can never become markup.

// h('p', {class: 'x', text: 'hello'}, child, 'text', ...). Attributes:
// class, text, hidden, on<event> (functions), anything else via
// setAttribute (false/null/undefined: left out).
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === false || v === null || v === undefined) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k === 'hidden') el.hidden = !!v;
    else if (k === 'disabled') el.disabled = !!v;
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.append(c);
    else el.append(document.createTextNode(String(c)));
  }
}

// el.replaceChildren() that skips null/false/undefined children (the DOM
// one would insert the text "null").
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export function $(id) {
  return document.getElementById(id);
}

// Puts a message in a live region. Clearing first and setting on the next
// frame makes screen readers announce the same message twice in a row.
export function announce(region, text, kind = '') {
  region.textContent = '';
  region.className = region.className.replace(/\bnotice-\w+\b/g, '').trim();
  if (!text) return;
  if (kind) region.classList.add(`notice-${kind}`);
  requestAnimationFrame(() => { region.textContent = text; });
}

// Random id for Idempotency-Key: crypto.randomUUID needs a secure
// context, which a plain-HTTP LAN deployment is not.
export function randomKey() {
  if (crypto.randomUUID) {
    try { return crypto.randomUUID(); } catch { /* not a secure context */ }
  }
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}
