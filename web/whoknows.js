// Who Knows Whom: colleagues ranked by tie strength to a contact, an account or a domain.

import {get} from './api.js';
import {alertBox, badge, card, clear, colleague, field, fmtChance, fmtDate, h, loading, notice,
  strengthBar, table} from './dom.js';
import {tieGraph} from './charts.js';
import {withSuggestions} from './suggest.js';

export async function renderWhoKnows(view, ctx) {
  const target = (ctx.params.get('target') || '').trim();
  const top = ctx.params.get('top') || '5';
  const asOf = ctx.params.get('as_of') || '';
  const asOfInput = h('input', {type: 'date', name: 'as_of', value: asOf, testid: 'wkw-as-of'});
  const input = h('input', {type: 'search', name: 'target', value: target, testid: 'wkw-target',
    placeholder: 'bob@fabrikam.com, "Bob Smith", Fabrikam or @fabrikam.com', required: true,
    autocomplete: 'off'});
  const topSelect = h('select', {name: 'top', testid: 'wkw-top'},
      ['3', '5', '10', '20'].map((n) => h('option', {value: n, selected: n === top}, n)));
  const form = h('form', {class: 'search-form', testid: 'wkw-form', onsubmit: (e) => {
    e.preventDefault();
    ctx.navigate('who-knows', {target: input.value.trim(), top: topSelect.value,
      as_of: asOfInput.value});
  }},
  field('Who knows…', input), withSuggestions(input), field('Show', topSelect), field('As of (optional)', asOfInput),
  h('button', {type: 'submit', class: 'primary', testid: 'wkw-search'}, 'Search'));

  const results = h('div', {class: 'results', testid: 'wkw-results', 'aria-live': 'polite'});
  view.append(
      h('div', {class: 'page-head'},
          h('h1', {text: 'Who Knows Whom'}),
          h('p', {class: 'muted', text: 'Find the colleagues with the strongest relationship to a ' +
            'contact, an account or a whole domain, ranked by tie strength.'})),
      h('section', {class: 'card'}, form),
      results);
  if (!target) {
    results.append(notice('Type an e-mail address, a person\'s name, an account name or ' +
        '@domain to see who in your organisation knows them.', 'info', 'wkw-hint'));
    input.focus();
    return;
  }
  await showWhoKnows(results, ctx, {target, top, asOf}, (answer) => [
    answer.target && answer.target.kind === 'account' ? h('a', {class: 'button',
      href: ctx.link('account', {name: answer.target.label, as_of: asOf}),
      testid: 'wkw-open-account'}, 'Account page →') : null,
    h('a', {class: 'button', href: ctx.link('relationship', {target, as_of: asOf}),
      testid: 'wkw-open-relationship'}, 'Open relationship →'),
  ]);
}

/**
 * Loads who knows `target` into `results`: the ranked colleagues, each with "Ask for one" (an
 * introduction request to download), the network and a summary. actions(document) gives the
 * links beside its heading. Also a section of the account page.
 */
export async function showWhoKnows(results, ctx, {target, top, asOf}, actions = () => []) {
  clear(results).append(loading(`Looking up who knows ${target}…`));
  let answer;
  try {
    answer = await get('/v1/who-knows', {target, top, as_of: asOf});
  } catch (err) {
    if (!ctx.isCurrent()) return;
    clear(results).append(alertBox(err, 'wkw-error'));
    return;
  }
  if (!ctx.isCurrent()) return;
  clear(results);
  const label = answer.target && answer.target.label ? answer.target.label : target;
  const kind = answer.target && answer.target.kind ? answer.target.kind : '';
  const colleagues = answer.colleagues || [];
  const heading = h('div', {class: 'result-head'},
      h('div', null,
          h('h2', {testid: 'wkw-target-label'}, `Who knows ${label}`),
          h('p', {class: 'muted'}, kind ? badge(kind, 'neutral') : null,
              ` as of ${fmtDate(answer.as_of)} · ${colleagues.length} colleague` +
              `${colleagues.length === 1 ? '' : 's'}`)),
      h('div', {class: 'head-actions'}, actions(answer)));
  if (colleagues.length === 0) {
    results.append(card(null, heading, notice(`Nobody you may see has a relationship with ` +
        `${label} yet: one-way mail is not a relationship, and excluded or opted-out ` +
        `colleagues are never listed.`, 'info', 'wkw-empty')));
    return;
  }
  // The draft `rapport introduce` writes, to download and send from the user's own mail.
  const introBox = h('div', {testid: 'wkw-intro', 'aria-live': 'polite'});
  const introduce = (c) => draftIntroduction(introBox, {target, via: c, asOf});
  results.append(card(null, heading, colleagueTable(colleagues, kind, ctx, introduce),
      h('p', {class: 'muted small', text: 'Strength is 0–1 from e-mails, replies and shared ' +
        'meetings, decayed by age and divided by the number of people involved: strong ≥ 0.7, ' +
        'familiar 0.4–0.7, weak < 0.4.' + (answer.chance_horizon_days ? ` Chance: of dealing ` +
        `with them within ${answer.chance_horizon_days} days, learned from your organisation's ` +
        'own mail.' : '')}),
      h('p', {class: 'muted small', testid: 'wkw-ranker-note', text: answer.ranker_note || ''})),
  introBox);
  results.append(h('div', {class: 'split even'},
      card('Network', tieGraph(label, colleagues),
          h('div', {class: 'legend'},
              h('span', {class: 'key key-strong'}, 'strong'),
              h('span', {class: 'key key-familiar'}, 'familiar'),
              h('span', {class: 'key key-weak'}, 'weak'),
              h('span', {text: 'line width: strength'}))),
      summaryCard(colleagues)));
}

function colleagueTable(colleagues, kind, ctx, introduce) {
  const columns = [
    {label: '#', num: true, render: (c) => String(colleagues.indexOf(c) + 1)},
    {label: 'Colleague', render: colleague},
    {label: 'Strength', render: (c) => h('span', {class: 'strength-cell'},
        strengthBar(c.strength, c.label), badge(c.label))},
    {label: 'Chance', num: true,
      render: (c) => h('span', {class: 'chance', text: fmtChance(c.chance)})},
    {label: 'Mails out / in', num: true, render: (c) =>
      `${c.explanation.emails_to} / ${c.explanation.emails_from}`},
    {label: 'Replies out / in', num: true, render: (c) =>
      `${c.explanation.replies_to} / ${c.explanation.replies_from}`},
    {label: 'Meetings', num: true, render: (c) => String(c.explanation.meetings)},
    {label: 'Last contact', render: (c) => fmtDate(c.explanation.last)},
    {label: 'Why', render: (c) => h('span', {class: 'why', text: (c.why || []).join('; ')})},
    {label: 'Intro', render: (c) => c.address === ctx.session.address ? '—' :
      h('button', {type: 'button', class: 'link-button', testid: 'wkw-introduce',
        onclick: () => introduce(c)}, 'Ask for one')},
  ];
  if (kind !== 'contact') {
    columns.splice(3, 0, {label: 'Contacts known', num: true,
      render: (c) => String(c.contacts_known ?? '—')});
  }
  const tbl = table(columns, colleagues, {class: 'data', 'data-testid': 'wkw-table'});
  tbl.querySelectorAll('tbody tr').forEach((tr) => tr.setAttribute('data-testid', 'wkw-row'));
  return tbl;
}

async function draftIntroduction(introBox, {target, via, asOf}) {
  const who = via.name || via.address;
  clear(introBox).append(loading(`Drafting a request to ${who}…`));
  try {
    const response = await get('/v1/introduction', {target, via: via.address, as_of: asOf},
        {raw: true, accept: 'message/rfc822'});
    const text = await response.text();
    const href = URL.createObjectURL(new Blob([text], {type: 'message/rfc822'}));
    clear(introBox).append(card(`Ask ${who} for an introduction`,
        h('p', {class: 'muted small', text: 'rapport never sends mail: download the draft and ' +
          'open it in your mail program, or copy it.'}),
        h('pre', {class: 'draft', testid: 'wkw-intro-text', text}),
        h('a', {class: 'button primary', href, download: 'introduction.eml',
          testid: 'wkw-intro-download'}, 'Download the draft (.eml)')));
    introBox.scrollIntoView({block: 'nearest'});
  } catch (err) {
    clear(introBox).append(alertBox(err, 'wkw-intro-error'));
  }
}

function summaryCard(colleagues) {
  // Only what adds up across colleagues: an e-mail has one sender, so mails to the target sum;
  // mails from the target and shared meetings can involve several colleagues, so they do not.
  const totals = colleagues.reduce((t, c) => ({
    out: t.out + (c.explanation.emails_to || 0),
    first: !t.first || c.explanation.first < t.first ? c.explanation.first : t.first,
    last: !t.last || c.explanation.last > t.last ? c.explanation.last : t.last,
  }), {out: 0, first: '', last: ''});
  const stat = (label, value, testid) => h('div', {class: 'stat'},
      h('span', {class: 'stat-label', text: label}),
      h('span', {class: 'stat-value', testid, text: value}));
  const best = colleagues[0];
  return card('In short', h('div', {class: 'stats two'},
      stat('Best introduction', best.name || best.address, 'wkw-best'),
      stat('Their strength', `${Number(best.strength).toFixed(2)} (${best.label})`,
          'wkw-best-strength'),
      stat('E-mails to them', String(totals.out), 'wkw-total-out'),
      stat('Colleagues listed', String(colleagues.length), 'wkw-listed'),
      stat('First contact', fmtDate(totals.first), 'wkw-first'),
      stat('Last contact', fmtDate(totals.last), 'wkw-last')),
  h('p', {class: 'muted small', text: 'E-mails the colleagues listed sent them. Colleagues ' +
    'in an excluded group or who opted out are never shown or counted.'}));
}
