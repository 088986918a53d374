// Admin: consent (status, grant, revoke, history, receipts), opt-outs, the audit log and its
// chain check, the privacy budget and what the store holds.

import {del, get, post} from './api.js';
import {alertBox, badge, busy, card, clear, confirmDialog, field, fmtDateTime, fmtNumber, h,
  loading, notice, table} from './dom.js';

const TYPES = [
  {type: 'personal', title: 'Personal', text: 'Each user\'s own insights (rapport me), only for them.'},
  {type: 'aggregated', title: 'Aggregated', text: 'De-identified aggregates such as account ' +
    'engagement, under differential privacy.'},
  {type: 'identifiable', title: 'Identifiable', text: 'Individual users\' data shown to ' +
    'colleagues: Who Knows Whom and relationship analytics.'},
];

const TABS = [
  {id: 'consent', title: 'Consent', render: consentTab},
  {id: 'opt-outs', title: 'Opt-outs', render: optOutsTab},
  {id: 'audit', title: 'Audit log', render: auditTab},
  {id: 'data', title: 'Budget & data', render: dataTab},
];

export async function renderAdmin(view, ctx) {
  const tabId = TABS.some((t) => t.id === ctx.params.get('tab')) ? ctx.params.get('tab') : 'consent';
  view.append(
      h('div', {class: 'page-head'},
          h('h1', {text: 'Admin'}),
          h('p', {class: 'muted', text: `Tenant ${ctx.session.tenant || ''}: consent, opt-outs, ` +
            'the audit log and the privacy budget.'})),
      h('nav', {class: 'tabs', 'aria-label': 'Admin sections'}, TABS.map((t) =>
        h('a', {href: ctx.link('admin', {tab: t.id}), class: t.id === tabId ? 'active' : null,
          'aria-current': t.id === tabId ? 'page' : null, testid: `admin-tab-${t.id}`}, t.title))));
  const body = h('div', {class: 'admin-body', testid: `admin-${tabId}`});
  view.append(body);
  await TABS.find((t) => t.id === tabId).render(body, ctx);
}

// ---- consent -----------------------------------------------------------------------------------

async function consentTab(body, ctx) {
  const flash = h('div', {class: 'flash', testid: 'consent-flash', 'aria-live': 'polite'});
  const statusBox = h('div', {class: 'consent-grid', testid: 'consent-status'}, loading());
  const historyBox = h('div', {testid: 'consent-history'}, loading());
  const receiptBox = h('div', {class: 'receipt', testid: 'receipt'});
  const receiptInput = h('input', {type: 'text', name: 'grant_id', placeholder: 'identifiable-1',
    testid: 'receipt-id', required: true});
  const receiptForm = h('form', {class: 'search-form compact', onsubmit: (e) => {
    e.preventDefault();
    showReceipt(receiptInput.value.trim());
  }}, field('Grant id', receiptInput),
  h('button', {type: 'submit', testid: 'receipt-show'}, 'View receipt'));

  async function showReceipt(id) {
    if (!id) return;
    receiptInput.value = id;
    clear(receiptBox).append(loading());
    try {
      const receipt = await get(`/v1/consent/receipts/${encodeURIComponent(id)}`);
      clear(receiptBox).append(h('pre', {class: 'json', testid: 'receipt-json',
        text: JSON.stringify(receipt, null, 2)}));
    } catch (err) {
      clear(receiptBox).append(alertBox(err, 'receipt-error'));
    }
  }

  let groups = null;
  async function directoryGroups() {
    if (groups) return groups;
    const d = await get('/v1/directory');
    groups = (d && d.groups) || [];
    return groups;
  }

  async function refresh() {
    let status;
    let history;
    try {
      [status, history] = await Promise.all([get('/v1/consent'), get('/v1/consent/history')]);
    } catch (err) {
      clear(statusBox).append(alertBox(err, 'consent-error'));
      clear(historyBox);
      return;
    }
    if (!ctx.isCurrent()) return;
    clear(statusBox).append(...TYPES.map((t) => consentCard(t, status[t.type] || {})));
    clear(historyBox).append(history.length ? table([
      {label: '#', num: true, key: 'seq'},
      {label: 'Event', render: (e) => badge(e.event, e.event === 'grant' ? 'allow' : 'deny')},
      {label: 'Type', key: 'type'},
      {label: 'By', key: 'by'},
      {label: 'At', render: (e) => fmtDateTime(e.at)},
      {label: 'Terms', key: 'terms_version'},
      {label: 'Excluded groups', render: (e) => (e.excluded_groups || []).join(', ') || '—'},
      {label: 'Receipt', render: (e) => e.grant_id && e.event === 'grant' ?
        h('button', {type: 'button', class: 'link-button', 'data-testid': `receipt-${e.grant_id}`,
          onclick: () => showReceipt(e.grant_id)}, e.grant_id) : (e.grant_id || '—')},
    ], [...history].reverse(), {class: 'data', 'data-testid': 'consent-history-table'}) :
      notice('No consent has ever been granted.', 'info'));
  }

  function consentCard(t, st) {
    const inForce = Boolean(st.in_force);
    const action = inForce ?
      h('button', {type: 'button', class: 'danger', testid: `consent-revoke-${t.type}`,
        onclick: (e) => revoke(t, e.currentTarget)}, 'Revoke…') :
      h('button', {type: 'button', class: 'primary', testid: `consent-grant-${t.type}`,
        onclick: (e) => grant(t, e.currentTarget)}, 'Grant…');
    const rows = inForce ? [
      ['Since', fmtDateTime(st.since)], ['By', st.by], ['Grant', st.grant_id],
      ['Terms', st.terms_version], ['Excluded groups', (st.excluded_groups || []).join(', ') || 'none'],
    ] : [];
    return h('section', {class: `card consent-card ${inForce ? 'on' : 'off'}`,
      'data-testid': `consent-${t.type}`, 'data-in-force': String(inForce)},
    h('div', {class: 'card-title-row'}, h('h2', {text: t.title}),
        badge(inForce ? 'in force' : 'not in force', inForce ? 'allow' : 'deny',
            `consent-state-${t.type}`)),
    h('p', {class: 'muted small', text: t.text}),
    rows.length ? h('dl', {class: 'facts'}, rows.map(([k, v]) =>
      [h('dt', {text: k}), h('dd', {text: v || '—'})])) : null,
    h('div', {class: 'card-actions'}, action));
  }

  async function grant(t, button) {
    let available = [];
    try {
      available = await directoryGroups();
    } catch (err) {
      flash.replaceChildren(alertBox(err, 'consent-action-error'));
      return;
    }
    const terms = h('input', {type: 'text', name: 'terms_version', value: 'v1', required: true,
      testid: 'grant-terms'});
    const boxes = available.map((g) => h('label', {class: 'check'},
        h('input', {type: 'checkbox', value: g, 'data-testid': `grant-exclude-${g}`}), g));
    const ok = await confirmDialog({
      title: `Grant ${t.type} consent?`,
      body: [
        h('p', {text: `${t.text} Collection and these insights start at once.`}),
        field('Terms version', terms),
        h('fieldset', {class: 'groups'}, h('legend', {text: 'Exclude these groups'}),
            boxes.length ? boxes : h('p', {class: 'muted', text: 'The directory has no groups.'})),
      ],
      ok: `Grant ${t.type}`,
    });
    if (!ok) return;
    const exclude = boxes.map((b) => b.firstChild).filter((c) => c.checked).map((c) => c.value);
    await act(button, `/v1/consent/${t.type}/grant`,
        {terms_version: terms.value.trim() || 'v1', exclude_groups: exclude}, `Granted ${t.type}`);
  }

  async function revoke(t, button) {
    const ok = await confirmDialog({
      title: `Revoke ${t.type} consent?`,
      body: [h('p', {text: `${t.text} They stop on the next request, and data no remaining ` +
        'consent covers is purged from the store now. This cannot be undone.'})],
      ok: `Revoke ${t.type}`,
      danger: true,
    });
    if (!ok) return;
    await act(button, `/v1/consent/${t.type}/revoke`, {}, `Revoked ${t.type}`);
  }

  async function act(button, path, payload, done) {
    button.disabled = true;
    flash.replaceChildren(loading('Working…'));
    try {
      const answer = await post(path, payload);
      const purged = (answer && answer.purged) || {};
      const what = [['messages', purged.messages], ['meetings', purged.meetings],
        ['addresses', purged.addresses]].filter(([, n]) => n).map(([k, n]) => `${fmtNumber(n)} ${k}`);
      flash.replaceChildren(notice(`${done}${answer && answer.event && answer.event.grant_id ?
        ` (${answer.event.grant_id})` : ''}. ${what.length ? `Purged ${what.join(', ')}.` :
        'Nothing needed purging.'}`, 'success', 'consent-done'));
      await refresh();
    } catch (err) {
      flash.replaceChildren(alertBox(err, 'consent-action-error'));
      button.disabled = false;
    }
  }

  body.append(flash, statusBox, card('History', historyBox),
      card('Consent receipt', h('p', {class: 'muted small', text: 'A Kantara Consent Receipt ' +
        'v1.1 for any grant: pick one in the history, or type its id.'}), receiptForm, receiptBox));
  await refresh();
}

// ---- opt-outs ----------------------------------------------------------------------------------

async function optOutsTab(body, ctx) {
  const flash = h('div', {class: 'flash', 'aria-live': 'polite'});
  const listBox = h('div', {testid: 'optout-list'}, loading());
  const user = h('input', {type: 'email', name: 'user', required: true, testid: 'optout-user',
    placeholder: 'someone@yourcompany.com'});
  const scope = h('select', {name: 'scope', testid: 'optout-scope'},
      h('option', {value: 'identifiable'}, 'identifiable insights'),
      h('option', {value: 'all'}, 'everything'));
  const addForm = h('form', {class: 'search-form', onsubmit: async (e) => {
    e.preventDefault();
    const address = user.value.trim();
    const ok = await confirmDialog({title: `Opt ${address} out?`, danger: true,
      ok: 'Opt out', body: [h('p', {text: `${address}'s data is purged for ${scope.value === 'all' ?
        'every insight' : 'identifiable insights'}, and later ingests drop it. The address is ` +
        'remembered only as a keyed hash.'})]});
    if (!ok) return;
    await busy(addForm, async () => {
      try {
        await post('/v1/opt-outs', {user: address, scope: scope.value});
        flash.replaceChildren(notice(`${address} is opted out (${scope.value}).`, 'success',
            'optout-done'));
        user.value = '';
        await refresh();
      } catch (err) {
        flash.replaceChildren(alertBox(err, 'optout-error'));
      }
    });
  }}, field('Address', user), field('Scope', scope),
  h('button', {type: 'submit', class: 'danger', testid: 'optout-add'}, 'Opt out…'));
  const removeUser = h('input', {type: 'email', name: 'user', required: true,
    testid: 'optout-remove-user', placeholder: 'someone@yourcompany.com'});
  const removeForm = h('form', {class: 'search-form', onsubmit: async (e) => {
    e.preventDefault();
    const address = removeUser.value.trim();
    const ok = await confirmDialog({title: `Remove ${address}'s opt-out?`, ok: 'Remove opt-out',
      body: [h('p', {text: 'Their mail is collected again from the next ingest; what was purged ' +
        'stays purged.'})]});
    if (!ok) return;
    await busy(removeForm, async () => {
      try {
        await del(`/v1/opt-outs/${encodeURIComponent(address)}`);
        flash.replaceChildren(notice(`${address}'s opt-out is removed.`, 'success', 'optout-done'));
        removeUser.value = '';
        await refresh();
      } catch (err) {
        flash.replaceChildren(alertBox(err, 'optout-error'));
      }
    });
  }}, field('Address', removeUser),
  h('button', {type: 'submit', testid: 'optout-remove'}, 'Remove opt-out…'));

  async function refresh() {
    try {
      const list = await get('/v1/opt-outs');
      if (!ctx.isCurrent()) return;
      clear(listBox).append(list.length ? table([
        {label: 'Address (keyed hash)', render: (o) => h('code', {text: o.address_hash})},
        {label: 'Scope', render: (o) => badge(o.scope, 'neutral')},
      ], list, {class: 'data', 'data-testid': 'optout-table'}) :
        notice('Nobody has opted out.', 'info'));
    } catch (err) {
      clear(listBox).append(alertBox(err, 'optout-error'));
    }
  }
  body.append(flash,
      h('div', {class: 'split even'},
          card('Opt a user out', addForm), card('Remove an opt-out', removeForm)),
      card('Opt-outs', h('p', {class: 'muted small', text: 'Addresses are kept only as keyed ' +
        'hashes: rapport can recognise an opted-out address but cannot list it.'}), listBox));
  await refresh();
}

// ---- audit -------------------------------------------------------------------------------------

async function auditTab(body, ctx) {
  const since = h('input', {type: 'date', name: 'since', value: ctx.params.get('since') || '',
    testid: 'audit-since'});
  const subject = h('input', {type: 'text', name: 'subject', value: ctx.params.get('subject') || '',
    placeholder: 'an address', testid: 'audit-subject'});
  const verifyBox = h('div', {class: 'verify', testid: 'audit-verify-result', 'aria-live': 'polite'});
  const verifyButton = h('button', {type: 'button', testid: 'audit-verify', onclick: async () => {
    verifyButton.disabled = true;
    clear(verifyBox).append(loading('Checking the hash chain…'));
    try {
      const v = await get('/v1/audit/verify');
      clear(verifyBox).append(v.intact ?
        notice(`Hash chain intact: ${fmtNumber(v.entries)} entries checked.`, 'success',
            'audit-intact') :
        h('div', {class: 'alert error', role: 'alert', 'data-testid': 'audit-broken'},
            h('strong', {text: 'Hash chain broken'}),
            h('span', {text: `at entry ${v.first_broken}: ${v.problem || 'changed, removed or ' +
              're-ordered'} (${fmtNumber(v.entries)} entries)`})));
    } catch (err) {
      clear(verifyBox).append(alertBox(err, 'audit-error'));
    } finally {
      verifyButton.disabled = false;
    }
  }}, 'Verify chain');
  const who = h('input', {type: 'text', name: 'who', value: ctx.params.get('who') || '',
    placeholder: 'who asked', testid: 'audit-who'});
  const what = h('select', {name: 'what', testid: 'audit-what'},
      ['', 'who-knows-whom', 'relationship', 'personal', 'engagement', 'person', 'admin-add',
        'admin-remove'].map((v) => h('option', {value: v, text: v || 'anything',
        selected: v === (ctx.params.get('what') || '') ? true : null})));
  const decision = h('select', {name: 'decision', testid: 'audit-decision'},
      ['', 'allow', 'deny'].map((v) => h('option', {value: v, text: v || 'both',
        selected: v === (ctx.params.get('decision') || '') ? true : null})));
  const until = h('input', {type: 'date', name: 'until', value: ctx.params.get('until') || '',
    testid: 'audit-until'});
  const filters = () => ({since: since.value, until: until.value, who: who.value.trim(),
    subject: subject.value.trim(), what: what.value, decision: decision.value});
  const form = h('form', {class: 'search-form compact', onsubmit: (e) => {
    e.preventDefault();
    ctx.navigate('admin', {tab: 'audit', ...filters()});
  }}, field('Who', who), field('About', subject), field('What', what), field('Decision', decision),
  field('Since', since), field('Until', until),
  h('button', {type: 'submit', class: 'primary', testid: 'audit-filter'}, 'Filter'), verifyButton);
  const listBox = h('div', {testid: 'audit-list'}, loading());
  body.append(card(null, form, verifyBox), card('Decisions and admin changes, newest first',
      listBox));
  const PAGE = 50;
  const rows = [];
  const columns = [
    {label: '#', num: true, key: 'seq'},
    {label: 'At', render: (e) => fmtDateTime(e.at)},
    {label: 'Who', key: 'principal'},
    {label: 'Role', key: 'role'},
    {label: 'What', key: 'insight'},
    {label: 'About', render: (e) => e.account ? h('span', {text: e.account}) :
      e.subject_address ? h('span', {text: e.subject_address}) :
      e.subject ? h('code', {class: 'ellipsis', title: 'opted out, purged or never in the store',
        text: 'hidden (hash)'}) : '—'},
    {label: 'Decision', render: (e) => badge(e.decision, e.decision)},
    {label: 'Reason', key: 'reason'},
  ];
  async function more(after) {
    let page;
    try {
      page = await get('/v1/audit', {...filters(), order: 'newest', limit: PAGE, after});
    } catch (err) {
      if (ctx.isCurrent()) clear(listBox).append(alertBox(err, 'audit-error'));
      return;
    }
    if (!ctx.isCurrent()) return;
    rows.push(...page);
    clear(listBox);
    if (!rows.length) {
      listBox.append(notice('No entries match these filters.', 'info'));
      return;
    }
    listBox.append(h('p', {class: 'muted small', text: `${fmtNumber(rows.length)} entries shown; ` +
      'every decision, allowed or denied, and every admin change is recorded and hash-chained.'}),
    table(columns, rows, {class: 'data', 'data-testid': 'audit-table'}));
    if (page.length === PAGE) {
      listBox.append(h('button', {type: 'button', class: 'link-button more', testid: 'audit-more',
        onclick: () => more(rows[rows.length - 1].seq)}, 'Older entries'));
    }
  }
  await more(0);
}

// ---- budget & data -----------------------------------------------------------------------------

async function dataTab(body, ctx) {
  const budgetBox = h('div', {testid: 'budget'}, loading());
  const statsBox = h('div', {testid: 'stats'}, loading());
  const accountsBox = h('div', {testid: 'accounts'}, loading());
  body.append(card('Privacy budget of each month of data', budgetBox),
      card('What the store holds', statsBox),
      card('Accounts', accountsBox));
  const [budget, stats, accounts] = await Promise.allSettled(
      [get('/v1/budget'), get('/v1/stats'), get('/v1/accounts')]);
  if (!ctx.isCurrent()) return;
  clear(budgetBox);
  if (budget.status === 'rejected') budgetBox.append(alertBox(budget.reason, 'budget-error'));
  else {
    const b = budget.value;
    budgetBox.append(
        h('p', {text: `Each calendar month of data may have ε ${fmtNumber(b.epsilon_per_month, 3)}` +
          ` (δ ${b.delta_per_month}) released about it, for life; a release asks for ` +
          `ε ${b.release_epsilon} unless it says; a member or guest may make ` +
          `${b.member_releases_per_month} new releases a month.`}),
        (b.months || []).length ? table([
          {label: 'Month', key: 'month'},
          {label: 'ε spent', num: true, render: (m) => fmtNumber(m.epsilon_spent, 3)},
          {label: 'ε left', num: true, render: (m) => fmtNumber(m.epsilon_left, 3)},
          {label: 'δ spent', num: true, render: (m) => Number(m.delta_spent).toExponential(2)},
          {label: 'Releases', num: true, key: 'releases'},
        ], b.months, {class: 'data', 'data-testid': 'budget-months'}) :
          notice('No month has spent anything yet.', 'info'),
        (b.releases || []).length ? table([
          {label: 'Release', num: true, key: 'release'},
          {label: 'At', render: (r) => fmtDateTime(r.released_at)},
          {label: 'By', key: 'requested_by'},
          {label: 'ε per month', num: true, render: (r) => fmtNumber(r.epsilon, 4)},
          {label: 'Months', render: (r) => (r.months || []).length ?
            `${r.months[0]} to ${r.months[r.months.length - 1]}` : '—'},
          {label: 'Rows', num: true, key: 'rows'},
        ], [...b.releases].reverse(), {class: 'data', 'data-testid': 'budget-table'}) :
          notice('No release yet.', 'info'));
  }
  clear(statsBox);
  if (stats.status === 'rejected') statsBox.append(alertBox(stats.reason, 'stats-error'));
  else {
    const st = stats.value;
    const people = st.people || {};
    const stat = (label, value) => h('div', {class: 'stat'},
        h('span', {class: 'stat-label', text: label}), h('span', {class: 'stat-value', text: value}));
    statsBox.append(h('div', {class: 'stats'},
        stat('Messages', fmtNumber(st.messages)), stat('Meetings', fmtNumber(st.meetings)),
        stat('Meeting hours', fmtNumber(st.meeting_hours, 1)),
        stat('Internal people', fmtNumber(people.internal)), stat('Guests', fmtNumber(people.guest)),
        stat('External people', fmtNumber(people.external)),
        stat('Bulk messages', fmtNumber(st.bulk_messages)),
        stat('Mail from', `${fmtDateTime(st.first)}`), stat('Mail to', `${fmtDateTime(st.last)}`)));
  }
  clear(accountsBox);
  if (accounts.status === 'rejected') accountsBox.append(alertBox(accounts.reason, 'accounts-error'));
  else {
    accountsBox.append(accounts.value.length ? table([
      {label: 'Account', key: 'name'},
      {label: 'Domains', render: (a) => (a.domains || []).join(', ')},
      {label: 'Origin', key: 'origin'},
      {label: 'People', num: true, key: 'people'},
      {label: '', render: (a) => h('a', {href: ctx.link('relationship', {target: a.name, days: 365})},
          'relationship →')},
    ], accounts.value, {class: 'data', 'data-testid': 'accounts-table'}) :
      notice('No accounts yet.', 'info'));
  }
}
