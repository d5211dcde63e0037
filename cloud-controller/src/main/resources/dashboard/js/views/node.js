// One node: labels, profile, state, workloads with their images, resource use, recent events.

import { api, seg } from '../api.js';
import { ago, badge, bytes, h, section, table, time, replace } from '../dom.js';
import { heading, refresher, updatedNow } from './common.js';

const RECENT = 50;

/** The last RECENT events of the node, paging through the stored order. */
async function recentEvents(id) {
  let after = 0;
  let kept = [];
  for (let i = 0; i < 20; i++) {
    const page = await api(`/events?node=${seg(id)}&after=${after}&limit=1000`);
    kept = kept.concat(page.items).slice(-RECENT);
    if (page.items.length < 1000) break;
    after = page.next;
  }
  return kept.reverse();
}

/** The image of a deployment's revision, from its stored manifest; cached per view. */
function imageLookup() {
  const cache = new Map();
  return async (deployment, revision) => {
    if (!cache.has(deployment)) {
      cache.set(deployment, api(`/deployments/${seg(deployment)}/revisions`).catch(() => []));
    }
    const revisions = await cache.get(deployment);
    const r = revisions.find((x) => String(x.revision) === String(revision));
    return r?.manifest?.spec?.template?.image ?? '—';
  };
}

export function nodeView({ params }) {
  const [id] = params;
  const errors = h('div', {});
  const summary = h('div', { 'data-testid': 'node-summary' });
  const workloads = h('div', {});
  const events = h('div', {});
  const updated = h('p', { class: 'muted' });
  const imageOf = imageLookup();

  async function load() {
    const [n, recent] = await Promise.all([api(`/nodes/${seg(id)}`), recentEvents(id)]);
    const u = n.usage;
    replace(summary, 
      h('dl', { class: 'facts' },
        h('dt', {}, 'State'), h('dd', { 'data-testid': 'node-state' }, badge(n.state), ` since ${ago(n.stateSince)}`),
        h('dt', {}, 'Presence'), h('dd', {}, n.presence),
        h('dt', {}, 'Last seen'), h('dd', { 'data-testid': 'node-last-seen' }, time(n.lastSeenAt), ` (${ago(n.lastSeenAt)})`),
        h('dt', {}, 'Profile'), h('dd', { 'data-testid': 'node-profile' }, n.profile),
        h('dt', {}, 'Labels'), h('dd', { 'data-testid': 'node-labels' },
          Object.keys(n.labels).length === 0 ? 'none'
            : Object.entries(n.labels).map(([k, v]) => h('span', { class: 'chip' }, `${k}=${v}`))),
        h('dt', {}, 'Scheduling'), h('dd', {}, n.cordoned ? 'cordoned' : 'schedulable',
          n.taints.map((t) => h('span', { class: 'chip' }, `${t.key}=${t.value ?? ''}:${t.effect}`))),
        h('dt', {}, 'Generation'), h('dd', {}, `desired ${n.desiredGeneration}, applied ${n.observedGeneration}`),
        h('dt', {}, 'Agent'), h('dd', {}, n.agentVersion || '—'),
        h('dt', {}, 'Enrolled'), h('dd', {}, time(n.enrolledAt))),
      h('dl', { class: 'facts usage', 'data-testid': 'node-usage', 'aria-label': 'Resource use' },
        h('dt', {}, 'CPU'), h('dd', {}, `${u.cpuMillis} millicores`),
        h('dt', {}, 'Memory'), h('dd', {}, `${bytes(u.memoryBytes)}${u.memoryLimitBytes ? ` of ${bytes(u.memoryLimitBytes)}` : ''}`,
          u.memoryLimitBytes ? h('meter', { min: 0, max: u.memoryLimitBytes, value: u.memoryBytes, 'aria-label': 'memory use' }) : null),
        h('dt', {}, 'Disk free'), h('dd', {}, bytes(u.diskFreeBytes))));
    const rows = await Promise.all((n.workloads ?? []).map(async (w) =>
      h('tr', { 'data-testid': 'workload-row', 'data-workload': w.name },
        h('th', { scope: 'row' }, h('a', { href: `#/deployments/${seg(w.name)}` }, w.name)),
        h('td', { 'data-testid': 'workload-image' }, await imageOf(w.name, w.revision)),
        h('td', {}, w.revision),
        h('td', {}, badge(w.state)),
        h('td', {}, badge(w.health)),
        h('td', { class: 'num' }, w.restartCount),
        h('td', {}, w.message))));
    replace(workloads, table(['Workload', 'Image', 'Revision', 'State', 'Health', 'Restarts', 'Message'], rows,
      { testid: 'workloads-table', empty: 'This node reports no workloads.', caption: 'Workloads' }));
    replace(events, table(['When', 'Severity', 'Type', 'Workload', 'Message'],
      recent.map((e) => h('tr', { 'data-testid': 'event-row', 'data-type': e.type },
        h('td', {}, time(e.at)),
        h('td', {}, badge(e.severity)),
        h('td', {}, e.type),
        h('td', {}, e.workload),
        h('td', {}, e.message))),
      { testid: 'events-table', empty: 'No events from this node yet.', caption: 'Recent events' }));
    updated.textContent = updatedNow();
  }

  const refresh = refresher(load, errors);
  const element = h('div', { class: 'node', 'data-testid': 'node-detail', 'data-node': id },
    h('p', { class: 'crumbs' }, h('a', { href: '#/nodes' }, 'Nodes'), ' / '),
    heading(id, updated), errors, summary,
    section('Workloads', 'workloads', workloads),
    section(`Recent events (last ${RECENT})`, 'events', events));
  return { element, refresh };
}
