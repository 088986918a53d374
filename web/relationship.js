// Relationship analytics: KPIs by us and by them, the weekly timeline and the health score.

import {withSuggestions} from './suggest.js';
import {get} from './api.js';
import {alertBox, badge, card, clear, colleague, field, fmtDate, fmtDateTime, fmtHours, fmtNumber,
  h, loading, notice, table} from './dom.js';
import {timelineChart} from './charts.js';

const KPIS = [
  {key: 'emails_sent', label: 'E-mails sent', fmt: (v) => fmtNumber(v)},
  {key: 'emails_received', label: 'E-mails received', fmt: (v) => fmtNumber(v)},
  {key: 'replies', label: 'Replies', fmt: (v) => fmtNumber(v)},
  {key: 'meetings_organised', label: 'Meetings organised', fmt: (v) => fmtNumber(v)},
  {key: 'hours_spent', label: 'Time spent', fmt: fmtHours},
  {key: 'median_response_hours', label: 'Median response', fmt: fmtHours},
];

export const TREND = {up: '▲ up', down: '▼ down', steady: '▶ steady'};

export async function renderRelationship(view, ctx) {
  const target = (ctx.params.get('target') || '').trim();
  const days = ctx.params.get('days') || '60';
  const asOf = ctx.params.get('as_of') || '';
  const input = h('input', {type: 'search', name: 'target', value: target, required: true,
    testid: 'rel-target', placeholder: 'a contact, an account, or @domain', autocomplete: 'off'});
  const daysInput = h('input', {type: 'number', name: 'days', min: 1, max: 3660, value: days,
    testid: 'rel-days'});
  const asOfInput = h('input', {type: 'date', name: 'as_of', value: asOf, testid: 'rel-as-of'});
  const form = h('form', {class: 'search-form', testid: 'rel-form', onsubmit: (e) => {
    e.preventDefault();
    ctx.navigate('relationship', {target: input.value.trim(), days: daysInput.value,
      as_of: asOfInput.value});
  }},
  field('Relationship with', input), withSuggestions(input), field('Window (days)', daysInput),
  field('As of (optional)', asOfInput),
  h('button', {type: 'submit', class: 'primary', testid: 'rel-show'}, 'Show'));
  const results = h('div', {class: 'results', testid: 'rel-results', 'aria-live': 'polite'});
  view.append(
      h('div', {class: 'page-head'},
          h('h1', {text: 'Relationship'}),
          h('p', {class: 'muted', text: 'How your organisation and a contact or account engage: ' +
            'by us and by them, week by week, and how healthy it is.'})),
      h('section', {class: 'card'}, form), results);
  if (!target) {
    results.append(notice('Name a contact, an account or @domain, or open one from Who Knows ' +
        'Whom.', 'info', 'rel-hint'));
    input.focus();
    return;
  }
  await showRelationship(results, ctx, {target, days, asOf}, (r) => [
    r.target_kind === 'account' ? h('a', {class: 'button', testid: 'rel-open-account',
      href: ctx.link('account', {name: r.target, days, as_of: asOf})}, 'Account page →') : null,
    h('a', {class: 'button', href: ctx.link('who-knows', {target, as_of: asOf}),
      testid: 'rel-open-wkw'}, 'Who knows them →'),
  ]);
}

/**
 * Loads the relationship with `target` into `results`: health, activity by us and by them, the
 * weekly timeline, what drove the score and the most contacted colleagues. actions(document)
 * gives the links beside its heading. Also the account page's first section.
 */
export async function showRelationship(results, ctx, {target, days, asOf}, actions = () => []) {
  clear(results).append(loading(`Loading the relationship with ${target}…`));
  let r;
  try {
    r = await get('/v1/relationship', {target, days, as_of: asOf});
  } catch (err) {
    if (!ctx.isCurrent()) return;
    clear(results).append(alertBox(err, 'rel-error'));
    return;
  }
  if (!ctx.isCurrent()) return;
  clear(results);

  results.append(h('div', {class: 'result-head'},
      h('div', null,
          h('h2', {testid: 'rel-target-label', text: `Relationship with ${r.target || target}`}),
          h('p', {class: 'muted', text: `the ${r.days} days to ${fmtDate(r.as_of)}`})),
      h('div', {class: 'head-actions'}, actions(r))));

  results.append(h('div', {class: 'health-row'}, healthCard(r), activityCard(r)),
      timelineCard(r.timeline || []),
      h('div', {class: 'split'}, scoreCard(r.health || {}),
          mostContactedCard(r.most_contacted || [])));
}

function healthCard(r) {
  const health = r.health || {};
  const grade = String(health.grade || '—');
  return h('section', {class: `card health health-${grade.toLowerCase()}`, testid: 'rel-health'},
      h('h2', {text: 'Health'}),
      h('div', {class: 'health-score'},
          h('span', {class: 'score', testid: 'rel-health-score', text: fmtNumber(health.score)}),
          h('span', {class: 'score-of', text: '/ 100'})),
      h('div', {class: 'health-meta'},
          badge(grade, `grade-${grade.toLowerCase()}`, 'rel-health-grade'),
          h('span', {class: `trend trend-${health.trend}`, testid: 'rel-health-trend',
            text: TREND[health.trend] || String(health.trend || '—')}),
          h('span', {class: 'muted', testid: 'rel-health-previous',
            text: health.previous_score === null || health.previous_score === undefined ?
              'no previous window' : `previously ${fmtNumber(health.previous_score)}`})),
      h('dl', {class: 'facts health-facts'},
          h('dt', {text: 'Last interaction'}), h('dd', {text: fmtDateTime(r.last_interaction)}),
          h('dt', {text: 'Next interaction'}), h('dd', {text: r.next_interaction ?
            fmtDateTime(r.next_interaction) : 'none planned'}),
          h('dt', {text: 'Meetings'}),
          h('dd', {text: `${fmtNumber(r.meetings)} in ${r.days} days`})),
      h('p', {class: 'muted small grade-scale', text: 'Good 60–100 · Fair 40–59 · Poor 0–39'}));
}

function activityCard(r) {
  const kpiGrid = h('div', {class: 'kpi-grid', testid: 'rel-kpis'}, KPIS.map((k) =>
    h('div', {class: 'kpi', 'data-testid': `kpi-${k.key}`},
        h('div', {class: 'kpi-label', text: k.label}),
        h('div', {class: 'kpi-values'},
            h('div', {class: 'kpi-side us'},
                h('span', {class: 'kpi-value', 'data-testid': `kpi-${k.key}-us`,
                  text: k.fmt(r.by_us && r.by_us[k.key])}),
                h('span', {class: 'kpi-who', text: 'by us'})),
            h('div', {class: 'kpi-side them'},
                h('span', {class: 'kpi-value', 'data-testid': `kpi-${k.key}-them`,
                  text: k.fmt(r.by_them && r.by_them[k.key])}),
                h('span', {class: 'kpi-who', text: 'by them'}))))));
  return h('section', {class: 'card kpis'}, h('h2', {text: 'Activity'}),
      h('p', {class: 'muted small', text: 'By us: your organisation\'s side; by them: the ' +
        'contact\'s or account\'s side.'}),
      kpiGrid);
}

function timelineCard(weeks) {
  return card('Weekly timeline',
      weeks.length ? timelineChart(weeks) : notice('No activity in this window.', 'info'),
      h('div', {class: 'legend'},
          h('span', {class: 'key key-us'}, 'e-mails by us'),
          h('span', {class: 'key key-them'}, 'e-mails by them'),
          h('span', {class: 'key key-meeting'}, 'meetings')));
}

function scoreCard(health) {
  const factors = health.factors || [];
  return card('What drove the score', table([
    {label: 'Factor', render: (f) => h('span', {class: 'factor-name', text: f.name})},
    {label: 'Value', num: true, render: (f) => fmtNumber(f.value, 2)},
    {label: 'Weight', num: true, render: (f) => fmtNumber(f.weight, 1)},
    {label: 'Points', num: true, render: (f) => fmtNumber(f.points)},
    {label: 'Why', render: (f) => h('span', {class: 'muted', text: f.detail})},
  ], [...factors, ...(health.adjustment ? [{name: 'adjustment', value: null, weight: null,
    points: health.adjustment, detail: health.adjustment_reason}] : []),
  {name: 'score', value: null, weight: null, points: health.score,
    detail: 'the points add up to the score'}],
  {class: 'data', 'data-testid': 'rel-factors'}));
}

function mostContactedCard(colleagues) {
  return card('Most contacted colleagues', colleagues.length ? table([
    {label: 'Colleague', render: colleague},
    {label: 'Interactions', num: true, key: 'interactions'},
  ], colleagues, {class: 'data', 'data-testid': 'rel-most-contacted'}) :
    notice('No colleague in this window.', 'info'));
}
