// Account engagement (Office Enrichment) under differential privacy: the request form, the
// privacy parameters of the release, a sortable table, and the CSV download.

import {post, request} from './api.js';
import {alertBox, badge, busy, card, clear, field, fmtDateTime, fmtNumber, h, loading,
  notice} from './dom.js';

const PREFERRED_COLUMNS = [
  'AccountId', 'AccountName', 'AggregationLevel', 'AggregationStartDate',
  'NoOfEmails_ToAccount', 'NoOfEmails_FromAccount', 'NoOfMeetings_ToAccount',
  'NoOfMeetings_FromAccount', 'NoOfContactsInvolved_Emails', 'NoOfContactsInvolved_Meetings',
  'NoOfAccountContactsInvolved_Emails', 'NoOfAccountContactsInvolved_Meetings',
  'DaysSinceLastEmail', 'DaysSinceLastMeeting', 'AverageDuration_Of_Meetings',
  'AverageDuration_Of_AccountEmailReplies', 'EngagementScore',
];

// Short headers for the anchor's column names (each header's tooltip keeps the CSV name).
const LABELS = {
  AccountId: 'Id', AccountName: 'Account', AggregationLevel: 'Level',
  AggregationStartDate: 'Period start', NoOfEmails_ToAccount: 'E‑mails to',
  NoOfEmails_FromAccount: 'E‑mails from', NoOfMeetings_ToAccount: 'Meetings to',
  NoOfMeetings_FromAccount: 'Meetings from', NoOfContactsInvolved_Emails: 'Colleagues (mail)',
  NoOfContactsInvolved_Meetings: 'Colleagues (meetings)',
  NoOfAccountContactsInvolved_Emails: 'Their contacts (mail)',
  NoOfAccountContactsInvolved_Meetings: 'Their contacts (meetings)',
  DaysSinceLastEmail: 'Days since e‑mail', DaysSinceLastMeeting: 'Days since meeting',
  AverageDuration_Of_Meetings: 'Avg meeting (min)',
  AverageDuration_Of_AccountEmailReplies: 'Avg reply (min)', EngagementScore: 'Score',
};

// The last request and answer survive navigating away and back within the tab.
const memory = {request: null, answer: null, sort: {key: 'EngagementScore', dir: -1}};

function requestBody(form) {
  const data = new FormData(form);
  const body = {period: data.get('period')};
  for (const key of ['from', 'to']) if (data.get(key)) body[key] = data.get(key);
  if (data.get('epsilon')) body.epsilon = String(data.get('epsilon'));
  if (data.get('k')) body.k = Number(data.get('k'));
  return body;
}

/** as_of goes in the query string, not the body. */
function asOfOf(form) {
  return new FormData(form).get('as_of') || '';
}

export async function renderEngagement(view, ctx) {
  const last = memory.request || {period: 'month'};
  const period = h('select', {name: 'period', testid: 'eng-period'},
      ['week', 'month', 'year'].map((p) => h('option', {value: p, selected: p === last.period}, p)));
  const from = h('input', {type: 'date', name: 'from', value: last.from || '', testid: 'eng-from'});
  const to = h('input', {type: 'date', name: 'to', value: last.to || '', testid: 'eng-to'});
  const epsilon = h('input', {type: 'number', name: 'epsilon', min: '0.01', step: '0.01',
    value: last.epsilon || '1', testid: 'eng-epsilon'});
  const k = h('input', {type: 'number', name: 'k', min: 2, step: 1, value: last.k || 5,
    testid: 'eng-k'});
  const asOf = h('input', {type: 'date', name: 'as_of', value: memory.asOf || '',
    testid: 'eng-as-of'});
  const out = h('div', {class: 'results', testid: 'eng-results', 'aria-live': 'polite'});
  const csvButton = h('button', {type: 'button', testid: 'eng-download-csv', onclick: async () => {
    await downloadCsv(requestBody(form), asOfOf(form), out, csvButton);
  }}, 'Download CSV');
  const form = h('form', {class: 'search-form wrap', testid: 'eng-form', onsubmit: async (e) => {
    e.preventDefault();
    const body = requestBody(form);
    memory.request = body;
    memory.asOf = asOfOf(form);
    clear(out).append(loading('Releasing account engagement…'));
    await busy(form, async () => {
      try {
        memory.answer = await post('/v1/engagement', body, {query: {as_of: memory.asOf}});
        memory.sort = {key: 'EngagementScore', dir: -1};
        if (ctx.isCurrent()) show(out, memory.answer);
      } catch (err) {
        memory.answer = null;
        if (ctx.isCurrent()) clear(out).append(alertBox(err, 'eng-error'));
      }
    });
  }},
  field('Period', period), field('From', from), field('To', to),
  field('Epsilon (ε)', epsilon), field('Minimum colleagues (k)', k),
  field('As of (optional)', asOf),
  h('div', {class: 'form-actions'},
      h('button', {type: 'submit', class: 'primary', testid: 'eng-run'}, 'Show engagement'),
      csvButton));

  view.append(
      h('div', {class: 'page-head'},
          h('h1', {text: 'Account engagement'}),
          h('p', {class: 'muted', text: 'How engaged the company is with each account, per ' +
            'period, de-identified: a row appears only when enough colleagues contributed, and ' +
            'every number carries differentially private noise. Each new release spends privacy ' +
            'budget; asking the same release again returns the stored answer and spends nothing.'})),
      h('section', {class: 'card'}, form), out);
  if (memory.answer) show(out, memory.answer);
  else out.append(notice('Choose a period and press “Show engagement”.', 'info', 'eng-hint'));
}

function show(out, answer) {
  clear(out);
  const p = answer.privacy || {};
  const rows = answer.rows || [];
  out.append(privacyPanel(p));
  if (rows.length === 0) {
    out.append(notice(`No account cleared the privacy threshold in this release: a row needed a ` +
        `noisy count of at least ${fmtNumber(p.threshold)} contributing colleagues (k = ` +
        `${fmtNumber(p.k)}, ε = ${fmtNumber(p.epsilon, 3)}). Rows appear for accounts that many ` +
        `colleagues work with; a longer period or a larger ε lowers the bar, at the cost of ` +
        `more budget.`, 'warning', 'eng-zero-rows'));
    return;
  }
  out.append(card(`${rows.length} account row${rows.length === 1 ? '' : 's'}`,
      sortableTable(rows, out, answer)));
}

function privacyPanel(p) {
  const item = (label, value, testid) => h('div', {class: 'stat', 'data-testid': testid},
      h('span', {class: 'stat-label', text: label}), h('span', {class: 'stat-value', text: value}));
  const spent = Number(p.spent_this_quarter);
  const budget = Number(p.budget_per_quarter);
  const meter = h('div', {class: 'meter', title: `${spent} of ${budget} spent this quarter`},
      h('span', {class: 'meter-fill'}));
  meter.firstChild.style.width = `${budget > 0 ? Math.min(100, (100 * spent) / budget) : 0}%`;
  return h('section', {class: 'card privacy', testid: 'eng-privacy'},
      h('div', {class: 'card-title-row'},
          h('h2', {text: 'Privacy of this release'}),
          p.repeated ? badge('repeated release: stored answer, no budget spent', 'repeated',
              'eng-repeated') : badge('new release', 'fresh', 'eng-repeated')),
      h('div', {class: 'stats'},
          item('Release', `#${fmtNumber(p.release)} · ${p.level || ''}`, 'eng-release'),
          item('Period', `${p.from || '—'} to ${p.to || '—'}`, 'eng-range'),
          item('Epsilon (ε)', fmtNumber(p.epsilon, 4), 'eng-p-epsilon'),
          item('Delta (δ)', String(p.delta ?? '—'), 'eng-p-delta'),
          item('k (minimum colleagues)', fmtNumber(p.k), 'eng-p-k'),
          item('Threshold (noisy count)', fmtNumber(p.threshold), 'eng-p-threshold'),
          item('Accounts per colleague per period', fmtNumber(p.accounts_per_user_per_period),
              'eng-p-accounts'),
          item('Released', fmtDateTime(p.released_at), 'eng-p-released')),
      h('div', {class: 'budget', testid: 'eng-budget'},
          h('span', {text: `Budget this quarter: ${fmtNumber(spent, 3)} of ${fmtNumber(budget, 3)} ` +
            `ε spent`}), meter));
}

function cellValue(v) {
  if (v === null || v === undefined || v === '') return null;
  const n = Number(v);
  return Number.isFinite(n) && String(v).trim() !== '' ? n : String(v);
}

function sortableTable(rows, out, answer) {
  const keys = [...PREFERRED_COLUMNS.filter((c) => c in rows[0]),
    ...Object.keys(rows[0]).filter((c) => !PREFERRED_COLUMNS.includes(c))];
  const {key, dir} = memory.sort;
  const sorted = [...rows].sort((a, b) => {
    const x = cellValue(a[key]);
    const y = cellValue(b[key]);
    if (x === y) return 0;
    if (x === null) return 1;
    if (y === null) return -1;
    if (typeof x === 'number' && typeof y === 'number') return dir * (x - y);
    return dir * String(x).localeCompare(String(y));
  });
  const thead = h('thead', null, h('tr', null, keys.map((k) => {
    const active = k === key;
    return h('th', {scope: 'col', 'aria-sort': active ? (dir > 0 ? 'ascending' : 'descending') : 'none',
      class: typeof cellValue(rows[0][k]) === 'number' ? 'num' : null},
    h('button', {type: 'button', class: 'sort', 'data-testid': `eng-sort-${k}`, title: k,
      onclick: () => {
        memory.sort = {key: k, dir: active ? -dir : (k === 'AccountName' ? 1 : -1)};
        show(out, answer);
      }}, LABELS[k] || k.replace(/_/g, ' '), h('span', {class: 'sort-mark', 'aria-hidden': 'true',
      text: active ? (dir > 0 ? ' ▲' : ' ▼') : ''})));
  })));
  const tbody = h('tbody', null, sorted.map((row) => h('tr', {'data-testid': 'eng-row'},
      keys.map((k) => {
        const v = cellValue(row[k]);
        return h('td', {class: typeof v === 'number' ? 'num' : null,
          text: v === null ? '—' : typeof v === 'number' ? fmtNumber(v, 2) : v});
      }))));
  return h('div', {class: 'table-wrap'},
      h('table', {class: 'data sortable', 'data-testid': 'eng-table'}, thead, tbody));
}

async function downloadCsv(body, asOf, out, button) {
  button.disabled = true;
  try {
    const response = await request('POST', '/v1/engagement', {body, raw: true,
      query: {format: 'csv', as_of: asOf}, accept: 'text/csv'});
    const blob = await response.blob();
    const url = URL.createObjectURL(new Blob([blob], {type: 'text/csv'}));
    const a = h('a', {href: url, download: `engagement-${body.period}${body.from ? `-${body.from}` :
      ''}.csv`});
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  } catch (err) {
    out.prepend(alertBox(err, 'eng-csv-error'));
  } finally {
    button.disabled = false;
  }
}
