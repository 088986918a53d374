// Small DOM helpers. Every piece of text goes in through textContent (or an attribute), never
// through innerHTML, so nothing the server returns can become markup.

const SVG_NS = 'http://www.w3.org/2000/svg';

function apply(el, attrs) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.setAttribute('class', value);
    else if (key === 'testid') el.setAttribute('data-testid', value);
    else if (key === 'text') el.textContent = String(value);
    else if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (key === 'value' && 'value' in el) el.value = value;
    else if (key === 'checked' && 'checked' in el) el.checked = Boolean(value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** h('div', {class: 'x', testid: 'y'}, child, 'text', ...) */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  apply(el, attrs);
  append(el, children);
  return el;
}

/** The same for SVG elements. */
export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  apply(el, attrs);
  append(el, children);
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

/** A message box for a denial or a failure: role="alert", class "denied" or "error". */
export function alertBox(error, testid = 'alert') {
  const status = error && error.status;
  const denied = status === 403 || (error && error.code === 'forbidden');
  const text = error && error.display ? error.display : String(error && error.message || error);
  const title = denied ? 'Not allowed' : status === 401 ? 'Not signed in' :
    status === 404 ? 'Not found' : status === 429 ? 'Too many requests' :
    status === 400 || status === 409 || status === 413 ? 'Cannot do that' : 'Something went wrong';
  return h('div', {class: denied ? 'alert denied' : 'alert error', role: 'alert', testid},
      h('strong', {text: title}),
      h('span', {class: 'alert-text', 'data-testid': `${testid}-text`, text}),
      error && error.requestId ? h('small', {class: 'muted', text: `request ${error.requestId}`}) : null);
}

export function notice(text, kind = 'info', testid = 'notice') {
  return h('div', {class: `notice ${kind}`, role: kind === 'info' ? 'status' : 'alert', testid}, text);
}

export function loading(text = 'Loading…') {
  return h('div', {class: 'loading', role: 'status', 'aria-live': 'polite'}, h('span', {class: 'spinner'}), text);
}

// ---- formatting -------------------------------------------------------------------------------

export function fmtDate(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return d.toISOString().slice(0, 10);
}

export function fmtDateTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return d.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

export function fmtNumber(n, digits = 0) {
  if (n === null || n === undefined || n === '') return '—';
  const x = Number(n);
  if (!Number.isFinite(x)) return String(n);
  return x.toLocaleString('en-GB', {maximumFractionDigits: digits, minimumFractionDigits: 0});
}

/** A chance (0..1, as documents carry it, to 0.0001) in whole percents, as the CLI shows it. */
export function fmtChance(p) {
  if (p === null || p === undefined) return '—';
  const percent = Math.floor((Math.round(Number(p) * 10000) + 50) / 100);
  if (percent < 1) return '<1 %';
  if (percent > 99) return '>99 %';
  return `${percent} %`;
}

export function fmtHours(h) {
  if (h === null || h === undefined) return '—';
  return `${fmtNumber(h, 1)} h`;
}

/** A name over its address; role (a job title and department) beside the name, when known. */
export function person(name, address, role = '') {
  const wrap = h('span', {class: 'person'});
  wrap.append(h('span', {class: 'person-name'}, name || address || '—',
      role ? h('span', {class: 'person-role', text: ` — ${role}`}) : null));
  if (name && address) wrap.append(h('span', {class: 'person-address', text: address}));
  return wrap;
}

/** A colleague: "Alice Smith — Account Executive, Sales East", as much as the directory knows. */
export function colleague(c) {
  return person(c.name, c.address, [c.job_title, c.department].filter(Boolean).join(', '));
}

/** A table from column specs: [{key, label, render?(row), num?}] */
export function table(columns, rows, attrs = {}) {
  const thead = h('thead', null, h('tr', null, columns.map((c) =>
      h('th', {scope: 'col', class: c.num ? 'num' : null, text: c.label}))));
  const tbody = h('tbody', null, rows.map((row) => h('tr', null, columns.map((c) => {
    const value = c.render ? c.render(row) : row[c.key];
    return h('td', {class: c.num ? 'num' : null, 'data-label': c.label || null},
        value instanceof Node ? value :
        (value === null || value === undefined || value === '' ? '—' : String(value)));
  }))));
  return h('div', {class: 'table-wrap'}, h('table', attrs, thead, tbody));
}

export function card(title, ...children) {
  return h('section', {class: 'card'}, title ? h('h2', {text: title}) : null, ...children);
}

export function field(label, input, hint) {
  return h('label', {class: 'field'}, h('span', {class: 'field-label', text: label}), input,
      hint ? h('small', {class: 'muted', text: hint}) : null);
}

/**
 * Asks for confirmation in the page's <dialog>. body: nodes (may hold inputs, read them after
 * the promise resolves true). Resolves true on Confirm, false on Cancel or Escape.
 */
export function confirmDialog({title, body, ok = 'Confirm', danger = false}) {
  const dialog = document.getElementById('confirm');
  clear(document.getElementById('confirm-title')).textContent = title;
  clear(document.getElementById('confirm-body')).append(...[].concat(body || []));
  const okButton = document.getElementById('confirm-ok');
  okButton.textContent = ok;
  okButton.className = danger ? 'danger' : 'primary';
  dialog.returnValue = '';
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), {once: true});
    dialog.showModal();
    const first = dialog.querySelector('#confirm-body input, #confirm-body select');
    (first || okButton).focus();
  });
}

/** Strength 0..1 as a bar and a number. */
export function strengthBar(value, label) {
  const v = Math.max(0, Math.min(1, Number(value) || 0));
  const bar = h('span', {class: `bar bar-${label || 'weak'}`});
  bar.style.width = `${(v * 100).toFixed(1)}%`;
  return h('span', {class: 'strength', title: `strength ${v.toFixed(4)}`},
      h('span', {class: 'bar-track'}, bar),
      h('span', {class: 'strength-value', text: v.toFixed(2)}));
}

export function badge(text, kind, testid) {
  return h('span', {class: `badge badge-${kind || String(text).toLowerCase()}`, testid, text});
}

/** Hidden-by-default submit helper: disables a form's buttons while work runs. */
export async function busy(form, work) {
  const buttons = form ? [...form.querySelectorAll('button')] : [];
  buttons.forEach((b) => { b.disabled = true; });
  try {
    return await work();
  } finally {
    buttons.forEach((b) => { b.disabled = false; });
  }
}
