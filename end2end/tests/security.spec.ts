import { test, expect, Page } from '@playwright/test';

// The pages run under a strict Content-Security-Policy (per-response nonce, no inline script
// without it): they must hydrate, stream and submit without a single violation.

async function watch(page: Page) {
  const problems: string[] = [];
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as any).__violations = [...((window as any).__violations ?? []), `${e.violatedDirective} ${e.blockedURI}`];
    });
  });
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  return async () => {
    const violations = await page.evaluate(() => (window as any).__violations ?? []);
    expect(violations).toEqual([]);
    expect(problems.filter((p) => !p.includes('status of 4'))).toEqual([]);
  };
}

test('pages hydrate and work under the Content-Security-Policy, without a violation', async ({ page }) => {
  const check = await watch(page);
  const res = await page.goto('/inscription?siret=47728084603753');
  const policy = res!.headers()['content-security-policy'];
  expect(policy).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9_-]{22,}' 'wasm-unsafe-eval'/);
  expect(policy).not.toContain('unsafe-inline');
  expect(res!.headers()['x-content-type-options']).toBe('nosniff');
  await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });
  // Interactive after hydration: the live check streams in, typing regroups.
  await expect(page.locator('#siret-status')).toContainText('FORMATRANS');
  const siret = page.getByLabel('Numéro de SIRET *');
  await siret.fill('');
  await siret.pressSequentially('52345678900016');
  await expect(siret).toHaveValue('523 456 789 00016');
  await expect(page.locator('#siret-status')).toContainText('a cessé son activité');
  await check();

  await page.goto('/connexion');
  await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });
  await page.getByLabel('Adresse électronique *').fill('personne@example.fr');
  await page.getByLabel('Mot de passe *', { exact: true }).fill('Pas le bon mot de passe!');
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page.getByRole('alert')).toHaveAttribute('data-problem', 'login.bad_credentials');
  await check();
});

test('a page cannot be framed by another site', async ({ page }) => {
  const res = await page.goto('/');
  expect(res!.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(res!.headers()['x-frame-options']).toBe('DENY');
});
