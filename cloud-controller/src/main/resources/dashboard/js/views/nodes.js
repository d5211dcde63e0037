// Nodes table: label selector and state filtered by the API, profile on the page; paged.

import { api } from '../api.js';
import { STATE_ORDER } from '../charts.js';
import { ago, badge, h, table, replace } from '../dom.js';
import { heading, refresher, updatedNow } from './common.js';

const PAGE = 50;

export function nodesView({ query, go }) {
  const selector = query.get('selector') ?? '';
  const state = query.get('state') ?? '';
  const profile = query.get('profile') ?? '';
  // Continue tokens of the pages before this one, for "Previous".
  const pages = [''];
  let next = null;

  const selectorInput = h('input', { id: 'f-selector', name: 'selector', value: selector,
    placeholder: 'district=north,site!=n2', 'data-testid': 'filter-selector' });
  const stateSelect = h('select', { id: 'f-state', name: 'state', 'data-testid': 'filter-state' },
    h('option', { value: '' }, 'any'),
    STATE_ORDER.map((s) => h('option', { value: s, selected: s === state }, s)));
  const profileSelect = h('select', { id: 'f-profile', name: 'profile', 'data-testid': 'filter-profile' },
    h('option', { value: '' }, 'any'));
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter nodes', 'data-testid': 'node-filters' },
    h('div', { class: 'field' }, h('label', { for: 'f-selector' }, 'Label selector'), selectorInput),
    h('div', { class: 'field' }, h('label', { for: 'f-state' }, 'State'), stateSelect),
    h('div', { class: 'field' }, h('label', { for: 'f-profile' }, 'Profile'), profileSelect),
    h('button', { type: 'submit', 'data-testid': 'filter-apply' }, 'Apply'),
    h('button', { type: 'button', class: 'secondary', onclick: () => go('#/nodes') }, 'Clear'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const q = new URLSearchParams();
    if (selectorInput.value.trim()) q.set('selector', selectorInput.value.trim());
    if (stateSelect.value) q.set('state', stateSelect.value);
    if (profileSelect.value) q.set('profile', profileSelect.value);
    const qs = q.toString();
    go(qs ? `#/nodes?${qs}` : '#/nodes');
  });

  const errors = h('div', {});
  const body = h('div', { 'data-testid': 'nodes-body' });
  const prev = h('button', { type: 'button', class: 'secondary', 'data-testid': 'page-prev', disabled: true }, '← Previous');
  const nextButton = h('button', { type: 'button', class: 'secondary', 'data-testid': 'page-next', disabled: true }, 'Next →');
  const pageInfo = h('span', { class: 'muted', 'data-testid': 'page-info' });
  const updated = h('p', { class: 'muted' });
  prev.addEventListener('click', () => {
    if (pages.length > 1) pages.pop();
    refresh();
  });
  nextButton.addEventListener('click', () => {
    if (next) pages.push(next);
    refresh();
  });

  api('/profiles').then((profiles) => {
    for (const p of profiles) profileSelect.append(h('option', { value: p.name, selected: p.name === profile }, p.name));
  }).catch(() => {});

  async function load() {
    const q = new URLSearchParams({ limit: String(PAGE), labelSelector: selector, state, continue: pages.at(-1) });
    const page = await api(`/nodes?${q}`);
    next = page.continueToken;
    const items = profile ? page.items.filter((n) => n.profile === profile) : page.items;
    const rows = items.map((n) => {
      const link = h('a', { href: `#/nodes/${encodeURIComponent(n.id)}`, 'data-testid': 'node-link' }, n.id);
      const row = h('tr', { 'data-testid': 'node-row', 'data-node': n.id, class: 'clickable' },
        h('th', { scope: 'row' }, link),
        h('td', {}, badge(n.state)),
        h('td', {}, n.profile),
        h('td', {}, Object.entries(n.labels).map(([k, v]) => h('span', { class: 'chip' }, `${k}=${v}`))),
        h('td', {}, ago(n.lastSeenAt)),
        h('td', {}, n.cordoned ? 'cordoned' : ''));
      row.addEventListener('click', (event) => {
        if (event.target.closest('a')) return;
        go(`#/nodes/${encodeURIComponent(n.id)}`);
      });
      return row;
    });
    replace(body, table(['Node', 'State', 'Profile', 'Labels', 'Last seen', ''], rows,
      { testid: 'nodes-table', empty: 'No node matches these filters.', caption: 'Nodes' }));
    prev.disabled = pages.length <= 1;
    nextButton.disabled = !next;
    pageInfo.textContent = `Page ${pages.length} · ${items.length} node${items.length === 1 ? '' : 's'}${profile ? ' (profile filtered on this page)' : ''}`;
    updated.textContent = updatedNow();
  }

  const refresh = refresher(load, errors);
  const element = h('div', { class: 'nodes' },
    heading('Nodes', updated), form, errors, body,
    h('div', { class: 'pager' }, prev, pageInfo, nextButton));
  return { element, refresh };
}
