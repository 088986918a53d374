// My tokens: personal access tokens for scripts, made and revoked by their user. A new token is
// shown once, here; the server keeps only a keyed hash of it.

import {del, get, post} from './api.js';
import {alertBox, badge, card, clear, field, fmtDateTime, h, loading, notice, table} from './dom.js';

function statusOf(t) {
  if (t.revoked_at) return badge('revoked', 'deny', 'token-status');
  if (!t.active) return badge('expired', 'weak', 'token-status');
  return badge('active', 'allow', 'token-status');
}

export async function renderTokens(view, ctx) {
  const list = h('div', {testid: 'tokens-list'}, loading('Loading your tokens…'));
  const shown = h('div', {testid: 'token-created', 'aria-live': 'polite'});
  const expires = h('input', {type: 'date', name: 'expires_at', testid: 'token-expires'});
  const form = h('form', {class: 'search-form compact', testid: 'token-form', onsubmit: async (e) => {
    e.preventDefault();
    clear(shown);
    try {
      const made = await post('/v1/me/tokens', expires.value ? {expires_at: expires.value} : {});
      const text = h('input', {type: 'text', readonly: true, value: made.token,
        testid: 'token-value', 'aria-label': 'your new token'});
      shown.append(notice('Copy this token now: it is shown only once. Send it as ' +
          '"Authorization: Bearer TOKEN".', 'info', 'token-once'), h('div', {class: 'token-shown'},
          text));
      text.select();
      await load();
    } catch (err) {
      shown.append(alertBox(err, 'token-error'));
    }
  }}, field('Expires (optional)', expires,
      'Leave empty for a token that lasts until you revoke it.'),
  h('button', {type: 'submit', class: 'primary', testid: 'token-create'}, 'Create a token'));

  async function load() {
    const tokens = await get('/v1/me/tokens');
    if (!ctx.isCurrent()) return;
    clear(list);
    if (!tokens.length) {
      list.append(notice('You have no tokens yet. Create one above for a script or a tool.',
          'info', 'tokens-empty'));
      return;
    }
    list.append(table([
      {label: 'Id', key: 'id', num: true},
      {label: 'Created', render: (t) => fmtDateTime(t.created_at)},
      {label: 'Expires', render: (t) => t.expires_at ? fmtDateTime(t.expires_at) : 'never'},
      {label: 'Status', render: statusOf},
      {label: '', render: (t) => t.revoked_at ? '' : h('button', {type: 'button',
        testid: `token-revoke-${t.id}`, onclick: async () => {
          try {
            await del(`/v1/me/tokens/${t.id}`);
            await load();
          } catch (err) {
            list.prepend(alertBox(err, 'token-error'));
          }
        }}, 'Revoke')},
    ], tokens, {testid: 'tokens-table'}));
  }

  view.append(
      h('div', {class: 'page-head'},
          h('h1', {text: 'My tokens'}),
          h('p', {class: 'muted', text: 'Personal access tokens let your scripts call the rapport ' +
            'API as you, with your rights. Revoke one as soon as you no longer need it.'})),
      card('Create a token', form, shown), card('Your tokens', list));
  await load();
}
