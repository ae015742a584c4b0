// The browser half of scripts/test-html-report.sh: node scripts/test-html-report.mjs WORK BROWSER
// [SCREENSHOT]. WORK holds report.html (kblint report --html of kb/), disputes.txt (kblint
// disputes, the independent list of what the page must show) and node_modules with
// playwright-core and axe-core.
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [work, browserPath, screenshot] = process.argv.slice(2);
const require = createRequire(join(work, 'node_modules', 'x.js'));
const { chromium } = require('playwright-core');
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const pageUrl = 'file://' + join(work, 'report.html');

const failures = [];
const fail = (what) => failures.push(what);
const squash = (s) => s.replace(/\s+/g, ' ').trim();

// The disputes that `kblint disputes` lists: one block per `note[acknowledged-dispute]`, with
// every quote of both sides (`= `claim` cites `source`: "quote"`).
function expectedDisputes() {
  const text = readFileSync(join(work, 'disputes.txt'), 'utf8');
  const blocks = text.split(/^note\[acknowledged-dispute\]/m).slice(1);
  return blocks.map((block) => {
    const quotes = [];
    for (const line of block.split('\n')) {
      const m = line.match(/^\s*= `([^`]+)` cites `([^`]+)`: "(.*)"\s*$/);
      if (m) quotes.push({ claim: m[1], source: m[2], quote: m[3] });
    }
    return { title: squash(block.split('\n')[0]), quotes };
  });
}

const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

async function open(javaScriptEnabled, url = pageUrl) {
  const profile = mkdtempSync(join(tmpdir(), 'kblint-report-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: browserPath, args: flags, javaScriptEnabled,
    viewport: { width: 1200, height: 900 },
  });
  const requests = [];
  const errors = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    const asked = route.request().url();
    if (asked === url || asked.startsWith(url + '#')) return route.continue();
    requests.push(asked);
    return route.abort();
  });
  const page = context.pages()[0] ?? await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('requestfailed', (r) => { if (r.url() !== url) requests.push(r.url()); });
  await page.goto(url, { waitUntil: 'load' });
  return { context, page, requests, errors, close: async () => { await context.close(); rmSync(profile, { recursive: true, force: true }); } };
}

// Every expected dispute has a card holding every quote of both sides, and at least two sides.
async function checkDisputes(page, label) {
  const expected = expectedDisputes();
  if (expected.length === 0) fail('kblint disputes listed no dispute: nothing to check');
  const cards = await page.$$eval('[data-dispute]', (els) => els.map((e) => ({
    id: e.id, text: e.textContent, sides: e.querySelectorAll('.side').length,
  })));
  for (const d of expected) {
    const card = cards.find((c) => d.quotes.every((q) => squash(c.text).includes(squash(q.quote))));
    if (!card) fail(`${label}: no card shows every quote of the dispute ${d.title}`);
    else if (card.sides < 2) fail(`${label}: card ${card.id} shows ${card.sides} side(s)`);
  }
  return expected.length;
}

const js = await open(true);
const { page } = js;
const count = await checkDisputes(page, 'with JavaScript');

// Diagram labels stay inside their boxes, and every text inside its drawing.
const overflow = await page.$$eval('svg.diagram', (svgs) => {
  const out = [];
  for (const svg of svgs) {
    const view = svg.viewBox.baseVal;
    for (const g of svg.querySelectorAll('g.node')) {
      const r = g.querySelector('rect').getBBox();
      const t = g.querySelector('text').getBBox();
      if (t.x < r.x - 0.5 || t.x + t.width > r.x + r.width + 0.5 || t.y < r.y - 0.5 || t.y + t.height > r.y + r.height + 0.5) {
        out.push(`label "${g.querySelector('text').textContent}" (${t.width.toFixed(1)} wide) overflows its box (${r.width.toFixed(1)})`);
      }
    }
    for (const t of svg.querySelectorAll('text')) {
      const b = t.getBBox();
      if (b.x < view.x || b.x + b.width > view.x + view.width + 0.5 || b.y < view.y || b.y + b.height > view.y + view.height + 0.5) {
        out.push(`text "${t.textContent}" leaves its drawing`);
      }
    }
  }
  return { out, labels: svgs.reduce((n, s) => n + s.querySelectorAll('g.node').length, 0) };
});
overflow.out.forEach(fail);
if (overflow.labels === 0) fail('no diagram label to check');

// Every in-page link leads somewhere.
const broken = await page.$$eval('a[href^="#"]', (as) => as.map((a) => decodeURIComponent(a.getAttribute('href').slice(1))).filter((id) => !document.getElementById(id)));
broken.forEach((id) => fail(`link to #${id}, which is not in the page`));

// Accessibility, with the expandable parts closed and then open.
await page.evaluate(axeSource);
const axeRun = () => page.evaluate(async () => {
  const r = await window.axe.run(document, { resultTypes: ['violations'] });
  return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
});
const closed = await axeRun();
await page.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = true; }));
const opened = await axeRun();
for (const v of [...closed, ...opened]) {
  const line = `axe ${v.impact} ${v.id}: ${v.help} (${v.nodes.join(', ')})`;
  if (v.impact === 'serious' || v.impact === 'critical') fail(line);
  else console.log(`note: ${line}`);
}

// A phone-width screen: nothing but the scrollable tables is wider than the screen.
await page.setViewportSize({ width: 390, height: 844 });
const widths = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
if (widths[0] > widths[1]) fail(`at 390 px the page is ${widths[0]} px wide`);

// A deep link opens and shows its target.
await page.setViewportSize({ width: 1200, height: 900 });
await page.goto(pageUrl + '#dispute-1');
if (!(await page.locator('#dispute-1').isVisible())) fail('#dispute-1 is not shown');

// A fragment that is not valid percent-encoding: the page loads without an error, and printing
// still opens every part.
await page.goto('about:blank');
await page.goto(pageUrl + '#%E0%A4%A', { waitUntil: 'load' });
await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
const closedForPrint = await page.$$eval('details', (ds) => ds.filter((d) => !d.open).length);
if (closedForPrint > 0) fail(`after a malformed fragment, printing leaves ${closedForPrint} part(s) closed`);

if (screenshot) {
  await page.goto(pageUrl);
  await page.screenshot({ path: screenshot, clip: { x: 0, y: 0, width: 1200, height: 1500 }, fullPage: true });
  console.log(`screenshot written to ${screenshot}`);
}
js.errors.forEach((e) => fail(`console error: ${e}`));
js.requests.forEach((u) => fail(`network request: ${u}`));
await js.close();

// JavaScript off: the same content, and every part opens by its <summary>.
const nojs = await open(false);
await checkDisputes(nojs.page, 'without JavaScript');
const summaries = nojs.page.locator('summary');
const n = await summaries.count();
for (let i = 0; i < n; i++) await summaries.nth(i).click();
const hidden = await nojs.page.locator('blockquote').evaluateAll((qs) => qs.filter((q) => !q.checkVisibility()).length);
if (hidden > 0) fail(`without JavaScript, ${hidden} quote(s) stay hidden after opening every <summary>`);
nojs.errors.forEach((e) => fail(`console error without JavaScript: ${e}`));
nojs.requests.forEach((u) => fail(`network request without JavaScript: ${u}`));
await nojs.close();

// 5,000 disputes: a page under 8 MB that opens in a few seconds, with every dispute reachable.
const bigUrl = 'file://' + join(work, 'big.html');
const bigBytes = statSync(join(work, 'big.html')).size;
if (bigBytes >= 8 << 20) fail(`the page of 5,000 disputes weighs ${bigBytes} bytes`);
const big = await open(true, bigUrl);
const bigStats = await big.page.evaluate(() => ({
  elements: document.getElementsByTagName('*').length,
  disputes: document.querySelectorAll('[data-dispute]').length,
  // From the start of the navigation to the end of the load event.
  load: performance.getEntriesByType('navigation')[0].loadEventEnd,
}));
const loadSeconds = bigStats.load / 1000;
if (bigStats.disputes !== 5000) fail(`the page of 5,000 disputes lists ${bigStats.disputes}`);
if (loadSeconds > 15) fail(`the page of 5,000 disputes took ${loadSeconds.toFixed(1)} s to open`);
await big.page.goto(bigUrl + '#dispute-4321');
if (!(await big.page.locator('#dispute-4321').isVisible())) fail('#dispute-4321 is not shown');
big.errors.forEach((e) => fail(`console error on the page of 5,000 disputes: ${e}`));
big.requests.forEach((u) => fail(`network request from the page of 5,000 disputes: ${u}`));
await big.close();
console.log(`the page of 5,000 disputes: ${(bigBytes / 1e6).toFixed(1)} MB, ${bigStats.elements} elements, opened in ${loadSeconds.toFixed(1)} s`);

if (failures.length) {
  console.error(`test-html-report: ${failures.length} failure(s)`);
  failures.forEach((f) => console.error(`  - ${f}`));
  process.exit(1);
}
console.log(`test-html-report: ${count} disputes with both sides' quotes, ${overflow.labels} diagram labels inside their boxes, ${n} expandable parts; no console error, no request, no serious axe violation`);
