// report.mjs: opens report.html files in headless Chromium (Debian's /usr/bin/chromium, driven
// by playwright-core from web/node_modules; no browser download) with the network blocked, and
// checks that every chart rendered, nothing was logged as an error, and the "show numbers"
// toggle shows its table. Saves a screenshot of the first screen and of the whole page.
//
// usage: node report.mjs SRCDIR OUTPREFIX REPORT.html...   (screenshots OUTPREFIX-N-*.png)
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [srcdir, prefix, ...files] = process.argv.slice(2);
const require = createRequire(path.join(srcdir, 'web', 'package.json'));
const { chromium } = require('playwright-core');

function fail(msg) {
  console.error(`report.mjs: ${msg}`);
  process.exitCode = 1;
}

async function check(browser, file, n) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  // a self-contained page needs nothing but its own file
  await page.route('**/*', (r) => (r.request().url().startsWith('file:') ? r.continue() : r.abort()));
  await page.goto(pathToFileURL(path.resolve(file)).href);
  const charts = await page.locator('[id^="chart-"]').count();
  if (charts === 0) fail(`${file}: no charts`);
  await page.waitForFunction(
    () => [...document.querySelectorAll('[id^="chart-"]')].every((e) => e.dataset.rendered),
    null, { timeout: 30000 });
  for (const el of await page.locator('[id^="chart-"]').all()) {
    const id = await el.getAttribute('id');
    const state = await el.getAttribute('data-rendered');
    const marks = await el.locator('svg .mark-rect path, svg .mark-area path, svg .mark-line path, svg .mark-text text, svg .mark-symbol path, canvas').count();
    if (state !== 'yes' || marks === 0) fail(`${file}: ${id} did not render (${state}, ${marks} marks)`);
  }
  await page.screenshot({ path: `${prefix}-${n}-first.png` });
  const toggle = page.locator('details summary').first();
  await toggle.click();
  if (!(await page.locator('details[open] table').first().isVisible()))
    fail(`${file}: the "show numbers" toggle shows no table`);
  await page.screenshot({ path: `${prefix}-${n}-full.png`, fullPage: true });
  // one picture per section, to read each chart at the size a reader sees it
  for (const sec of await page.locator('section').all()) {
    const id = await sec.getAttribute('id');
    await sec.screenshot({ path: `${prefix}-${n}-${id}.png` });
  }
  for (const e of errors) fail(`${file}: console: ${e}`);
  console.log(`${file}: ${charts} charts rendered; screenshots ${prefix}-${n}-*.png`);
  await page.close();
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
try {
  for (const [i, f] of files.entries()) await check(browser, f, i + 1);
} finally {
  await browser.close();
}
