// worker.js: a worker's public page, /{worker}: their name and their
// active services, each linking to its booking page.
import { initPage, onLangChange, t } from './i18n.js';
import { api, ApiError, NetworkError, workerPath } from './api.js';
import { $, announce, h } from './dom.js';
import { formatDuration } from './time.js';

initPage();

const st = { wid: null, worker: null, error: null };

function fatal(key) {
  st.error = key;
  $('title').textContent = t(key === 'error.pageNotFound' ? 'error.pageNotFoundTitle' : 'error.title');
  announce($('page-status'), t(key), 'error');
}

function render() {
  const w = st.worker;
  document.title = w.name;
  $('title').textContent = w.name;
  const list = $('services');
  list.replaceChildren();
  const services = (w.services || []).filter((s) => s.active !== false);
  for (const s of services) {
    const href = `/${encodeURIComponent(w.id || st.wid)}/${encodeURIComponent(s.id)}${location.search}`;
    const titleId = `svc-${s.id}`;
    list.append(h('li', { class: 'card' },
      h('h3', { id: titleId }, h('a', { class: 'card-link', href, text: s.title })),
      s.description ? h('p', { class: 'pre-line', text: s.description }) : null,
      h('ul', { class: 'facts', 'aria-label': t('worker.factsOf', { title: s.title }) },
        Number.isFinite(s.duration_min) ? h('li', { class: 'fact' }, formatDuration(s.duration_min)) : null,
        s.capacity > 1 ? h('li', { class: 'fact' }, t('service.seats', { n: s.capacity })) : null,
        s.video !== false ? h('li', { class: 'fact' }, t('service.video')) : null),
      h('p', {}, h('a', {
        class: 'btn btn-primary', href, 'aria-describedby': titleId, text: t('worker.choose'),
      }))));
  }
  $('no-services').hidden = services.length > 0;
  $('services-section').hidden = false;
}

async function main() {
  let id;
  try {
    id = decodeURIComponent(location.pathname.split('/').filter(Boolean)[0] || '');
  } catch {
    id = '';
  }
  st.wid = id;
  if (!id) return fatal('error.pageNotFound');
  try {
    st.worker = await api(workerPath(id));
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return fatal('error.pageNotFound');
    if (e instanceof NetworkError) return fatal('error.network');
    return fatal(e instanceof ApiError && e.status >= 500 ? 'error.server' : 'error.unexpected');
  }
  render();
}

onLangChange(() => {
  if (st.error) fatal(st.error);
  else if (st.worker) render();
});

main();
