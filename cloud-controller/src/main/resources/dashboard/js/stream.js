// Live updates: GET /api/v1/stream read with fetch and a ReadableStream, so the Authorization
// header goes with it (EventSource cannot send one). Reconnects with exponential back-off.

const FIRST_DELAY_MS = 1000;
const MAX_DELAY_MS = 30000;
// The server sends a heartbeat comment every 15 s; silence for longer than this means a dead link.
const SILENCE_MS = 45000;

/**
 * Splits server-sent event text into complete events and the incomplete rest. Pure.
 * Returns {events: [{event, data, id}], rest}. Comment lines (heartbeats) are dropped.
 */
export function parseEvents(text) {
  const normalised = text.replace(/\r\n?/g, '\n');
  const blocks = normalised.split('\n\n');
  const rest = blocks.pop();
  const events = [];
  for (const block of blocks) {
    let event = 'message';
    let id = null;
    const data = [];
    for (const line of block.split('\n')) {
      if (line === '' || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
      else if (field === 'id') id = value;
    }
    if (data.length > 0 && data.join('') !== '') events.push({ event, id, data: data.join('\n') });
  }
  return { events, rest };
}

/**
 * Opens the stream and keeps it open until the returned function is called.
 * onFleet(pulse) gets every 'fleet' event; onState('connecting'|'live'|'reconnecting'|'stopped');
 * onUnauthorized() when the token is refused (the stream then stops).
 */
export function openStream(token, { onFleet, onState, onUnauthorized }) {
  let stopped = false;
  let aborter = null;
  let delay = FIRST_DELAY_MS;

  async function readAll(body) {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    let watchdog = null;
    const arm = () => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => aborter?.abort(), SILENCE_MS);
    };
    arm();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        arm();
        const parsed = parseEvents(buffer + value);
        buffer = parsed.rest;
        for (const e of parsed.events) {
          if (e.event === 'fleet') onFleet(JSON.parse(e.data));
        }
      }
    } finally {
      clearTimeout(watchdog);
    }
  }

  async function loop() {
    while (!stopped) {
      aborter = new AbortController();
      onState(delay === FIRST_DELAY_MS ? 'connecting' : 'reconnecting');
      try {
        const response = await fetch('/api/v1/stream', {
          headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' },
          cache: 'no-store',
          signal: aborter.signal,
        });
        if (response.status === 401) {
          onState('stopped');
          onUnauthorized();
          return;
        }
        if (!response.ok || !response.body) throw new Error(`stream answered HTTP ${response.status}`);
        onState('live');
        delay = FIRST_DELAY_MS;
        await readAll(response.body);
      } catch {
        // Network error, abort by the watchdog, or a refused answer: retry below.
      }
      if (stopped) break;
      onState('reconnecting');
      const wait = delay + Math.floor(Math.random() * 250);
      delay = Math.min(delay * 2, MAX_DELAY_MS);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    onState('stopped');
  }

  loop();
  return () => {
    stopped = true;
    aborter?.abort();
  };
}
