// admin-services.js: the worker's services: the list (with edit and
// delete) and one form for creating (POST) or editing (PATCH) a service,
// with every field of API.md and what each one means.
import { h, $, announce } from './dom.js';
import { t } from './i18n.js';
import { api, ApiError, describeError, servicePath, workerPath } from './api.js';
import {
  checkBox, clearErrors, fieldBox, fieldMessage, openConfirm, showFieldError, tx,
} from './admin-form.js';
import { formatDuration } from './time.js';

// [name, kind, {min, max, required, createOnly}]; labels and hints are
// admin.svc.NAME and admin.svc.NAME.hint in the catalogue.
const FIELDS = [
  ['id', 'text', { required: true, createOnly: true }],
  ['title', 'text', { required: true }],
  ['description', 'textarea', {}],
  ['duration_min', 'number', { min: 5, max: 720, required: true }],
  ['step_min', 'number', { min: 5, max: 720 }],
  ['capacity', 'number', { min: 1, max: 1000 }],
  ['buffer_before_min', 'number', { min: 0, max: 720 }],
  ['buffer_after_min', 'number', { min: 0, max: 720 }],
  ['min_notice_min', 'number', { min: 0, max: 525600 }],
  ['horizon_days', 'number', { min: 1, max: 730 }],
  ['max_per_day', 'number', { min: 1, max: 1000 }],
  ['video', 'bool', {}],
  ['active', 'bool', {}],
];

const DEFAULTS = {
  id: '', title: '', description: '', duration_min: 60, step_min: '', capacity: 1,
  buffer_before_min: 0, buffer_after_min: 0, min_notice_min: 60, horizon_days: 60,
  max_per_day: '', video: true, active: true,
};

export function createServicesEditor(ctx) {
  const st = { services: [], editing: null, returnTo: null };
  const form = $('service-form');
  const fields = $('service-fields');
  const status = $('services-status');
  const formStatus = $('service-form-status');

  function control(name, kind, opts, value) {
    const id = `svc-${name.replace(/_/g, '-')}`;
    if (kind === 'bool') {
      return checkBox(name, `admin.svc.${name}`, `admin.svc.${name}.hint`,
        h('input', { type: 'checkbox', id, name, checked: !!value }));
    }
    let input;
    if (kind === 'textarea') {
      input = h('textarea', { id, name, rows: '3', maxlength: '2000' });
      input.value = value ?? '';
    } else {
      input = h('input', {
        id, name, type: kind === 'number' ? 'number' : 'text', value: value ?? '',
        inputmode: kind === 'number' ? 'numeric' : null,
        min: opts.min ?? null, max: opts.max ?? null, step: kind === 'number' ? '1' : null,
        autocapitalize: name === 'id' ? 'none' : null, spellcheck: name === 'id' ? 'false' : null,
        maxlength: kind === 'text' ? (name === 'id' ? '63' : '200') : null,
        class: kind === 'number' ? 'num-input' : null,
      });
    }
    return fieldBox(name, `admin.svc.${name}`, `admin.svc.${name}.hint`, input, { required: !!opts.required });
  }

  function openForm(service, trigger) {
    st.editing = service ? service.id : null;
    st.returnTo = trigger || null;
    const v = service ? { ...DEFAULTS, ...service } : DEFAULTS;
    if (v.max_per_day === null) v.max_per_day = '';
    fields.replaceChildren(...FIELDS
      .filter(([name, , o]) => !(service && o.createOnly))
      .map(([name, kind, o]) => control(name, kind, o, v[name])));
    if (service) {
      fields.prepend(h('p', { class: 'muted' }, t('admin.svc.id'), ': ', h('code', { text: service.id })));
    }
    const head = $('service-form-h');
    head.textContent = service ? t('admin.services.editTitle', { title: service.title }) : t('admin.services.newTitle');
    formStatus.textContent = '';
    form.hidden = false;
    $('service-new').hidden = true;
    head.focus();
  }

  function closeForm() {
    form.hidden = true;
    fields.replaceChildren();
    st.editing = null;
    $('service-new').hidden = false;
    const back = st.returnTo && st.returnTo.isConnected ? st.returnTo : $('service-new');
    back.focus();
  }

  // The JSON body from the form; null (with errors shown) when the browser
  // already knows a value is not a number.
  function read() {
    const body = {};
    let bad = false;
    for (const [name, kind] of FIELDS) {
      const el = form.querySelector(`[name="${name}"]`);
      if (!el) continue;
      if (kind === 'bool') body[name] = el.checked;
      else if (kind === 'number') {
        if (el.validity.badInput) {
          showFieldError(form, name, t('admin.err.number'), null, { focus: !bad });
          bad = true;
          continue;
        }
        const s = el.value.trim();
        if (s === '') {
          if (name === 'max_per_day') body[name] = null;
          continue;	/* the server's default (create) or unchanged */
        }
        body[name] = Number(s);
      } else body[name] = el.value;
    }
    if (st.editing) delete body.id;
    return bad ? null : body;
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    formStatus.textContent = '';
    const body = read();
    if (!body) return;
    const save = $('service-save');
    save.disabled = true;
    try {
      const path = st.editing ? servicePath(ctx.wid, st.editing) : `${workerPath(ctx.wid)}/services`;
      const s = await api(path, { method: st.editing ? 'PATCH' : 'POST', token: ctx.token(), body });
      const was = st.editing;
      await load();
      closeForm();
      announce(status, t(was ? 'admin.services.saved' : 'admin.services.created', { title: s.title }), 'ok');
      ctx.changed();
    } catch (e) {
      if (e instanceof ApiError && e.status === 422 && e.field &&
          showFieldError(form, e.field, fieldMessage(e.field), e.message)) {
        formStatus.textContent = t('admin.err.seeField');
      } else if (e instanceof ApiError && e.status === 409) {
        formStatus.textContent = t('admin.services.idTaken');
        showFieldError(form, 'id', t('admin.services.idTaken'), null);
      } else {
        formStatus.textContent = describeError(e);
      }
    } finally {
      save.disabled = false;
    }
  });

  $('service-cancel').addEventListener('click', closeForm);
  $('service-new').addEventListener('click', (ev) => openForm(null, ev.currentTarget));
  form.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && !ev.target.closest('.confirm-panel')) closeForm();
  });

  function facts(s) {
    return h('ul', { class: 'facts', 'aria-label': t('worker.factsOf', { title: s.title }) },
      h('li', { class: 'fact', text: formatDuration(s.duration_min) }),
      h('li', { class: 'fact', text: t('service.seats', { n: s.capacity }) }),
      s.video ? h('li', { class: 'fact', text: t('service.video') }) : null,
      h('li', { class: `fact ${s.active ? '' : 'fact-off'}`, text: t(s.active ? 'admin.svc.on' : 'admin.svc.off') }));
  }

  function render() {
    const ul = $('services');
    ul.replaceChildren();
    for (const s of st.services) {
      const hid = `svc-card-${s.id}`;
      const edit = h('button', {
        type: 'button', class: 'btn', 'aria-describedby': hid,
        onclick: (ev) => openForm(s, ev.currentTarget),
      }, tx('span', 'admin.edit'));
      const del = h('button', { type: 'button', class: 'btn btn-danger', 'aria-describedby': hid });
      del.append(tx('span', 'admin.delete'));
      const row = h('div', { class: 'btn-row' }, edit, del);
      del.addEventListener('click', () => openConfirm(row, {
        question: t('admin.services.deleteQuestion', { title: s.title }),
        yesKey: 'admin.services.deleteYes',
        returnTo: del,
        onYes: async () => {
          try {
            await api(servicePath(ctx.wid, s.id), { method: 'DELETE', token: ctx.token() });
          } catch (e) {
            if (e instanceof ApiError && e.status === 409) throw new Error(t('admin.services.deleteBusy'));
            throw new Error(describeError(e));
          }
          await load();
          announce(status, t('admin.services.deleted', { title: s.title }), 'ok');
          $('services-h').focus();
          ctx.changed();
        },
      }));
      ul.append(h('li', { class: 'card service-card', 'data-service': s.id },
        h('h3', { id: hid, text: s.title }),
        h('p', { class: 'muted' }, h('code', { text: s.id }),
          ' · ', h('a', { href: `/${encodeURIComponent(ctx.wid)}/${encodeURIComponent(s.id)}`, text: t('admin.services.page') })),
        s.description ? h('p', { class: 'pre-line', text: s.description }) : null,
        facts(s),
        row));
    }
    $('services-empty').hidden = st.services.length > 0;
  }

  async function load() {
    const r = await api(`${workerPath(ctx.wid)}/services`, { token: ctx.token() });
    st.services = r.services || [];
    render();
    return st.services;
  }

  return {
    load, render,
    list: () => st.services,
    reset() { st.services = []; if (!form.hidden) { form.hidden = true; fields.replaceChildren(); $('service-new').hidden = false; } },
  };
}
