// The dashboard: hash routes, sign-in, the live stream, and one view at a time.

import { api, onUnauthorized, session } from './api.js';
import { h, replace } from './dom.js';
import { openStream } from './stream.js';
import { signinView } from './views/signin.js';
import { overviewView } from './views/overview.js';
import { nodesView } from './views/nodes.js';
import { nodeView } from './views/node.js';
import { deploymentsView } from './views/deployments.js';
import { deploymentView } from './views/deployment.js';

const ROUTES = [
  { pattern: /^\/signin$/, nav: null, view: signinView, open: true },
  { pattern: /^\/overview$/, nav: 'overview', view: overviewView },
  { pattern: /^\/nodes$/, nav: 'nodes', view: nodesView },
  { pattern: /^\/nodes\/([^/]+)$/, nav: 'nodes', view: nodeView },
  { pattern: /^\/deployments$/, nav: 'deployments', view: deploymentsView },
  { pattern: /^\/deployments\/([^/]+)$/, nav: 'deployments', view: deploymentView },
];

const root = document.getElementById('view');
const nav = document.querySelector('[data-testid="nav"]');
const sessionBar = document.querySelector('[data-testid="session"]');
const liveStatus = document.querySelector('[data-testid="live-status"]');

let current = null; // {refresh, dispose} of the view shown
let stopStream = null;
let lastPulse = null;
let generation = 0; // guards against a slow view finishing after the route changed

/** Parses '#/nodes?state=READY' into {path: '/nodes', query: URLSearchParams}. */
export function parseHash(hash) {
  const raw = hash.replace(/^#/, '') || '/overview';
  const q = raw.indexOf('?');
  return {
    path: q < 0 ? raw : raw.slice(0, q),
    query: new URLSearchParams(q < 0 ? '' : raw.slice(q + 1)),
  };
}

/** Navigates to a hash route (no page load). */
export function go(hash) {
  if (location.hash === hash) render();
  else location.hash = hash;
}

function setLive(state) {
  liveStatus.dataset.state = state;
  liveStatus.textContent = { live: 'live', connecting: 'connecting…', reconnecting: 'reconnecting…' }[state] ?? 'offline';
}

function startStream() {
  stopStream?.();
  stopStream = openStream(session.token(), {
    onState: setLive,
    onUnauthorized: signOut,
    onFleet: (pulse) => {
      const changed = lastPulse !== null && lastPulse.changes !== pulse.changes;
      lastPulse = pulse;
      document.body.dataset.changes = String(pulse.changes);
      if (changed) current?.refresh?.(pulse);
    },
  });
}

function signedIn(who) {
  session.role = who.role;
  session.description = who.description;
  nav.hidden = false;
  sessionBar.hidden = false;
  document.querySelector('[data-testid="whoami"]').textContent =
    `${who.role.toLowerCase()}${who.description ? ` · ${who.description}` : ''}`;
  document.body.dataset.role = who.role;
  startStream();
}

function signOut() {
  stopStream?.();
  stopStream = null;
  lastPulse = null;
  session.clear();
  nav.hidden = true;
  sessionBar.hidden = true;
  delete document.body.dataset.role;
  setLive('stopped');
  go('#/signin');
}

/** Checks a token with GET /whoami; on success keeps it and opens the stream. Throws ApiError. */
async function signIn(token) {
  const who = await api('/whoami', { token });
  session.save(token);
  signedIn(who);
  return who;
}

async function render() {
  const mine = ++generation;
  current?.dispose?.();
  current = null;
  const { path, query } = parseHash(location.hash);
  const route = ROUTES.find((r) => r.pattern.test(path));
  if (!route) {
    replace(root, h('p', { class: 'empty' }, `No page ${path}. `, h('a', { href: '#/overview' }, 'Overview')));
    return;
  }
  if (!route.open && !session.role) {
    go('#/signin');
    return;
  }
  for (const a of nav.querySelectorAll('a')) {
    if (a.dataset.route === route.nav) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const params = path.match(route.pattern).slice(1).map(decodeURIComponent);
  const view = route.view({ params, query, session, go, signIn, pulse: () => lastPulse });
  replace(root, view.element);
  current = view;
  root.focus({ preventScroll: true });
  try {
    await view.refresh?.(lastPulse);
  } catch (e) {
    if (mine === generation) view.fail?.(e);
  }
}

async function start() {
  onUnauthorized(() => {
    if (session.role) signOut();
  });
  document.querySelector('[data-testid="sign-out"]').addEventListener('click', signOut);
  window.addEventListener('hashchange', render);
  const token = session.token();
  if (token) {
    try {
      await signIn(token);
    } catch {
      session.clear();
    }
  }
  if (!session.role && parseHash(location.hash).path !== '/signin') {
    sessionStorage.setItem('flotilla.after', location.hash || '#/overview');
    location.hash = '#/signin';
  }
  render();
}

start();
