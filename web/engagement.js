// Account engagement (Office Enrichment) under differential privacy: the request form with what
// the release would cost before it runs, the privacy of the release (its cut-off, and what each
// month of data had spent before and after), a sortable table, and the CSV download. Also what
// earlier releases said about one account, for the account page.

import {get, post, request} from './api.js';
import {alertBox, badge, busy, card, clear, field, fmtDate, fmtDateTime, fmtNumber, h, loading,
  notice, table} from './dom.js';

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
    value: last.epsilon || '', placeholder: 'tenant default', testid: 'eng-epsilon'});
  const k = h('input', {type: 'number', name: 'k', min: 2, step: 1, value: last.k || 5,
    testid: 'eng-k'});
  const asOf = h('input', {type: 'date', name: 'as_of', value: memory.asOf || '',
    testid: 'eng-as-of'});
  const out = h('div', {class: 'results', testid: 'eng-results', 'aria-live': 'polite'});
  const cost = h('p', {class: 'muted cost', testid: 'eng-cost', 'aria-live': 'polite'});
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
      csvButton), cost);
  // What the release would cost, before it runs: asked again whenever the form changes.
  let asked = 0;
  const preview = async () => {
    const mine = ++asked;
    try {
      const answer = await post('/v1/engagement', requestBody(form),
          {query: {as_of: asOfOf(form), preview: 'true'}});
      if (mine === asked && ctx.isCurrent()) cost.textContent = costText(answer);
    } catch (err) {
      if (mine === asked && ctx.isCurrent()) cost.textContent = `Cost: ${err.message || err}`;
    }
  };
  form.addEventListener('change', preview);
  preview();

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

// "This release would charge ε 3 to each of 12 months of data (2025-07 to 2026-06); ..."
function costText(answer) {
  const p = answer.privacy || {};
  const months = p.months || [];
  if (p.repeated) return 'Asked before: the stored release comes back, nothing is spent.';
  const reused = p.reused_periods ? ` ${p.reused_periods} period${p.reused_periods === 1 ? '' :
    's'} come${p.reused_periods === 1 ? 's' : ''} from earlier releases, free.` : '';
  if (!months.length) return `Nothing to spend.${reused}`;
  const range = months.length ? ` (${months[0].month}${months.length > 1 ?
    ` to ${months[months.length - 1].month}` : ''})` : '';
  const most = Math.max(0, ...months.map((m) => Number(m.epsilon_before)));
  const text = `This release would charge ε ${fmtNumber(p.epsilon, 3)} to each of ` +
    `${months.length} month${months.length === 1 ? '' : 's'} of data${range}; the most spent ` +
    `of any is ${fmtNumber(most, 3)} of its lifetime ${fmtNumber(p.epsilon_per_month, 3)}.`;
  return answer.allowed ? text + reused : `${text}${reused} Refused: ${answer.reason}`;
}

function show(out, answer) {
  clear(out);
  const p = answer.privacy || {};
  const rows = answer.rows || [];
  out.append(privacyPanel(p));
  if (rows.length === 0) {
    out.append(notice(`No account has a row in this release: a listed account (from the CRM ` +
        `import) needed a noisy count of at least ${fmtNumber(p.k)} colleagues, any other ` +
        `${fmtNumber(p.threshold_unlisted)}, with data before ${p.cutoff || '—'}. Import the ` +
        `CRM's account list, choose longer periods, or check “As of”: the data may end earlier.`,
    'warning', 'eng-zero-rows'));
    return;
  }
  out.append(card(`${rows.length} account row${rows.length === 1 ? '' : 's'}`,
      sortableTable(rows, out, answer)));
}

function privacyPanel(p) {
  const item = (label, value, testid) => h('div', {class: 'stat', 'data-testid': testid},
      h('span', {class: 'stat-label', text: label}), h('span', {class: 'stat-value', text: value}));
  const months = p.months || [];
  const most = Math.max(0, ...months.map((m) => Number(m.epsilon_after)));
  const budget = Number(p.epsilon_per_month);
  const meter = h('div', {class: 'meter',
    title: `the most spent month: ${fmtNumber(most, 3)} of ${fmtNumber(budget, 3)}`},
  h('span', {class: 'meter-fill'}));
  meter.firstChild.style.width = `${budget > 0 ? Math.min(100, (100 * most) / budget) : 0}%`;
  const first = months[0]?.month || '—';
  const last = months[months.length - 1]?.month || '—';
  return h('section', {class: 'card privacy', testid: 'eng-privacy'},
      h('div', {class: 'card-title-row'},
          h('h2', {text: 'Privacy of this release'}),
          p.repeated ? badge('repeated release: stored answer, no budget spent', 'repeated',
              'eng-repeated') : badge('new release', 'fresh', 'eng-repeated')),
      h('div', {class: 'stats'},
          item('Release', `#${fmtNumber(p.release)} · ${p.level || ''}`, 'eng-release'),
          item('Period', `${p.from || '—'} to ${p.to || '—'}`, 'eng-range'),
          item('Data before', `${p.cutoff || '—'} (${p.time_zone || 'UTC'})`, 'eng-p-cutoff'),
          item('Epsilon (ε) per month read', fmtNumber(p.epsilon, 4), 'eng-p-epsilon'),
          item('Delta (δ) per month, tenant', String(p.delta ?? '—'), 'eng-p-delta'),
          item('k (minimum colleagues)', fmtNumber(p.k), 'eng-p-k'),
          item('Threshold, unlisted accounts', fmtNumber(p.threshold_unlisted), 'eng-p-threshold'),
          item('Accounts per colleague per month', fmtNumber(p.accounts_per_colleague_per_month),
              'eng-p-accounts'),
          item('Released', fmtDateTime(p.released_at), 'eng-p-released'),
          item('Listed accounts estimated over', p.estimated_periods ?
            `${fmtNumber(p.estimated_periods)} periods together` : 'each period alone',
          'eng-p-estimated')),
      h('div', {class: 'budget', testid: 'eng-budget'},
          h('span', {text: `Lifetime budget of each month read (${first} to ${last}): at most ` +
            `${fmtNumber(most, 3)} of ${fmtNumber(budget, 3)} ε spent after this release`}),
          meter));
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
          'data-label': LABELS[k] || k.replace(/_/g, ' '),
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

// The account page's columns of a released row: the counts each way and the score.
const RELEASED_COLUMNS = ['AggregationStartDate', 'NoOfEmails_ToAccount', 'NoOfEmails_FromAccount',
  'NoOfMeetings_ToAccount', 'NoOfMeetings_FromAccount', 'EngagementScore'];

/**
 * What account engagement releases said about `account`, into `out`: reading them spends no
 * privacy budget. Without aggregated consent the denial shows here, and only here.
 */
export async function showReleasedEngagement(out, ctx, account) {
  clear(out).append(loading(`Loading what was released about ${account}…`));
  let answer;
  try {
    answer = await get('/v1/engagement/released', {account});
  } catch (err) {
    if (ctx.isCurrent()) clear(out).append(alertBox(err, 'released-error'));
    return;
  }
  if (!ctx.isCurrent()) return;
  const rows = answer.rows || [];
  clear(out).append(rows.length ? releasedTable(rows) :
    notice(answer.empty_reason, 'info', 'released-empty'));
}

function releasedTable(rows) {
  const number = (key) => (r) => {
    const v = cellValue(r.row[key]);
    return typeof v === 'number' ? fmtNumber(v, 2) : v;
  };
  const columns = [
    {label: 'Level', key: 'level'},
    ...RELEASED_COLUMNS.map((key) => key === 'AggregationStartDate' ?
      {label: LABELS[key], render: (r) => r.row[key]} :
      {label: LABELS[key], num: true, render: number(key)}),
    {label: 'Released', render: (r) => `#${r.release_id}, ${fmtDate(r.released_at)}`},
  ];
  const tbl = table(columns, rows, {class: 'data', 'data-testid': 'released-table'});
  tbl.querySelectorAll('tbody tr').forEach((tr) => tr.setAttribute('data-testid', 'released-row'));
  return tbl;
}
