// admin-form.js: the console's form pieces: labelled fields whose error
// slot the server's 422 answers can find by their JSON path (`field`), copy
// boxes, and the two-step confirmation used before anything destructive.
// Everything is built with dom.js, so every value stays text.
import { h } from './dom.js';
import { t } from './i18n.js';

let seq = 0;

export function uid(prefix = 'a') {
  seq += 1;
  return `${prefix}-${seq}`;
}

// Text with a translation key: set now and refreshed by applyStatic() when
// the language changes.
export function tx(tag, key, attrs = {}) {
  return h(tag, { ...attrs, 'data-i18n': key, text: t(key) });
}

// An error slot for a group of controls; returns [span, id].
export function errorSlot() {
  const id = uid('err');
  return [h('span', { id, class: 'field-error' }), id];
}

function describe(control, ...ids) {
  const old = (control.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
  control.setAttribute('aria-describedby', [...old, ...ids.filter(Boolean)].join(' '));
}

// A labelled control in a .field box named by its JSON path (data-field),
// with an optional hint and an error slot the control is described by.
export function fieldBox(name, labelKey, hintKey, control, { required = false } = {}) {
  if (hintKey && t(hintKey) === hintKey) hintKey = null;
  if (!control.id) control.id = uid('f');
  const hintId = hintKey ? `${control.id}-hint` : null;
  const [err, errId] = errorSlot();
  describe(control, hintId, errId);
  if (required) control.setAttribute('aria-required', 'true');
  return h('div', { class: 'field', 'data-field': name },
    h('label', { for: control.id },
      tx('span', labelKey),
      required ? h('span', { class: 'required-mark', 'aria-hidden': 'true', text: ' *' }) : null),
    hintKey ? tx('span', hintKey, { id: hintId, class: 'hint' }) : null,
    control,
    err);
}

// A checkbox with its label on the right and a hint below.
export function checkBox(name, labelKey, hintKey, input) {
  if (hintKey && t(hintKey) === hintKey) hintKey = null;
  if (!input.id) input.id = uid('c');
  const hintId = hintKey ? `${input.id}-hint` : null;
  const [err, errId] = errorSlot();
  describe(input, hintId, errId);
  return h('div', { class: 'field check-field', 'data-field': name },
    h('div', { class: 'check-row' }, input, tx('label', labelKey, { for: input.id })),
    hintKey ? tx('span', hintKey, { id: hintId, class: 'hint' }) : null,
    err);
}

export function clearErrors(root) {
  for (const el of root.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  for (const el of root.querySelectorAll('.field-error')) el.replaceChildren();
}

// The sentence shown for a field the server refused, in the page language;
// the server's own (English) words follow it.
export function fieldMessage(field) {
  const f = String(field || '');
  let key = null;
  if (/^weekly\.\w+\[\d+\]$/.test(f) || /^overrides\[\d+\]\.intervals\[\d+\]$/.test(f)) key = 'admin.err.interval';
  else if (/^weekly(\.\w+)?$/.test(f)) key = 'admin.err.weekly';
  else if (/^overrides\[\d+\]\.date$/.test(f)) key = 'admin.err.overrideDate';
  else if (/^time_off\[\d+\]/.test(f)) key = 'admin.err.timeOff';
  else if (/^[a-z_]+$/.test(f)) key = `admin.err.f.${f}`;
  const s = key ? t(key) : null;
  return s && s !== key ? s : t('admin.err.invalid');
}

// Puts a message at the box named `field`, or the nearest enclosing one
// (`weekly.mon[1]` falls back to `weekly.mon`, then `weekly`). Controls
// described by the box's error slot get aria-invalid; the first is
// focused. Returns false when no box carries that name.
export function showFieldError(root, field, message, serverMsg, { focus = true } = {}) {
  let f = String(field || '');
  let box = null;
  while (f && !box) {
    box = root.querySelector(`[data-field="${CSS.escape(f)}"]`);
    if (!box) {
      const m = /^(.*?)(\[\d+\]|\.[^.[\]]+)$/.exec(f);
      f = m ? m[1] : '';
    }
  }
  if (!box) return false;
  const err = box.querySelector(':scope > .field-error') || box.querySelector('.field-error');
  if (!err) return false;
  err.replaceChildren(message);
  if (serverMsg && serverMsg !== message) {
    err.append(' ', h('span', { class: 'server-msg', lang: 'en', text: `(${serverMsg})` }));
  }
  const controls = [...root.querySelectorAll('input, select, textarea')]
    .filter((c) => (c.getAttribute('aria-describedby') || '').split(/\s+/).includes(err.id));
  for (const c of controls) c.setAttribute('aria-invalid', 'true');
  if (focus && controls[0]) controls[0].focus();
  return true;
}

async function copyText(text, input) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    if (!input) return false;
    input.select();
    try { return document.execCommand('copy'); } catch { return false; }
  }
}

// A read-only value with a copy button; `status` is a live region that
// says "copied". opts.link adds an "open" link (same tab for our pages).
export function copyBox(labelKey, value, { id, hintKey, status, open, secret = false } = {}) {
  const input = h('input', {
    id: id || uid('copy'), type: 'text', readonly: true, value, spellcheck: 'false',
    class: secret ? 'mono secret' : 'mono',
  });
  const box = fieldBox(null, labelKey, hintKey, input);
  box.removeAttribute('data-field');
  const btn = h('button', {
    type: 'button', class: 'btn', 'data-copy-for': input.id,
    onclick: async () => {
      const ok = await copyText(input.value, input);
      if (status) {
        status.textContent = '';
        requestAnimationFrame(() => { status.textContent = t(ok ? 'admin.copied' : 'admin.copyFailed'); });
      }
    },
  }, tx('span', 'admin.copy'), h('span', { class: 'sr-only', text: ` ${t(labelKey)}` }));
  const after = input.nextSibling;
  const row = h('div', { class: 'copy-row' }, input, btn);
  if (open) row.append(open);
  box.insertBefore(row, after);
  return box;
}

// A confirmation panel: a question, optional extra content, Yes / No.
// onYes() may throw: its message is shown in the panel and the panel
// stays. Closing focuses `returnTo`.
export function confirmPanel({ question, yesKey, noKey = 'admin.no', onYes, returnTo, extra = null, neutral = false }) {
  const qid = uid('q');
  const status = h('div', { class: 'notice notice-error', role: 'alert' });
  const yes = h('button', { type: 'button', class: `btn btn-primary${neutral ? '' : ' btn-danger'}` }, tx('span', yesKey));
  const no = h('button', { type: 'button', class: 'btn' }, tx('span', noKey));
  const panel = h('div', {
    class: `confirm-panel${neutral ? ' neutral' : ''}`, role: 'group', 'aria-labelledby': qid,
  },
  h('p', { id: qid, tabindex: '-1', text: question }),
  extra,
  status,
  h('div', { class: 'btn-row' }, yes, no));
  const close = () => {
    panel.remove();
    if (returnTo && returnTo.isConnected) returnTo.focus();
  };
  no.addEventListener('click', close);
  panel.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') close();
  });
  yes.addEventListener('click', async () => {
    yes.disabled = true;
    no.disabled = true;
    status.textContent = '';
    try {
      await onYes(panel);
      panel.remove();
    } catch (e) {
      status.textContent = e.message || String(e);
      yes.disabled = false;
      no.disabled = false;
    }
  });
  panel.yes = yes;
  panel.focusQuestion = () => panel.querySelector(`#${qid}`).focus();
  return panel;
}

// Opens a confirmation panel after `anchor` (only one at a time there).
export function openConfirm(anchor, opts) {
  const next = anchor.nextElementSibling;
  if (next && next.classList.contains('confirm-panel')) next.remove();
  const p = confirmPanel({ returnTo: opts.returnTo || null, ...opts });
  anchor.after(p);
  p.focusQuestion();
  return p;
}
