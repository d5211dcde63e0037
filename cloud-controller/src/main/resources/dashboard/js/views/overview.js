// Fleet overview: counts by node state and every node as a tile, grouped by district and site.

import { allNodes, api } from '../api.js';
import { STATE_ORDER, stateBar } from '../charts.js';
import { ago, badge, h, replace, section, table } from '../dom.js';
import { heading, refresher, updatedNow } from './common.js';

const UNLABELLED = 'unlabelled';

/** Groups nodes by their district label, then site label; unlabelled ones last. Pure. */
export function groupNodes(nodes) {
  const districts = new Map();
  for (const n of nodes) {
    const d = n.labels?.district || UNLABELLED;
    const site = n.labels?.site || UNLABELLED;
    if (!districts.has(d)) districts.set(d, new Map());
    const sites = districts.get(d);
    if (!sites.has(site)) sites.set(site, []);
    sites.get(site).push(n);
  }
  const order = (a, b) => (a === UNLABELLED) - (b === UNLABELLED) || a.localeCompare(b);
  return [...districts.keys()].sort(order).map((d) => ({
    district: d,
    sites: [...districts.get(d).keys()].sort(order).map((site) => ({
      site,
      nodes: districts.get(d).get(site).sort((a, b) => a.id.localeCompare(b.id)),
    })),
  }));
}

/** A tile's colour class: its state, and 'cordoned' as an outline. */
function tile(n) {
  const usage = n.usage ? `, CPU ${n.usage.cpuMillis} m` : '';
  const tip = `${n.id}: ${n.state} since ${ago(n.stateSince)}; profile ${n.profile}; last seen ${ago(n.lastSeenAt)}${n.cordoned ? '; cordoned' : ''}${usage}`;
  return h('a', {
    class: `tile state-${n.state.toLowerCase()}${n.cordoned ? ' cordoned' : ''}`,
    href: `#/nodes/${encodeURIComponent(n.id)}`,
    title: tip,
    'aria-label': tip,
    'data-testid': 'node-tile',
    'data-node': n.id,
    'data-state': n.state,
  });
}

export function overviewView() {
  const counts = h('div', { class: 'counts', 'data-testid': 'state-counts' });
  const bar = h('div', { class: 'bar-slot' });
  const grid = h('div', { class: 'districts', 'data-testid': 'node-grid' });
  const rollouts = h('div', {});
  const errors = h('div', {});
  const updated = h('p', { class: 'muted', 'data-testid': 'last-update' });
  const element = h('div', { class: 'overview' },
    heading('Fleet overview', updated),
    errors, counts, bar,
    h('ul', { class: 'legend-list', 'aria-label': 'Tile colours' },
      STATE_ORDER.map((st) => h('li', {}, h('span', { class: `swatch state-${st.toLowerCase()}` }), st.replace('_', ' ').toLowerCase())),
      h('li', {}, h('span', { class: 'swatch cordoned' }), 'cordoned')),
    grid,
    section('Rollouts in progress', 'overview-rollouts', rollouts));

  async function load() {
    const [summary, { nodes, truncated }, deployments] =
      await Promise.all([api('/fleet/summary'), allNodes(), api('/deployments')]);
    const byState = { ...Object.fromEntries(STATE_ORDER.map((s) => [s, 0])), ...summary.byState };
    replace(counts, 
      h('div', { class: 'count total', 'data-testid': 'count-total' },
        h('span', { class: 'count-n' }, summary.total), h('span', { class: 'count-label' }, 'nodes')),
      ...Object.keys(byState).map((state) =>
        h('a', { class: `count state-${state.toLowerCase()}`, href: `#/nodes?state=${state}`,
          'data-testid': `count-${state}`, 'data-count': byState[state] },
        h('span', { class: 'count-n' }, byState[state]),
        h('span', { class: 'count-label' }, state.replace('_', ' ').toLowerCase()))),
      h('div', { class: 'count', 'data-testid': 'count-deployments' },
        h('span', { class: 'count-n' }, summary.deployments), h('span', { class: 'count-label' }, 'deployments')));
    replace(bar, stateBar(byState));
    replace(grid, 
      ...groupNodes(nodes).map((g) =>
        h('section', { class: 'district', 'data-testid': 'district', 'data-district': g.district,
          'aria-label': `District ${g.district}` },
        h('h2', {}, g.district === UNLABELLED ? 'No district' : `District ${g.district}`,
          h('span', { class: 'muted' }, ` · ${g.sites.reduce((a, s) => a + s.nodes.length, 0)} nodes`)),
        h('div', { class: 'sites' },
          g.sites.map((s) => h('div', { class: 'site', 'data-testid': 'site', 'data-site': s.site },
            h('h3', {}, s.site === UNLABELLED ? 'no site' : s.site),
            h('div', { class: 'tiles' }, s.nodes.map(tile))))))),
      truncated ? h('p', { class: 'muted' }, 'Showing the first 5,000 nodes; use the Nodes table to filter.') : null,
      nodes.length === 0 ? h('p', { class: 'empty' }, 'No nodes enrolled yet.') : null);
    replace(rollouts, table(['Deployment', 'Revisions', 'State', 'Step', 'Message'],
      deployments.filter((d) => d.rollout).map((d) =>
        h('tr', { 'data-testid': 'overview-rollout', 'data-deployment': d.name },
          h('th', { scope: 'row' }, h('a', { href: `#/deployments/${encodeURIComponent(d.name)}` }, d.name)),
          h('td', {}, `${d.rollout.fromRevision} → ${d.rollout.toRevision}`),
          h('td', {}, badge(d.rollout.state)),
          h('td', { class: 'num' }, d.rollout.step + 1),
          h('td', {}, d.rollout.message))),
      { testid: 'overview-rollouts-table', empty: 'No rollout in progress.', caption: 'Rollouts in progress' }));
    updated.textContent = updatedNow();
  }

  const refresh = refresher(load, errors);
  return { element, refresh };
}
