// rapport dashboard: a hash router over a handful of pages, each a module that renders into the
// <main> element. Signed in with single sign-on, the session is an HttpOnly cookie; with a pasted
// token, the token lives in sessionStorage. The header shows who is signed in.

import {ApiError, get, getToken, post, setCsrf, setToken} from './api.js';
import {alertBox, clear, field, h, loading} from './dom.js';
import {renderAccounts} from './accounts.js';
import {renderAccount} from './account.js';
import {renderWhoKnows} from './whoknows.js';
import {renderRelationship} from './relationship.js';
import {renderEngagement} from './engagement.js';
import {renderMe} from './me.js';
import {renderAdmin} from './admin.js';
import {renderTokens} from './tokens.js';

// A route with `under` is not in the navigation itself: it is reached from that page, which the
// navigation marks as current.
const ROUTES = {
  'accounts': {title: 'Accounts', render: renderAccounts},
  'account': {title: 'Account', render: renderAccount, under: 'accounts'},
  'who-knows': {title: 'Who Knows Whom', render: renderWhoKnows},
  'relationship': {title: 'Relationship', render: renderRelationship},
  'engagement': {title: 'Engagement', render: renderEngagement},
  'me': {title: 'Personal', render: renderMe},
  'admin': {title: 'Admin', render: renderAdmin, roles: ['admin']},
  'tokens': {title: 'My tokens', render: renderTokens},
};
const DEFAULT_ROUTE = 'accounts';

const state = {session: null, renderId: 0, signInError: null};

/** '#/relationship?target=x&days=60' → {name: 'relationship', params: URLSearchParams} */
function parseHash() {
  const raw = window.location.hash.replace(/^#\/?/, '');
  const [name, query] = raw.split('?');
  return {name: name || '', params: new URLSearchParams(query || '')};
}

/** Builds '#/name?k=v' from a plain object, dropping empty values. */
export function link(name, params = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const qs = q.toString();
  return `#/${name}${qs ? `?${qs}` : ''}`;
}

export function navigate(name, params) {
  go(link(name, params));
}

// ---- header ----------------------------------------------------------------------------------

function renderHeader() {
  const nav = document.getElementById('nav');
  const user = document.getElementById('user');
  clear(nav);
  clear(user);
  const session = state.session;
  document.body.classList.toggle('signed-in', Boolean(session));
  if (!session) return;
  const page = parseHash().name;
  const current = ROUTES[page] ? ROUTES[page].under || page : DEFAULT_ROUTE;
  for (const [name, r] of Object.entries(ROUTES)) {
    if (r.under || (r.roles && !r.roles.includes(session.role))) continue;
    nav.append(h('a', {href: link(name), testid: `nav-${name}`,
      class: name === current ? 'active' : null, 'aria-current': name === current ? 'page' : null},
    r.title));
  }
  const tenant = document.getElementById('tenant');
  tenant.textContent = session.tenant || '';
  if (session.data_up_to !== undefined) {
    tenant.append(h('span', {class: 'data-up-to', testid: 'data-up-to',
      title: 'Insights are as of this day unless you choose another',
      text: session.data_up_to ? `data up to ${session.data_up_to}` : 'no data yet'}));
  }
  user.append(
      h('span', {class: 'user-name', testid: 'session-name', text: session.name || session.address}),
      h('span', {class: `role role-${session.role}`, testid: 'session-role', text: session.role}),
      h('button', {type: 'button', class: 'link-button', testid: 'sign-out', onclick: signOut},
          'Sign out'));
  user.title = session.address || '';
}

async function signOut() {
  if (state.session && state.session.csrf_token) {
    try {
      await post('/auth/logout', undefined, {onUnauthorized: false});
    } catch (_) {
      // the session is gone either way: the cookie is cleared or no longer valid
    }
  }
  setToken('');
  setCsrf('');
  state.session = null;
  state.signInError = null;
  go('#/signin');
}

/** Shows the page for a hash: through hashchange when it changes, at once when it does not. */
function go(hash) {
  if (window.location.hash === hash) route();
  else window.location.hash = hash;
}

// ---- sign in ---------------------------------------------------------------------------------

/** Whether the server offers single sign-on ({single_sign_on, sign_in}); never fails. */
async function signInOptions() {
  try {
    const response = await fetch('/auth/options', {cache: 'no-store'});
    return response.ok ? await response.json() : {single_sign_on: false};
  } catch (_) {
    return {single_sign_on: false};
  }
}

function renderSignIn(view) {
  const input = h('input', {type: 'password', id: 'token', name: 'token', autocomplete: 'off',
    spellcheck: 'false', placeholder: 'rpt_…', testid: 'token-input', required: true});
  const status = h('div', {class: 'signin-status'});
  if (state.signInError) status.append(alertBox(state.signInError, 'signin-error'));
  const button = h('button', {type: 'submit', class: 'primary', testid: 'sign-in'}, 'Sign in');
  const form = h('form', {class: 'signin-form', testid: 'signin-form', onsubmit: async (e) => {
    e.preventDefault();
    const token = input.value.trim();
    if (!token) return;
    button.disabled = true;
    clear(status).append(loading('Checking your token…'));
    try {
      const session = await get('/v1/session', null, {token, onUnauthorized: false});
      setToken(token);
      state.session = session;
      state.signInError = null;
      const wanted = sessionStorage.getItem('rapport.after') || '';
      sessionStorage.removeItem('rapport.after');
      go(wanted && !wanted.startsWith('#/signin') ? wanted : link(DEFAULT_ROUTE));
    } catch (err) {
      clear(status).append(alertBox(err, 'signin-error'));
      button.disabled = false;
      input.select();
    }
  }},
  field('Personal access token', input,
      'Ask your rapport admin, or run: rapport token create --user you@example.com'),
  button, status);
  const sso = h('div', {class: 'signin-sso', testid: 'signin-sso'});
  view.append(h('div', {class: 'signin'},
      h('div', {class: 'signin-panel'},
          h('h1', {text: 'Sign in to rapport'}),
          h('p', {class: 'muted', text: 'Relationship insights from e-mail and meeting metadata, ' +
            'shown only under the consent your organisation has granted.'}),
          sso, form)));
  signInOptions().then((options) => {
    if (!options.single_sign_on) return;
    sso.append(
        h('a', {href: options.sign_in, class: 'button primary', testid: 'sign-in-sso'},
            'Sign in with your organisation account'),
        h('p', {class: 'muted signin-or', text: 'or, for scripts and tests, a personal access token:'}));
  });
  input.focus();
}

// ---- router ----------------------------------------------------------------------------------

async function ensureSession() {
  if (state.session) return state.session;
  const token = getToken();
  try {
    // Without a token, the single sign-on cookie (if any) answers.
    state.session = await get('/v1/session', null, {onUnauthorized: false});
    setCsrf(state.session.csrf_token);
    return state.session;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      setToken('');
      if (token || !/no bearer token/.test(err.message)) state.signInError = err;
      return null;
    }
    throw err;
  }
}

async function route() {
  const id = ++state.renderId;
  const view = document.getElementById('view');
  const {name, params} = parseHash();
  let session;
  try {
    session = await ensureSession();
  } catch (err) {
    if (id !== state.renderId) return;
    renderHeader();
    clear(view).append(alertBox(err, 'page-error'));
    return;
  }
  if (id !== state.renderId) return;
  if (!session) {
    if (name && name !== 'signin') sessionStorage.setItem('rapport.after', window.location.hash);
    renderHeader();
    document.title = 'Sign in · rapport';
    renderSignIn(clear(view));
    return;
  }
  const routeName = ROUTES[name] ? name : DEFAULT_ROUTE;
  if (!ROUTES[name]) {
    history.replaceState(null, '', link(routeName));
  }
  const r = ROUTES[routeName];
  renderHeader();
  document.title = `${r.title} · rapport`;
  clear(view);
  view.setAttribute('data-page', routeName);
  if (r.roles && !r.roles.includes(session.role)) {
    view.append(alertBox(new ApiError(403, 'forbidden',
        `this page is for ${r.roles.join(', ')}s; you are signed in as ${session.role}`), 'page-error'));
    return;
  }
  const ctx = {
    session,
    params,
    isCurrent: () => id === state.renderId,
    navigate,
    link,
  };
  try {
    await r.render(view, ctx);
  } catch (err) {
    if (id !== state.renderId) return;
    view.append(alertBox(err, 'page-error'));
  }
}

// On a phone the pages are behind a Menu button; choosing one closes it again.
document.getElementById('menu').addEventListener('click', () => {
  const open = !document.body.classList.contains('nav-open');
  document.body.classList.toggle('nav-open', open);
  document.getElementById('menu').setAttribute('aria-expanded', String(open));
});
window.addEventListener('hashchange', () => {
  document.body.classList.remove('nav-open');
  document.getElementById('menu').setAttribute('aria-expanded', 'false');
});
window.addEventListener('hashchange', route);
window.addEventListener('rapport:unauthorized', (e) => {
  // The token expired or was revoked while the page was open: back to sign-in, with the reason.
  setToken('');
  setCsrf('');
  state.session = null;
  state.signInError = e.detail;
  if (!window.location.hash.startsWith('#/signin')) {
    sessionStorage.setItem('rapport.after', window.location.hash);
  }
  go('#/signin');
});

route();
