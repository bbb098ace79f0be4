// dashboard.mjs: drives the dashboard of a running `careshift serve` in headless Chromium
// (Debian's /usr/bin/chromium through playwright-core from web/node_modules; no browser
// download), with every request outside the server refused. Checks, against the API read here
// with fetch:
//   - the page loads with no console error and every chart renders (data-rendered="yes", marks);
//   - the verdict and the business case equal /api/tables (criteria, business_case) for the plan,
//     and for another scenario after choosing it; a subregion's tables equal criteria_subregion
//     and business_case_subregion; the year range and the theme filter the tables and charts;
//   - what-if (unless --no-whatif): ACP's uptake slider to 0.2 gives the verdict and business
//     case that POST /api/whatif answers for that set, with the plan's values beside them; an
//     older answer arriving after a newer one is dropped; a 400 is shown in the panel with its
//     field marked; a 503 is retried once after Retry-After; reset returns to the plan;
//     "with uncertainty" sends 200 draws (the plan itself when nothing is moved) and shows
//     P(passes) and the total NPV's 95 % range and P(NPV > 0) of the answer;
//   - in a `without-T` scenario theme T's switch and sliders are greyed out, and T switched off
//     there is not sent (the API has no such scenario then): the panel says it changes nothing;
//   - with --plan-file (the copy of the plan the server serves): an edit of the file shows the
//     what-if's yellow "plan changed" status, a broken file the 409 message, and a repaired one
//     the plain answer again;
//   - the NL switch changes the labels and the number format; in Dutch, with a variant and a
//     what-if on show, nothing in the verdict, the business case (its table and NPV cards) or the
//     what-if panel is wider than its box at 1280 and 1024 px, and at 390 px the page is no
//     wider than the screen (a table may scroll in its own box); no chart guide names a CSV file.
//   - with --token T (a server on 127.0.0.2 with --token), only the token checks: without it
//     (and with a wrong one) the page explains in English and Dutch how to pass it (#token=),
//     with it in the address the page loads, drops it from the address bar, keeps it for the
//     tab and sends it with every API request; the token pasted into the page's form works too.
// Screenshots: OUTPREFIX-first.png (1280x900), -scenario.png, -subregion.png, -whatif.png
// (1280x900, the picture for docs/img/dashboard.png), -whatif-psa.png, -nl.png, -nl-whatif-1280.png,
// -nl-whatif-1024.png, -nl-whatif-390.png, -plan-changed.png, -left-out.png, -full.png,
// -section-ID.png; with --token: -notoken.png, -notoken-nl.png, -token.png.
//
// With --monitoring-only, the monitoring section only (English and Dutch): the run served is a
// re-forecast, and the section starts with its banner; screenshots -monitoring.png, -monitoring-nl.png.
//
// usage: node dashboard.mjs SRCDIR URL OUTPREFIX [--no-whatif] [--plan-file PLAN] [--token T] [--monitoring-only]
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const [srcdir, base, prefix, ...flags] = process.argv.slice(2);
const whatif = !flags.includes('--no-whatif');
const flagValue = (name) => (flags.includes(name) ? flags[flags.indexOf(name) + 1] : null);
const planFile = flagValue('--plan-file');
const tokenOnly = flagValue('--token');
const require = createRequire(path.join(srcdir, 'web', 'package.json'));
const { chromium } = require('playwright-core');
const origin = new URL(base).origin;
const ACP = 'themes[palliatief].interventions[acp].uptake.max';
let passed = 0, failed = 0;
let expectHttpErrors = false;

const t0 = Date.now();
function check(ok, what) {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${process.env.DASH_TIMING ? ` [${((Date.now() - t0) / 1000).toFixed(1)} s]` : ''}`);
}
async function get(p) {
  const r = await fetch(origin + p);
  if (!r.ok) throw new Error(`GET ${p}: ${r.status} ${await r.text()}`);
  return r.json();
}
async function post(body) {
  const r = await fetch(`${origin}/api/whatif`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
  if (!r.ok) throw new Error(`POST /api/whatif: ${r.status} ${await r.text()}`);
  return r.json();
}
// a table's rows as objects
async function table(name, q) {
  const ans = await get(`/api/tables/${name}?${new URLSearchParams({ ...q, limit: 10000 })}`);
  return ans.rows.map((r) => Object.fromEntries(ans.columns.map((c, i) => [c, r[i]])));
}
const close = (a, b) => a === b || (Number.isFinite(a) && Number.isFinite(b) && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)));
// a >= 0 with dec decimals as C's printf rounds it (an exact half to even; toFixed takes the
// larger): src/report/fmt.c's digits
function fixedC(a, dec) {
  const long = a.toFixed(Math.min(100, dec + 25));
  if (!/^50*$/.test(long.slice(-25))) return a.toFixed(dec);
  const lower = long.slice(0, dec === 0 ? -26 : -25);
  return Number(lower.slice(-1)) % 2 === 0 ? lower : a.toFixed(dec);
}
// "EUR 44.3 mln" as the report writes it (src/report/fmt.c)
function num(v, dec, nl) {
  const raw = fixedC(Math.abs(v), dec);
  const [i, f] = raw.split('.');
  const g = i.replace(/\B(?=(\d{3})+(?!\d))/g, nl ? '.' : ',');
  return (v < 0 && /[1-9]/.test(raw) ? '-' : '') + g + (f ? (nl ? ',' : '.') + f : '');
}
function eur(v, nl) {
  const a = Math.abs(v);
  if (a >= 1e9) return `EUR ${num(v / 1e9, 2, nl)} ${nl ? 'mld' : 'bn'}`;
  if (a >= 1e6) return `EUR ${num(v / 1e6, 1, nl)} mln`;
  return `EUR ${num(v, 0, nl)}`;
}

// The number cells the page shows: [{key, value, base, text}], key from the cell's data-*.
async function cells(page, selector) {
  return page.$$eval(selector, (els) => els.map((e) => ({
    key: [e.dataset.crit, e.dataset.term, e.dataset.stakeholder, e.dataset.measure, e.dataset.year].filter(Boolean).join('|'),
    value: e.dataset.value === '' ? null : Number(e.dataset.value),
    base: e.dataset.base === undefined ? undefined : Number(e.dataset.base),
    text: e.textContent.replace(/\s+/g, ' ').trim(),
  })));
}
// compares the cells to expected {key: value}; every expected key must be shown
function compare(shown, want, what, field = 'value') {
  const got = Object.fromEntries(shown.map((c) => [c.key, c[field]]));
  const bad = Object.entries(want).filter(([k, v]) => !(k in got) || !close(got[k], v));
  check(bad.length === 0 && Object.keys(want).length > 0,
    `${what}: ${Object.keys(want).length} numbers equal the API${bad.length ? ` (differ: ${bad.slice(0, 4).map(([k, v]) => `${k} page ${got[k]} api ${v}`).join('; ')})` : ''}`);
}
function verdictWant(summary, years) {
  const want = {};
  for (const term of ['short_term', 'long_term']) for (const c of summary[term].criteria) want[`${c.criterion}|${term}`] = c.value;
  return want;
}
async function criteriaWant(scenario, years) {
  const want = {};
  for (const [term, y] of [['short_term', years.short_term], ['long_term', years.long_term]]) {
    for (const r of await table('criteria', { scenario, year_from: y, year_to: y })) want[`${r.criterion}|${term}`] = r.value;
  }
  return want;
}
function businessWant(list) {
  const want = {};
  for (const r of list) for (const m of ['investment', 'savings', 'npv']) want[`${r.stakeholder}|${m}`] = r[m];
  return want;
}

async function chartsRendered(page, what) {
  await page.waitForFunction(() => {
    const els = [...document.querySelectorAll('[id^="chart-"]')];
    return els.length > 0 && els.every((e) => e.dataset.rendered === 'yes' || e.dataset.rendered === 'error' || e.dataset.rendered === 'empty');
  }, null, { timeout: 30000 });
  const states = await page.$$eval('[id^="chart-"]', (els) => els.map((e) => ({
    id: e.id, state: e.dataset.rendered,
    marks: e.querySelectorAll('svg .mark-rect path, svg .mark-area path, svg .mark-line path, svg .mark-text text, svg .mark-symbol path, svg .mark-rule line').length,
  })));
  const bad = states.filter((s) => s.state !== 'yes' || s.marks === 0);
  check(states.length > 0 && bad.length === 0, `${what}: ${states.length} charts rendered${bad.length ? ` (not: ${bad.map((s) => `${s.id} ${s.state} ${s.marks}`).join(', ')})` : ''}`);
  return states.length;
}
const idle = (page) => page.waitForFunction(() => !document.body.classList.contains('busy') && document.getElementById('whatif-status').getAttribute('aria-busy') !== 'true', null, { timeout: 60000 });

// /api/monitoring in a language (English unless given), or null when the run has no actuals (404)
async function monitoringAnswer(lang = 'en') {
  const r = await fetch(`${origin}/api/monitoring?lang=${lang}`);
  if (r.status === 404) return null;
  if (!r.ok) throw new Error(`GET /api/monitoring: ${r.status}`);
  return r.json();
}

// The % thresholds of a row: 5 %, 20 % and the used band's reach (docs/monitoring.md, "Status")
function monThresholds(r) {
  const th = [5, -5, 20, -20];
  if (r.band_used_low !== null && r.planned !== null && r.planned > 0) {
    th.push(100 * (r.band_used_high - r.planned) / r.planned, -100 * (r.planned - r.band_used_low) / r.planned);
  }
  return th;
}
const side = (a, b) => (a > b) - (a < b);
const parseNum = (text, nl) => Number(text.replace(nl ? /\./g : /,/g, '').replace(',', '.'));

// The monitoring section: hidden without actuals; with them, its status table equals
// /api/monitoring row by row (the exact numbers in data-value, the band the status used in
// data-low and data-high, marked * where widened, the milestone's verdict in words, the % with
// the API's decimals and on the side of each threshold the exact % is on), the banner of a
// re-forecast, the interventions' names, and each indicator's chart renders with its realised
// points (symbols) over the planned line. lang: the page's language at the time.
async function checkMonitoring(page, mon, lang = 'en', shot = true) {
  if (!mon) {
    check(await page.isHidden('#monitoring'), 'no monitoring section without actuals (/api/monitoring 404)');
    return;
  }
  const isNl = lang === 'nl';
  check(await page.isVisible('#monitoring'), `${lang}: monitoring section shown (the run has actuals)`);
  const shown = await page.$$eval('#monitoring-table tbody tr', (trs) => trs.map((tr) => {
    const td = (k) => tr.querySelector(`td[data-measure="${k}"]`);
    const v = (k) => { const c = td(k); return c && c.dataset.value !== undefined ? +c.dataset.value : null; };
    const band = td('band'), met = td('milestone_met'), iv = tr.querySelector('.iv');
    const d = (k) => (band.dataset[k] === undefined || band.dataset[k] === 'null' ? null : +band.dataset[k]);
    return {
      key: `${tr.dataset.year}|${tr.dataset.indicator}|${tr.dataset.place}`, planned: v('planned'), realised: v('realised'), target: v('target'),
      status: tr.querySelector('.badge').dataset.status, low: d('low'), high: d('high'), p2_5: d('p2_5'), p97_5: d('p97_5'),
      bandText: band.textContent.trim(), realisedText: td('realised').textContent.trim(), pctText: td('difference_pct').textContent.trim(),
      met: met.dataset.met, metText: met.textContent.trim(), ivName: iv ? iv.title : null,
    };
  }));
  const same = shown.length === mon.rows.length && mon.rows.every((r, i) => shown[i].key === `${r.year}|${r.indicator}|${r.place}` &&
    close(shown[i].planned ?? NaN, r.planned ?? NaN) === (r.planned !== null) && shown[i].realised === r.realised &&
    shown[i].target === r.target && shown[i].status === (r.status || ''));
  check(same, `${lang}: monitoring table: ${shown.length} rows equal /api/monitoring's ${mon.rows.length} (planned, realised, milestone, status)`);
  const bad = [];
  let nWide = 0, nMet = 0;
  const words = { yes: isNl ? 'ja' : 'yes', no: isNl ? 'nee' : 'no', '': '–' };
  mon.rows.forEach((r, i) => {
    const s = shown[i];
    if (!s) return;
    const wide = r.band_used_low !== null && (r.band_used_low !== r.p2_5 || r.band_used_high !== r.p97_5);
    nWide += wide;
    const want = r.band_used_low === null ? '–'
      : `${num(r.band_used_low, r.decimals.band, isNl)} – ${num(r.band_used_high, r.decimals.band, isNl)}${wide ? '*' : ''}`;
    if (s.low !== r.band_used_low || s.high !== r.band_used_high || s.bandText !== want) bad.push(`${s.key} band ${s.low}–${s.high} "${s.bandText}" (want ${want})`);
    if (r.band_used_low !== null && (s.p2_5 !== r.p2_5 || s.p97_5 !== r.p97_5)) bad.push(`${s.key} PSA band ${s.p2_5}–${s.p97_5}`);
    if (s.met !== r.milestone_met || s.metText !== words[r.milestone_met]) bad.push(`${s.key} milestone met "${s.met}" "${s.metText}" (want ${r.milestone_met})`);
    nMet += r.milestone_met !== '';
    if (r.realised !== null && s.realisedText !== num(r.realised, r.decimals.realised, isNl)) bad.push(`${s.key} realised "${s.realisedText}"`);
    if (r.difference_pct !== null) {
      if (s.pctText !== num(r.difference_pct, r.decimals.difference_pct, isNl)) bad.push(`${s.key} % "${s.pctText}" (${r.difference_pct})`);
      const p = parseNum(s.pctText, isNl);
      if (monThresholds(r).some((t) => side(p, t) !== side(r.difference_pct, t))) bad.push(`${s.key} % "${s.pctText}" on another side of a threshold than ${r.difference_pct}`);
    }
    if ((s.ivName || '') !== (r.intervention_name || '')) bad.push(`${s.key} intervention name "${s.ivName}"`);
  });
  check(bad.length === 0 && (mon.band_draws === 0 || nWide > 0), `${lang}: monitoring table: the band the status used (${nWide} widened, marked *), the milestone met (${nMet} yes or no), realised and the % with the API's decimals, the interventions' names${bad.length ? ` (${bad.slice(0, 4).join('; ')})` : ''}`);
  const foot = (await page.isVisible('#monitoring-widened')) ? (await page.textContent('#monitoring-widened')) : '';
  check(nWide ? foot.includes(isNl ? 'verbreed tot gepland ±5%' : 'widened to planned ±5 %') : foot === '',
    `${lang}: the footnote on widened bands ${nWide ? `is there: ${foot.slice(0, 60)}` : 'is absent (no band widened)'}`);
  const ths = await page.$$eval('#monitoring-table thead th', (e) => e.map((x) => x.textContent));
  check(ths.includes(isNl ? 'Mijlpaal gehaald' : 'Milestone met'), `${lang}: the column ${isNl ? 'Mijlpaal gehaald' : 'Milestone met'} (${ths.join(', ')})`);
  const legend = await page.$$eval('#monitoring-interventions b[data-intervention]', (bs) => bs.map((b) => [b.dataset.intervention, b.nextSibling.textContent.replace(/^: /, '').replace(/; $/, '')]));
  const wantLegend = new Map(mon.rows.filter((r) => r.intervention_name).map((r) => [r.indicator.replace(/^participants:/, ''), r.intervention_name]));
  check(legend.length === wantLegend.size && legend.every(([k, v]) => wantLegend.get(k) === v), `${lang}: the ${wantLegend.size} interventions' names under the table`);
  const banner = (await page.isVisible('#monitoring-reforecast')) ? (await page.textContent('#monitoring-reforecast')) : null;
  const y = mon.reforecast_from_year;
  const wantBanner = y === null ? null : isNl
    ? `Deze run is een herprognose vanaf ${y}, gepast op de realisaties van ${y}: vanaf ${y} is ‘gepland’ de herprognose, niet het plan zoals afgesproken; monitor in plaats daarvan met de database van de oorspronkelijke run.`
    : `This run is a re-forecast from ${y}, fitted to the actuals of ${y}: from ${y} on, ‘planned’ is the re-forecast, not the plan as agreed; monitor against the original run's database instead.`;
  check(banner === wantBanner, `${lang}: ${y === null ? 'no re-forecast banner' : `the re-forecast banner (${y})`}${banner === wantBanner ? '' : `: ${banner}`}`);
  for (const c of mon.charts) {
    const marks = await page.$$eval(`#chart-${c.id} svg .mark-symbol path`, (e) => e.length);
    const lines = await page.$$eval(`#chart-${c.id} svg .mark-line path`, (e) => e.length);
    check(marks > 0 && lines > 0, `monitoring chart ${c.id}: realised points (${marks}) over the planned line (${lines})`);
  }
  if (!shot) return;
  // the section's first screen (its table and first chart), just under the sticky header;
  // the whole section is ${prefix}-section-monitoring.png
  await page.evaluate(() => window.scrollTo(0, document.getElementById('monitoring').getBoundingClientRect().top + window.scrollY - 72));
  await page.screenshot({ path: `${prefix}-monitoring${lang === 'en' ? '' : `-${lang}`}.png` });
  await page.evaluate(() => window.scrollTo(0, 0));
}

// --monitoring-only: the page's monitoring section in English and Dutch (a re-forecast run's,
// with its banner), and nothing else.
async function monitoringOnly(browser) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${base}#lang=en`);
  await page.waitForFunction(() => document.body.dataset.ready, null, { timeout: 30000 });
  await chartsRendered(page, 'en: load');
  await checkMonitoring(page, await monitoringAnswer('en'), 'en');
  await page.click('.lang button[data-lang="nl"]');
  await page.waitForFunction(() => document.documentElement.lang === 'nl', null, { timeout: 10000 });
  await chartsRendered(page, 'nl');
  await checkMonitoring(page, await monitoringAnswer('nl'), 'nl');
  check(errors.length === 0, `no console errors${errors.length ? `: ${errors.slice(0, 5).join(' | ')}` : ''}`);
  await page.close();
}

async function main(browser) {
  const runs = await get('/api/runs');
  const years = runs.runs[0].years;
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  const errors = [];
  // the 400 and 503 this test makes the page receive on purpose are logged by Chromium too
  // and a server without what-if answers the page's question for the parameters with 404
  // (/api/runs does not say whether it has what-if)
  const expected = (m) => (expectHttpErrors && /^Failed to load resource: .* (400|409|503)/.test(m.text())) ||
    (!whatif && /^Failed to load resource: .* 404/.test(m.text()) && /\/api\/whatif\/parameters/.test(m.location().url));
  page.on('console', (m) => m.type() === 'error' && !expected(m) && errors.push(`${m.text()} (${m.location().url})`));
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('requestfailed', (r) => !r.url().startsWith(origin) || errors.push(`request failed: ${r.url()}`));
  const outside = [];
  // nothing but the server: a CDN or any other host would fail here as it would offline
  await page.route('**/*', (r) => {
    if (r.request().url().startsWith(origin) || r.request().url().startsWith('data:')) return r.continue();
    outside.push(r.request().url());
    return r.abort();
  });

  // ---- load
  const tLoad = Date.now();
  await page.goto(`${base}#lang=en`);
  await page.waitForFunction(() => document.body.dataset.ready, null, { timeout: 30000 });
  check(await page.evaluate(() => document.body.dataset.ready) === 'yes', 'the dashboard loads (data-ready)');
  const n = await chartsRendered(page, 'first load');
  console.log(`     loaded with ${n} charts in ${((Date.now() - tLoad) / 1000).toFixed(1)} s`);
  const apiCharts = (await get('/api/charts?lang=en')).charts;
  const mon = await monitoringAnswer();
  const nMon = mon ? mon.charts.length : 0;
  check(n === apiCharts.length + nMon, `a chart for each of the ${apiCharts.length} of /api/charts and the ${nMon} of /api/monitoring`);
  await checkMonitoring(page, mon);
  check(await page.evaluate(() => document.documentElement.lang) === 'en', 'html lang="en"');
  await checkGuides(page, runs.runs[0].tables, 'en');

  // ---- plan: verdict and business case against the tables
  const plan = await get('/api/summary?scenario=plan');
  compare(await cells(page, '#verdict-table td.v'), await criteriaWant('plan', years), 'verdict (plan) vs criteria table');
  const bc = await table('business_case', { scenario: 'plan' });
  compare(await cells(page, '#business-table td[data-measure]'), businessWant(bc), 'business case (plan) vs business_case table');
  const totalText = await page.textContent('#business-table tr[data-stakeholder="total"] td[data-measure="npv"]');
  const total = bc.find((r) => r.stakeholder === 'total');
  check(totalText.trim() === eur(total.npv, false), `NPV total shown as ${eur(total.npv, false)} (${totalText.trim()})`);
  const badges = await page.$$eval('.badge-big', (els) => els.map((e) => e.dataset.passes));
  check(badges.join() === [plan.short_term.passes, plan.long_term.passes].join(), `pass/fail badges short and long term (${badges})`);
  if (whatif) check(await page.isVisible('#whatif'), 'what-if panel visible on the first screen');
  else check(await page.isHidden('#whatif'), 'no what-if panel without what-if');
  const probs = await page.$$eval('.badge-big .prob', (els) => els.map((e) => e.textContent));
  if (runs.runs[0].psa) {
    const want = [plan.short_term.probability, plan.long_term.probability].map((p) => `P(passes) ${num(100 * p, 0, false)}%`);
    check(probs.join() === want.join(), `with PSA the badges give P(passes): ${probs.join(', ')}`);
  } else {
    check(probs.length === 0, 'without PSA no probability on the badges');
  }
  await page.screenshot({ path: `${prefix}-first.png` });

  // ---- another scenario
  const scenarios = await page.$$eval('#f-scenario option', (os) => os.map((o) => o.value));
  const crit = await table('criteria', { year_from: years.long_term, year_to: years.long_term });
  check(JSON.stringify(scenarios) === JSON.stringify([...new Set(crit.map((r) => r.scenario))]), `scenario choices are the criteria table's (${scenarios.length})`);
  const other = scenarios.find((s) => s !== 'plan' && !s.startsWith('without-')) || scenarios.find((s) => s !== 'plan');
  await page.selectOption('#f-scenario', other);
  const obc = await table('business_case', { scenario: other });
  const otot = obc.find((r) => r.stakeholder === 'total');
  await page.waitForFunction((v) => {
    const e = document.querySelector('#business-table td[data-stakeholder="total"][data-measure="npv"]');
    return e && Number(e.dataset.value) === v;
  }, otot.npv, { timeout: 10000 }).catch(() => {});
  compare(await cells(page, '#verdict-table td.v'), await criteriaWant(other, years), `verdict (${other}) vs criteria table`);
  compare(await cells(page, '#business-table td[data-measure]'), businessWant(obc), `business case (${other}) vs business_case table`);
  check(!close(otot.npv, total.npv), `${other}'s NPV differs from the plan's, so the switch is seen`);
  await chartsRendered(page, `scenario ${other}`);
  const vsub = await page.$eval('#chart-verdict svg', (e) => e.textContent);
  check(vsub.includes('mijnstreek') || !other.includes('mijnstreek'), `verdict chart titled with ${other}`);
  await page.screenshot({ path: `${prefix}-scenario.png` });

  // ---- a subregion
  const subs = await page.$$eval('#f-subregion option', (os) => os.map((o) => o.value).filter(Boolean));
  const areas = await table('areas', {});
  check(JSON.stringify(subs) === JSON.stringify([...new Set(areas.map((r) => r.subregion))]), `subregion choices are the areas table's (${subs.join(', ')})`);
  const sub = subs.includes('Parkstad') ? 'Parkstad' : subs[0];
  await page.selectOption('#f-subregion', sub);
  await page.waitForSelector('#subregion-business-table', { timeout: 10000 });
  const csub = await table('criteria_subregion', { scenario: other, subregion: sub });
  const wantSub = {};
  for (const r of csub) wantSub[`${r.criterion}|${r.year}`] = r.value;
  compare(await cells(page, '#criteria-years td[data-crit]'), wantSub, `criteria per year in ${sub} (${other}) vs criteria_subregion`);
  compare(await cells(page, '#subregion-business-table td[data-measure]'), businessWant(await table('business_case_subregion', { scenario: other, subregion: sub })),
    `business case in ${sub} (${other}) vs business_case_subregion`);
  await chartsRendered(page, `subregion ${sub}`);
  const partSubs = await page.$$eval('#card-participants details td:nth-child(3)', (tds) => [...new Set(tds.map((t) => t.textContent))]);
  if (apiCharts.some((c) => c.id === 'participants')) check(partSubs.length === 1 && partSubs[0] === sub, `participants' numbers only for ${sub} (${partSubs.join(', ')})`);
  await page.screenshot({ path: `${prefix}-subregion.png` });

  // ---- years and theme
  const [from, to] = [years.first + 2, Math.min(years.last, years.first + 8)];
  await page.selectOption('#f-to', String(to));
  await page.selectOption('#f-from', String(from));
  await page.waitForFunction((f) => Number(document.querySelector('#criteria-years tbody tr')?.dataset.year) === f, from, { timeout: 10000 }).catch(() => {});
  const shownYears = await page.$$eval('#criteria-years tbody tr', (trs) => trs.map((t) => Number(t.dataset.year)));
  check(shownYears.length === to - from + 1 && shownYears[0] === from && shownYears.at(-1) === to, `year range ${from}-${to} in the table (${shownYears[0]}..${shownYears.at(-1)})`);
  await chartsRendered(page, `years ${from}-${to}`);
  const popYears = await page.$$eval('#card-population details td:first-child', (tds) => tds.map((t) => Number(t.textContent)));
  if (popYears.length) check(popYears.every((y) => y >= from && y <= to), 'population numbers only in the year range');
  await page.selectOption('#f-theme', 'palliatief').catch(() => {});
  if (await page.$eval('#f-theme', (s) => s.value) === 'palliatief') {
    await page.waitForSelector('#theme-box td[data-measure="npv"]', { timeout: 10000 });
    const roi = (await table('theme_roi', { scenario: other })).find((r) => r.theme === 'palliatief');
    compare(await cells(page, '#theme-box td[data-measure]'), { investment: roi.investment, savings: roi.savings, npv: roi.npv, roi: roi.roi }, `theme palliatief (${other}) vs theme_roi`);
    await chartsRendered(page, 'theme palliatief');
  }
  // back to the plan, the region, all themes and years
  await page.selectOption('#f-theme', '');
  await page.selectOption('#f-subregion', '');
  await page.selectOption('#f-from', String(years.first));
  await page.selectOption('#f-to', String(years.last));
  await page.selectOption('#f-scenario', 'plan');
  await page.waitForFunction((v) => Number(document.querySelector('#business-table td[data-stakeholder="total"][data-measure="npv"]')?.dataset.value) === v, total.npv, { timeout: 10000 });
  await chartsRendered(page, 'back to the plan');

  if (whatif) await checkWhatIf(page, plan, years);
  else console.log('skip what-if checks: the server has no what-if (serve --dir)');

  // ---- NL
  await page.click('.lang button[data-lang="nl"]');
  await page.waitForFunction(() => document.documentElement.lang === 'nl', null, { timeout: 10000 });
  await chartsRendered(page, 'NL');
  const labels = await page.$$eval('.filters label > span:first-child', (s) => s.map((x) => x.textContent));
  check(labels.includes('Subregio') && labels.includes('Thema'), `NL labels in the header (${labels.join(', ')})`);
  check((await page.textContent('#verdict h2')).startsWith('Oordeel'), 'NL verdict heading');
  const nlTotal = (await page.textContent('#business-table tr[data-stakeholder="total"] td[data-measure="npv"]')).trim();
  check(nlTotal === eur(total.npv, true), `NL number format: ${nlTotal} (want ${eur(total.npv, true)})`);
  const nlCharts = (await get('/api/charts?lang=nl')).charts;
  check(await page.getAttribute('#chart-verdict', 'aria-label') === nlCharts.find((c) => c.id === 'verdict').title, 'NL chart titles from /api/charts?lang=nl');
  if (whatif) {
    const lab = await page.textContent(`#whatif-params .param[data-path="${ACP}"] label`);
    const nlp = (await get('/api/whatif/parameters?lang=nl')).parameters.find((p) => p.path === ACP);
    check(lab === nlp.label, `NL what-if labels (${lab})`);
  }
  await page.screenshot({ path: `${prefix}-nl.png` });
  await checkGuides(page, runs.runs[0].tables, 'nl');
  await checkLayout(page, total.npv);
  await page.click('.lang button[data-lang="en"]');
  await page.waitForFunction(() => document.documentElement.lang === 'en', null, { timeout: 10000 });
  await chartsRendered(page, 'back to EN');
  await page.screenshot({ path: `${prefix}-full.png`, fullPage: true });
  // one picture per section, to read each chart at the size a reader sees it
  await page.addStyleTag({ content: '.top { position: static !important; }' }); // no header over the sections
  for (const sec of await page.locator('main section').all()) {
    if (!(await sec.isVisible())) continue; // the monitoring section of a run without actuals
    await sec.screenshot({ path: `${prefix}-section-${await sec.getAttribute('id')}.png` });
  }

  check(outside.length === 0, `no request outside the server (${outside.slice(0, 3).join(', ')})`);
  check(errors.length === 0, `no console errors${errors.length ? `: ${errors.slice(0, 5).join(' | ')}` : ''}`);
  await page.close();
}

// No chart guide names a CSV file: the dashboard has none to offer. The report's "X.csv" is
// the API's /api/tables/X there (docs/dashboard.md).
async function checkGuides(page, tables, lang) {
  const guides = await page.$$eval('.chart-card', (cs) => cs.map((c) => ({ id: c.id.replace(/^card-/, ''), guide: c.querySelector('.guide').textContent })));
  const note = (await page.textContent('#monitoring-note')) || '';
  const csv = guides.filter((g) => /\.csv\b/.test(g.guide));
  check(guides.length > 0 && csv.length === 0 && !/\.csv\b/.test(note), `${lang}: no chart guide names a CSV file${csv.length ? ` (${csv.map((g) => `${g.id}: ${g.guide.slice(0, 80)}`).join('; ')})` : ''}`);
  const api = (await get(`/api/charts?lang=${lang}`)).charts.find((c) => c.id === 'wrong_pocket');
  const wp = guides.find((g) => g.id === 'wrong_pocket');
  if (api && wp && api.guide.includes('wrong_pocket_intervention.csv') && tables.includes('wrong_pocket_intervention')) {
    check(wp.guide.includes('/api/tables/wrong_pocket_intervention'), `${lang}: the wrong-pocket guide names /api/tables/wrong_pocket_intervention: ${wp.guide.slice(0, 140)}`);
  }
}

// In Dutch, with a variant and (with what-if) ACP's uptake at 0.2: at 1280 and 1024 px no element
// of the verdict, the business case (table and NPV cards) or the what-if panel (its table of
// differences) is wider than its box or runs off the screen; at 390 px the page is no wider
// than the screen, a table scrolling in its own box.
async function checkLayout(page, planNpv) {
  const variant = (await page.$$eval('#f-scenario option', (os) => os.map((o) => o.value))).find((x) => x !== 'plan' && !x.startsWith('without-'));
  if (!variant) return;
  const shows = (v) => page.waitForFunction((x) => Number(document.querySelector('#business-table td[data-stakeholder="total"][data-measure="npv"]')?.dataset.value) === x,
    v, { timeout: 10000 }).catch(() => {});
  await page.selectOption('#f-scenario', variant);
  await shows((await table('business_case', { scenario: variant })).find((r) => r.stakeholder === 'total').npv);
  if (whatif) {
    await page.locator(`#whatif-params input[data-path="${ACP}"]`).fill('0.2');
    await page.waitForFunction(() => document.querySelector('#whatif-status.ok') && document.querySelector('#business-table td[data-base]'), null, { timeout: 60000 });
    await idle(page);
  }
  await page.evaluate(() => document.activeElement && document.activeElement.blur());
  const what = `NL, ${variant}${whatif ? ', ACP uptake 0.2' : ''}`;
  for (const width of [1280, 1024, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.waitForTimeout(200);
    const mobile = width < 600;
    const bad = await page.evaluate((small) => {
      const vw = document.documentElement.clientWidth, out = [];
      const name = (e) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${typeof e.className === 'string' && e.className.trim() ? `.${e.className.trim().split(/\s+/).join('.')}` : ''}`;
      if (document.documentElement.scrollWidth > vw + 1) out.push(`the page is ${document.documentElement.scrollWidth} px wide`);
      for (const root of document.querySelectorAll('#verdict, #business, #whatif')) {
        if (root.hidden) continue;
        for (const e of [root, ...root.querySelectorAll('*')]) {
          if (e.closest('svg')) continue;
          const box = e.closest('.table-scroll');
          if (small && box && box !== e) continue; // on a phone a table may scroll in its box
          const r = e.getBoundingClientRect();
          if (!r.width || !r.height) continue;
          const text = (e.textContent || '').replace(/\s+/g, ' ').trim().slice(0, 30);
          if (e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1 && !(small && box === e)) out.push(`${name(e)} ${e.scrollWidth} px in ${e.clientWidth} ("${text}")`);
          else if (r.right > vw + 1 || r.left < -1) out.push(`${name(e)} runs off the screen (${Math.round(r.left)}..${Math.round(r.right)} of ${vw}, "${text}")`);
        }
      }
      return out;
    }, mobile);
    check(bad.length === 0, `${what} at ${width} px: ${mobile ? 'the page no wider than the screen' : 'nothing wider than its box in the verdict, business case and what-if panel'}${bad.length ? ` (${bad.length}: ${bad.slice(0, 4).join('; ')})` : ''}`);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: `${prefix}-nl-${whatif ? 'whatif' : 'variant'}-${width}.png`, fullPage: mobile });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  if (whatif) {
    await page.click('#whatif-reset');
    await idle(page);
  }
  await page.selectOption('#f-scenario', 'plan');
  await shows(planNpv);
}

// Theme T switched off, then the scenario without T chosen: T's switch and sliders are greyed
// out, nothing is sent (the API has no `without-T` scenario in a run without T), and the panel
// says that switching T off changes nothing here; the numbers are the scenario's own.
async function checkLeftOut(page) {
  const T = 'palliatief', scen = `without-${T}`;
  const scenarios = await page.$$eval('#f-scenario option', (os) => os.map((o) => o.value));
  const box = `#whatif-params input[data-path="themes[${T}].enabled"]`;
  if (!scenarios.includes(scen) || !(await page.$(box))) return;
  const name = ((await table('themes', {})).find((r) => r.theme === T) || { name: T }).name;
  await page.uncheck(box);
  await page.waitForSelector('#whatif-status.ok', { timeout: 60000 });
  await idle(page);
  const posts = [];
  const onReq = (r) => r.method() === 'POST' && r.url().endsWith('/api/whatif') && posts.push(r.postData());
  page.on('request', onReq);
  await page.selectOption('#f-scenario', scen);
  await page.waitForSelector('#whatif-status.info', { timeout: 10000 }).catch(() => {});
  await idle(page);
  page.off('request', onReq);
  const txt = (await page.textContent('#whatif-status')).trim();
  check(posts.length === 0 && /already left out/.test(txt) && txt.includes(name) && /changes nothing/.test(txt),
    `${T} off in ${scen}: nothing sent (${posts.length}), the panel says so: ${txt.slice(0, 120)}`);
  const b = await cells(page, '#business-table td[data-measure]');
  compare(b, businessWant(await table('business_case', { scenario: scen })), `... and shows ${scen}'s own business case`);
  check(b.every((c) => c.base === undefined), `... with no what-if values beside it`);
  check(await page.$eval(box, (e) => e.disabled && !e.checked) && await page.$eval(`#whatif-params input[data-path="${ACP}"]`, (e) => e.disabled) &&
    await page.isVisible(`#whatif-params fieldset[data-theme="${T}"] .left-out.note`), `${T}'s switch and sliders greyed out in ${scen}, with a note`);
  await page.evaluate(() => document.activeElement && document.activeElement.blur());
  await page.screenshot({ path: `${prefix}-left-out.png` });
  await page.selectOption('#f-scenario', 'plan');
  await page.waitForSelector('#whatif-status.ok', { timeout: 60000 });
  await idle(page);
  await page.click('#whatif-reset');
  await idle(page);
}

// The plan file the server serves edited after the start: the what-if's answer has
// plan_changed, and the panel shows the yellow status; a broken file gives the 409 message; the
// file repaired, the plain green status again.
async function checkPlanChanged(page) {
  const slider = page.locator(`#whatif-params input[data-path="${ACP}"]`);
  const orig = fs.readFileSync(planFile, 'utf8');
  try {
    fs.writeFileSync(planFile, `${orig}\n# edited while the server runs (tests/browser/dashboard.mjs)\n`);
    await slider.fill('0.2');
    await page.waitForSelector('#whatif-status.warn', { timeout: 60000 }).catch(() => {});
    await idle(page);
    const ans = await post({ set: { [ACP]: 0.2 }, scenario: 'plan', lang: 'en' });
    const txt = (await page.textContent('#whatif-status')).trim();
    check(ans.plan_changed === true && await page.$('#whatif-status.warn') !== null && /plan file has changed/.test(txt) && /Restart the server/.test(txt),
      `plan file edited: plan_changed ${ans.plan_changed}, the panel warns: ${txt.slice(0, 100)}`);
    compare(await cells(page, '#verdict-table td.v'), verdictWant(ans.summary), '... and shows the what-if of the edited file');
    await page.evaluate(() => document.activeElement && document.activeElement.blur());
    await page.screenshot({ path: `${prefix}-plan-changed.png` });
    expectHttpErrors = true;
    fs.writeFileSync(planFile, `${orig}\nthemes: [\n`);
    await slider.fill('0.3');
    await page.waitForSelector('#whatif-status.error', { timeout: 60000 }).catch(() => {});
    await idle(page);
    const bad = (await page.textContent('#whatif-status')).trim();
    check(/no longer loads/.test(bad) && /plan\.yaml/.test(bad), `plan file broken: 409 shown in the panel: ${bad.slice(0, 100)}`);
  } finally {
    fs.writeFileSync(planFile, orig);
    expectHttpErrors = false;
  }
  await slider.fill('0.2');
  await page.waitForSelector('#whatif-status.ok', { timeout: 60000 }).catch(() => {});
  await idle(page);
  check(await page.$('#whatif-status.ok') !== null, 'plan file repaired: the plain status again');
  await page.click('#whatif-reset');
  await idle(page);
}

async function checkWhatIf(page, plan, years) {
  const params = (await get('/api/whatif/parameters?lang=en')).parameters;
  const sliders = await page.$$eval('#whatif-params input[type=range]', (els) => els.map((e) => e.dataset.path));
  const boxes = await page.$$eval('#whatif-params input[type=checkbox]', (els) => els.map((e) => e.dataset.path));
  check(sliders.length === params.filter((p) => p.unit !== 'bool').length && boxes.length === params.filter((p) => p.unit === 'bool').length,
    `a slider per parameter (${sliders.length}) and a checkbox per theme (${boxes.length})`);
  check(sliders.includes(ACP), 'ACP uptake slider present');

  // ACP's uptake to 0.2: the page must show what the API answers for that set
  const t0 = Date.now();
  await page.locator(`#whatif-params input[data-path="${ACP}"]`).fill('0.2');
  await page.waitForFunction(() => document.querySelector('#whatif-status.ok'), null, { timeout: 60000 });
  const seconds = (Date.now() - t0) / 1000;
  const ans = await post({ set: { [ACP]: 0.2 }, scenario: 'plan', lang: 'en' });
  console.log(`     what-if shown ${seconds.toFixed(2)} s after the release (server: ${ans.seconds} s)`);
  // about 0.8 s for the example on two idle cores; the bound leaves room for sanitizer builds
  check(seconds < 30, `what-if answered on release in ${seconds.toFixed(2)} s`);
  const v = await cells(page, '#verdict-table td.v');
  compare(v, verdictWant(ans.summary), 'verdict after ACP uptake 0.2 vs POST /api/whatif');
  compare(v, verdictWant(plan), 'verdict shows the plan\'s values beside (data-base)', 'base');
  const b = await cells(page, '#business-table td[data-measure]');
  compare(b, businessWant(ans.summary.business_case), 'business case after ACP uptake 0.2 vs POST /api/whatif');
  compare(b, businessWant(plan.business_case), 'business case shows the plan\'s values beside', 'base');
  const wt = ans.summary.business_case.find((r) => r.stakeholder === 'total'), pt = plan.business_case.find((r) => r.stakeholder === 'total');
  const diff = (await page.$$eval('#whatif-diff tr[data-key="npv:total"] > *', (els) => els.map((e) => e.textContent.trim()).join(' '))).replace(/[▲▼]/g, '').replace(/\s+/g, ' ');
  check(diff.includes(`${eur(pt.npv, false)} → ${eur(wt.npv, false)}`), `diff line: ${diff}`);
  check(!close(wt.npv, pt.npv), 'ACP at 0.2 changes the NPV');
  await chartsRendered(page, 'after the what-if');
  const vdata = await page.$eval('#card-verdict details tbody', (e) => e.textContent);
  const wchart = ans.charts.find((c) => c.id === 'verdict');
  check(wchart && wchart.table.rows.every((r) => vdata.includes(r[2])), 'verdict chart re-rendered from the answer\'s charts');
  await page.evaluate(() => document.activeElement && document.activeElement.blur()); // no focus ring in the picture
  await page.screenshot({ path: `${prefix}-whatif.png` });

  // an older answer arriving after a newer one is dropped: 0.3's answer is held back 2 s
  let held = 0, release;
  const olderDelivered = new Promise((r) => { release = r; });
  await page.route('**/api/whatif', async (route) => {
    const body = JSON.parse(route.request().postData() || '{}');
    const resp = await route.fetch();
    if (body.set && body.set[ACP] === 0.3) {
      held++;
      await new Promise((r) => setTimeout(r, 2000));
      await route.fulfill({ response: resp });
      release();
      return;
    }
    await route.fulfill({ response: resp });
  });
  const slider = page.locator(`#whatif-params input[data-path="${ACP}"]`);
  await slider.fill('0.3');
  await page.waitForTimeout(600); // past the page's 200 ms debounce: two requests
  await slider.fill('0.1');
  let timer;
  await Promise.race([olderDelivered, new Promise((r) => { timer = setTimeout(r, 60000); })]);
  clearTimeout(timer); // else it keeps node running for a minute after the test
  await page.waitForTimeout(300); // time for the page to (wrongly) show it
  await idle(page);
  const a01 = await post({ set: { [ACP]: 0.1 }, scenario: 'plan', lang: 'en' });
  check(held === 1, 'the 0.3 request was sent and held back');
  compare(await cells(page, '#verdict-table td.v'), verdictWant(a01.summary), 'the newer answer (0.1) stays after the older (0.3) arrives');
  await page.unroute('**/api/whatif');

  // a 400 is shown in the panel with its field marked
  expectHttpErrors = true;
  await page.route('**/api/whatif', (route) => route.fulfill({
    status: 400, contentType: 'application/json',
    body: JSON.stringify({ error: 'uptake.max must be from 0 to 1', field: ACP, errors: [{ field: ACP, error: 'uptake.max must be from 0 to 1' }] }),
  }));
  await slider.fill('0.25');
  await page.waitForSelector('#whatif-status.error', { timeout: 10000 });
  const errText = await page.textContent('#whatif-status');
  check(errText.includes('uptake.max must be from 0 to 1') && errText.includes(ACP), `400 shown in the panel: ${errText.slice(0, 90)}`);
  check(await page.$eval(`#whatif-params .param[data-path="${ACP}"]`, (e) => e.classList.contains('invalid')), 'the refused field is marked');
  await page.unroute('**/api/whatif');

  // a 503 is retried once after Retry-After
  let calls = 0;
  await page.route('**/api/whatif', (route) => {
    calls++;
    if (calls === 1) return route.fulfill({ status: 503, headers: { 'Retry-After': '1' }, contentType: 'application/json', body: '{"error":"busy","field":null}' });
    return route.continue();
  });
  await slider.fill('0.2');
  await page.waitForSelector('#whatif-status.ok', { timeout: 60000 });
  check(calls === 2, `503 retried once (${calls} requests)`);
  compare(await cells(page, '#verdict-table td.v'), verdictWant(ans.summary), 'after the retry: the answer for 0.2');
  await page.unroute('**/api/whatif');
  expectHttpErrors = false;

  // arrow keys: three quick presses make one request, for both moved values
  const other = params.find((p) => p.kind === 'uptake_max' && p.path !== ACP && p.value - 3 * p.step >= p.min);
  if (other) {
    const posts = [];
    const onReq = (r) => r.method() === 'POST' && r.url().endsWith('/api/whatif') && posts.push(r.postData());
    page.on('request', onReq);
    const key = page.locator(`#whatif-params input[data-path="${other.path}"]`);
    await key.focus();
    const at = [];
    for (let i = 0; i < 3; i++) {
      await key.press('ArrowLeft');
      at.push(Date.now());
    }
    await page.waitForTimeout(400);
    await idle(page);
    page.off('request', onReq);
    // the promise is about presses within 250 ms of each other (the run starts 250 ms after the
    // last): on a loaded machine a press can come later than that, and a request in between is
    // then right; the last request has what the three presses left
    const gap = Math.max(at[1] - at[0], at[2] - at[1]), quick = gap < 200;
    const sent = posts.length ? JSON.parse(posts[posts.length - 1]).set : {};
    check((quick ? posts.length === 1 : posts.length >= 1 && posts.length <= 3) && Object.keys(sent).length === 2
      && close(sent[other.path], other.value - 3 * other.step),
      `three arrow presses on ${other.path}, at most ${gap} ms apart: ${quick ? 'one request' : 'a request after each pause of 250 ms'} `
      + `(${posts.length}), the last with both moved values`);
    const both = await post({ set: sent, scenario: 'plan', lang: 'en' });
    compare(await cells(page, '#verdict-table td.v'), verdictWant(both.summary), 'the verdict for both moved values');

    // another scenario with the moved values: the what-if of that scenario, beside its own numbers
    const variant = (await page.$$eval('#f-scenario option', (os) => os.map((o) => o.value))).find((x) => x !== 'plan' && !x.startsWith('without-'));
    if (variant) {
      const va = await post({ set: sent, scenario: variant, lang: 'en' });
      const shows = (v) => page.waitForFunction((x) => Number(document.querySelector('#business-table td[data-stakeholder="total"][data-measure="npv"]')?.dataset.value) === x,
        v, { timeout: 60000 }).catch(() => {});
      await page.selectOption('#f-scenario', variant);
      await shows(va.summary.business_case.find((r) => r.stakeholder === 'total').npv);
      await idle(page);
      const vc = await cells(page, '#business-table td[data-measure]');
      compare(vc, businessWant(va.summary.business_case), `what-if for ${variant} vs POST /api/whatif with scenario ${variant}`);
      compare(vc, businessWant(await table('business_case', { scenario: variant })), `... beside ${variant}'s own business case`, 'base');
      await page.selectOption('#f-scenario', 'plan');
      await shows(both.summary.business_case.find((r) => r.stakeholder === 'total').npv);
      await idle(page);
    }
  }

  // reset: the plan again, no request needed
  await page.click('#whatif-reset');
  await idle(page);
  const after = await cells(page, '#verdict-table td.v');
  compare(after, verdictWant(plan), 'reset: the plan\'s verdict');
  check(after.every((c) => c.base === undefined) && (await page.textContent('#whatif-diff')).trim() === '', 'reset: no what-if shown');

  await checkUncertainty(page);
  await checkLeftOut(page);
  if (planFile) await checkPlanChanged(page);
  else console.log('skip plan-changed checks: no --plan-file');
}

// "With uncertainty": the plan itself with 200 draws (nothing moved), then ACP's uptake at 0.2
// with them: the badges show P(passes) and the total NPV card its 95 % range and P(NPV > 0),
// as POST /api/whatif with draws answers them; unticked, the what-if has no draws again.
async function checkUncertainty(page) {
  const posts = [];
  const onReq = (r) => r.method() === 'POST' && r.url().endsWith('/api/whatif') && posts.push(JSON.parse(r.postData() || '{}'));
  page.on('request', onReq);
  const shown = async (ans, what) => {
    const probs = await page.$$eval('#badges .badge-big', (els) => els.map((e) => [e.dataset.term, e.querySelector('.prob')?.textContent || '']));
    // whole %, rounded as C's printf rounds (an exact half to even: 1 of 200 draws, 0.5 %, is "0%"),
    // as the report prints it too
    const want = (term) => `P(passes) ${fixedC(100 * ans.summary[term].probability, 0)}%`;
    check(probs.length === 2 && probs.every(([term, txt]) => txt === want(term)),
      `${what}: the badges show P(passes) of the answer (${probs.map((x) => x[1]).join(', ')})`);
    const row = ans.psa.summary.find((r) => r.metric === 'npv:total');
    const pr = ans.psa.probabilities.find((r) => r.what === 'npv>0:total');
    const r = await page.$eval('#money .range', (e) => ({ low: +e.dataset.low, high: +e.dataset.high, p: +e.dataset.p, text: e.textContent.trim() })).catch(() => null);
    check(r && r.low === row.p2_5 && r.high === row.p97_5 && r.p === pr.probability && r.text.startsWith('95 %: ') && r.text.includes('P(NPV > 0)'),
      `${what}: the total NPV card shows the answer's 95 % range and P(NPV > 0) (${r && r.text.replace(/\s+/g, ' ')})`);
  };
  await page.check('#whatif-unc');
  await page.waitForSelector('#whatif-status.ok', { timeout: 60000 });
  await idle(page);
  const plan200 = await post({ set: {}, scenario: 'plan', lang: 'en', draws: 200 });
  check(posts.length === 1 && posts[0].draws === 200 && Object.keys(posts[0].set).length === 0,
    `ticked with nothing moved: one request, the plan with 200 draws (${JSON.stringify(posts.map((p) => [p.draws, Object.keys(p.set).length]))})`);
  check(plan200.summary.long_term.probability !== null && plan200.psa && plan200.psa.summary.length > 0, 'POST /api/whatif with draws 200 has a PSA');
  await shown(plan200, 'the plan with 200 draws');
  check((await page.textContent('#whatif-status')).includes('With 200 draws'), 'the status says the draws');
  // another scenario with nothing moved: that scenario with its draws (and back)
  const variant = (await page.$$eval('#f-scenario option', (os) => os.map((o) => o.value))).find((x) => x !== 'plan' && !x.startsWith('without-'));
  if (variant) {
    // (the page's request is seen by the 'request' listener: wait for it, up to 60 s)
    const sent = async (n) => { for (let i = 0; i < 600 && posts.length < n; i++) await page.waitForTimeout(100); };
    await page.selectOption('#f-scenario', variant);
    await sent(2);
    await idle(page);
    const va = await post({ set: {}, scenario: variant, lang: 'en', draws: 200 });
    check(posts.length === 2 && posts[1].scenario === variant && posts[1].draws === 200, `${variant} with uncertainty and nothing moved: its own draws are run`);
    await shown(va, `${variant} with 200 draws`);
    await page.selectOption('#f-scenario', 'plan');
    await sent(3);
    await idle(page);
  }
  const before = posts.length;
  await page.locator(`#whatif-params input[data-path="${ACP}"]`).fill('0.2');
  await page.waitForFunction(() => document.querySelector('#whatif-status.ok') && document.querySelector('#business-table td[data-base]'), null, { timeout: 60000 });
  await idle(page);
  const acp200 = await post({ set: { [ACP]: 0.2 }, scenario: 'plan', lang: 'en', draws: 200 });
  check(posts.length === before + 1 && posts.at(-1).draws === 200 && posts.at(-1).set[ACP] === 0.2, 'ACP 0.2 with uncertainty: sent with draws 200');
  compare(await cells(page, '#verdict-table td.v'), verdictWant(acp200.summary), 'verdict with uncertainty vs POST /api/whatif with draws');
  await shown(acp200, 'ACP 0.2 with 200 draws');
  await page.evaluate(() => document.activeElement && document.activeElement.blur());
  await page.screenshot({ path: `${prefix}-whatif-psa.png` });
  await page.uncheck('#whatif-unc');
  await page.waitForSelector('#whatif-status.ok', { timeout: 60000 });
  await idle(page);
  check(posts.length === before + 2 && posts.at(-1).draws === undefined, 'unticked: the what-if without draws');
  check(!(await page.$('#money .range')) && !(await page.$('#badges .prob')), 'unticked: no range and no P(passes) (the plan run has no PSA)');
  page.off('request', onReq);
  await page.click('#whatif-reset');
  await idle(page);
}

// A server with --token: the page without the token, with a wrong one, with the right one in
// the address, and with the right one pasted into its form. Each in a context of its own (its
// own sessionStorage).
async function checkToken(browser, tok) {
  const errors = [];
  const open = async (hash, locale = 'en-US') => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale });
    const page = await ctx.newPage();
    page.on('console', (m) => m.type() === 'error' && !/^Failed to load resource: .* 401/.test(m.text()) && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(String(e)));
    const sent = [];
    page.on('request', (r) => r.url().includes('/api/') && sent.push({ url: r.url(), auth: r.headers().authorization || '' }));
    await page.goto(base + hash);
    await page.waitForFunction(() => document.body.dataset.ready, null, { timeout: 30000 });
    return { ctx, page, sent };
  };
  const state = (page) => page.evaluate(() => ({
    ready: document.body.dataset.ready, auth: document.body.dataset.auth, lang: document.documentElement.lang, url: location.href,
    stored: sessionStorage.getItem('careshift-token'), text: document.getElementById('load-error').textContent.replace(/\s+/g, ' '),
    sections: !!document.getElementById('verdict').offsetParent,
  }));

  // no token: English, the address to use, no sections; NL switches the explanation
  let { ctx, page } = await open('');
  let s = await state(page);
  check(s.ready === 'auth' && s.auth === 'missing' && !s.sections && s.text.includes('needs its token') && s.text.includes(`${origin}/#token=TOKEN`),
    `no token: the page says it needs one and how (${s.text.slice(0, 90)}…)`);
  await page.screenshot({ path: `${prefix}-notoken.png` });
  await page.click('.lang button[data-lang="nl"]');
  s = await state(page);
  check(s.lang === 'nl' && s.text.includes('vraagt om zijn token') && s.text.includes('#token=TOKEN') && s.url.endsWith('#lang=nl'),
    `no token, NL: in Dutch (${s.text.slice(0, 60)}…)`);
  await page.screenshot({ path: `${prefix}-notoken-nl.png` });
  await ctx.close();
  // a Dutch browser gets the Dutch explanation without a click
  ({ ctx, page } = await open('', 'nl-NL'));
  s = await state(page);
  check(s.lang === 'nl' && s.text.includes('vraagt om zijn token'), 'no token, browser in Dutch: in Dutch');
  await ctx.close();

  // a wrong token: refused, said so, not kept, not in the address
  ({ ctx, page } = await open('#lang=en&token=not-the-token-0123456789'));
  s = await state(page);
  check(s.ready === 'auth' && s.auth === 'refused' && s.text.includes('refused the token') && !s.url.includes('token=not') && s.stored === null,
    `a wrong token: refused, said so, dropped from the address and the tab (${s.url})`);
  await ctx.close();

  // the right token in the address: the page loads, the address loses it, every API request has it
  let sent;
  ({ ctx, page, sent } = await open(`#lang=en&token=${encodeURIComponent(tok)}`));
  s = await state(page);
  check(s.ready === 'yes' && s.sections && !s.url.includes('token') && s.stored === tok, `#token=: the page loads, the address bar without it (${s.url})`);
  await chartsRendered(page, 'with the token');
  const api = sent.filter((r) => new URL(r.url).pathname.startsWith('/api/'));
  check(api.length > 3 && api.every((r) => r.auth === `Bearer ${tok}`), `every API request (${api.length}) sends Authorization: Bearer <token>`);
  await page.screenshot({ path: `${prefix}-token.png` });
  sent.length = 0;
  await page.reload(); // its address has no token now
  await page.waitForFunction(() => document.body.dataset.ready, null, { timeout: 30000 });
  s = await state(page);
  check(s.ready === 'yes' && sent.some((r) => r.auth === `Bearer ${tok}`), 'reloaded without #token=: the tab kept the token');
  await ctx.close();

  // the token pasted into the form
  ({ ctx, page } = await open(''));
  await page.fill('#token-input', tok);
  await Promise.all([page.waitForNavigation({ timeout: 30000 }), page.click('.token-form button[type=submit]')]);
  await page.waitForFunction(() => document.body.dataset.ready, null, { timeout: 30000 });
  s = await state(page);
  check(s.ready === 'yes' && !s.url.includes('token'), `the token pasted into the page's form: the page loads (${s.url})`);
  await ctx.close();

  // the token typed into the address bar of the open page (only the fragment changes)
  ({ ctx, page } = await open(''));
  await Promise.all([page.waitForNavigation({ timeout: 30000 }),
    page.evaluate((t) => { location.hash = `lang=en&token=${encodeURIComponent(t)}`; }, tok)]);
  await page.waitForFunction(() => document.body.dataset.ready, null, { timeout: 30000 });
  s = await state(page);
  check(s.ready === 'yes' && !s.url.includes('token'), `#token= added to the open page's address: it loads (${s.url})`);
  await ctx.close();
  check(errors.length === 0, `no console errors but the 401s${errors.length ? `: ${errors.slice(0, 3).join(' | ')}` : ''}`);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
try {
  if (tokenOnly) await checkToken(browser, tokenOnly);
  else if (flags.includes('--monitoring-only')) await monitoringOnly(browser);
  else await main(browser);
} catch (e) {
  check(false, `browser test stopped: ${e.stack || e}`);
} finally {
  await browser.close();
}
console.log(`dashboard.mjs: ${passed} passed, ${failed} failed; screenshots ${prefix}-*.png`);
process.exitCode = failed ? 1 : 0;
