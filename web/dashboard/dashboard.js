// dashboard.js: the careshift dashboard at `/` of `careshift serve` (docs/dashboard.md).
//
// Plain JavaScript, no framework, no build step, no network beyond the server that serves it.
// Everything shown comes from the JSON API (docs/api-http.md):
//   /api/runs, /api/tables/NAME   the run, its scenarios, subregions, themes and tables
//   /api/summary?scenario=S       the verdict (IZA criteria) and the business case
//   /api/charts?lang=L            the report's charts as Vega-Lite specs with their data
//   /api/whatif/parameters, POST /api/whatif   the what-if panel (only with `serve --plan`)
//   /api/monitoring?lang=L        realised against planned, when the run has actuals (404: none)
// The charts are rendered with vega-embed exactly as report.html renders them; the page only
// filters their inline data by the chosen subregion, theme and years.
//
// Tests (tests/browser/dashboard.mjs) read the numbers back from data-* attributes: every cell
// with a number carries the exact value it shows (data-value) and, during a what-if, the plan's
// value (data-base).
(() => {
  'use strict';

  // ---------------------------------------------------------------- language
  const TEXT = {
    en: {
      title: 'careshift dashboard', scenario: 'Scenario', subregion: 'Subregion', theme: 'Theme',
      years: 'Years', psa_draws: 'PSA: {n} draws', whole_region: 'Whole region', all_themes: 'All themes',
      plan: 'Plan', baseline: 'Baseline', variant: 'Variant: {id}', without: 'Without theme: {name}',
      verdict_h: 'Verdict: the four IZA criteria', business_h: 'Business case per stakeholder',
      overview_h: 'The verdict and the business case in charts',
      whatif_h: 'What if?', reset: 'Reset to the plan',
      whatif_intro: 'Move a slider and let go: the plan is run again with every moved value, and the verdict and the business case show the result against the plan.',
      footer: 'careshift: every number comes from the run this server serves (docs/api-http.md, docs/dashboard.md).',
      region_scope: '{scenario}, whole region',
      criterion: 'Criterion', value: 'Value', threshold: 'Threshold', substantial: 'Substantial',
      short_term: 'Short term ({year})',
      long_term: 'Long term ({year})', passes: 'passes the IZA test',
      fails: 'does not pass the IZA test', p_pass: 'P(passes) {p}',
      verdict_note: 'A year passes when at least one criterion is substantial, that is at or beyond its threshold. The verdict is for the whole region; the verdict years are the plan\'s.',
      stakeholder: 'Stakeholder', investment: 'Investment', savings: 'Savings',
      npv: 'Net present value', npv_short: 'NPV', break_even: 'Break-even year',
      never: 'not before the horizon', total: 'Total',
      npv_total: 'NPV, all stakeholders', invest_total: 'investment', qalys: 'QALYs gained',
      cost_per_qaly: 'cost per QALY', dominant: 'saves money and gains health',
      care_use: 'Care use', patient_flows: 'Patient flows', staff: 'Staff', real_estate: 'Real estate',
      zvw: 'Zvw (insurers)', wlz: 'Wlz (long-term care)', wmo: 'Wmo (municipalities)',
      criteria_years_h: 'The criteria per year: {where}',
      sub_note_region: 'The plan\'s effect on each criterion per year for the whole region ({scenario}); a tick marks a substantial value, the verdict\'s years are in blue.',
      sub_note_sub: 'The plan\'s effect in {sub} per year ({scenario}). The IZA thresholds apply to the region as a whole, so a subregion has values only.',
      sub_business: 'Business case in {sub}', year: 'Year',
      sub_note_whatif: 'These tables are the run as it was started; the what-if changes the verdict and the business case above.',
      theme_box: 'Theme {name} in this scenario', roi: 'Return per euro',
      show_numbers: 'Show numbers', no_data: 'No data for this choice of subregion, theme or years.',
      mon_h: 'Monitoring: realised against planned', mon_place: 'Place', mon_indicator: 'Indicator',
      mon_target: 'Milestone', mon_planned: 'Planned', mon_band: 'Band (95 %)', mon_realised: 'Realised',
      mon_diff: 'Difference', mon_status: 'Status', mon_effect: 'Of the plan\'s effect', mon_region: 'Region', mon_counts: 'Rows by status:',
      mon_scope: '{n} of {all} rows, {from}–{to}', mon_empty: 'No actuals or milestones for this choice of subregion or years.',
      mon_met: 'Milestone met', mon_psa_band: 'PSA 95 % band', mon_interventions: 'Interventions:',
      mon_widened: '* widened to planned ±5 %: the PSA 95 % band lies closer to planned than 5 % of it on a side, so the status is judged on planned ±5 % there; the band shown is the one the status used (the PSA band itself is in the cell\'s tooltip).',
      mon_reforecast: 'This run is a re-forecast from {y}, fitted to the actuals of {y}: from {y} on, ‘planned’ is the re-forecast, not the plan as agreed; monitor against the original run\'s database instead.',
      chart_scenario_note: 'The verdict and business case charts here are those of the chosen scenario; the charts of the sections below are those of the plan ({plan}).',
      chart_whatif_note: 'With a what-if the verdict and the business case charts show the what-if run; the wrong-pocket matrix and the other charts show the plan as written.',
      whatif_col: 'What-if', economics: 'Economics', plan_value: 'plan {v}', run_value: 'without what\u2011if {v}', undo: 'back to the plan\'s value',
      running: 'Running the plan with {n} changed value(s)…', computed: 'Computed in {s} s: {n} changed value(s) against {base}.', the_plan: 'the plan',
      unc_label: 'With uncertainty ({d} draws)', running_psa: 'Running {d} draws…', computed_unc: 'Computed in {s} s: {base} as it is.',
      computed_psa: 'With {d} draws: the chance of passing and the 95 % range of the NPV (a moved value is fixed in every draw; a chance is known to within a few points).',
      npv_range: '95 %: {a} to {b}', p_npv: 'P(NPV > 0) {p}',
      plan_changed: 'This what-if runs the file as it is now; the tables and charts without a what-if, and the plan\'s values beside the what-if\'s, still show the plan as it was at the start. Restart the server to show the new plan everywhere.',
      plan_broken: 'The plan file on the server no longer loads (it was changed after the server started). Fix the file or restart the server; until then no what-if can run.',
      plan_changed_h: 'The plan file has changed since the server started.',
      left_out_all: '{theme} is already left out of this scenario ({scenario}), so switching it off or moving its sliders changes nothing here: the numbers shown are the scenario\'s own. Choose the plan or a variant to see what these values do.',
      left_out_some: '{theme} is left out of this scenario, so its switch and sliders ({k} moved value(s)) play no part here.',
      left_out_group: 'Left out in this scenario: its switch and sliders change nothing here.',
      busy_retry: 'The server is busy; trying again in {s} s…', busy: 'The server is still busy. Let go of a slider again to retry.',
      error: 'The what-if run was refused', net_error: 'The server did not answer: {msg}',
      theme_on: 'on', theme_off: 'off', passes_year: 'Passes in {year}',
      yes_word: 'yes', no_word: 'no', load_error: 'The dashboard could not load its data: {msg}',
      auth_h: 'This dashboard needs its token',
      auth_missing: 'This server was started with a token (careshift serve --token, or CARESHIFT_TOKEN) and shows its numbers only to whoever has it. This page has not been given the token.',
      auth_refused: 'The server refused the token this page sent: it is not this server\'s token (mistyped, cut off, or from an earlier start of the server).',
      auth_how: 'Open the page with the token at the end of its address: {url}. The part after # stays in this browser: it is not sent to the server and not written to its log. The page then removes it from the address bar, keeps the token for this tab only, and sends it with every request.',
      auth_paste: 'Or paste the token:', auth_open: 'Open the dashboard',
      auth_ask: 'Ask whoever started the server for the token.',
      sections: {
        themes: 'What each theme and intervention brings', population: 'Population',
        care_cost: 'Care use and cost', staff: 'Staff', real_estate: 'Real estate and CO2',
        variants: 'Scale and pace variants side by side', psa: 'Uncertainty', co2: 'CO2',
      },
    },
    nl: {
      title: 'careshift-dashboard', scenario: 'Scenario', subregion: 'Subregio', theme: 'Thema',
      years: 'Jaren', psa_draws: 'PSA: {n} trekkingen', whole_region: 'Hele regio', all_themes: 'Alle thema\'s',
      plan: 'Plan', baseline: 'Basispad', variant: 'Variant: {id}', without: 'Zonder thema: {name}',
      verdict_h: 'Oordeel: de vier IZA-criteria', business_h: 'Businesscase per partij',
      overview_h: 'Het oordeel en de businesscase in grafieken',
      whatif_h: 'Wat als?', reset: 'Terug naar het plan',
      whatif_intro: 'Verschuif een schuifje en laat los: het plan wordt opnieuw doorgerekend met elke verschoven waarde, en het oordeel en de businesscase tonen de uitkomst naast die van het plan.',
      footer: 'careshift: elk getal komt uit de run die deze server serveert (docs/api-http.md, docs/dashboard.md).',
      region_scope: '{scenario}, hele regio',
      criterion: 'Criterium', value: 'Waarde', threshold: 'Drempel', substantial: 'Substantieel',
      short_term: 'Korte termijn ({year})',
      long_term: 'Lange termijn ({year})', passes: 'haalt de IZA-toets',
      fails: 'haalt de IZA-toets niet', p_pass: 'kans {p}',
      verdict_note: 'Een jaar haalt de toets als ten minste één criterium substantieel is, dus de drempel haalt of overschrijdt. Het oordeel geldt voor de hele regio; de jaren van het oordeel zijn die van het plan.',
      stakeholder: 'Partij', investment: 'Investering', savings: 'Besparing',
      npv: 'Netto contante waarde', npv_short: 'NCW', break_even: 'Terugverdienjaar',
      never: 'niet voor de horizon', total: 'Totaal',
      npv_total: 'NCW, alle partijen', invest_total: 'investering', qalys: 'QALY\'s gewonnen',
      cost_per_qaly: 'kosten per QALY', dominant: 'bespaart geld en wint gezondheid',
      care_use: 'Zorggebruik', patient_flows: 'Patiëntstromen', staff: 'Personeel', real_estate: 'Vastgoed',
      zvw: 'Zvw (verzekeraars)', wlz: 'Wlz (langdurige zorg)', wmo: 'Wmo (gemeenten)',
      criteria_years_h: 'De criteria per jaar: {where}',
      sub_note_region: 'Het effect van het plan op elk criterium per jaar voor de hele regio ({scenario}); een vinkje markeert een substantiële waarde, de jaren van het oordeel staan in blauw.',
      sub_note_sub: 'Het effect van het plan in {sub} per jaar ({scenario}). De IZA-drempels gelden voor de regio als geheel, dus een subregio heeft alleen waarden.',
      sub_business: 'Businesscase in {sub}', year: 'Jaar',
      sub_note_whatif: 'Deze tabellen zijn die van de run zoals die gestart is; de wat-als verandert het oordeel en de businesscase hierboven.',
      theme_box: 'Thema {name} in dit scenario', roi: 'Opbrengst per euro',
      show_numbers: 'Toon cijfers', no_data: 'Geen gegevens bij deze keuze van subregio, thema of jaren.',
      mon_h: 'Monitoring: gerealiseerd tegen gepland', mon_place: 'Plaats', mon_indicator: 'Indicator',
      mon_target: 'Mijlpaal', mon_planned: 'Gepland', mon_band: 'Band (95%)', mon_realised: 'Gerealiseerd',
      mon_diff: 'Verschil', mon_status: 'Status', mon_effect: 'Van het effect van het plan', mon_region: 'Regio', mon_counts: 'Rijen per status:',
      mon_scope: '{n} van {all} rijen, {from}–{to}', mon_empty: 'Geen realisaties of mijlpalen bij deze keuze van subregio of jaren.',
      mon_met: 'Mijlpaal gehaald', mon_psa_band: 'PSA-band 95%', mon_interventions: 'Interventies:',
      mon_widened: '* verbreed tot gepland ±5%: de PSA-band van 95% ligt aan een kant dichter dan 5% bij gepland, dus de status is daar getoetst aan gepland ±5%; de getoonde band is die waaraan de status getoetst is (de PSA-band zelf staat in de tooltip van de cel).',
      mon_reforecast: 'Deze run is een herprognose vanaf {y}, gepast op de realisaties van {y}: vanaf {y} is ‘gepland’ de herprognose, niet het plan zoals afgesproken; monitor in plaats daarvan met de database van de oorspronkelijke run.',
      chart_scenario_note: 'De grafieken van het oordeel en de businesscase hier zijn die van het gekozen scenario; de grafieken in de onderdelen hieronder zijn die van het plan ({plan}).',
      chart_whatif_note: 'Bij een wat-als tonen de grafieken van het oordeel en de businesscase de wat-als-run; de matrix van de verkeerde zak en de andere grafieken tonen het plan zoals het is.',
      whatif_col: 'Wat-als', economics: 'Economie', plan_value: 'plan {v}', run_value: 'zonder wat\u2011als {v}', undo: 'terug naar de waarde van het plan',
      running: 'Het plan wordt doorgerekend met {n} gewijzigde waarde(n)…', computed: 'Doorgerekend in {s} s: {n} gewijzigde waarde(n) ten opzichte van {base}.', the_plan: 'het plan',
      unc_label: 'Met onzekerheid ({d} trekkingen)', running_psa: '{d} trekkingen worden doorgerekend…', computed_unc: 'Doorgerekend in {s} s: {base} zoals het is.',
      computed_psa: 'Met {d} trekkingen: de kans om de toets te halen en het 95%-bereik van de NCW (een verschoven waarde ligt in elke trekking vast; een kans is op enkele punten nauwkeurig).',
      npv_range: '95%: {a} tot {b}', p_npv: 'kans NCW > 0 {p}',
      plan_changed: 'Deze wat-als rekent met het bestand zoals het nu is; de tabellen en grafieken zonder wat-als, en de waarden van het plan naast die van de wat-als, tonen nog het plan zoals het bij de start was. Herstart de server om overal het nieuwe plan te tonen.',
      plan_broken: 'Het planbestand op de server laadt niet meer (het is gewijzigd nadat de server gestart is). Herstel het bestand of herstart de server; tot dan kan geen wat-als draaien.',
      plan_changed_h: 'Het planbestand is gewijzigd sinds de server startte.',
      left_out_all: '{theme} zit al niet in dit scenario ({scenario}), dus het thema uitzetten of zijn schuifjes verschuiven verandert hier niets: de getoonde cijfers zijn die van het scenario zelf. Kies het plan of een variant om te zien wat deze waarden doen.',
      left_out_some: '{theme} zit niet in dit scenario, dus zijn schakelaar en schuifjes ({k} verschoven waarde(n)) tellen hier niet mee.',
      left_out_group: 'Niet in dit scenario: de schakelaar en schuifjes veranderen hier niets.',
      busy_retry: 'De server is bezig; over {s} s opnieuw…', busy: 'De server is nog bezig. Laat een schuifje opnieuw los om het nog eens te proberen.',
      error: 'De wat-als-run is geweigerd', net_error: 'De server antwoordde niet: {msg}',
      theme_on: 'aan', theme_off: 'uit', passes_year: 'Haalt toets {year}',
      yes_word: 'ja', no_word: 'nee', load_error: 'Het dashboard kon zijn gegevens niet laden: {msg}',
      auth_h: 'Dit dashboard vraagt om zijn token',
      auth_missing: 'Deze server is gestart met een token (careshift serve --token, of CARESHIFT_TOKEN) en toont zijn cijfers alleen aan wie dat token heeft. Deze pagina heeft het token niet gekregen.',
      auth_refused: 'De server weigerde het token dat deze pagina meestuurde: het is niet het token van deze server (een tikfout, afgebroken, of van een eerdere start van de server).',
      auth_how: 'Open de pagina met het token achter het adres: {url}. Het deel na # blijft in deze browser: het gaat niet naar de server en komt niet in zijn log. De pagina haalt het daarna uit de adresbalk, bewaart het token alleen voor dit tabblad en stuurt het met elk verzoek mee.',
      auth_paste: 'Of plak het token:', auth_open: 'Open het dashboard',
      auth_ask: 'Vraag het token aan wie de server gestart heeft.',
      sections: {
        themes: 'Wat elk thema en elke interventie oplevert', population: 'Bevolking',
        care_cost: 'Zorggebruik en zorgkosten', staff: 'Personeel', real_estate: 'Vastgoed en CO2',
        variants: 'Varianten in schaal en tempo naast elkaar', psa: 'Onzekerheid', co2: 'CO2',
      },
    },
  };
  const CRITERIA = ['care_use', 'patient_flows', 'staff', 'real_estate'];

  // ---------------------------------------------------------------- state
  const S = {
    lang: 'en',
    run: null, // /api/runs' first run
    years: null, // {first, last, short_term, long_term}
    scenarios: [], // ids in the criteria table's order
    subregions: [],
    themes: [], // [{id, name}]
    themeOf: {}, // intervention id -> theme id
    sel: { scenario: 'plan', subregion: '', theme: '', from: 0, to: 0 },
    charts: {}, // lang -> chart items of /api/charts
    summaries: {}, // scenario -> /api/summary
    monitoring: {}, // lang -> /api/monitoring, or null: the run has no actuals
    params: null, // /api/whatif/parameters in the current language, or null: no panel
    moved: {}, // path -> value the user set (differs from the plan's)
    answer: null, // the what-if answer on show, or null
    seq: 0, // number of the latest what-if request: older answers are dropped
    draws: 0, // PSA draws of a what-if: UNC_DRAWS with "with uncertainty" ticked, else 0
    views: {}, // chart id -> vega-embed result, finalized before a re-render
    renderSeq: {}, // chart id -> render number, so a slow render never replaces a newer one
  };

  const $ = (id) => document.getElementById(id);
  // the draws of a what-if "with uncertainty": about 1 s for the example on two cores
  const UNC_DRAWS = 200;
  const t = (key, vars) => {
    let s = TEXT[S.lang][key] ?? TEXT.en[key] ?? key;
    if (vars) s = s.replace(/\{(\w+)\}/g, (_, k) => (k in vars ? vars[k] : `{${k}}`));
    return s;
  };
  const nl = () => S.lang === 'nl';

  // ---------------------------------------------------------------- numbers
  // As the report formats them (src/report/fmt.c): 1.234,5 in Dutch, 1,234.5 in English, never
  // exponent notation, no "-0".
  // a >= 0 with dec decimals as C's printf rounds it: toFixed takes the larger of two equally
  // near numbers, printf the even one (150.5 is "150", 75.25 is "75.2"); only an exact tie
  // differs, which toFixed with 25 more decimals shows as 5 and zeros after the kept ones.
  function fixedEven(a, dec) {
    const s = a.toFixed(dec);
    const long = a.toFixed(Math.min(100, dec + 25));
    if (!/^50*$/.test(long.slice(-25))) return s;
    const lower = long.slice(0, dec === 0 ? -26 : -25);
    return Number(lower.slice(-1)) % 2 === 0 ? lower : s;
  }
  function fmtNum(v, dec) {
    if (v === null || v === undefined || !Number.isFinite(v)) return '–';
    const raw = fixedEven(Math.abs(v), dec);
    const neg = v < 0 && /[1-9]/.test(raw);
    const [int, frac] = raw.split('.');
    const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, nl() ? '.' : ',');
    return (neg ? '-' : '') + grouped + (frac ? (nl() ? ',' : '.') + frac : '');
  }
  function fmtEur(v) {
    if (v === null || v === undefined || !Number.isFinite(v)) return '–';
    const a = Math.abs(v);
    if (a >= 1e9) return `EUR ${fmtNum(v / 1e9, 2)} ${nl() ? 'mld' : 'bn'}`;
    if (a >= 1e6) return `EUR ${fmtNum(v / 1e6, 1)} mln`;
    return `EUR ${fmtNum(v, 0)}`;
  }
  const fmtShare = (v, dec = 0) => (Number.isFinite(v) ? `${fmtNum(100 * v, dec)}%` : '–');
  // a criterion's value in its unit: "0,35%", "1.234 FTE", "5.678 m²"
  function fmtCrit(v, unit) {
    if (unit === '%') return `${fmtNum(v, 2)}%`;
    return `${fmtNum(v, 0)} ${unit === 'm2' ? 'm²' : 'FTE'}`;
  }
  // A what-if parameter's value: shares, changes, fractions and rates as percentages, with as
  // many decimals as the slider's step needs (0.0211 with step 0.000633 is "2.11%").
  function fmtParam(p, v) {
    if (p.unit === 'bool') return v ? t('theme_on') : t('theme_off');
    const decs = (x) => (x > 0 ? Math.min(3, Math.max(0, Math.ceil(-Math.log10(x) - 1e-9))) : 1);
    if (['share', 'rate', 'fraction', 'change'].includes(p.unit)) {
      const s = `${fmtNum(100 * v, decs(100 * (p.step || 0.001)))}%`;
      return p.unit === 'change' && v > 0 ? `+${s}` : s;
    }
    return fmtNum(v, decs(p.step || 0.01));
  }
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));

  // ---------------------------------------------------------------- API
  class ApiError extends Error {
    constructor(status, body, retryAfter) {
      super((body && body.error) || `HTTP ${status}`);
      this.status = status;
      this.body = body;
      this.retryAfter = retryAfter;
    }
  }
  // With `serve --token`, the page is opened as http://HOST:PORT/#token=T: the fragment never
  // goes to the server or its log; the token is kept for this tab only (sessionStorage) and
  // sent with every API request, and it is dropped from the address bar at once, before any
  // request, so it is neither on screen nor in a copied link.
  const TOKEN_KEY = 'careshift-token';
  const token = (() => {
    const h = new URLSearchParams(location.hash.slice(1));
    const t = h.get('token');
    if (h.has('token')) {
      h.delete('token');
      const rest = h.toString();
      history.replaceState(null, '', location.pathname + location.search + (rest ? `#${rest}` : ''));
    }
    try {
      if (t) sessionStorage.setItem(TOKEN_KEY, t);
      return t || sessionStorage.getItem(TOKEN_KEY);
    } catch (e) {
      return t;
    }
  })();
  async function api(path, opts = {}) {
    const headers = { ...(opts.headers || {}) };
    if (token) headers.Authorization = `Bearer ${token}`;
    const r = await fetch(path, { ...opts, headers });
    let body = null;
    try {
      body = await r.json();
    } catch (e) {
      body = null;
    }
    if (!r.ok) throw new ApiError(r.status, body, r.headers.get('Retry-After'));
    return body;
  }
  const hasTable = (name) => !!(S.run && S.run.tables && S.run.tables.includes(name));
  // the rows of a table matching the filters, as objects; every page of them
  async function rows(name, filters = {}) {
    const out = [];
    for (let offset = 0; ; offset += 10000) {
      const q = new URLSearchParams({ ...filters, limit: 10000, offset });
      const ans = await api(`/api/tables/${encodeURIComponent(name)}?${q}`);
      for (const r of ans.rows) out.push(Object.fromEntries(ans.columns.map((c, i) => [c, r[i]])));
      if (offset + ans.rows.length >= ans.total || ans.rows.length === 0) return out;
    }
  }
  async function summary(scenario) {
    if (!S.summaries[scenario]) S.summaries[scenario] = await api(`/api/summary?scenario=${encodeURIComponent(scenario)}`);
    return S.summaries[scenario];
  }
  async function charts(lang) {
    if (!S.charts[lang]) {
      const [all, mon] = await Promise.all([api(`/api/charts?lang=${lang}`), monitoring(lang)]);
      // the monitoring charts go into their own section, rendered and filtered as the others
      S.charts[lang] = all.charts.concat(mon ? mon.charts : []);
    }
    return S.charts[lang];
  }
  // Realised against planned (/api/monitoring): only when the run has actuals; 404 means none.
  async function monitoring(lang) {
    if (!hasTable('actuals')) return null;
    if (!(lang in S.monitoring)) {
      try {
        S.monitoring[lang] = await api(`/api/monitoring?lang=${lang}`);
      } catch (e) {
        if (e.status !== 404) throw e;
        S.monitoring[lang] = null;
      }
    }
    return S.monitoring[lang];
  }

  // ---------------------------------------------------------------- names
  const themeName = (id) => (S.themes.find((x) => x.id === id) || { name: id }).name;
  function scenarioLabel(id) {
    if (id === 'plan') return t('plan');
    if (id === 'baseline') return t('baseline');
    const m = /^without-(.+)$/.exec(id);
    if (m && S.themes.some((x) => x.id === m[1])) return t('without', { name: themeName(m[1]) });
    return t('variant', { id });
  }
  const payerLabel = (id) => (['zvw', 'wlz', 'wmo', 'total'].includes(id) ? t(id) : id);
  // in a table: "Zvw" and, smaller under it, "(insurers)", so the column is no wider than that
  function payerHtml(id) {
    const m = /^(.*?) (\(.*\))$/.exec(payerLabel(id));
    return m ? `${esc(m[1])} <span class="who">${esc(m[2])}</span>` : esc(payerLabel(id));
  }
  const critLabel = (id) => (CRITERIA.includes(id) ? t(id) : id);
  const termLabel = (term) => t(term, { year: S.years[term] });

  // ---------------------------------------------------------------- the URL's hash
  // The choices live in the hash (#lang=nl&scenario=...), so a link shows the same view.
  function readHash() {
    const h = new URLSearchParams(location.hash.slice(1));
    const out = {};
    for (const k of ['lang', 'scenario', 'subregion', 'theme', 'from', 'to']) if (h.has(k)) out[k] = h.get(k);
    return out;
  }
  function writeHash() {
    const h = new URLSearchParams({ lang: S.lang, scenario: S.sel.scenario });
    if (S.sel.subregion) h.set('subregion', S.sel.subregion);
    if (S.sel.theme) h.set('theme', S.sel.theme);
    h.set('from', S.sel.from);
    h.set('to', S.sel.to);
    history.replaceState(null, '', `#${h}`);
  }

  // ---------------------------------------------------------------- start
  // the address's lang, else the browser's language: Dutch for nl, English otherwise
  function initialLang() {
    const h = readHash();
    return h.lang === 'nl' || h.lang === 'en' ? h.lang : (navigator.language || '').toLowerCase().startsWith('nl') ? 'nl' : 'en';
  }

  async function start() {
    const h = readHash();
    S.lang = initialLang();
    const runs = await api('/api/runs');
    S.run = runs.runs[0];
    S.years = S.run.years;
    // Which theme an intervention belongs to: intervention_roi has it, but a run without the
    // Shapley values per intervention has no intervention_roi; the inputs' paths have it too
    // (themes[T].interventions[I]...).
    const themeSource = hasTable('intervention_roi') ? 'intervention_roi' : hasTable('inputs') ? 'inputs' : null;
    const [crit, areas, themes, links] = await Promise.all([
      rows('criteria', { year_from: S.years.long_term, year_to: S.years.long_term }),
      hasTable('areas') ? rows('areas') : [],
      hasTable('themes') ? rows('themes') : [],
      themeSource ? rows(themeSource) : [],
    ]);
    S.scenarios = [...new Set(crit.map((r) => r.scenario))];
    S.subregions = [...new Set(areas.map((r) => r.subregion).filter(Boolean))];
    for (const r of links) {
      const m = themeSource === 'inputs' ? /^themes\[([^\]]+)\]\.interventions\[([^\]]+)\]/.exec(r.path) : null;
      if (m) S.themeOf[m[2]] = m[1];
      else if (themeSource === 'intervention_roi') S.themeOf[r.intervention] = r.theme;
    }
    // the themes by name (themes table); a theme only known from its interventions by its id
    S.themes = themes.map((r) => ({ id: r.theme, name: r.name || r.theme }));
    for (const id of new Set(Object.values(S.themeOf))) if (!S.themes.some((x) => x.id === id)) S.themes.push({ id, name: id });

    const sel = S.sel;
    sel.scenario = S.scenarios.includes(h.scenario) ? h.scenario : S.scenarios.includes('plan') ? 'plan' : S.scenarios[0];
    sel.subregion = S.subregions.includes(h.subregion) ? h.subregion : '';
    sel.theme = S.themes.some((x) => x.id === h.theme) ? h.theme : '';
    const y = (v, d) => (Number.isInteger(+v) && +v >= S.years.first && +v <= S.years.last ? +v : d);
    sel.from = y(h.from, S.years.first);
    sel.to = Math.max(sel.from, y(h.to, S.years.last));

    await Promise.all([summary(sel.scenario), charts(S.lang), loadParams()]);
    wireControls();
    applyLanguage();
    await Promise.all([renderScenario(), renderSubregion()]);
    renderCharts();
    writeHash();
    document.body.dataset.ready = 'yes';
  }

  // ---------------------------------------------------------------- header and controls
  function fillSelect(el, options, value) {
    el.replaceChildren(...options.map(([v, label]) => {
      const o = document.createElement('option');
      o.value = v;
      o.textContent = label;
      return o;
    }));
    el.value = String(value);
  }
  // what needs no data: the page's language, its fixed labels and the NL/EN buttons
  function renderStatic() {
    document.documentElement.lang = S.lang;
    document.title = t('title');
    for (const el of document.querySelectorAll('[data-t]')) el.textContent = t(el.dataset.t);
    $('whatif-unc-label').textContent = t('unc_label', { d: UNC_DRAWS });
    for (const b of document.querySelectorAll('.lang button')) b.setAttribute('aria-pressed', String(b.dataset.lang === S.lang));
  }
  function renderHeader() {
    renderStatic();
    const info = S.run.run_info || {};
    // the plan's name is not in /api/runs (yet): a name if the server gives one, else the title;
    // the plan file and the years under it
    $('plan-name').textContent = S.run.name || info.plan_name || t('title');
    const bits = [info.plan, `${S.years.first}–${S.years.last}`];
    if (S.run.psa) bits.push(t('psa_draws', { n: fmtNum(+info.draws, 0) }));
    $('run-meta').textContent = bits.filter(Boolean).join(' · ');
    fillSelect($('f-scenario'), S.scenarios.map((s) => [s, scenarioLabel(s)]), S.sel.scenario);
    fillSelect($('f-subregion'), [['', t('whole_region')], ...S.subregions.map((s) => [s, s])], S.sel.subregion);
    fillSelect($('f-theme'), [['', t('all_themes')], ...S.themes.map((x) => [x.id, x.name])], S.sel.theme);
    const years = [];
    for (let y = S.years.first; y <= S.years.last; y++) years.push([y, String(y)]);
    fillSelect($('f-from'), years, S.sel.from);
    fillSelect($('f-to'), years, S.sel.to);
  }
  function applyLanguage() {
    renderHeader();
    renderParamsPanel();
  }

  function wireControls() {
    $('f-scenario').addEventListener('change', async (e) => {
      S.sel.scenario = e.target.value;
      writeHash();
      await guard(Promise.all([renderScenario(), renderSubregion()]));
      renderCharts(['verdict', 'business_case']);
      for (const p of S.params || []) syncParam(p.path); // a `without-T` scenario greys T out
      if (Object.keys(S.moved).length || S.draws) runWhatIf(); // (with draws: the scenario's)
    });
    $('f-subregion').addEventListener('change', async (e) => {
      S.sel.subregion = e.target.value;
      writeHash();
      renderCharts();
      await guard(renderSubregion());
    });
    $('f-theme').addEventListener('change', async (e) => {
      S.sel.theme = e.target.value;
      writeHash();
      renderCharts();
      highlightTheme();
      await guard(renderThemeBox());
    });
    const years = (e) => {
      let from = +$('f-from').value, to = +$('f-to').value;
      // the other end follows the one just chosen
      if (from > to && e.target.id === 'f-from') to = from;
      else if (from > to) from = to;
      S.sel.from = from;
      S.sel.to = to;
      $('f-from').value = from;
      $('f-to').value = to;
      writeHash();
      renderCharts();
      guard(renderSubregion());
    };
    $('f-from').addEventListener('change', years);
    $('f-to').addEventListener('change', years);
    $('whatif-reset').addEventListener('click', () => {
      S.moved = {};
      for (const p of S.params || []) syncParam(p.path);
      runWhatIf();
    });
    // with uncertainty: every what-if (and the plan itself, with nothing moved) with draws;
    // unticked at the start, whatever a browser restored
    $('whatif-unc').checked = false;
    $('whatif-unc').addEventListener('change', () => {
      S.draws = $('whatif-unc').checked ? UNC_DRAWS : 0;
      runWhatIf();
    });
  }

  async function setLanguage(lang) {
    if (lang === S.lang) return;
    S.lang = lang;
    writeHash();
    await Promise.all([charts(lang), S.params ? loadParams() : null]);
    applyLanguage();
    renderFailure(); // a banner on show, in the new language
    await Promise.all([renderScenario(), renderSubregion()]);
    buildChartSections();
    renderCharts();
    // the what-if's charts are in the language of its request: ask again in the new one
    if (Object.keys(S.moved).length || S.draws) runWhatIf();
  }

  // a failure after start shows in the banner and on the console
  async function guard(p) {
    try {
      return await p;
    } catch (e) {
      showError(e);
      return undefined;
    }
  }
  // A failure in the banner, in the page's language (again after NL/EN). A 401 is no fault of
  // the page: the server has a token (serve --token) and this tab sent none or a wrong one. The
  // page then shows only how to open it with the token; the sections stay hidden.
  function showError(e) {
    S.failure = e;
    const denied = e instanceof ApiError && e.status === 401;
    if (!denied) console.error(e);
    if (denied && token) {
      // a refused token is not sent again after a reload
      try {
        sessionStorage.removeItem(TOKEN_KEY);
      } catch (x) {
        // no storage: nothing kept
      }
    }
    renderFailure();
  }
  function renderFailure() {
    const e = S.failure, el = $('load-error');
    if (!e) return;
    el.hidden = false;
    if (!(e instanceof ApiError && e.status === 401)) {
      el.className = 'banner error';
      el.textContent = t('load_error', { msg: e.message || String(e) });
      return;
    }
    document.body.classList.add('locked');
    document.body.dataset.auth = token ? 'refused' : 'missing';
    const url = `${location.origin}${location.pathname}#token=`;
    const how = esc(t('auth_how', { url: '\u0001' })).replace('\u0001', `<code class="token-url">${esc(url)}<var>TOKEN</var></code>`);
    el.className = 'banner auth';
    el.innerHTML = `<h2>${esc(t('auth_h'))}</h2><p>${esc(t(token ? 'auth_refused' : 'auth_missing'))}</p><p>${how}</p>
      <form class="token-form" autocomplete="off"><label for="token-input">${esc(t('auth_paste'))}</label>
      <input type="password" id="token-input" autocomplete="off" spellcheck="false" required>
      <button type="submit" class="btn">${esc(t('auth_open'))}</button></form><p class="note">${esc(t('auth_ask'))}</p>`;
    // a token typed into the address bar (#token=T, Enter) changes only the fragment, which
    // does not reload a page: reload it, so the token is read, kept and removed as at the start
    window.addEventListener('hashchange', () => {
      if (new URLSearchParams(location.hash.slice(1)).has('token')) location.reload();
    });
    el.querySelector('form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      const v = el.querySelector('input').value.trim();
      if (!v) return;
      // the reloaded page reads it from the address, keeps it and removes it at once
      history.replaceState(null, '', `${location.pathname}${location.search}#lang=${S.lang}&token=${encodeURIComponent(v)}`);
      location.reload();
    });
  }

  // ---------------------------------------------------------------- verdict and business case
  // The numbers on show: the what-if's when there is one for this scenario, else the scenario's.
  function current() {
    const base = S.summaries[S.sel.scenario];
    const a = S.answer && S.answer.scenario === S.sel.scenario ? S.answer.summary : null;
    return { base, shown: a || base, whatif: !!a };
  }

  // A number, and during a what-if the plan's value under it when the formatted value changed:
  // the new value bold, ▲ or ▼ for its direction, green when better and vermillion when worse
  // (lower is better for investments and the cost per QALY). inline: "(plan X)" after it.
  function cell(fmt, v, base, whatif, { lowerBetter = false, inline = false } = {}) {
    const now = fmt(v);
    if (!whatif || !Number.isFinite(base) || fmt(base) === now) return esc(now);
    const better = lowerBetter ? v < base : v > base;
    const was = esc(baseLabel(nbsp(fmt(base))));
    return `<span class="new ${better ? 'better' : 'worse'}"><span class="dir" aria-hidden="true">${v > base ? '▲' : '▼'}</span>${esc(now)}</span>` +
      (inline ? ` <span class="was-inline">(${was})</span>` : `<span class="was">${was}</span>`);
  }
  // Soft hyphens in the long one-word labels of the verdict and business tables, so that at
  // 1024 px beside the what-if panel a column can be narrower than "Patiëntstromen" or
  // "Terugverdienjaar" (the browser has no Dutch hyphenation of its own everywhere); invisible
  // unless a word breaks.
  const SOFT = {
    Patiëntstromen: 'Patiënt\u00adstromen', Zorggebruik: 'Zorg\u00adgebruik', Substantieel: 'Substan\u00adtieel',
    Substantial: 'Substan\u00adtial', Terugverdienjaar: 'Terug\u00adverdien\u00adjaar',
  };
  const soft = (s) => SOFT[s] || s;
  // "EUR -12,7 mln" kept on one line where "plan EUR -12,7 mln" may wrap before it
  const nbsp = (v) => String(v).replace(/ /g, '\u00a0');
  // what a what-if is compared with: the plan, or the chosen variant as the server ran it
  const baseLabel = (v) => t(S.sel.scenario === 'plan' ? 'plan_value' : 'run_value', { v });
  const dataAttrs = (v, base, whatif) => `data-value="${v ?? ''}"${whatif ? ` data-base="${base ?? ''}"` : ''}`;

  async function renderScenario() {
    await summary(S.sel.scenario);
    renderVerdict();
    renderBusiness();
    await renderThemeBox();
  }

  function renderVerdict() {
    const { base, shown, whatif } = current();
    $('verdict-scope').textContent = t('region_scope', { scenario: scenarioLabel(S.sel.scenario) });
    const terms = ['short_term', 'long_term'];
    $('badges').innerHTML = terms.map((term) => {
      const v = shown[term], b = base[term];
      const changed = whatif && v.passes !== b.passes;
      // P(passes): the run's PSA, or a what-if's when it asked for draws (else none)
      const p = v.probability !== null && v.probability !== undefined ? ` <span class="prob">${esc(t('p_pass', { p: fmtShare(v.probability) }))}</span>` : '';
      return `<div class="badge-big ${v.passes ? 'pass' : 'fail'}${changed ? ' changed' : ''}" data-term="${term}" data-passes="${v.passes}">
        <span class="mark" aria-hidden="true">${v.passes ? '✓' : '✗'}</span>
        <span><strong>${esc(termLabel(term))}</strong><br>${esc(v.passes ? t('passes') : t('fails'))}${p}</span></div>`;
    }).join('');
    const crit = (s, term, c) => s[term].criteria.find((x) => x.criterion === c);
    const head = `<thead><tr><th rowspan="2">${esc(t('criterion'))}</th>${terms.map((term) => `<th colspan="3" class="group">${esc(termLabel(term))}</th>`).join('')}</tr>
      <tr>${terms.map(() => `<th class="n">${esc(t('value'))}</th><th class="n">${esc(t('threshold'))}</th><th>${esc(soft(t('substantial')))}</th>`).join('')}</tr></thead>`;
    const ids = shown.long_term.criteria.map((x) => x.criterion);
    const body = ids.map((c) => `<tr data-crit="${esc(c)}"><th scope="row">${esc(soft(critLabel(c)))}</th>${terms.map((term) => {
      const v = crit(shown, term, c), b = crit(base, term, c) || v;
      const f = (x) => fmtCrit(x, v.unit);
      const pct = v.threshold > 0 ? Math.max(0, Math.min(100, (100 * v.value) / v.threshold)) : 0;
      return `<td class="n v" data-crit="${esc(c)}" data-term="${term}" ${dataAttrs(v.value, b.value, whatif)}>${cell(f, v.value, b.value, whatif)}
          <div class="meter" title="${esc(fmtNum(v.threshold > 0 ? (100 * v.value) / v.threshold : NaN, 0))}%"><div style="width:${pct.toFixed(1)}%"></div></div></td>
        <td class="n thr" data-crit="${esc(c)}" data-term="${term}" data-value="${v.threshold}">${esc(f(v.threshold))}</td>
        <td><span class="badge ${v.substantial ? 'pass' : 'fail'}" data-substantial="${v.substantial}">${v.substantial ? '✓' : '✗'} ${esc(v.substantial ? t('yes_word') : t('no_word'))}</span></td>`;
    }).join('')}</tr>`).join('');
    $('verdict-table').innerHTML = head + `<tbody>${body}</tbody>`;
    $('verdict-note').textContent = t('verdict_note');
  }

  // A what-if with draws: the total NPV's 95 % range and P(NPV > 0) from its PSA, else ''.
  function npvRange(whatif) {
    const psa = whatif && S.answer.psa;
    const row = psa && psa.summary.find((r) => r.metric === 'npv:total');
    const pr = psa && psa.probabilities.find((r) => r.what === 'npv>0:total');
    if (!row || !pr) return '';
    // each amount on one line, the probability on a line of its own
    return `<div class="sub range" data-measure="npv_range" data-low="${row.p2_5}" data-high="${row.p97_5}" data-p="${pr.probability}">${esc(t('npv_range', { a: nbsp(fmtEur(row.p2_5)), b: nbsp(fmtEur(row.p97_5)) }))}<br>${esc(t('p_npv', { p: fmtShare(pr.probability) }))}</div>`;
  }

  function renderBusiness() {
    const { base, shown, whatif } = current();
    $('business-scope').textContent = t('region_scope', { scenario: scenarioLabel(S.sel.scenario) });
    const total = shown.business_case.find((r) => r.stakeholder === 'total');
    const btotal = base.business_case.find((r) => r.stakeholder === 'total');
    const he = shown.health_economics || {}, bhe = base.health_economics || {};
    const cards = [];
    if (total) {
      cards.push(`<div class="money-card big ${total.npv >= 0 ? 'gain' : 'loss'}"><div class="label">${esc(t('npv_total'))}</div>
        <div class="amount" data-stakeholder="total" data-measure="npv" ${dataAttrs(total.npv, btotal.npv, whatif)}>${cell(fmtEur, total.npv, btotal.npv, whatif)}</div>
        ${npvRange(whatif)}<div class="sub">${esc(t('invest_total'))} ${cell(fmtEur, total.investment, btotal.investment, whatif, { lowerBetter: true, inline: true })}</div></div>`);
    }
    for (const r of shown.business_case.filter((x) => x.stakeholder !== 'total')) {
      const b = base.business_case.find((x) => x.stakeholder === r.stakeholder) || r;
      cards.push(`<div class="money-card ${r.npv >= 0 ? 'gain' : 'loss'}"><div class="label">${esc(payerLabel(r.stakeholder))}</div>
        <div class="amount">${cell(fmtEur, r.npv, b.npv, whatif)}</div></div>`);
    }
    if (Number.isFinite(he.delta_qalys)) {
      const cpq = he.verdict === 'dominant' ? esc(t('dominant')) : `${esc(t('cost_per_qaly'))} ${cell(fmtEur, he.cost_per_qaly, bhe.cost_per_qaly, whatif, { lowerBetter: true, inline: true })}`;
      cards.push(`<div class="money-card"><div class="label">${esc(t('qalys'))}</div>
        <div class="amount" data-measure="delta_qalys" ${dataAttrs(he.delta_qalys, bhe.delta_qalys, whatif)}>${cell((x) => fmtNum(x, 0), he.delta_qalys, bhe.delta_qalys, whatif)}</div>
        <div class="sub">${cpq}</div></div>`);
    }
    $('money').innerHTML = cards.join('');
    const cols = ['investment', 'savings', 'npv'];
    const head = `<thead><tr><th>${esc(t('stakeholder'))}</th>${cols.map((c) => `<th class="n">${esc(t(c))}</th>`).join('')}<th class="n">${esc(soft(t('break_even')))}</th></tr></thead>`;
    const body = shown.business_case.map((r) => {
      const b = base.business_case.find((x) => x.stakeholder === r.stakeholder) || r;
      const be = (x) => (x === null || x === undefined ? t('never') : String(x));
      return `<tr class="${r.stakeholder === 'total' ? 'total' : ''}" data-stakeholder="${esc(r.stakeholder)}"><th scope="row">${payerHtml(r.stakeholder)}</th>${cols.map((c) =>
        `<td class="n ${c === 'npv' ? (r.npv >= 0 ? 'gain' : 'loss') : ''}" data-stakeholder="${esc(r.stakeholder)}" data-measure="${c}" ${dataAttrs(r[c], b[c], whatif)}>${cell(fmtEur, r[c], b[c], whatif, { lowerBetter: c === 'investment' })}</td>`).join('')}
        <td class="n be" data-measure="break_even_year">${esc(be(r.break_even_year))}${whatif && be(b.break_even_year) !== be(r.break_even_year) ? `<span class="was">${esc(baseLabel(be(b.break_even_year)))}</span>` : ''}</td></tr>`;
    }).join('');
    $('business-table').innerHTML = head + `<tbody>${body}</tbody>`;
  }

  // the chosen theme's investment, savings and NPV in this scenario (theme_roi)
  async function renderThemeBox() {
    const box = $('theme-box');
    if (!S.sel.theme || !hasTable('theme_roi')) {
      box.replaceChildren();
      return;
    }
    const theme = S.sel.theme, scenario = S.sel.scenario;
    const r = (await rows('theme_roi', { scenario })).find((x) => x.theme === theme);
    if (theme !== S.sel.theme || scenario !== S.sel.scenario) return; // the choice moved on
    if (!r) {
      box.innerHTML = `<p class="note">${esc(t('theme_box', { name: themeName(theme) }))}: –</p>`;
      return;
    }
    box.innerHTML = `<h3>${esc(t('theme_box', { name: themeName(theme) }))}</h3>
      <table class="num-table compact"><thead><tr>${['investment', 'savings', 'npv'].map((c) => `<th class="n">${esc(t(c))}</th>`).join('')}<th class="n">${esc(t('roi'))}</th></tr></thead>
      <tbody><tr data-theme="${esc(theme)}">${['investment', 'savings', 'npv'].map((c) => `<td class="n" data-measure="${c}" data-value="${r[c]}">${esc(fmtEur(r[c]))}</td>`).join('')}
      <td class="n" data-measure="roi" data-value="${r.roi}">${esc(fmtNum(r.roi, 2))}</td></tr></tbody></table>`;
  }

  // ---------------------------------------------------------------- the subregion's tables
  async function renderSubregion() {
    const { scenario, subregion, from, to } = S.sel;
    const where = subregion || t('whole_region');
    $('subregion-h').textContent = t('criteria_years_h', { where });
    $('subregion-scope').textContent = `${scenarioLabel(scenario)}, ${from}–${to}`;
    const yr = { scenario, year_from: from, year_to: to };
    let crit, bc = null;
    if (subregion) {
      [crit, bc] = await Promise.all([
        rows('criteria_subregion', { ...yr, subregion }),
        hasTable('business_case_subregion') ? rows('business_case_subregion', { scenario, subregion }) : null,
      ]);
    } else {
      crit = await rows('criteria', yr);
    }
    // a later choice may have been rendered while these were loading
    if (scenario !== S.sel.scenario || subregion !== S.sel.subregion || from !== S.sel.from || to !== S.sel.to) return;
    subregionNote();
    const ids = [...new Set(crit.map((r) => r.criterion))];
    const years = [...new Set(crit.map((r) => r.year))];
    const at = {};
    for (const r of crit) at[`${r.year}|${r.criterion}`] = r;
    const marked = (y) => (y === S.years.short_term || y === S.years.long_term ? ' class="verdict-year"' : '');
    $('criteria-years').innerHTML = `<thead><tr><th>${esc(t('year'))}</th>${ids.map((c) => `<th class="n">${esc(critLabel(c))}</th>`).join('')}</tr></thead><tbody>${
      years.map((y) => `<tr data-year="${y}"${marked(y)}><th scope="row">${y}</th>${ids.map((c) => {
        const r = at[`${y}|${c}`];
        if (!r) return '<td class="n">–</td>';
        const sub = !subregion && r.substantial ? ' substantial' : '';
        return `<td class="n${sub}" data-year="${y}" data-crit="${esc(c)}" data-value="${r.value}">${esc(fmtCrit(r.value, r.unit))}${sub ? ' ✓' : ''}</td>`;
      }).join('')}</tr>`).join('')}</tbody>`;
    const box = $('subregion-business');
    if (!bc) {
      box.replaceChildren();
      return;
    }
    const cols = ['investment', 'savings', 'npv'];
    box.innerHTML = `<h3>${esc(t('sub_business', { sub: subregion }))}</h3>
      <table id="subregion-business-table" class="num-table compact"><thead><tr><th>${esc(t('stakeholder'))}</th>${cols.map((c) => `<th class="n">${esc(t(c))}</th>`).join('')}</tr></thead><tbody>${
      bc.map((r) => `<tr class="${r.stakeholder === 'total' ? 'total' : ''}" data-stakeholder="${esc(r.stakeholder)}"><th scope="row">${payerHtml(r.stakeholder)}</th>${cols.map((c) =>
        `<td class="n ${c === 'npv' ? (r.npv >= 0 ? 'gain' : 'loss') : ''}" data-stakeholder="${esc(r.stakeholder)}" data-measure="${c}" data-value="${r[c]}">${esc(fmtEur(r[c]))}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
  }

  function subregionNote() {
    const { scenario, subregion } = S.sel;
    const txt = [subregion ? t('sub_note_sub', { sub: subregion, scenario: scenarioLabel(scenario) })
      : t('sub_note_region', { scenario: scenarioLabel(scenario) })];
    if (current().whatif) txt.push(t('sub_note_whatif'));
    $('subregion-note').textContent = txt.join(' ');
  }

  // ---------------------------------------------------------------- charts
  // Cards for every chart: the verdict's and the business case's in their sections above, the
  // others in sections of their own below, in the report's order.
  function buildChartSections() {
    const list = S.charts[S.lang];
    const holder = $('more-sections');
    holder.replaceChildren();
    for (const box of document.querySelectorAll('.charts[data-section]')) box.replaceChildren();
    for (const v of Object.values(S.views)) v.finalize();
    S.views = {};
    for (const c of list) {
      let box = document.querySelector(`.charts[data-section="${c.section}"]`);
      if (!box) {
        const sec = document.createElement('section');
        sec.className = 'card';
        sec.id = `sec-${c.section}`;
        sec.innerHTML = `<div class="sec-head"><h2>${esc(TEXT[S.lang].sections[c.section] || c.section)}</h2></div><div class="charts" data-section="${esc(c.section)}"></div>`;
        holder.append(sec);
        box = sec.querySelector('.charts');
      }
      const fig = document.createElement('figure');
      fig.className = 'chart-card';
      fig.id = `card-${c.id}`;
      // as in report.html: the guide, then the chart (its title is in the spec)
      fig.innerHTML = `<p class="guide"></p><div class="chart" id="chart-${esc(c.id)}" role="img"></div>
        <p class="empty note" hidden>${esc(t('no_data'))}</p><details><summary>${esc(t('show_numbers'))}</summary><div class="table-scroll"><table class="num-table compact"></table></div></details>`;
      box.append(fig);
    }
  }

  // The chart item to show. The verdict and business case charts follow the scenario and the
  // what-if: the answer's own chart for the plan, else rebuilt from the summary on show (the
  // server's charts are the plan's). The wrong-pocket matrix stays the plan's as written: a
  // what-if run has no Shapley values per intervention, so its matrix would switch to the other
  // attribution (docs/report.md) and look like an effect of the slider.
  const FOLLOWS = ['verdict', 'business_case'];
  function chartItem(c) {
    if (c.section !== 'verdict' && c.section !== 'business_case') return c;
    const { shown, whatif } = current();
    if (!FOLLOWS.includes(c.id)) {
      return S.sel.scenario === 'plan' && !whatif ? c : retitled(c, c.spec.data.values, c.table, 'plan');
    }
    if (S.sel.scenario === 'plan') {
      const a = whatif && S.answer.charts && S.answer.charts.find((x) => x.id === c.id);
      return a || c;
    }
    return c.id === 'verdict' ? verdictChart(c, shown) : businessChart(c, shown);
  }

  // The verdict chart of another scenario, built as src/report/charts.c builds the plan's.
  function verdictChart(c, sm) {
    const vals = [], rowsT = [];
    for (const term of ['short_term', 'long_term']) {
      for (const x of sm[term].criteria) {
        const pct = x.threshold > 0 ? (100 * x.value) / x.threshold : NaN;
        const label = `${fmtNum(pct, 0)}%`;
        const p = Number.isFinite(pct) ? pct : 0;
        const yes = x.substantial ? (nl() ? 'ja' : 'yes') : nl() ? 'nee' : 'no';
        vals.push({ criterion: critLabel(x.criterion), term: termLabel(term), pct: p, label_at: Math.max(p, 0), label, substantial: yes });
        rowsT.push([critLabel(x.criterion), termLabel(term), fmtCrit(x.value, x.unit), fmtCrit(x.threshold, x.unit), label, yes]);
      }
    }
    return retitled(c, vals, { columns: c.table.columns.slice(0, 6), rows: rowsT });
  }
  function businessChart(c, sm) {
    const vals = [], rowsT = [];
    const measures = ['investment', 'savings', 'npv'];
    for (const r of sm.business_case) {
      for (const m of measures) vals.push({ stakeholder: payerLabel(r.stakeholder), measure: t(m), mln: r[m] / 1e6, label: fmtEur(r[m]) });
      rowsT.push([payerLabel(r.stakeholder), ...measures.map((m) => fmtEur(r[m])), r.break_even_year === null ? t('never') : String(r.break_even_year)]);
    }
    return retitled(c, vals, { columns: c.table.columns.slice(0, 5), rows: rowsT });
  }
  function retitled(c, values, table, scenario = S.sel.scenario) {
    const spec = structuredClone(c.spec);
    spec.data = { values };
    const title = typeof spec.title === 'string' ? { text: spec.title } : { ...(spec.title || {}) };
    title.subtitle = scenarioLabel(scenario);
    spec.title = title;
    return { ...c, spec, table };
  }

  // Rows of a chart's inline data that fit the choices. A field the chart has is filtered; rows
  // without it (a milestone for the region, where the others are per subregion) drop out when
  // that field is filtered on.
  function keep(row, has) {
    const s = S.sel;
    if (has.year) {
      if (typeof row.year !== 'number' || row.year < s.from || row.year > s.to) return false;
    }
    if (s.subregion && has.subregion && row.subregion !== s.subregion) return false;
    if (s.theme) {
      if (has.theme && row.theme !== themeName(s.theme) && row.theme !== s.theme) return false;
      // participants' panels are named by the intervention's id, "(people covered)" appended
      const ofTheme = has.intervention && S.themeOf[String(row.intervention).split(' (')[0]];
      if (ofTheme && ofTheme !== s.theme) return false; // an intervention of unknown theme stays
    }
    return true;
  }
  function filtered(item) {
    const spec = structuredClone(item.spec);
    const values = spec.data && Array.isArray(spec.data.values) ? spec.data.values : null;
    if (!values) return { spec, table: item.table, n: 1 };
    const has = {};
    for (const f of ['year', 'subregion', 'theme', 'intervention']) has[f] = values.some((r) => f in r);
    if (!S.sel.theme) has.theme = has.intervention = false;
    if (!S.sel.subregion) has.subregion = false;
    if (has.year && S.sel.from === S.years.first && S.sel.to === S.years.last) has.year = false;
    spec.data.values = values.filter((r) => keep(r, has));
    // the numbers table follows the same choices, by its column names in either language
    const cols = item.table.columns.map((x) => x.toLowerCase());
    const col = (...names) => cols.findIndex((x) => names.includes(x));
    const yc = col('year', 'jaar'), sc = col('subregion', 'subregio'), tc = col('theme', 'thema'), ic = col('intervention', 'interventie');
    const trows = item.table.rows.filter((r) => {
      const s = S.sel;
      if (yc >= 0 && /^\d{4}$/.test(r[yc]) && (+r[yc] < s.from || +r[yc] > s.to)) return false;
      if (s.subregion && sc >= 0 && r[sc] !== s.subregion) return false;
      if (s.theme && tc >= 0 && r[tc] !== themeName(s.theme)) return false;
      if (s.theme && ic >= 0 && S.themeOf[r[ic].split(' (')[0]] && S.themeOf[r[ic].split(' (')[0]] !== s.theme) return false;
      return true;
    });
    const what = [has.subregion && S.sel.subregion, has.theme || has.intervention ? themeName(S.sel.theme) : '', has.year ? `${S.sel.from}–${S.sel.to}` : ''].filter(Boolean);
    if (what.length) {
      const title = typeof spec.title === 'string' ? { text: spec.title } : { ...(spec.title || {}) };
      title.subtitle = [title.subtitle, what.join(', ')].filter(Boolean).join(' · ');
      spec.title = title;
    }
    return { spec, table: { columns: item.table.columns, rows: trows }, n: spec.data.values.length };
  }

  // The charts' guides are the report's, written next to the run's CSV files; on the dashboard
  // there are no files, so "wrong_pocket_intervention.csv" becomes the API address of that
  // table, /api/tables/wrong_pocket_intervention (or just its name, when this run has none).
  const onPage = (text) => String(text || '').replace(/\b([a-z][a-z0-9_]*)\.csv\b/g,
    (_, name) => (hasTable(name) ? `/api/tables/${name}` : name));

  // ---------------------------------------------------------------- monitoring
  // The status table of /api/monitoring for the chosen years and subregion (its rows of the
  // region stay: the region holds every subregion), each status a badge with a sign and words.
  // The band is the one the status was judged on (band_used_low/high: the PSA band, a side
  // closer to planned than 5 % widened to planned ±5 %, marked *), and realised, the band and
  // the % have the decimals the API gives (those of `careshift monitor status`), so a number
  // never seems to lie on the other side of a threshold than it does.
  const MON_SIGN = { ahead: '▲', on_track: '●', behind: '▼', off_track: '✗', differs: '≠', no_actuals: '○', no_plan: '?' };
  // an element of the section that index.html does not have, made once before `before`
  function monElement(id, tag, cls, before) {
    let el = $(id);
    if (!el) {
      el = document.createElement(tag);
      el.id = id;
      el.className = cls;
      before.parentNode.insertBefore(el, before);
    }
    return el;
  }
  function renderMonitoring() {
    const mon = S.monitoring[S.lang], sec = $('monitoring');
    sec.hidden = !mon;
    if (!mon) return;
    const { from, to, subregion } = S.sel;
    const rowsM = mon.rows.filter((r) => r.year >= from && r.year <= to && (!subregion || r.level === 'region' || r.subregion === subregion));
    // a re-forecast run: from its year on, planned is the re-forecast, not the plan as agreed
    const rf = monElement('monitoring-reforecast', 'p', 'mon-reforecast', sec.querySelector('.sec-head').nextSibling);
    rf.setAttribute('role', 'note');
    rf.hidden = !mon.reforecast_from_year;
    rf.dataset.year = mon.reforecast_from_year || '';
    rf.textContent = mon.reforecast_from_year ? t('mon_reforecast', { y: mon.reforecast_from_year }) : '';
    $('monitoring-note').textContent = onPage(mon.note);
    $('monitoring-scope').textContent = t('mon_scope', { n: rowsM.length, all: mon.rows.length, from, to });
    const badge = (r) => `<span class="badge mon st-${esc(r.status || 'none')}" data-status="${esc(r.status || '')}">${MON_SIGN[r.status] || '–'} ${esc(r.status_label)}</span>`;
    const count = {};
    for (const r of rowsM) (count[r.status] = count[r.status] || { r, n: 0 }).n++;
    $('monitoring-counts').innerHTML = rowsM.length ? `${esc(t('mon_counts'))} ${Object.values(count).map((c) => `${badge(c.r)} ${c.n}`).join(', ')}` : esc(t('mon_empty'));
    const dflt = (v) => (v !== null && Math.abs(v) >= 100 ? 0 : 1);
    const dec = (r, k, v) => (r.decimals && Number.isInteger(r.decimals[k]) ? r.decimals[k] : dflt(v));
    const num = (v, key, d = dflt(v)) => `<td class="n" data-measure="${key}"${v === null ? '' : ` data-value="${v}"`}>${esc(fmtNum(v, d))}</td>`;
    const widened = (r) => r.band_used_low !== null && (r.band_used_low !== r.p2_5 || r.band_used_high !== r.p97_5);
    const band = (r) => {
      if (r.band_used_low === null || r.band_used_high === null) return '<td class="n" data-measure="band">–</td>';
      const d = dec(r, 'band', r.band_used_high);
      const psa = `${t('mon_psa_band')} ${fmtNum(r.p2_5, dflt(r.p2_5))} – ${fmtNum(r.p97_5, dflt(r.p97_5))}`;
      return `<td class="n" data-measure="band" data-low="${r.band_used_low}" data-high="${r.band_used_high}" data-p2_5="${r.p2_5}" data-p97_5="${r.p97_5}" data-widened="${widened(r) ? 'yes' : 'no'}" title="${esc(psa)}">${esc(fmtNum(r.band_used_low, d))} – ${esc(fmtNum(r.band_used_high, d))}${widened(r) ? '*' : ''}</td>`;
    };
    const met = (r) => `<td class="met" data-measure="milestone_met" data-met="${esc(r.milestone_met || '')}">${esc(r.milestone_met === 'yes' ? t('yes_word') : r.milestone_met === 'no' ? t('no_word') : '–')}</td>`;
    // the indicator as the report names it; an intervention's name (the plan's) in its tooltip
    // and in a line under the table
    const indicator = (r) => (r.intervention_name ? `<span class="iv" title="${esc(r.intervention_name)}">${esc(r.indicator_label || r.indicator)}</span>` : esc(r.indicator_label || r.indicator));
    // of the plan's effect as the report shows it: a % with the terminal's decimals, ! the other
    // way (beyond the baseline), ? more than 5 times the plan's change
    const effect = (r) => {
      const e = r.effect_realised;
      if (e === null || e === undefined) return '<td class="n effect" data-measure="effect_realised">–</td>';
      const other = e < 0, odd = Math.abs(e) > 5;
      return `<td class="n effect" data-measure="effect_realised" data-value="${e}" data-other-way="${other ? 'yes' : 'no'}" data-implausible="${odd ? 'yes' : 'no'}">${esc(fmtNum(100 * e, dec(r, 'effect_pct', 100 * e)))}${nl() ? '' : ' '}%${other ? '!' : ''}${odd ? '?' : ''}</td>`;
    };
    const cols = ['year', 'mon_indicator', 'mon_place', 'mon_target', 'mon_met', 'mon_planned', 'mon_band', 'mon_realised', 'mon_diff'];
    $('monitoring-table').innerHTML = `<thead><tr>${cols.map((c, i) => `<th${i >= 3 && c !== 'mon_met' ? ' class="n"' : ''}>${esc(t(c))}</th>`).join('')}<th class="n">%</th><th>${esc(t('mon_status'))}</th><th class="n">${esc(t('mon_effect'))}</th></tr></thead><tbody>${
      rowsM.map((r) => `<tr data-indicator="${esc(r.indicator)}" data-place="${esc(r.place)}" data-year="${r.year}"><td>${r.year}</td><td>${indicator(r)}</td>
        <td>${esc(r.level === 'region' ? t('mon_region') : r.name || r.place)}</td>${num(r.target, 'target')}${met(r)}${num(r.planned, 'planned')}${band(r)}${num(r.realised, 'realised', dec(r, 'realised', r.realised))}${num(r.difference, 'difference')}${num(r.difference_pct, 'difference_pct', dec(r, 'difference_pct', r.difference_pct))}<td>${badge(r)}</td>${effect(r)}</tr>`).join('')}</tbody>`;
    const after = $('monitoring-table').closest('.table-scroll').nextSibling;
    const foot = monElement('monitoring-widened', 'p', 'note', after);
    foot.hidden = !rowsM.some(widened);
    foot.textContent = foot.hidden ? '' : t('mon_widened');
    const enote = monElement('monitoring-effect-note', 'p', 'note', after);
    enote.hidden = !rowsM.some((r) => r.effect_realised !== null && r.effect_realised !== undefined);
    enote.textContent = enote.hidden ? '' : mon.effect_note || '';
    const ivs = new Map();
    for (const r of rowsM) if (r.intervention_name) ivs.set(r.indicator.replace(/^participants:/, ''), r.intervention_name);
    const legend = monElement('monitoring-interventions', 'p', 'note', after);
    legend.hidden = ivs.size === 0;
    legend.innerHTML = ivs.size ? `${esc(t('mon_interventions'))} ${[...ivs].map(([id, name]) => `<b data-intervention="${esc(id)}">${esc(id)}</b>: ${esc(name)}`).join('; ')}` : '';
  }

  // Renders the charts (all, or those of the given sections) with the current choices.
  function renderCharts(sections) {
    if (!sections || sections.includes('monitoring')) renderMonitoring();
    const list = S.charts[S.lang];
    if (!document.getElementById(`chart-${list[0].id}`)) buildChartSections();
    const locale = { decimal: nl() ? ',' : '.', thousands: nl() ? '.' : ',', grouping: [3], currency: ['EUR ', ''] };
    for (const c of list) {
      if (sections && !sections.includes(c.section)) continue;
      const item = chartItem(c);
      const { spec, table, n } = filtered(item);
      const fig = $(`card-${c.id}`), el = $(`chart-${c.id}`);
      el.setAttribute('aria-label', item.title);
      fig.querySelector('.guide').textContent = onPage(item.guide);
      fig.querySelector('table').innerHTML = `<thead><tr>${table.columns.map((x) => `<th>${esc(x)}</th>`).join('')}</tr></thead><tbody>${
        table.rows.map((r) => `<tr>${r.map((x) => `<td>${esc(x)}</td>`).join('')}</tr>`).join('')}</tbody>`;
      const seq = (S.renderSeq[c.id] = (S.renderSeq[c.id] || 0) + 1);
      fig.querySelector('.empty').hidden = n > 0;
      if (n === 0) {
        if (S.views[c.id]) S.views[c.id].finalize();
        delete S.views[c.id];
        el.replaceChildren();
        el.dataset.rendered = 'empty';
        continue;
      }
      el.dataset.rendered = '';
      const div = document.createElement('div');
      // eslint-disable-next-line no-undef
      vegaEmbed(div, spec, { actions: false, renderer: 'svg', formatLocale: locale }).then((res) => {
        if (seq !== S.renderSeq[c.id]) return res.finalize(); // a newer render of this chart started
        if (S.views[c.id]) S.views[c.id].finalize();
        S.views[c.id] = res;
        el.replaceChildren(div);
        el.dataset.rendered = 'yes';
        return null;
      }).catch((e) => {
        if (seq !== S.renderSeq[c.id]) return;
        el.dataset.rendered = 'error';
        el.textContent = String(e);
        console.error(`chart ${c.id}:`, e);
      });
    }
    const note = $('charts-note');
    if (note) {
      const txt = [];
      if (S.sel.scenario !== 'plan') txt.push(t('chart_scenario_note', { plan: t('plan') }));
      if (current().whatif) txt.push(t('chart_whatif_note'));
      note.textContent = txt.join(' ');
      note.hidden = !txt.length;
    }
  }

  // ---------------------------------------------------------------- what-if panel
  async function loadParams() {
    if (S.run && S.run.whatif === false) return; // the server says it has no what-if
    try {
      S.params = (await api(`/api/whatif/parameters?lang=${S.lang}`)).parameters;
    } catch (e) {
      if (e.status !== 404) throw e;
      S.params = null; // `serve --dir`: a run without its plan has no what-if
    }
  }
  const paramOf = (path) => S.params.find((p) => p.path === path);
  // the theme a `without-T` scenario leaves out, or ''
  function leftOut(scenario = S.sel.scenario) {
    const m = /^without-(.+)$/.exec(scenario);
    return m && S.themes.some((x) => x.id === m[1]) ? m[1] : '';
  }
  const valueOf = (p) => (p.path in S.moved ? S.moved[p.path] : p.value);

  function renderParamsPanel() {
    const aside = $('whatif');
    if (!S.params) {
      aside.hidden = true;
      document.body.classList.remove('has-whatif');
      return;
    }
    aside.hidden = false;
    document.body.classList.add('has-whatif');
    // one group per theme (its on/off switch in the legend), then the economics
    const groups = [];
    const groupOf = (key, title) => {
      let g = groups.find((x) => x.key === key);
      if (!g) groups.push((g = { key, title, toggle: null, params: [] }));
      return g;
    };
    for (const p of S.params) {
      if (p.kind === 'theme_enabled') groupOf(p.theme, themeName(p.theme)).toggle = p;
      else if (p.theme) groupOf(p.theme, themeName(p.theme)).params.push(p);
      else groupOf('', t('economics')).params.push(p);
    }
    groups.sort((a, b) => (a.key === '') - (b.key === '')); // economics last
    const holder = $('whatif-params');
    holder.replaceChildren();
    let n = 0;
    for (const g of groups) {
      const fs = document.createElement('fieldset');
      fs.className = 'pgroup';
      fs.dataset.theme = g.key;
      const legend = document.createElement('legend');
      if (g.toggle) {
        const id = `p${n++}`;
        legend.innerHTML = `<label class="toggle" for="${id}" title="${esc(g.toggle.label)}"><input type="checkbox" id="${id}" data-path="${esc(g.toggle.path)}"> <span>${esc(g.title)}</span></label>`;
        const box = legend.querySelector('input');
        box.checked = !!valueOf(g.toggle);
        box.addEventListener('change', () => setMoved(g.toggle, box.checked));
      } else {
        legend.textContent = g.title;
      }
      fs.append(legend);
      if (g.toggle) {
        const note = document.createElement('p');
        note.className = 'note left-out';
        note.hidden = true;
        note.textContent = t('left_out_group');
        fs.append(note);
      }
      for (const p of g.params) {
        const id = `p${n++}`;
        const row = document.createElement('div');
        row.className = 'param';
        row.dataset.path = p.path;
        row.dataset.kind = p.kind;
        if (p.intervention) row.dataset.intervention = p.intervention;
        row.innerHTML = `<div class="p-top"><label for="${id}">${esc(p.label)}</label><output for="${id}"></output></div>
          <input type="range" id="${id}" min="${p.min}" max="${p.max}" step="${p.step || 'any'}" data-path="${esc(p.path)}">
          <div class="p-plan"><span>${esc(t('plan_value', { v: fmtParam(p, p.value) }))}</span><button type="button" class="undo" title="${esc(t('undo'))}" aria-label="${esc(t('undo'))}">↺</button></div>`;
        const input = row.querySelector('input');
        input.value = String(valueOf(p));
        input.addEventListener('input', () => {
          row.querySelector('output').textContent = fmtParam(p, +input.value);
        });
        // only a released slider runs the plan (change), not every step of a drag (input)
        let keyAt = -1e9;
        input.addEventListener('keydown', () => { keyAt = performance.now(); });
        input.addEventListener('change', () => setMoved(p, +input.value, performance.now() - keyAt < 100));
        row.querySelector('.undo').addEventListener('click', () => {
          delete S.moved[p.path];
          syncParam(p.path);
          runWhatIf();
        });
        fs.append(row);
      }
      holder.append(fs);
    }
    for (const p of S.params) syncParam(p.path);
    highlightTheme();
  }

  // shows a parameter's value (moved or the plan's) in its control
  function syncParam(path) {
    const p = paramOf(path);
    const input = document.querySelector(`#whatif-params input[data-path="${CSS.escape(path)}"]`);
    if (!p || !input) return;
    const v = valueOf(p);
    const moved = path in S.moved;
    if (p.unit === 'bool') {
      // in the scenario without this theme the theme is off whatever the switch says
      const out = !!p.theme && leftOut() === p.theme;
      input.checked = !!v && !out;
      input.disabled = out;
      const fs = input.closest('fieldset');
      fs.classList.toggle('off', !v || out);
      fs.classList.toggle('left-out', out);
      fs.classList.toggle('moved', moved);
      const note = fs.querySelector('.left-out.note');
      if (note) note.hidden = !out;
      for (const r of fs.querySelectorAll('input[type=range]')) r.disabled = !v || (out && r.dataset.path.startsWith(`themes[${p.theme}].`));
    } else {
      // the slider snaps the plan's value to its step; the number shown is the exact value
      if (!moved) input.value = String(p.value);
      const row = input.closest('.param');
      row.querySelector('output').textContent = fmtParam(p, v);
      row.classList.toggle('moved', moved);
    }
    $('whatif-reset').disabled = !Object.keys(S.moved).length;
  }

  function setMoved(p, v, byKey = false) {
    // a slider let go within half a step of the plan's value is the plan's value
    const same = p.unit === 'bool' ? v === !!p.value : Math.abs(v - p.value) <= (p.step || 1e-9) / 2;
    if (same) delete S.moved[p.path];
    else S.moved[p.path] = v;
    syncParam(p.path);
    // Arrow keys on a slider fire a change per press: such a run starts 250 ms after the last
    // press, so a few quick presses make one request, not a queue of runs the server answers
    // 503. A slider let go by pointer runs at once.
    clearTimeout(soonTimer);
    soonTimer = setTimeout(runWhatIf, byKey ? 250 : 0);
  }
  let soonTimer = 0;

  function highlightTheme() {
    for (const fs of document.querySelectorAll('#whatif-params fieldset')) {
      const on = !!S.sel.theme && fs.dataset.theme === S.sel.theme;
      fs.classList.toggle('chosen', on);
      if (on) fs.scrollIntoView({ block: 'nearest' });
    }
  }

  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

  // POSTs every moved value; the newest request wins: an answer to an older one is dropped.
  async function runWhatIf() {
    clearTimeout(soonTimer);
    const seq = ++S.seq;
    // In a `without-T` scenario theme T is out already: its switch and sliders change nothing
    // there, and T off in a what-if has no `without-T` scenario to answer for (the API's 400
    // "the plan has no such scenario"). They are kept for the plan and the variants, not sent.
    const out = leftOut();
    const set = {}, idle = [];
    for (const [path, v] of Object.entries(S.moved)) {
      if (out && path.startsWith(`themes[${out}].`)) idle.push(path);
      else set[path] = v;
    }
    const n = Object.keys(set).length;
    const idleNote = idle.length ? t(n ? 'left_out_some' : 'left_out_all', { theme: themeName(out), scenario: scenarioLabel(S.sel.scenario), k: idle.length }) : '';
    $('whatif-reset').disabled = !Object.keys(S.moved).length;
    markErrors([]);
    if (!n && !S.draws) {
      // back to the plan (or nothing that counts in this scenario): no run needed
      S.answer = null;
      setBusy(false);
      setStatus(idleNote, idleNote ? 'info' : '');
      showWhatIf();
      return;
    }
    setBusy(true);
    setStatus(n ? t('running', { n }) : t('running_psa', { d: S.draws }));
    // only the charts the page redraws from a what-if: a tenth of the answer's bytes; with
    // uncertainty on, the draws too (the plan's seed: the same draws every time)
    const body = JSON.stringify({ set, scenario: S.sel.scenario, lang: S.lang, charts: ['verdict', 'business_case'], ...(S.draws ? { draws: S.draws } : {}) });
    try {
      let ans;
      for (let attempt = 0; ; attempt++) {
        try {
          ans = await api('/api/whatif', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
          break;
        } catch (e) {
          if (e.status !== 503 || attempt > 0) throw e;
          // busy with another what-if: wait as told (within reason), then once more
          const s = Math.min(Math.max(parseFloat(e.retryAfter) || 1, 0.2), 10);
          if (seq === S.seq) setStatus(t('busy_retry', { s: fmtNum(s, 0) }));
          await sleep(s * 1000);
          if (seq !== S.seq) return;
        }
      }
      if (seq !== S.seq) return; // a newer request was sent meanwhile
      S.answer = ans;
      const against = S.sel.scenario === 'plan' ? t('the_plan') : scenarioLabel(S.sel.scenario);
      const done = [n ? t('computed', { s: fmtNum(ans.seconds, 1), n, base: against }) : t('computed_unc', { s: fmtNum(ans.seconds, 1), base: against }),
        ans.draws ? t('computed_psa', { d: ans.draws }) : '', idleNote].filter(Boolean).join(' ');
      if (ans.plan_changed) setStatus(`<strong>${esc(t('plan_changed_h'))}</strong> ${esc(t('plan_changed'))}<span class="status-sub">${esc(done)}</span>`, 'warn', true);
      else setStatus(done, 'ok');
      showWhatIf();
    } catch (e) {
      if (seq !== S.seq) return;
      S.answer = null;
      showWhatIf();
      reportError(e);
    } finally {
      if (seq === S.seq) setBusy(false);
    }
  }

  function reportError(e) {
    if (e instanceof ApiError && e.status === 401) {
      showError(e); // the token is no longer the server's (restarted with another)
      return;
    }
    if (!(e instanceof ApiError)) {
      setStatus(t('net_error', { msg: e.message || String(e) }), 'error');
      return;
    }
    if (e.status === 503) {
      setStatus(t('busy'), 'error');
      return;
    }
    if (e.status === 409) {
      // the server's plan file, not a slider: nothing on the page to mark
      const first = e.body && e.body.errors && e.body.errors.length ? e.body.errors[0].error : (e.body && e.body.error) || '';
      setStatus(`<strong>${esc(t('plan_broken'))}</strong><ul><li>${esc(first)}</li></ul>`, 'error', true);
      return;
    }
    const list = (e.body && e.body.errors && e.body.errors.length ? e.body.errors : [e.body || { error: e.message }]);
    const items = list.map((x) => `<li>${x.field ? `<code>${esc(x.field)}</code>: ` : ''}${esc(x.error || '')}</li>`).join('');
    setStatus(`<strong>${esc(t('error'))} (HTTP ${e.status})</strong><ul>${items}</ul>`, 'error', true);
    markErrors(list.map((x) => x.field).filter(Boolean));
  }
  function markErrors(fields) {
    for (const row of document.querySelectorAll('#whatif-params .param, #whatif-params fieldset')) {
      const path = row.dataset.path || (row.querySelector('legend input') || {}).dataset?.path;
      row.classList.toggle('invalid', !!path && fields.includes(path));
    }
  }

  function setStatus(html, kind = '', isHtml = false) {
    const el = $('whatif-status');
    el.className = `status ${kind}`;
    if (isHtml) el.innerHTML = html;
    else el.textContent = html;
  }
  function setBusy(on) {
    document.body.classList.toggle('busy', on);
    $('whatif-status').setAttribute('aria-busy', String(on));
    for (const id of ['verdict', 'business']) $(id).setAttribute('aria-busy', String(on));
  }

  // the what-if (or its absence) in the verdict, the business case, their charts and the diff
  function showWhatIf() {
    renderVerdict();
    renderBusiness();
    renderCharts(['verdict', 'business_case']);
    subregionNote();
    const { base, shown, whatif } = current();
    const diff = $('whatif-diff');
    if (!whatif) {
      diff.replaceChildren();
      return;
    }
    // a row: what, the plan's value, →, the what-if's (the test reads data-base and data-value)
    // NPV total and the verdict always, the rest when it changed
    const line = (label, a, b, fmt, key, always = false) => {
      const cls = fmt(a) === fmt(b) ? '' : b > a ? 'better' : 'worse';
      if (!always && !cls) return '';
      return `<tr data-key="${key}" data-base="${a ?? ''}" data-value="${b ?? ''}"><th scope="row">${esc(label)}</th>
        <td class="old">${esc(fmt(a))}</td><td class="arrow" aria-label="to">→</td><td class="new ${cls}">${cls ? `<span class="dir" aria-hidden="true">${b > a ? '▲' : '▼'}</span>` : ''}${esc(fmt(b))}</td></tr>`;
    };
    const yn = (x) => (x ? t('yes_word') : t('no_word'));
    const items = [];
    for (const r of shown.business_case) {
      const b = base.business_case.find((x) => x.stakeholder === r.stakeholder);
      // "NPV Zvw": the payer's short name, without "(insurers)"
      const who = r.stakeholder === 'total' ? t('total').toLowerCase() : payerLabel(r.stakeholder).split(' (')[0];
      if (b) items.push(line(`${t('npv_short')} ${who}`, b.npv, r.npv, fmtEur, `npv:${r.stakeholder}`, r.stakeholder === 'total'));
    }
    for (const term of ['short_term', 'long_term']) {
      items.push(line(t('passes_year', { year: S.years[term] }), base[term].passes, shown[term].passes, yn, `passes:${term}`, true));
    }
    for (const x of shown.long_term.criteria) {
      const b = base.long_term.criteria.find((y) => y.criterion === x.criterion);
      if (b) items.push(line(`${critLabel(x.criterion)} ${S.years.long_term}`, b.value, x.value, (v) => fmtCrit(v, x.unit), `crit:${x.criterion}`));
    }
    diff.innerHTML = `<table class="diff-table"><thead><tr><th></th><th>${esc(S.sel.scenario === 'plan' ? t('plan') : scenarioLabel(S.sel.scenario))}</th><th></th><th>${esc(t('whatif_col'))}</th></tr></thead><tbody>${items.join('')}</tbody></table>`;
  }

  // ---------------------------------------------------------------- go
  function go() {
    // NL/EN works before the data is in and when it cannot be loaded (a 401 without the token):
    // then only the fixed labels and the banner change; a click while loading waits for it
    S.lang = initialLang();
    renderStatic();
    for (const b of document.querySelectorAll('.lang button')) {
      b.addEventListener('click', () => {
        const ready = document.body.dataset.ready;
        if (ready === 'yes') {
          guard(setLanguage(b.dataset.lang));
        } else if (ready) {
          S.lang = b.dataset.lang;
          history.replaceState(null, '', `${location.pathname}${location.search}#lang=${S.lang}`);
          renderStatic();
          renderFailure();
        } else {
          S.pendingLang = b.dataset.lang;
        }
      });
    }
    start().then(() => {
      if (S.pendingLang && S.pendingLang !== S.lang) return guard(setLanguage(S.pendingLang));
      return null;
    }).catch((e) => {
      showError(e);
      document.body.dataset.ready = e instanceof ApiError && e.status === 401 ? 'auth' : 'error';
    });
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', go);
  else go();
})();
