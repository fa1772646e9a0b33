// First visit of a page in Chromium with a cold cache: bytes over the wire and time until the page
// is interactive (hydrated: `body[data-hydrated]`), unthrottled and on slow 4G (150 ms RTT,
// 1.6 Mbit/s down, 750 kbit/s up), through the DevTools protocol's network emulation.
// « interactive » is read in the page's own timeline, from its navigation start (as browsers'
// metrics are); « wall clock » is the time from the harness's `goto` to the moment the page set
// its mark, both read on the same clock (a renderer process started for the site is in it).
// When Playwright notices the mark is not used: under network emulation its polling lags the
// page by ≈ 0.3 s.
// Usage (bench/first-visit.sh starts the release server): node bench/first-visit.mjs BASE_URL
import { createRequire } from 'node:module';
const require = createRequire(new URL('../end2end/package.json', import.meta.url));
const { chromium } = require('playwright-core');

const base = process.argv[2] ?? 'http://127.0.0.1:3400';
const pages = [
  ['/inscription', 'signup form'],
  ['/connexion', 'login'],
  ['/mot-de-passe/creer?jeton=' + '0'.repeat(64), 'password link page'],
];
const profiles = [
  ['local network', null],
  ['slow 4G', { latency: 150, downloadThroughput: 1_600_000 / 8, uploadThroughput: 750_000 / 8 }],
];
const runs = Number(process.env.FIRST_VISIT_RUNS ?? 3);

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run'],
});
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const [profile, conditions] of profiles) {
  for (const [path, name] of pages) {
    const bytes = [];
    const times = [];
    const walls = [];
    const again = [];
    for (let i = 0; i < runs; i++) {
      // A new context each time: its cache starts empty, and the second visit uses it.
      const context = await browser.newContext();
      // The moment the mark appears, in the page's timeline.
      await context.addInitScript(() => {
        new MutationObserver((_, observer) => {
          if (document.body?.dataset.hydrated) {
            window.__interactive = performance.now();
            window.__interactiveAt = Date.now();
            observer.disconnect();
          }
        }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-hydrated'] });
      });
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      if (conditions) {
        await cdp.send('Network.emulateNetworkConditions', { offline: false, ...conditions });
      }
      let wire = 0;
      cdp.on('Network.loadingFinished', (e) => { wire += e.encodedDataLength; });
      const start = Date.now();
      await page.goto(base + path, { waitUntil: 'commit' });
      await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached', timeout: 60_000 });
      const [inPage, at] = await page.evaluate(() => [window.__interactive, window.__interactiveAt]);
      times.push(inPage);
      walls.push(at - start);
      await page.waitForLoadState('networkidle');
      bytes.push(wire);
      // The second visit: hashed assets come from the cache, only the page itself travels.
      wire = 0;
      await page.goto(base + path, { waitUntil: 'commit' });
      await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached', timeout: 60_000 });
      await page.waitForLoadState('networkidle');
      again.push(wire);
      await context.close();
    }
    console.log(
      `${profile.padEnd(14)} ${name.padEnd(20)} ${(median(bytes) / 1024).toFixed(0).padStart(6)} KB over the wire, interactive in ${(median(times) / 1000).toFixed(2)} s (wall clock ${(median(walls) / 1000).toFixed(2)} s, median of ${runs}); second visit ${(median(again) / 1024).toFixed(1)} KB`,
    );
  }
}
await browser.close();
