// Every page of the dashboard at 1280x900 and on a phone (390x844): nothing wider than the
// screen, the navigation reachable, no text drawn over other text (element boxes), the weekly
// timeline legible, and an accessibility audit (axe-core, pinned in package-lock.json) with no
// serious or critical violation. Run through run.sh.

import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {createRequire} from 'node:module';
import {byId, env, launchChromium} from './harness.mjs';

const BASE = env('RAPPORT_URL');
const ARTIFACTS = env('RAPPORT_ARTIFACTS');
const TARGET = env('RAPPORT_TARGET');
const AS_OF = process.env.RAPPORT_AS_OF || '';
const ADMIN_TOKEN = env('RAPPORT_ADMIN_TOKEN');
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const asOf = AS_OF ? `&as_of=${AS_OF}` : '';

// Each page, and what shows that it has finished loading (every one of a list).
const PAGES = [
  ['accounts', `#/accounts?days=60${asOf}`, `${byId('acc-row')}, ${byId('acc-empty')}`],
  ['account', `#/account?name=${encodeURIComponent(TARGET)}&days=60${asOf}`, [byId('rel-factors'),
    `${byId('wkw-row')}, ${byId('wkw-empty')}`,
    `${byId('released-row')}, ${byId('released-empty')}, ${byId('released-error')}`]],
  ['who-knows', `#/who-knows?target=${encodeURIComponent(TARGET)}${asOf}`,
    `${byId('wkw-row')}, ${byId('wkw-empty')}`],
  ['relationship', `#/relationship?target=${encodeURIComponent(TARGET)}${asOf}`,
    byId('rel-factors')],
  ['engagement', '#/engagement', 'form'],
  ['me', `#/me?days=28${asOf}`, byId('me-top')],
  ['tokens', '#/tokens', `${byId('tokens-table')}, ${byId('tokens-empty')}`],
  ['admin-consent', '#/admin?tab=consent', byId('consent-history')],
  ['admin-opt-outs', '#/admin?tab=opt-outs', 'form'],
  ['admin-audit', '#/admin?tab=audit', byId('audit-table')],
  ['admin-data', '#/admin?tab=data', byId('stats')],
];
const SIZES = [['desktop', 1280, 900], ['phone', 390, 844]];

let browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  if (browser) await browser.close();
});

// Pairs of visible elements with text of their own whose boxes overlap (neither inside the
// other): text drawn over text.
function overlappingText() {
  const leaves = [...document.querySelectorAll('body *')].filter((el) => {
    if (el.closest('svg, dialog:not([open]), .sr-only')) return false;
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own) return false;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  });
  const boxes = leaves.map((el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    return {el, r: range.getBoundingClientRect()};
  });
  const found = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i];
      const b = boxes[j];
      if (a.el.contains(b.el) || b.el.contains(a.el)) continue;
      const x = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
      const y = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
      if (x > 2 && y > 2) {
        found.push(`"${a.el.textContent.trim().slice(0, 30)}" / "${b.el.textContent.trim()
            .slice(0, 30)}"`);
      }
    }
  }
  return found;
}

// The weekly timeline as drawn: as wide as its card, at least 160 px high, its text no smaller
// than 11 px, and no label over another (overlappingText leaves SVG out).
function illegibleTimeline() {
  const found = [];
  for (const svg of document.querySelectorAll('svg.timeline')) {
    const box = svg.getBoundingClientRect();
    const card = svg.closest('.card');
    const style = getComputedStyle(card);
    const inner = card.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    if (box.width < inner - 1) found.push(`is ${box.width} px wide in a card ${inner} px wide`);
    if (box.height < 160) found.push(`is ${box.height} px high`);
    const scale = box.width / svg.viewBox.baseVal.width;  // drawing units to pixels
    const labels = [...svg.querySelectorAll('text')].map((t) => ({text: t.textContent,
      r: t.getBoundingClientRect(), px: parseFloat(getComputedStyle(t).fontSize) * scale}));
    const small = labels.find((l) => l.px < 11);
    if (small) found.push(`writes "${small.text}" at ${small.px.toFixed(1)} px`);
    for (let i = 0; i < labels.length; i++) {
      for (let j = i + 1; j < labels.length; j++) {
        const [a, b] = [labels[i].r, labels[j].r];
        const x = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const y = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (x > 1 && y > 1) found.push(`draws "${labels[i].text}" over "${labels[j].text}"`);
      }
    }
  }
  return found;
}

describe('every page at both sizes', () => {
  for (const [size, width, height] of SIZES) {
    test(`${size} (${width}x${height})`, async (t) => {
      // bypassCSP lets the test inject axe-core; the pages themselves run under their CSP.
      const context = await browser.newContext({viewport: {width, height}, bypassCSP: true});
      t.after(() => context.close());
      const page = await context.newPage();
      page.setDefaultTimeout(15000);
      const errors = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${BASE}/`);
      await page.fill(byId('token-input'), ADMIN_TOKEN);
      await page.click(byId('sign-in'));
      await page.waitForSelector(byId('session-name'));
      const problems = [];
      for (const [name, hash, ready] of PAGES) {
        await page.goto(`${BASE}/${hash}`);
        for (const selector of [].concat(ready)) await page.waitForSelector(selector);
        await page.waitForTimeout(100);  // charts and late cells
        const where = `${name} at ${size}`;
        const overflow = await page.evaluate(() =>
          document.documentElement.scrollWidth - window.innerWidth);
        if (overflow > 0) problems.push(`${where}: ${overflow} px wider than the screen`);
        // The navigation: on a phone behind Menu, which opens it.
        const link = page.locator(byId('nav-me'));
        if (size === 'phone') {
          await page.click(byId('menu'));
          await link.waitFor({state: 'visible'});
          const box = await link.boundingBox();
          if (!box || box.x < 0 || box.x + box.width > width) {
            problems.push(`${where}: a navigation link is off-screen`);
          }
          await page.click(byId('menu'));
        } else if (!(await link.isVisible())) {
          problems.push(`${where}: the navigation is hidden`);
        }
        for (const pair of await page.evaluate(overlappingText)) {
          problems.push(`${where}: overlapping text ${pair}`);
        }
        for (const problem of await page.evaluate(illegibleTimeline)) {
          problems.push(`${where}: the weekly timeline ${problem}`);
        }
        await page.addScriptTag({path: AXE});
        const violations = await page.evaluate(async () => {
          const result = await window.axe.run(document, {resultTypes: ['violations']});
          return result.violations.filter((v) => ['serious', 'critical'].includes(v.impact))
              .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) =>
                n.target.join(' ')).join(', ')}`);
        });
        for (const v of violations) problems.push(`${where}: axe ${v}`);
        await page.screenshot({path: path.join(ARTIFACTS, `layout-${size}-${name}.png`),
          fullPage: true});
      }
      assert.deepEqual(errors, [], 'no script errors');
      assert.deepEqual(problems, []);
    });
  }
});
