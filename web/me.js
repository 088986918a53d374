// Personal insights: only ever about the signed-in user.

import {get} from './api.js';
import {alertBox, badge, card, clear, field, fmtDate, fmtDateTime, fmtHours, fmtNumber, h,
  loading, notice, person, strengthBar, table} from './dom.js';

const contactColumns = [
  {label: 'Contact', render: (c) => person(c.name, c.address)},
  {label: 'Account', render: (c) => c.account || '—'},
  {label: 'Strength', render: (c) => strengthBar(c.strength, c.label)},
  {label: 'Label', render: (c) => badge(c.label)},
  {label: 'Mails out / in', num: true, render: (c) => `${c.emails_to} / ${c.emails_from}`},
  {label: 'Meetings', num: true, key: 'meetings'},
  {label: 'Last contact', render: (c) => fmtDate(c.last)},
];

function daysAgo(iso, asOf) {
  const d = (new Date(asOf).getTime() - new Date(iso).getTime()) / 86400000;
  return Number.isFinite(d) ? Math.max(0, Math.floor(d)) : null;
}

export async function renderMe(view, ctx) {
  const days = ctx.params.get('days') || '28';
  const asOf = ctx.params.get('as_of') || '';
  const daysInput = h('input', {type: 'number', name: 'days', min: 1, max: 3660, value: days,
    testid: 'me-days'});
  const asOfInput = h('input', {type: 'date', name: 'as_of', value: asOf, testid: 'me-as-of'});
  const form = h('form', {class: 'search-form compact', testid: 'me-form', onsubmit: (e) => {
    e.preventDefault();
    ctx.navigate('me', {days: daysInput.value, as_of: asOfInput.value});
  }}, field('Window (days)', daysInput), field('As of (optional)', asOfInput),
  h('button', {type: 'submit', class: 'primary', testid: 'me-show'}, 'Update'));
  const out = h('div', {class: 'results', testid: 'me-results', 'aria-live': 'polite'},
      loading('Loading your insights…'));
  view.append(
      h('div', {class: 'page-head'},
          h('h1', {text: `Personal insights`}),
          h('p', {class: 'muted', text: `Only for you, ${ctx.session.name || ctx.session.address}: ` +
            'nobody else, admins included, can see this page about you.'})),
      h('section', {class: 'card'}, form), out);
  let me;
  try {
    me = await get('/v1/me', {days, as_of: asOf});
  } catch (err) {
    if (ctx.isCurrent()) clear(out).append(alertBox(err, 'me-error'));
    return;
  }
  if (!ctx.isCurrent()) return;
  clear(out);
  const kpi = (label, value, testid) => h('div', {class: 'kpi single', 'data-testid': testid},
      h('div', {class: 'kpi-label', text: label}), h('div', {class: 'kpi-value', text: value}));
  out.append(h('div', {class: 'kpi-grid four'},
      kpi('My median response', fmtHours(me.my_median_response_hours), 'me-my-response'),
      kpi('Others\' median response to me', fmtHours(me.others_median_response_hours),
          'me-others-response'),
      kpi('Meeting hours per week', fmtHours(me.meeting_hours_per_week), 'me-meeting-hours'),
      kpi('Awaiting my reply', fmtNumber(me.awaiting_reply_total ?? (me.awaiting_reply || []).length),
          'me-awaiting-count')));
  out.append(card('Top contacts', (me.top_contacts || []).length ?
      table(contactColumns, me.top_contacts, {class: 'data', 'data-testid': 'me-top'}) :
      notice('No contacts in this window.', 'info')));
  const cold = me.going_cold || [];
  const awaiting = me.awaiting_reply || [];
  const awaitingTable = (list) => table([
    {label: 'From', render: (w) => person(w.name, w.from)},
    {label: 'Received', render: (w) => h('span', {class: 'nowrap', text: fmtDateTime(w.received)
        .replace(' UTC', '')})},
    {label: 'Waiting', num: true, render: (w) => `${daysAgo(w.received, me.as_of)} d`},
  ], list, {class: 'data', 'data-testid': 'me-awaiting'});
  const newest = awaiting;  // newest first, at most 20 of awaiting_reply_total
  const total = me.awaiting_reply_total ?? newest.length;
  const awaitingBox = h('div', null);
  const showAwaiting = (all) => {
    clear(awaitingBox).append(awaitingTable(all ? newest : newest.slice(0, 8)));
    if (!all && newest.length > 8) {
      awaitingBox.append(h('button', {type: 'button', class: 'link-button more',
        testid: 'me-awaiting-more', onclick: () => showAwaiting(true)},
      `Show all ${newest.length}`));
    }
    if (all && total > newest.length) {
      awaitingBox.append(h('p', {class: 'muted', testid: 'me-awaiting-capped',
        text: `The newest ${fmtNumber(newest.length)} of ${fmtNumber(total)} are listed.`}));
    }
  };
  if (newest.length) showAwaiting(false);
  out.append(h('div', {class: 'split even'},
      card(`Going cold (no contact for ${fmtNumber(me.cold_after_days)}+ days)`, cold.length ?
        table([
          {label: 'Contact', render: (c) => person(c.name, c.address)},
          {label: 'Strength', render: (c) => strengthBar(c.strength, c.label)},
          {label: 'Last contact', render: (c) => `${fmtDate(c.last)} (${daysAgo(c.last, me.as_of)} d)`},
        ], cold, {class: 'data', 'data-testid': 'me-cold'}) :
        notice('No strong tie is going cold.', 'info')),
      card('Awaiting your reply', newest.length ? awaitingBox :
        notice('Nothing is waiting for your reply.', 'info'))));
  const upcoming = me.upcoming_external_meetings || [];
  out.append(card('Upcoming external meetings', upcoming.length ? table([
    {label: 'Start', render: (m) => fmtDateTime(m.start)},
    {label: 'End', render: (m) => fmtDateTime(m.end)},
    {label: 'External attendees', render: (m) => (m.external || []).join(', ')},
  ], upcoming, {class: 'data', 'data-testid': 'me-upcoming'}) :
    notice('No external meeting in the next two weeks.', 'info')));
  out.append(h('p', {class: 'muted small', text: `${me.days} days to ${fmtDate(me.as_of)}.`}));
}
