// Small DOM helpers: elements are built with textContent and attributes, never from HTML strings,
// so nothing the API returns is ever parsed as markup.

const SVG_NS = 'http://www.w3.org/2000/svg';

function fill(el, attrs, children) {
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (key === 'class') {
      el.setAttribute('class', value);
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** An HTML element: h('a', {href: '#/x', class: 'y'}, 'text', otherElement). */
export function h(tag, attrs = {}, ...children) {
  return fill(document.createElement(tag), attrs, children);
}

/** An SVG element, as h(). */
export function s(tag, attrs = {}, ...children) {
  return fill(document.createElementNS(SVG_NS, tag), attrs, children);
}

/** "3 min ago" style text for an ISO time; '—' when there is none. */
export function ago(iso, now = Date.now()) {
  if (!iso) return '—';
  const seconds = Math.round((now - Date.parse(iso)) / 1000);
  if (Number.isNaN(seconds)) return '—';
  if (seconds < 5) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86400)} d ago`;
}

/** A readable local date and time for an ISO time, with the ISO text as its tooltip. */
export function time(iso) {
  if (!iso) return h('span', {}, '—');
  const d = new Date(iso);
  return h('time', { datetime: iso, title: iso }, d.toLocaleString());
}

/** Bytes as KiB/MiB/GiB. */
export function bytes(n) {
  if (!n) return '0 B';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 && i > 0 ? 1 : 0)} ${units[i]}`;
}

/** A coloured badge for a node state, workload state or rollout state. */
export function badge(text, testid) {
  return h('span', { class: `badge badge-${String(text).toLowerCase()}`, 'data-testid': testid }, text);
}

/** A labelled section with a heading. */
export function section(title, testid, ...children) {
  return h('section', { class: 'panel', 'data-testid': testid, 'aria-label': title },
    h('h2', {}, title), ...children);
}

/** A table from column headings and rows of cells; empty text when there are no rows. */
export function table(headings, rows, { testid, empty = 'Nothing to show.', caption } = {}) {
  if (rows.length === 0) return h('p', { class: 'empty', 'data-testid': testid && `${testid}-empty` }, empty);
  return h('table', { class: 'grid-table', 'data-testid': testid },
    caption ? h('caption', { class: 'visually-hidden' }, caption) : null,
    h('thead', {}, h('tr', {}, headings.map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, rows));
}

/** An alert line for an error; role=alert so screen readers announce it. */
export function alert(message, testid = 'error') {
  return h('p', { class: 'alert', role: 'alert', 'data-testid': testid }, message);
}

/** Replaces the children of el; null, undefined and false children are left out, arrays flattened. */
export function replace(el, ...children) {
  el.replaceChildren();
  return fill(el, {}, children);
}
