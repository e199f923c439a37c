// Helpers of the browser suite: one headless Debian Chromium, one browser context per person,
// and a `step` that screenshots the page, runs axe-core on it and keeps its HTML for the Nu
// checker. Nothing here downloads a browser: playwright-core drives /usr/bin/chromium.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const HERE = path.dirname(new URL(import.meta.url).pathname);

export const BASE = (process.env.E2E_BASE_URL || '').replace(/\/$/, '');
export const DATA_DIR = process.env.E2E_DATA_DIR || '';
export const PASSWORD = 'handoff-demo-2026';
export const SHOTS = process.env.E2E_SCREENSHOTS || path.join(HERE, 'screenshots');
export const REPORT = process.env.E2E_REPORT || path.join(HERE, 'report');
const TIMEOUT = Number(process.env.E2E_TIMEOUT_MS || 20000);
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
export const AXE_VERSION = require('axe-core/package.json').version;

if (!BASE) throw new Error('E2E_BASE_URL is not set: start the suite with tests/e2e/run.sh');

/** Every page a step looked at: flow, step, role, URL, axe violations, console errors. */
export const visited = [];

let browser;
export async function launch() {
  const host = new URL(BASE).hostname;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic',
      '--no-first-run', '--no-default-browser-check', '--disable-extensions',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      // Chromium's own look-ups (updates, safe browsing...) resolve to "not found".
      `--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE ${host}`,
    ],
  });
  return browser;
}

export async function close() {
  if (browser) await browser.close();
}

/**
 * A person at their own browser (own cookies). `role` labels the accessibility results.
 * `flow` is the folder their screenshots go to; it can change as the suite moves on.
 */
export const PHONE_WIDTH = 390;
/** The narrowest phones still sold (iPhone SE 1st generation, many Android phones). */
export const SMALL_PHONE_WIDTH = 320;
/** A 1280 px screen at 200 % browser zoom lays the page out in 640 CSS pixels. */
export const ZOOM_WIDTH = 640;
/** WCAG 2.5.5's target size, for buttons and button-like links. */
export const TARGET_PX = 44;

const STATUS_TEXT = { 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 410: 'Gone', 422: 'Unprocessable Entity' };

export async function person(role, label) {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    acceptDownloads: false,
  });
  const base = new URL(BASE);
  await context.route('**/*', route => {
    const u = new URL(route.request().url());
    if (u.protocol === 'data:' || u.host === base.host) return route.continue();
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  const p = { role, label, context, page, lastDoc: null, consoleErrors: [] };
  page.on('response', r => {
    const req = r.request();
    if (req.frame() === page.mainFrame() && req.isNavigationRequest() && !(r.status() >= 300 && r.status() < 400)) {
      p.lastDoc = r;
    }
  });
  page.on('console', m => { if (m.type() === 'error') p.consoleErrors.push(m.text()); });
  page.on('pageerror', e => p.consoleErrors.push(String(e)));
  return p;
}

/** A flow: its own screenshot folder with numbered steps. */
export function flow(name) {
  const dir = path.join(SHOTS, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const htmlDir = path.join(REPORT, 'html', name);
  fs.mkdirSync(htmlDir, { recursive: true });
  let n = 0;
  return {
    name,
    /**
     * Looks at the page `who` has open: screenshot, axe-core, raw HTML kept for vnu.
     * Fails when the page answered with an error status (unless `expectStatus` says so).
     */
    async step(who, title, { expectStatus } = {}) {
      n += 1;
      const slug = `${String(n).padStart(2, '0')}-${who.label.split(' ')[0]}-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}`;
      const page = who.page;
      await page.waitForLoadState('load');
      const url = page.url();
      const status = who.lastDoc ? who.lastDoc.status() : 0;
      await page.screenshot({ path: path.join(dir, `${slug}.png`), fullPage: true });
      // The same page on a phone (390 px, as an iPhone 12-15): nothing may be wider than the
      // screen, so nobody has to scroll sideways.
      const desktop = page.viewportSize();
      await page.setViewportSize({ width: PHONE_WIDTH, height: 844 });
      const phoneWidth = await page.evaluate(() => document.documentElement.scrollWidth);
      const wide = phoneWidth > PHONE_WIDTH ? await page.evaluate((w) => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > w + 1 && !e.closest('.table-wrap'))
        .slice(0, 5).map(e => `${e.tagName.toLowerCase()}${e.className ? '.' + String(e.className).split(' ').join('.') : ''}`), PHONE_WIDTH) : [];
      await page.screenshot({ path: path.join(dir, `${slug}.phone.png`), fullPage: true });
      // Buttons, button-like links, the menu and form controls a thumb must hit.
      const smallTargets = await page.evaluate((min) => [...document.querySelectorAll(
        'button, a.button, summary, input[type=submit], select, input:not([type=hidden]):not([type=checkbox]):not([type=radio])')]
        .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 && (r.width < min - 0.5 || r.height < min - 0.5); })
        .slice(0, 5).map(e => { const r = e.getBoundingClientRect(); return `${e.tagName.toLowerCase()}${e.className ? '.' + String(e.className).split(' ').join('.') : ''} "${(e.innerText || e.value || '').trim().slice(0, 30)}" ${Math.round(r.width)}x${Math.round(r.height)}`; }), TARGET_PX);
      await page.setViewportSize({ width: SMALL_PHONE_WIDTH, height: 640 });
      const smallWidth = await page.evaluate(() => document.documentElement.scrollWidth);
      const wideSmall = smallWidth > SMALL_PHONE_WIDTH ? await page.evaluate((w) => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > w + 1 && !e.closest('.table-wrap'))
        .slice(0, 5).map(e => `${e.tagName.toLowerCase()}${e.className ? '.' + String(e.className).split(' ').join('.') : ''}`), SMALL_PHONE_WIDTH) : [];
      await page.setViewportSize({ width: ZOOM_WIDTH, height: 450 });
      const zoomWidth = await page.evaluate(() => document.documentElement.scrollWidth);
      await page.setViewportSize(desktop);
      let html;
      try {
        html = who.lastDoc ? await who.lastDoc.text() : await page.content();
      } catch {
        html = await page.content();
      }
      const htmlFile = path.join(htmlDir, `${slug}.html`);
      fs.writeFileSync(htmlFile, html);
      await page.evaluate(AXE_SOURCE);
      const result = await page.evaluate(() =>
        // Every rule axe-core enables by default: WCAG 2.x A/AA and best practices.
        window.axe.run(document, { resultTypes: ['violations'] }));
      const violations = result.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
        nodes: v.nodes.map(x => ({ target: x.target.join(' '), summary: x.failureSummary })),
      }));
      // The browser logs an expected error status of the page itself as a console error.
      const consoleErrors = who.consoleErrors.splice(0).filter(m => !(expectStatus
        && m === `Failed to load resource: the server responded with a status of ${expectStatus} (${STATUS_TEXT[expectStatus]})`));
      const rec = { flow: name, step: slug, role: who.role, who: who.label, url, status, htmlFile,
        screenshot: path.join(dir, `${slug}.png`), violations, consoleErrors, phoneWidth, wide,
        smallWidth, wideSmall, zoomWidth, smallTargets };
      visited.push(rec);
      const mark = violations.length ? `AXE ${violations.map(v => `${v.id}(${v.nodes.length})`).join(' ')}` : 'axe ok';
      console.log(`  ${name}/${slug} [${who.role}] ${status} ${new URL(url).pathname} ${mark}`);
      const want = expectStatus || 200;
      if (status !== want) throw new Error(`${name}/${slug}: ${url} answered ${status}, expected ${want}`);
      return page;
    },
  };
}

/** axe-core's rule ids violated by a page made of `html` (to prove the check is live). */
export async function axeOn(html) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.setContent(html);
    await page.evaluate(AXE_SOURCE);
    const r = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
    return r.violations.map(v => v.id);
  } finally {
    await context.close();
  }
}

/** Clicks something that navigates and waits for the new page to load. */
export async function go(page, locator) {
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    locator.click(),
  ]);
}

export async function visit(who, pathname) {
  await who.page.goto(BASE + pathname, { waitUntil: 'load' });
}

/** Second factors set up during this run, by e-mail: the secret and the last step used. */
const secondFactors = new Map();

function base32(s) {
  const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0, buf = 0; const out = [];
  for (const c of s.replace(/[\s=]/g, '').toUpperCase()) {
    buf = (buf << 5) | A.indexOf(c); bits += 5;
    if (bits >= 8) { bits -= 8; out.push((buf >> bits) & 0xff); }
  }
  return Buffer.from(out);
}

/** The RFC 6238 code of one 30-second step, computed here as an authenticator app does. */
export function totp(secret, step) {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(step));
  const h = crypto.createHmac('sha1', base32(secret)).update(msg).digest();
  const o = h[h.length - 1] & 0xf;
  return String((h.readUInt32BE(o) & 0x7fffffff) % 1000000).padStart(6, '0');
}

/** A step whose code the app will still accept (each step is accepted once). */
async function freshStep(email) {
  for (;;) {
    const now = Math.floor(Date.now() / 30000);
    const last = secondFactors.get(email).last;
    const step = Math.max(now, last + 1);
    if (step <= now + 1) { secondFactors.get(email).last = step; return step; }
    await new Promise(r => setTimeout(r, 2000));
  }
}

export async function signIn(f, who, email) {
  await visit(who, '/login');
  await f.step(who, 'sign-in page');
  await who.page.getByLabel('E-mail').fill(email);
  await who.page.getByLabel('Password').fill(PASSWORD);
  await go(who.page, who.page.getByRole('button', { name: 'Sign in' }));
  const at = new URL(who.page.url()).pathname;
  if (at === '/account/second-factor') {
    // The clinic requires a second factor: set it up from the key under the QR code.
    await f.step(who, 'second factor set-up');
    const secret = (await who.page.locator('code.secret').innerText()).trim();
    secondFactors.set(email, { secret, last: -1 });
    const step = await freshStep(email);
    await who.page.getByLabel('Code from the app').fill(totp(secret, step));
    await go(who.page, who.page.getByRole('button', { name: 'Turn on the second factor' }));
    await f.step(who, 'recovery codes');
    await go(who.page, who.page.getByRole('link', { name: 'Continue to Handoff' }));
  } else if (at === '/login/code') {
    await f.step(who, 'second step');
    const { secret } = secondFactors.get(email);
    const step = await freshStep(email);
    await who.page.getByLabel('Code').fill(totp(secret, step));
    await go(who.page, who.page.getByRole('button', { name: 'Continue' }));
  }
}

export async function signOut(who) {
  await go(who.page, who.page.getByRole('button', { name: 'Sign out' }));
}

/** The visible text of the page's main element. */
export async function mainText(page) {
  return (await page.locator('main').innerText()).replace(/\s+/g, ' ');
}

/** The newest .eml in <data-dir>/mail-out that contains `needle`, as text (waits for it). */
export async function waitForMail(needle, { timeoutMs = 15000 } = {}) {
  const dir = path.join(DATA_DIR, 'mail-out');
  const until = Date.now() + timeoutMs;
  for (;;) {
    const files = fs.existsSync(dir)
      ? fs.readdirSync(dir).filter(f => f.endsWith('.eml'))
        .map(f => path.join(dir, f)).sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)
      : [];
    for (const f of files) {
      const text = decodeMail(fs.readFileSync(f, 'latin1'));
      if (text.includes(needle)) return { file: f, text };
    }
    if (Date.now() > until) throw new Error(`no mail containing "${needle}" in ${dir} after ${timeoutMs} ms`);
    await new Promise(r => setTimeout(r, 200));
  }
}

/** The raw message plus the decoded text of its quoted-printable and base64 parts. */
function decodeMail(raw) {
  const out = [raw];
  // quoted-printable: soft line breaks and =XX escapes
  out.push(raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16))));
  // base64 parts: blocks of base64 lines after a blank line
  for (const m of raw.matchAll(/\r?\n\r?\n((?:[A-Za-z0-9+/=]{8,}\r?\n?)+)/g)) {
    try { out.push(Buffer.from(m[1].replace(/\s+/g, ''), 'base64').toString('utf8')); } catch { /* not base64 */ }
  }
  return out.join('\n');
}

/** Runs the Nu Html Checker (vnu-jar, with the machine's Java) once over every saved page. */
export async function runVnu(files) {
  const { spawnSync } = await import('node:child_process');
  const jar = require.resolve('vnu-jar/build/dist/vnu.jar');
  const r = spawnSync('java', ['-jar', jar, '--errors-only', '--format', 'json', '--stdout', '--exit-zero-always', ...files],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`vnu exited ${r.status}: ${r.stderr}`);
  const report = JSON.parse(r.stdout);
  fs.writeFileSync(path.join(REPORT, 'vnu.json'), JSON.stringify(report, null, 2));
  return report.messages.filter(m => m.type === 'error' || m.type === 'non-document-error'
    || (m.type === 'info' && m.subType === 'fatal'));
}
