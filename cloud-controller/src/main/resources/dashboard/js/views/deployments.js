// Deployments: each with its revision, image, nodes by state and rollout.

import { api, seg } from '../api.js';
import { badge, h, table, time, replace } from '../dom.js';
import { heading, refresher, updatedNow } from './common.js';

export function deploymentsView() {
  const errors = h('div', {});
  const body = h('div', {});
  const updated = h('p', { class: 'muted' });

  async function load() {
    const deployments = await api('/deployments');
    replace(body, table(['Deployment', 'Revision', 'Image', 'Selector', 'Nodes', 'Rollout', 'Created'],
      deployments.map((d) => h('tr', { 'data-testid': 'deployment-row', 'data-deployment': d.name },
        h('th', { scope: 'row' }, h('a', { href: `#/deployments/${seg(d.name)}`, 'data-testid': 'deployment-link' }, d.name)),
        h('td', { class: 'num' }, d.revision, d.rollout ? h('span', { class: 'muted' }, ` (stable ${d.stableRevision})`) : null),
        h('td', {}, h('code', {}, d.image)),
        h('td', {}, d.selector ? h('code', {}, d.selector) : 'every node'),
        h('td', {}, Object.entries(d.nodes).map(([state, n]) => h('span', { class: `chip state-chip state-${state.toLowerCase()}` }, `${n} ${state.toLowerCase().replace('_', ' ')}`))),
        h('td', {}, d.rollout ? [badge(d.rollout.state, 'deployment-rollout-state'), ` step ${d.rollout.step + 1}`] : '—'),
        h('td', {}, time(d.createdAt)))),
      { testid: 'deployments-table', empty: 'No deployments yet: apply a manifest with the CLI or POST /api/v1/deployments.', caption: 'Deployments' }));
    updated.textContent = updatedNow();
  }

  const refresh = refresher(load, errors);
  return { element: h('div', { class: 'deployments' }, heading('Deployments', updated), errors, body), refresh };
}
