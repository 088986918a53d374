// SVG charts, drawn with createElementNS: the Who Knows Whom graph and the weekly timeline.

import {clear, h, s} from './dom.js';

function shortName(name, address) {
  const n = (name || '').trim();
  if (n) {
    // "Lee, Zoë" → "Zoë Lee"
    const comma = n.indexOf(',');
    const full = comma > 0 ? `${n.slice(comma + 1).trim()} ${n.slice(0, comma).trim()}` : n;
    return full.length > 18 ? `${full.slice(0, 17)}…` : full;
  }
  const local = (address || '').split('@')[0];
  return local.length > 18 ? `${local.slice(0, 17)}…` : local;
}

/** The target in the middle, colleagues around it; line width and opacity by strength. */
export function tieGraph(targetLabel, colleagues) {
  const W = 460;
  const H = 340;
  const cx = W / 2;
  const cy = H / 2;
  const R = Math.min(W, H) / 2 - 48;
  const svg = s('svg', {viewBox: `0 0 ${W} ${H}`, class: 'tie-graph', role: 'img',
    'aria-label': `Colleagues who know ${targetLabel}`, 'data-testid': 'wkw-graph'});
  const lines = s('g', {class: 'edges'});
  const nodes = s('g', {class: 'nodes'});
  const n = colleagues.length;
  colleagues.forEach((c, i) => {
    const angle = -Math.PI / 2 + (2 * Math.PI * i) / Math.max(n, 1);
    const x = cx + R * Math.cos(angle);
    const y = cy + R * Math.sin(angle);
    const strength = Math.max(0, Math.min(1, Number(c.strength) || 0));
    lines.append(s('line', {x1: cx, y1: cy, x2: x.toFixed(1), y2: y.toFixed(1),
      class: `edge edge-${c.label}`, 'stroke-width': (1 + strength * 7).toFixed(2),
      'stroke-opacity': (0.35 + strength * 0.6).toFixed(2)},
    s('title', {text: `${c.name || c.address}: ${strength.toFixed(2)} (${c.label})`})));
    const anchor = Math.abs(x - cx) < 8 ? 'middle' : x > cx ? 'start' : 'end';
    const dx = anchor === 'middle' ? 0 : x > cx ? 14 : -14;
    const dy = anchor === 'middle' ? (y > cy ? 26 : -16) : 4;
    nodes.append(s('g', {class: `node node-${c.label}`},
        s('circle', {cx: x.toFixed(1), cy: y.toFixed(1), r: 9}),
        s('text', {x: (x + dx).toFixed(1), y: (y + dy).toFixed(1), 'text-anchor': anchor,
          text: shortName(c.name, c.address)}),
        s('title', {text: `${c.name || ''} <${c.address}>`})));
  });
  const centre = s('g', {class: 'node node-target'},
      s('circle', {cx, cy, r: 22}),
      s('text', {x: cx, y: cy + 40, 'text-anchor': 'middle',
        text: targetLabel.length > 34 ? `${targetLabel.slice(0, 33)}…` : targetLabel}));
  svg.append(lines, nodes, centre);
  return svg;
}

const TIMELINE_WIDTH = 1100;
const X_LABEL_SPACE = 48;  // pixels a week's "MM-DD" needs to stay clear of the next one

/**
 * Weekly bars: e-mails by us and by them side by side; meetings in a strip underneath. Drawn at
 * the width it is shown at, one drawing unit to a pixel, and drawn again when that width changes:
 * scaled down to a phone's width instead, its labels would shrink to a third and run together.
 */
export function timelineChart(weeks) {
  const box = h('div', {class: 'timeline-box'});
  let drawnAt = 0;
  const draw = (width) => {
    drawnAt = width;
    clear(box).append(timelineSvg(weeks, width));
  };
  draw(TIMELINE_WIDTH);  // until the box is laid out and its width known
  new ResizeObserver((_, observer) => {
    if (!box.isConnected) {
      observer.disconnect();  // the page went away
      return;
    }
    const width = Math.floor(box.clientWidth);
    if (width > 0 && width !== drawnAt) draw(width);
  }).observe(box);
  return box;
}

function timelineSvg(weeks, width) {
  const W = Math.max(240, width);  // narrower, it is scaled down rather than squeezed
  // Never shorter than 220 px: on a phone the bars keep room to be told apart.
  const H = Math.round(Math.min(300, Math.max(220, W * 0.28)));
  const pad = {l: 72, r: 16, t: 14, b: 78};
  const iw = W - pad.l - pad.r;
  const ih = H - pad.t - pad.b;
  const svg = s('svg', {viewBox: `0 0 ${W} ${H}`, class: 'timeline', role: 'img',
    'aria-label': 'Weekly timeline: e-mails by us, by them, and meetings',
    'data-testid': 'timeline-chart'});
  const maxMail = Math.max(1, ...weeks.map((w) => Math.max(w.emails_by_us || 0, w.emails_by_them || 0)));
  const maxMeet = Math.max(1, ...weeks.map((w) => w.meetings || 0));
  // Whole e-mails: the grid steps by 1, 2, 5, 10, 20, ... so that no tick reads 3.8.
  const step = niceStep(maxMail / 4);
  const niceMax = step * Math.ceil(maxMail / step);
  const grid = s('g', {class: 'grid'});
  for (let v = 0; v <= niceMax; v += step) {
    const y = pad.t + ih - (ih * v) / niceMax;
    grid.append(s('line', {x1: pad.l, x2: pad.l + iw, y1: y, y2: y}),
        s('text', {x: pad.l - 8, y: y + 4, 'text-anchor': 'end', text: fmtTick(v)}));
  }
  svg.append(grid);
  const n = Math.max(weeks.length, 1);
  const band = iw / n;
  const bw = Math.max(2, Math.min(22, band * 0.34));
  const bars = s('g', {class: 'bars'});
  const meetings = s('g', {class: 'meetings'});
  const stripY = H - 22;
  meetings.append(s('text', {x: 12, y: stripY + 4, class: 'axis-note', text: 'meetings'}));
  const labelEvery = Math.max(1, Math.ceil(X_LABEL_SPACE / band));
  const maxR = Math.max(2, Math.min(11, band / 2 - 1));  // neighbours' circles never touch
  weeks.forEach((w, i) => {
    const x0 = pad.l + band * i + band / 2;
    const us = w.emails_by_us || 0;
    const them = w.emails_by_them || 0;
    const hUs = (ih * us) / niceMax;
    const hThem = (ih * them) / niceMax;
    bars.append(
        s('rect', {class: 'bar-us', x: (x0 - bw - 1).toFixed(1), y: (pad.t + ih - hUs).toFixed(1),
          width: bw.toFixed(1), height: hUs.toFixed(1), rx: 2},
        s('title', {text: `week of ${w.week}: ${us} e-mails by us`})),
        s('rect', {class: 'bar-them', x: (x0 + 1).toFixed(1), y: (pad.t + ih - hThem).toFixed(1),
          width: bw.toFixed(1), height: hThem.toFixed(1), rx: 2},
        s('title', {text: `week of ${w.week}: ${them} e-mails by them`})));
    const m = w.meetings || 0;
    const r = m ? Math.min(maxR, 5 + 6 * Math.sqrt(m / maxMeet)) : 2;
    // The count goes inside its circle only when it fits; the circle's title always has it.
    meetings.append(s('g', {class: m ? 'has' : 'none'},
        s('circle', {cx: x0.toFixed(1), cy: stripY, r: r.toFixed(1)}),
        m && r >= 7 ? s('text', {x: x0.toFixed(1), y: stripY + 4, 'text-anchor': 'middle',
          text: String(m)}) : null,
        s('title', {text: `week of ${w.week}: ${m} meeting${m === 1 ? '' : 's'}`})));
    if (i % labelEvery === 0) {
      svg.append(s('text', {class: 'x-label', x: x0.toFixed(1), y: pad.t + ih + 20,
        'text-anchor': 'middle', text: String(w.week).slice(5)}));
    }
  });
  svg.append(bars, meetings);
  svg.append(s('line', {class: 'axis', x1: pad.l, x2: pad.l + iw, y1: pad.t + ih, y2: pad.t + ih}));
  return svg;
}

/** The smallest of 1, 2, 5, 10, 20, 50, ... that is at least v. */
function niceStep(v) {
  const p = 10 ** Math.max(0, Math.floor(Math.log10(Math.max(v, 1))));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function fmtTick(v) {
  return v.toLocaleString('en-GB');
}
