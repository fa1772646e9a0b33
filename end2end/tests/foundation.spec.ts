import { test, expect } from '@playwright/test';

test('home page offers both ways in, in French', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveTitle(/Accueil · Hub Pro Transport/);
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
  await expect(page.getByRole('link', { name: 'Créer un compte' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Se connecter' })).toBeVisible();
});

test('home → Créer un compte → Centre de formation agréé reaches the signup form', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('link', { name: 'Créer un compte' }).click();
  await expect(page.getByRole('heading', { name: 'Créer un compte' })).toBeVisible();
  await page.getByRole('link', { name: /Centre de formation agréé/ }).click();
  await expect(page).toHaveURL(/\/inscription$/);
  await expect(page.getByRole('heading', { name: 'Créez votre compte' })).toBeVisible();
});

test('the page hydrates: the SIRET field regroups digits as they are typed', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto('/inscription');
  // Wait until the WASM has attached its handlers (the hydrate script runs after load).
  await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });
  const siret = page.getByLabel('Numéro de SIRET *');
  await siret.pressSequentially('47728084603753');
  await expect(siret).toHaveValue('477 280 846 03753');
  expect(errors).toEqual([]);
});

test('unknown addresses get the French 404 page with status 404', async ({ page }) => {
  const response = await page.goto('/nulle-part');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Page introuvable' })).toBeVisible();
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('pages render and links navigate', async ({ page }) => {
    await page.goto('/');
    await page.getByRole('link', { name: 'Créer un compte' }).click();
    await page.getByRole('link', { name: /Centre de formation agréé/ }).click();
    await expect(page.getByLabel('Numéro de SIRET *')).toBeVisible();
  });

  test('the approval email link pre-fills the SIRET, grouped', async ({ page }) => {
    await page.goto('/inscription?siret=47728084603753');
    await expect(page.getByLabel('Numéro de SIRET *')).toHaveValue('477 280 846 03753');
  });
});
