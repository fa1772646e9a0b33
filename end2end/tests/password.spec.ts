import { test, expect, Page, Browser } from '@playwright/test';
import { hydrated, latestLink } from './journey';

// The password step never contradicts the user: the emailed link works on two devices until one
// saves, and the three passwords the page calls strong are accepted by the server. Uses the demo
// SIRET 641 287 935 00028 (ROUTE ACADEMIE, Vichy).
const SIRET = '64128793500028';
const EMAIL = 'vichy-admin@example.fr';
const STRONG = ['Transport-Lille!2026x', 'Formation2026!Nantes', 'Nouveau-Secret#2026'];

/** Opens the link, « Cliquer ici pour continuer », and waits for the hydrated password form. */
async function passwordPage(browser: Browser, link: string): Promise<Page> {
  const page = await (await browser.newContext({ locale: 'fr-FR' })).newPage();
  await hydrated(page, link);
  await page.getByRole('button', { name: 'Cliquer ici pour continuer' }).click();
  await expect(page).toHaveURL(/\/mot-de-passe\/nouveau$/);
  await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });
  return page;
}

/** Types `password` twice and checks that the page calls it acceptable before « Valider ». */
async function typeStrong(page: Page, password: string) {
  await page.getByLabel('Nouveau mot de passe *').fill(password);
  await page.getByLabel('Confirmer le mot de passe *').fill(password);
  const rules = page.locator('#password-rules li');
  for (let i = 0; i < 4; i++) await expect(rules.nth(i)).toHaveClass(/met/);
  await expect(page.locator('.strength')).toBeVisible();
  await expect(page.locator('#password-policy')).toBeHidden();
  await expect(page.getByRole('button', { name: 'Valider' })).toBeEnabled();
}

test.describe.configure({ mode: 'serial' });

test('one link on two devices works until one of them saves', async ({ page, browser }) => {
  await hydrated(page, `/inscription?siret=${SIRET}`);
  await expect(page.locator('#siret-status')).toContainText('ROUTE ACADEMIE');
  await page.getByLabel("Nom de l'organisme *").fill('Route Académie Vichy');
  await page.getByLabel('Nom *', { exact: true }).fill('Martin');
  await page.getByLabel('Prénom *').fill('Léa');
  await page.getByLabel('Adresse électronique *', { exact: true }).fill(EMAIL);
  await page.getByLabel('Confirmer votre adresse électronique *').fill(EMAIL);
  await page.getByRole('button', { name: 'CRÉER' }).click();
  await expect(page.getByRole('heading', { name: 'Votre compte a bien été créé.' })).toBeVisible();
  const link = await latestLink(page, 'Hub Pro Transport : Créer mon mot de passe');

  // The office computer continues, then the tab is left; the same email opened on a phone.
  const office = await passwordPage(browser, link);
  const phone = await passwordPage(browser, link);
  await typeStrong(phone, STRONG[0]);
  await phone.getByRole('button', { name: 'Valider' }).click();
  await expect(phone.getByRole('heading', { name: 'Votre mot de passe a bien été enregistré.' })).toBeVisible();

  // The office tab comes back: its flow ended with the save.
  await typeStrong(office, STRONG[0]);
  await office.getByRole('button', { name: 'Valider' }).click();
  await expect(office.getByRole('alert')).toContainText("n'est plus valable");
  await hydrated(office, link);
  await expect(office.getByRole('heading', { name: 'Lien expiré ou déjà utilisé' })).toBeVisible();
});

for (const password of STRONG.slice(1)) {
  test(`« ${password} » is called strong and the server agrees`, async ({ page, browser }) => {
    await hydrated(page, '/mot-de-passe-oublie');
    await page.getByLabel('Adresse électronique *').fill(EMAIL);
    await page.getByRole('button', { name: 'Recevoir un lien' }).click();
    await expect(page.getByRole('status')).toContainText('Si un compte existe');
    const link = await latestLink(page, 'Hub Pro Transport : nouveau lien pour votre mot de passe');
    const form = await passwordPage(browser, link);
    await typeStrong(form, password);
    await form.getByRole('button', { name: 'Valider' }).click();
    await expect(form.getByRole('heading', { name: 'Votre mot de passe a bien été enregistré.' })).toBeVisible();
  });
}
