// One account's page: how the relationship stands (health, activity, the weekly timeline), who in
// the organisation knows its people, and what account engagement releases said about it. Each
// section loads on its own, so one refused or failing leaves the others showing.

import {card, field, h, notice} from './dom.js';
import {showRelationship} from './relationship.js';
import {showWhoKnows} from './whoknows.js';
import {showReleasedEngagement} from './engagement.js';
import {windowSelect} from './accounts.js';

export async function renderAccount(view, ctx) {
  const name = (ctx.params.get('name') || '').trim();
  const days = ctx.params.get('days') || '60';
  const asOf = ctx.params.get('as_of') || '';
  const back = h('a', {class: 'back-link', href: ctx.link('accounts', {days, as_of: asOf}),
    testid: 'account-back'}, '← All accounts');
  if (!name) {
    view.append(back, notice('Choose an account from the list of accounts.', 'info',
        'account-hint'));
    return;
  }
  document.title = `${name} · rapport`;
  const relationship = h('div', {class: 'results', testid: 'account-relationship',
    'aria-live': 'polite'});
  const whoKnows = h('div', {class: 'results', testid: 'account-who-knows', 'aria-live': 'polite'});
  const released = h('div', {testid: 'account-released', 'aria-live': 'polite'});
  view.append(
      h('div', {class: 'page-head'}, back,
          h('h1', {testid: 'account-name', text: name}),
          h('p', {class: 'muted', text: 'How the relationship with this account stands, who in ' +
            'your organisation knows its people, and what account engagement releases said ' +
            'about it.'})),
      h('section', {class: 'card'}, controls(ctx, {name, days, asOf})),
      relationship, whoKnows,
      card('Engagement (released)',
          h('p', {class: 'muted small'}, 'De-identified counts with privacy noise added, from ' +
            'the releases made on the ', h('a', {href: ctx.link('engagement')},
              'Account engagement'), ' page. Reading them here spends nothing.'),
          released));
  await Promise.all([
    showRelationship(relationship, ctx, {target: name, days, asOf}),
    showWhoKnows(whoKnows, ctx, {target: name, top: '5', asOf}),
    showReleasedEngagement(released, ctx, name),
  ]);
}

function controls(ctx, {name, days, asOf}) {
  const daysSelect = windowSelect(days, 'account-days');
  const asOfInput = h('input', {type: 'date', name: 'as_of', value: asOf,
    testid: 'account-as-of'});
  const form = h('form', {class: 'search-form compact', testid: 'account-form', onsubmit: (e) => {
    e.preventDefault();
    ctx.navigate('account', {name, days: daysSelect.value, as_of: asOfInput.value});
  }},
  field('Window', daysSelect), field('As of (optional)', asOfInput),
  h('button', {type: 'submit', class: 'primary', testid: 'account-show'}, 'Show'));
  daysSelect.addEventListener('change', () => form.requestSubmit());
  return form;
}
