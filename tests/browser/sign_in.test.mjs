// Single sign-on in Chromium against a real OpenID provider (oidc-provider from npm, started by
// run.sh): the full redirect through the provider's sign-in and consent pages, the callback, the
// session cookie, CSRF protection, a user's own tokens, sign-out, a forged state, a replayed
// redirect and a replayed code, and someone who is not a user of the tenant.

import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {byId, env, launchChromium} from './harness.mjs';

const BASE = env('RAPPORT_URL');
const ISSUER = env('RAPPORT_OIDC_ISSUER');
const ARTIFACTS = env('RAPPORT_ARTIFACTS');
const MEMBER = env('RAPPORT_MEMBER');
const TIMEOUT = 15000;

let browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  if (browser) await browser.close();
});

/** A fresh browser (its own cookies) that trusts the test provider's certificate. */
async function newPage(t) {
  const context = await browser.newContext({viewport: {width: 1280, height: 900},
    ignoreHTTPSErrors: true});
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  const problems = [];
  page.on('pageerror', (e) => problems.push(`script error: ${e.message}`));
  page.problems = problems;
  t.after(() => context.close());
  return page;
}

async function screenshot(page, name) {
  await page.screenshot({path: path.join(ARTIFACTS, `sso-${name}.png`), fullPage: true});
}

/**
 * Signs in through the provider as `login`; returns the callback URL rapport was sent back to
 * (state and code), for the replay tests.
 */
async function signInWithProvider(page, login) {
  let callback = '';
  page.on('request', (r) => {
    if (r.url().startsWith(`${BASE}/auth/callback`)) callback = r.url();
  });
  await page.goto(`${BASE}/`);
  await page.click(byId('sign-in-sso'));
  await page.waitForURL((u) => u.toString().startsWith(ISSUER));
  await page.fill('input[name="login"]', login);
  await page.fill('input[name="password"]', 'any password: the provider is in development mode');
  await screenshot(page, 'provider-sign-in');
  await page.click('button[type="submit"]');
  await page.waitForSelector('button:has-text("Continue")');  // the consent page
  await page.click('button:has-text("Continue")');
  await page.waitForURL((u) => u.toString().startsWith(BASE));
  return callback;
}

const sessionCookie = async (page) =>
  (await page.context().cookies(BASE)).find((c) => c.name === 'rapport_session');

async function apiFromPage(page, method, route, headers = {}) {
  return page.evaluate(async ([m, r, h]) => {
    const res = await fetch(r, {method: m, headers: h});
    return {status: res.status, body: await res.json().catch(() => null)};
  }, [method, route, headers]);
}

describe('single sign-on', () => {
  test('a directory user signs in through the provider, makes a token, signs out', async (t) => {
    const page = await newPage(t);
    const callback = await signInWithProvider(page, MEMBER);
    assert.ok(callback.includes('state=') && callback.includes('code='), callback);
    await page.waitForSelector(byId('session-name'));
    assert.equal((await page.textContent(byId('session-role'))).trim(), 'member');
    assert.equal(await page.getAttribute('#user', 'title'), MEMBER);
    await screenshot(page, 'signed-in');

    // The session is an HttpOnly, SameSite cookie that scripts cannot read.
    const cookie = await sessionCookie(page);
    assert.ok(cookie, 'rapport set its session cookie');
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Lax');
    assert.ok(cookie.value.startsWith('rps_'));
    assert.equal(await page.evaluate(() => document.cookie.includes('rapport_session')), false);
    assert.equal(await page.evaluate(() => sessionStorage.length), 0, 'no token in storage');

    // A change without the CSRF token is refused; the session's own token works.
    const session = await apiFromPage(page, 'GET', '/v1/session');
    assert.equal(session.status, 200);
    assert.equal(session.body.address, MEMBER);
    assert.match(session.body.csrf_token, /^[0-9a-f]{32}$/);
    const forged = await apiFromPage(page, 'POST', '/v1/me/tokens');
    assert.equal(forged.status, 403);
    assert.match(forged.body.message, /X-CSRF-Token/);
    // A session is not a bearer token.
    const asBearer = await fetch(`${BASE}/v1/session`,
        {headers: {Authorization: `Bearer ${cookie.value}`}});
    assert.equal(asBearer.status, 401);

    // My tokens: create one on the dashboard (shown once), use it from a script, revoke it.
    await page.click(byId('nav-tokens'));
    await page.waitForSelector(`${byId('tokens-empty')}, ${byId('tokens-table')}`);
    await page.click(byId('token-create'));
    const token = await page.inputValue(byId('token-value'));
    assert.match(token, /^rpt_[A-Za-z0-9_-]{43}$/);
    await page.waitForSelector(byId('tokens-table'));
    await screenshot(page, 'my-tokens');
    const mine = await fetch(`${BASE}/v1/session`, {headers: {Authorization: `Bearer ${token}`}});
    assert.equal(mine.status, 200);
    assert.equal((await mine.json()).address, MEMBER);
    // The newest of the member's tokens (run.sh made them one for the other tests).
    const listed = await apiFromPage(page, 'GET', '/v1/me/tokens');
    const id = Math.max(...listed.body.filter((x) => x.active).map((x) => x.id));
    await page.click(byId(`token-revoke-${id}`));
    await page.waitForSelector(`${byId('tokens-table')} :text("revoked")`);
    const revoked = await fetch(`${BASE}/v1/session`,
        {headers: {Authorization: `Bearer ${token}`}});
    assert.equal(revoked.status, 401);

    // Sign-out ends the session on the server, not only in this browser.
    await page.click(byId('sign-out'));
    await page.waitForSelector(byId('signin-form'));
    assert.equal(await sessionCookie(page), undefined, 'the cookie is cleared');
    const again = await fetch(`${BASE}/v1/session`,
        {headers: {Cookie: `rapport_session=${cookie.value}`}});
    assert.equal(again.status, 401, 'the old session no longer works');

    // The redirect replayed: its state is used up.
    await page.goto(callback);
    assert.match(await page.textContent('#reason'), /unknown, used or expired/);
    assert.deepEqual(page.problems, []);
  });

  test('a forged state and a replayed code are refused', async (t) => {
    const page = await newPage(t);
    await page.goto(`${BASE}/auth/callback?code=made-up&state=forged`);
    assert.match(await page.textContent('#reason'), /unknown, used or expired/);
    assert.equal(await sessionCookie(page), undefined);

    const callback = await signInWithProvider(page, MEMBER);
    await page.waitForSelector(byId('session-name'));
    const code = new URL(callback).searchParams.get('code');
    // A new sign-in of this browser, finished with the code already redeemed.
    const start = await page.context().request.get(`${BASE}/auth/login`, {maxRedirects: 0});
    assert.equal(start.status(), 302);
    const state = new URL(start.headers().location).searchParams.get('state');
    await page.goto(`${BASE}/auth/callback?code=${encodeURIComponent(code)}&state=${state}`);
    assert.match(await page.textContent('#reason'), /refused the sign-in code \(invalid_grant\)/);
    await screenshot(page, 'replayed-code');

    // A state from another browser is refused even with a fresh code.
    const other = await newPage(t);
    const theirs = await other.context().request.get(`${BASE}/auth/login`, {maxRedirects: 0});
    const theirState = new URL(theirs.headers().location).searchParams.get('state');
    await page.goto(`${BASE}/auth/callback?code=x&state=${theirState}`);
    assert.match(await page.textContent('#reason'), /started in another browser/);
  });

  test('a user is found by their Entra object id even when their UPN has changed', async (t) => {
    const page = await newPage(t);
    await signInWithProvider(page, `oid:${env('RAPPORT_MEMBER_OID')}`);
    await page.waitForSelector(byId('session-name'));
    assert.equal(await page.getAttribute('#user', 'title'), MEMBER);
  });

  test('someone the tenant does not know gets no session', async (t) => {
    const page = await newPage(t);
    await signInWithProvider(page, 'stranger@elsewhere.example');
    assert.match(await page.textContent('#reason'),
        /stranger@elsewhere\.example signed in, but is not a user of Northwind/);
    assert.equal(await sessionCookie(page), undefined);
    await screenshot(page, 'not-a-user');
  });
});
