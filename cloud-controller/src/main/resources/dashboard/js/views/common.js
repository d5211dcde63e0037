// What every view shares: a refresh that never runs twice at once, and the error line.

import { alert, h, replace } from '../dom.js';

/**
 * Wraps an async load(pulse) so that refreshes arriving while one runs coalesce into one more run,
 * and errors show in the view's error slot.
 */
export function refresher(load, errorSlot) {
  let running = null;
  let again = false;
  let lastPulse = null;
  async function run(pulse) {
    if (pulse !== undefined) lastPulse = pulse;
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await load(lastPulse);
          replace(errorSlot);
        } catch (e) {
          replace(errorSlot, alert(e.message));
        }
      } while (again);
    })();
    try {
      await running;
    } finally {
      running = null;
    }
  }
  return run;
}

/** The page heading with an optional line under it. */
export function heading(title, ...extra) {
  return h('div', { class: 'page-head' }, h('h1', {}, title), ...extra);
}

/** "Updated 12:03:04" */
export function updatedNow() {
  return `Updated ${new Date().toLocaleTimeString()}`;
}
