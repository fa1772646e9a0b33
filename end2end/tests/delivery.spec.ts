import { test, expect } from '@playwright/test';

// What a browser receives on a first and a second visit: hashed front-end files, precompressed,
// kept for a year; pages compressed and never kept without revalidation.
test('front-end files come compressed with hashed names and a year of cache', async ({ page }) => {
  const assets: { url: string; encoding?: string; cache?: string; vary?: string }[] = [];
  page.on('response', (r) => {
    if (new URL(r.url()).pathname.startsWith('/pkg/')) {
      const h = r.headers();
      assets.push({ url: r.url(), encoding: h['content-encoding'], cache: h['cache-control'], vary: h['vary'] });
    }
  });
  const response = await page.goto('/inscription');
  await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });
  const html = response!.headers();
  expect(html['content-encoding']).toBe('br');
  expect(html['cache-control']).toBe('no-cache');
  const kinds = assets.map((a) => a.url.split('.').pop()).sort();
  expect(kinds).toEqual(['css', 'js', 'wasm']);
  for (const a of assets) {
    // The stylesheet is every page's; the script and the WASM are the signup page's own.
    const name = a.url.endsWith('.css') ? 'hubpro' : 'hubpro-signup';
    expect(a.url, 'content hash in the name').toMatch(new RegExp(`/pkg/${name}\\.[A-Za-z0-9_-]{8,}\\.(css|js|wasm)$`));
    expect(a.encoding, a.url).toBe('br');
    expect(a.cache, a.url).toBe('public, max-age=31536000, immutable');
    expect(a.vary, a.url).toContain('accept-encoding');
  }
});

test('a second visit transfers nothing but the page', async ({ page }) => {
  await page.goto('/inscription');
  await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });
  await page.waitForLoadState('networkidle');
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const urls = new Map<string, string>();
  const bytes = new Map<string, number>();
  cdp.on('Network.requestWillBeSent', (e) => urls.set(e.requestId, new URL(e.request.url).pathname));
  cdp.on('Network.loadingFinished', (e) => {
    const path = urls.get(e.requestId) ?? '?';
    bytes.set(path, (bytes.get(path) ?? 0) + e.encodedDataLength);
  });
  await page.goto('/connexion');
  await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });
  await page.waitForLoadState('networkidle');
  expect(bytes.get('/connexion') ?? 0).toBeGreaterThan(0);
  // Scripts, styles and WASM come from the browser's cache: no byte over the wire.
  const others = [...bytes].filter(([p]) => p.startsWith('/pkg/'));
  for (const [path, n] of others) expect(n, path).toBe(0);
});

test('a file under /pkg that does not exist is a 404 nobody keeps', async ({ request }) => {
  const r = await request.get('/pkg/hubpro.AAAAAAAAAAAA.wasm');
  expect(r.status()).toBe(404);
  expect(r.headers()['cache-control']).toBe('no-cache');
});
