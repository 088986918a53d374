// What the browser tests share: their settings from run.sh, and Chromium launched the same way.

import {chromium} from 'playwright-core';

/** A setting run.sh exports; fails loudly when the tests are run without it. */
export function env(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the tests through tests/browser/run.sh`);
  return v;
}

export const byId = (id) => `[data-testid="${id}"]`;

/** Debian's Chromium, headless, with nothing that reaches outside the machine. */
export function launchChromium() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
