// Accounts, the home page: the accounts the signed-in user and their colleagues deal with, newest
// activity first, each with its health, trend and who took part, from /v1/accounts/overview.
// What is chosen (window, only mine, sort, how many) stays in the address, to bookmark or share.

import {get} from './api.js';
import {alertBox, badge, card, clear, field, fmtDate, fmtNumber, h, loading, notice,
  table} from './dom.js';
import {TREND} from './relationship.js';

const WINDOWS = ['30', '60', '90', '180'];
const PAGE = 50;  // accounts asked for at first, and added by each "Show more"

// The orders the server lists accounts in (/v1/accounts/overview's sort): it sorts before it
// cuts the list at the limit, so "Health, lowest first" is over every account, not the first 50.
const SORTS = {
  recent: 'Last activity',
  health: 'Health, lowest first',
  'health-desc': 'Health, highest first',
  falling: 'Falling first',
  name: 'Name',
};

function choiceOf(params) {
  const sort = params.get('sort') || 'recent';
  return {
    days: params.get('days') || '60',
    mine: params.get('mine') === '1',
    sort: SORTS[sort] ? sort : 'recent',
    limit: Math.max(1, Number(params.get('limit')) || PAGE),
    asOf: params.get('as_of') || '',
  };
}

/** The address's query for a choice, leaving out what is the default. */
function paramsOf(choice) {
  return {days: choice.days, mine: choice.mine ? '1' : '', as_of: choice.asOf,
    sort: choice.sort === 'recent' ? '' : choice.sort,
    limit: choice.limit === PAGE ? '' : choice.limit};
}

/** The window in days, as a select; the account page has the same. */
export function windowSelect(days, testid) {
  const choices = WINDOWS.includes(days) ? WINDOWS : [...WINDOWS, days];
  return h('select', {name: 'days', testid},
      choices.map((d) => h('option', {value: d, selected: d === days}, `${d} days`)));
}

export async function renderAccounts(view, ctx) {
  const choice = choiceOf(ctx.params);
  const out = h('div', {class: 'results', testid: 'acc-results', 'aria-live': 'polite'});
  let doc = null;
  // Sorting and "Show more" stay on the page: the address changes without a new history entry.
  const remember = () => history.replaceState(null, '', ctx.link('accounts', paramsOf(choice)));
  const show = () => showAccounts(out, ctx, choice, doc, showMore);
  const load = async () => {
    try {
      doc = await get('/v1/accounts/overview', {days: choice.days, as_of: choice.asOf,
        mine: choice.mine ? 'true' : 'false', sort: choice.sort, limit: choice.limit});
    } catch (err) {
      if (ctx.isCurrent()) clear(out).append(alertBox(err, 'acc-error'));
      return;
    }
    if (ctx.isCurrent()) show();
  };
  async function showMore() {
    choice.limit += PAGE;
    remember();
    await load();
  }
  const resort = async (sort) => {
    choice.sort = sort;
    remember();
    await load();
  };
  view.append(
      h('div', {class: 'page-head'},
          h('h1', {text: 'Accounts'}),
          h('p', {class: 'muted', text: 'The accounts you and your colleagues deal with, latest ' +
            'activity first: how healthy each relationship is, which way it is going, and who ' +
            'took part. Open one for the whole picture.'})),
      h('section', {class: 'card'}, controls(ctx, choice, resort)), out);
  out.append(loading('Loading your accounts…'));
  await load();
}

function controls(ctx, choice, resort) {
  const days = windowSelect(choice.days, 'acc-days');
  const mine = h('input', {type: 'checkbox', name: 'mine', checked: choice.mine,
    testid: 'acc-mine-only'});
  const asOf = h('input', {type: 'date', name: 'as_of', value: choice.asOf, testid: 'acc-as-of'});
  const sort = h('select', {name: 'sort', testid: 'acc-sort', onchange: () => resort(sort.value)},
      Object.entries(SORTS).map(([key, label]) =>
        h('option', {value: key, selected: key === choice.sort}, label)));
  const form = h('form', {class: 'search-form compact', testid: 'acc-form',
    onsubmit: (e) => {
      e.preventDefault();
      ctx.navigate('accounts', paramsOf({...choice, days: days.value, mine: mine.checked,
        asOf: asOf.value, limit: PAGE}));
    }},
  field('Window', days), field('Sort by', sort), field('As of (optional)', asOf),
  h('label', {class: 'check'}, mine, 'Only accounts I deal with'),
  h('button', {type: 'submit', class: 'primary', testid: 'acc-show'}, 'Show'));
  // The window and the toggle ask the server again at once; a date is typed, then shown.
  for (const input of [days, mine]) input.addEventListener('change', () => form.requestSubmit());
  return form;
}

function showAccounts(out, ctx, choice, doc, showMore) {
  clear(out).append(h('p', {class: 'summary', testid: 'acc-summary', text: summary(doc)}));
  if (!doc.shown) {
    out.append(notice(doc.empty_reason, 'info', 'acc-empty'));
    return;
  }
  const tbl = table(columns(ctx, choice), doc.accounts,
      {class: 'data', 'data-testid': 'acc-table'});
  tbl.querySelectorAll('tbody tr').forEach((tr) => tr.setAttribute('data-testid', 'acc-row'));
  out.append(card(null, tbl, moreRow(choice, doc, showMore)));
}

// "42 accounts, 7 of them yours, 60 days to 2026-06-30 (data up to 2026-06-30)"
function summary(doc) {
  const dataUpTo = doc.data_up_to ? `data up to ${doc.data_up_to}` : 'no data yet';
  return `${fmtNumber(doc.total)} account${doc.total === 1 ? '' : 's'}, ${fmtNumber(doc.mine)} ` +
    `of them yours, ${doc.days} days to ${fmtDate(doc.as_of)} (${dataUpTo})`;
}

function moreRow(choice, doc, showMore) {
  const available = choice.mine ? doc.mine : doc.total;
  if (doc.shown >= available) return null;
  const button = h('button', {type: 'button', testid: 'acc-more', onclick: async () => {
    button.disabled = true;
    await showMore();
  }}, 'Show more');
  return h('div', {class: 'more more-row'}, button,
      h('span', {class: 'muted', testid: 'acc-shown',
        text: `${fmtNumber(doc.shown)} of ${fmtNumber(available)} shown`}));
}

function columns(ctx, choice) {
  const cell = (testid, text) => h('span', {testid, text});
  return [
    {label: 'Account', render: (a) => h('a', {testid: 'acc-name', href: ctx.link('account',
        {name: a.account, days: choice.days, as_of: choice.asOf})}, a.account)},
    {label: 'Health', render: (a) => h('span', {class: 'acc-health'},
        h('span', {class: 'acc-score', testid: 'acc-score', text: fmtNumber(a.score)}),
        badge(a.grade, `grade-${String(a.grade).toLowerCase()}`, 'acc-grade'))},
    {label: 'Trend', render: (a) => h('span', {class: `trend trend-${a.trend}`, testid: 'acc-trend',
      title: previously(a), text: TREND[a.trend] || a.trend})},
    {label: 'Last activity', render: (a) => cell('acc-last', fmtDate(a.last_interaction))},
    {label: 'E-mails by us / by them', num: true, render: (a) => cell('acc-emails',
        `${fmtNumber(a.emails_by_us)} / ${fmtNumber(a.emails_by_them)}`)},
    {label: 'Meetings', num: true, render: (a) => cell('acc-meetings', fmtNumber(a.meetings))},
    {label: 'Colleagues', num: true, render: (a) => cell('acc-colleagues',
        fmtNumber(a.colleagues))},
    {label: 'You', num: true, render: (a) => cell('acc-you', fmtNumber(a.my_interactions))},
  ];
}

function previously(a) {
  return a.previous_score === null || a.previous_score === undefined ?
    'no score for the window before' : `${fmtNumber(a.previous_score)} in the window before`;
}
