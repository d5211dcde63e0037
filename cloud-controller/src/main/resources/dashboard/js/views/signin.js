// Sign-in: paste an API token; GET /whoami checks it.

import { alert, h, replace } from '../dom.js';

export function signinView({ signIn, go }) {
  const input = h('input', {
    id: 'token', name: 'token', type: 'password', autocomplete: 'off', spellcheck: 'false',
    required: true, placeholder: 'flt_…', 'data-testid': 'token-input',
  });
  const error = h('div', { 'aria-live': 'polite' });
  const button = h('button', { type: 'submit', 'data-testid': 'sign-in' }, 'Sign in');
  const form = h('form', { class: 'signin', 'data-testid': 'signin-form' },
    h('h1', {}, 'Sign in to Flotilla'),
    h('p', {}, 'Paste an API token. The first admin token is in ',
      h('code', {}, 'flotilla-data/admin-token'), ' on the controller; ',
      h('code', {}, 'POST /api/v1/tokens'), ' makes more, viewer tokens included.'),
    h('label', { for: 'token' }, 'API token'),
    input,
    button,
    error,
    h('p', { class: 'hint' }, 'The token stays in this tab only (session storage) and goes to the controller with each call.'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    button.disabled = true;
    replace(error);
    try {
      await signIn(input.value.trim());
      const after = sessionStorage.getItem('flotilla.after');
      sessionStorage.removeItem('flotilla.after');
      go(after && after !== '#/signin' ? after : '#/overview');
    } catch (e) {
      replace(error, alert(e.status === 401 ? 'That token is unknown or expired.' : e.message, 'signin-error'));
    } finally {
      button.disabled = false;
    }
  });
  queueMicrotask(() => input.focus());
  return { element: h('div', { class: 'signin-page' }, form) };
}
