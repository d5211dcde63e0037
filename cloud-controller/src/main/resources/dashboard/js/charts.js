// Charts drawn as SVG by hand: a stacked bar of node states and a rollout's steps.

import { s } from './dom.js';

export const STATE_ORDER = ['READY', 'NOT_READY', 'PENDING', 'UNREACHABLE'];

/** One horizontal bar split by node state, in proportion to each count. */
export function stateBar(byState, { width = 600, height = 14 } = {}) {
  const total = Object.values(byState).reduce((a, b) => a + b, 0);
  const label = STATE_ORDER.map((k) => `${byState[k] ?? 0} ${k.toLowerCase().replace('_', ' ')}`).join(', ');
  const svg = s('svg', {
    class: 'state-bar', viewBox: `0 0 ${width} ${height}`, width: '100%', height,
    preserveAspectRatio: 'none', role: 'img', 'aria-label': `Nodes by state: ${label}`,
  });
  let x = 0;
  for (const state of STATE_ORDER) {
    const n = byState[state] ?? 0;
    if (!n || !total) continue;
    const w = (n / total) * width;
    svg.append(s('rect', { x, y: 0, width: w, height, class: `fill-${state.toLowerCase()}` },
      s('title', {}, `${n} ${state}`)));
    x += w;
  }
  if (!total) svg.append(s('rect', { x: 0, y: 0, width, height, class: 'fill-none' }));
  return svg;
}

/**
 * A rollout's steps: per step a row with its target as a dashed marker and three bars (released,
 * healthy, failed) against the targeted nodes. steps: [{step, label, target, released, updated,
 * failed, status, pause}]; targeted: every node the rollout targets.
 */
export function stepChart(steps, targeted) {
  const labelW = 120;
  const barW = 520;
  const numbersW = 300;
  const rowH = 54;
  const width = labelW + barW + numbersW;
  const height = steps.length * rowH + 24;
  const scale = (n) => (targeted > 0 ? (n / targeted) * barW : 0);
  const svg = s('svg', {
    class: 'step-chart', viewBox: `0 0 ${width} ${height}`, width: '100%', role: 'img',
    'aria-label': steps.map((st) =>
      `step ${st.step + 1} (${st.label}): ${st.released} released, ${st.updated} healthy, ${st.failed} failed of ${st.target}`).join('; '),
    'data-testid': 'rollout-chart',
  });
  steps.forEach((st, i) => {
    const y = i * rowH + 6;
    const g = s('g', { class: `step step-${st.status}`, 'data-testid': 'rollout-step', 'data-step': st.step,
      'data-released': st.released, 'data-updated': st.updated, 'data-failed': st.failed, 'data-target': st.target });
    g.append(
      s('text', { x: 0, y: y + 16, class: 'step-label' }, `Step ${st.step + 1} · ${st.label}`),
      s('text', { x: 0, y: y + 34, class: 'step-status' }, st.status),
      s('rect', { x: labelW, y, width: barW, height: 42, class: 'track' }),
    );
    const bars = [['released', st.released], ['healthy', st.updated], ['failed', st.failed]];
    bars.forEach(([kind, n], j) => {
      g.append(s('rect', { x: labelW, y: y + 3 + j * 13, width: Math.max(scale(n), n > 0 ? 2 : 0), height: 10,
        class: `bar bar-${kind}` }, s('title', {}, `${n} ${kind}`)));
    });
    const tx = labelW + scale(st.target);
    g.append(s('line', { x1: tx, x2: tx, y1: y - 2, y2: y + 44, class: 'target' },
      s('title', {}, `target ${st.target}`)));
    g.append(s('text', { x: labelW + barW + 12, y: y + 18, class: 'step-numbers' },
      `${st.released} released · ${st.updated} healthy · ${st.failed} failed / ${st.target}`));
    if (st.pause) {
      const pause = st.pause === 'untilResumed' ? 'then pauses until resumed' : `then pauses ${st.pause.replace(/^PT/, '').toLowerCase()}`;
      g.append(s('text', { x: labelW + barW + 12, y: y + 36, class: 'step-status' }, pause));
    }
    svg.append(g);
  });
  const ly = steps.length * rowH + 14;
  [['released', 'released'], ['healthy', 'healthy (updated)'], ['failed', 'failed']].forEach(([kind, text], j) => {
    svg.append(s('rect', { x: labelW + j * 150, y: ly - 9, width: 12, height: 10, class: `bar bar-${kind}` }),
      s('text', { x: labelW + j * 150 + 18, y: ly, class: 'legend' }, text));
  });
  svg.append(s('line', { x1: labelW + 450, x2: labelW + 450, y1: ly - 11, y2: ly + 2, class: 'target' }),
    s('text', { x: labelW + 458, y: ly, class: 'legend' }, 'step target'));
  return svg;
}
