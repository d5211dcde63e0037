// One deployment: its revisions, its current rollout step by step, the rollout commands.

import { api, ApiError, seg } from '../api.js';
import { stepChart } from '../charts.js';
import { alert, badge, h, section, table, time, replace } from '../dom.js';
import { heading, refresher, updatedNow } from './common.js';

/** The commands an operator may give a rollout in this state. Pure. */
export function commandsFor(state) {
  if (state === 'PROGRESSING') return ['pause', 'abort'];
  if (state === 'PAUSED') return ['resume', 'abort'];
  return [];
}

const LABELS = { pause: 'Pause', resume: 'Resume', abort: 'Abort' };

export function deploymentView({ params, session }) {
  const [name] = params;
  const errors = h('div', {});
  const facts = h('div', {});
  const rolloutBody = h('div', { 'data-testid': 'rollout' });
  const commandResult = h('div', { 'aria-live': 'polite', 'data-testid': 'command-result' });
  const revisionsBody = h('div', {});
  const historyBody = h('div', {});
  const updated = h('p', { class: 'muted' });
  let busy = false;

  async function command(cmd, rolloutId) {
    if (cmd === 'abort' && !window.confirm(`Abort rollout ${rolloutId}? Every node goes back to the stable revision.`)) return;
    busy = true;
    replace(commandResult);
    try {
      const view = await api(`/deployments/${seg(name)}/rollout/${cmd}`, { method: 'POST' });
      replace(commandResult, h('p', { class: 'ok', role: 'status', 'data-testid': 'command-ok' },
        `${LABELS[cmd]}: rollout ${view.rollout.id} is now ${view.rollout.state}.`));
    } catch (e) {
      const why = e instanceof ApiError && e.status === 409 ? `Refused: ${e.message}` : e.message;
      replace(commandResult, alert(why, 'command-error'));
    } finally {
      busy = false;
    }
    await refresh();
  }

  function rolloutPanel(r, steps) {
    const summary = r.rollout;
    const active = summary.state === 'PROGRESSING' || summary.state === 'PAUSED';
    const buttons = session.isAdmin() && active
      ? commandsFor(summary.state).map((cmd) => h('button', {
        type: 'button', class: cmd === 'abort' ? 'danger' : '', 'data-testid': `rollout-${cmd}`,
        disabled: busy, onclick: () => command(cmd, summary.id),
      }, LABELS[cmd]))
      : [];
    const p = r.progress;
    return [
      h('div', { class: 'rollout-head' },
        h('div', {},
          h('p', { class: 'rollout-title' }, `Rollout ${summary.id}: revision ${summary.fromRevision} → ${summary.toRevision} `,
            badge(summary.state, 'rollout-state'),
            h('span', { class: 'muted' }, ` · ${steps.strategy}, step ${summary.step + 1} of ${r.steps} · ${summary.cause}`)),
          h('p', { class: 'muted', 'data-testid': 'rollout-message' }, summary.message || ''),
          summary.pauseReason ? h('p', { 'data-testid': 'rollout-pause-reason' }, `Paused: ${summary.pauseReason}`) : null,
          summary.pausedUntil ? h('p', {}, 'Timed pause until ', time(summary.pausedUntil)) : null),
        h('div', { class: 'actions', role: 'group', 'aria-label': 'Rollout commands' }, buttons)),
      commandResult,
      p ? h('p', { class: 'progress-line', 'data-testid': 'rollout-progress' },
        `${p.targeted} targeted · ${p.released} released · ${p.updating} updating · ${p.waiting} waiting · ${p.updated} updated · ${p.failed} failed · ${p.unreachable} unreachable · ${p.pending} pending`)
        : h('p', { class: 'muted' }, `Finished ${summary.finishedAt ? new Date(summary.finishedAt).toLocaleString() : ''}.`),
      p ? stepChart(steps.steps, p.targeted) : null,
      r.failedNodes.length ? h('div', {}, h('h3', {}, 'Failed nodes'),
        h('ul', { class: 'plain' }, r.failedNodes.map((f) => h('li', {}, h('a', { href: `#/nodes/${seg(f.node)}` }, f.node), `: ${f.reason}`)))) : null,
      r.unreachableNodes.length ? h('p', {}, 'Unreachable: ', r.unreachableNodes.join(', ')) : null,
      r.waitingNodes.length ? h('p', {}, 'Waiting for a maintenance window: ', r.waitingNodes.join(', ')) : null,
    ];
  }

  async function load() {
    const [d, revisions, rollouts] = await Promise.all([
      api(`/deployments/${seg(name)}`),
      api(`/deployments/${seg(name)}/revisions`),
      api(`/deployments/${seg(name)}/rollouts?limit=20`),
    ]);
    replace(facts, h('dl', { class: 'facts', 'data-testid': 'deployment-facts' },
      h('dt', {}, 'Revision'), h('dd', { 'data-testid': 'deployment-revision' }, `${d.revision}`, d.rollout ? ` (nodes not yet released run ${d.stableRevision})` : ''),
      h('dt', {}, 'Image'), h('dd', {}, h('code', {}, d.image)),
      h('dt', {}, 'Selector'), h('dd', {}, d.selector ? h('code', {}, d.selector) : 'every node'),
      h('dt', {}, 'Replicas'), h('dd', {}, d.replicas ?? 'one per selected node'),
      h('dt', {}, 'Nodes'), h('dd', {}, Object.entries(d.nodes).map(([s, n]) => h('span', { class: `chip state-chip state-${s.toLowerCase()}` }, `${n} ${s.toLowerCase().replace('_', ' ')}`))),
      h('dt', {}, 'Created'), h('dd', {}, time(d.createdAt))));
    if (rollouts.length === 0) {
      replace(rolloutBody, h('p', { class: 'empty', 'data-testid': 'no-rollout' },
        'No rollout yet: a first revision goes to every node at once. Applying a changed template starts one.'));
    } else {
      const [r, steps] = await Promise.all([
        api(`/deployments/${seg(name)}/rollout`),
        api(`/deployments/${seg(name)}/rollout/steps`),
      ]);
      replace(rolloutBody, ...rolloutPanel(r, steps));
    }
    replace(revisionsBody, table(['Revision', 'Image', 'Template hash', 'Created', ''],
      [...revisions].reverse().map((rev) => h('tr', { 'data-testid': 'revision-row', 'data-revision': rev.revision },
        h('th', { scope: 'row', class: 'num' }, rev.revision),
        h('td', {}, h('code', {}, rev.manifest?.spec?.template?.image ?? '—')),
        h('td', {}, h('code', { title: rev.templateHash }, rev.templateHash.slice(0, 12))),
        h('td', {}, time(rev.createdAt)),
        h('td', {}, rev.revision === d.revision ? 'target' : rev.revision === d.stableRevision ? 'stable' : ''))),
      { testid: 'revisions-table', caption: 'Revisions' }));
    replace(historyBody, table(['Rollout', 'Revisions', 'State', 'Cause', 'Started', 'Finished', 'Message'],
      rollouts.map((r) => h('tr', { 'data-testid': 'rollout-history-row' },
        h('th', { scope: 'row', class: 'num' }, r.id),
        h('td', {}, `${r.fromRevision} → ${r.toRevision}`),
        h('td', {}, badge(r.state)),
        h('td', {}, r.cause),
        h('td', {}, time(r.createdAt)),
        h('td', {}, time(r.finishedAt)),
        h('td', {}, r.message))),
      { testid: 'rollouts-table', empty: 'No rollouts yet.', caption: 'Rollouts' }));
    updated.textContent = updatedNow();
  }

  const refresh = refresher(load, errors);
  const element = h('div', { class: 'deployment', 'data-testid': 'deployment-detail', 'data-deployment': name },
    h('p', { class: 'crumbs' }, h('a', { href: '#/deployments' }, 'Deployments'), ' / '),
    heading(name, updated), errors, facts,
    section('Current rollout', 'rollout-panel', rolloutBody),
    section('Revision history', 'revisions', revisionsBody),
    section('Rollouts', 'rollouts', historyBody));
  return { element, refresh };
}
