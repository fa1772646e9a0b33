import { test, expect, Page } from '@playwright/test';
import { hydrated } from './journey';

// « Ce n'est pas nous »: someone asks for a centre's account with their own address; the
// centre's official address (the DREAL's file) is told, suspends it, and the centre signs up.
const SIRET = '82917364500013';
const OFFICIAL = 'direction@cfa-atlantique.example.fr';
const SQUATTER = 'intrus-atlantique@example.fr';

async function signUp(page: Page, email: string) {
  await hydrated(page, `/inscription?siret=${SIRET}`);
  await expect(page.locator('#siret-status')).toContainText('CFA ATLANTIQUE TRANSPORT');
  await page.getByLabel('Nom *', { exact: true }).fill('Durand');
  await page.getByLabel('Prénom *').fill('Yann');
  await page.getByLabel('Adresse électronique *', { exact: true }).fill(email);
  await page.getByLabel('Confirmer votre adresse électronique *').fill(email);
  await page.getByRole('button', { name: 'CRÉER' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Votre compte a bien été créé.');
}

test('the official address says « Ce n\'est pas nous » and the centre signs up', async ({ page }) => {
  await signUp(page, SQUATTER);

  // The SIRET is held, and the page says so without naming the address.
  await hydrated(page, '/inscription');
  await page.getByLabel('Numéro de SIRET *').pressSequentially(SIRET);
  await expect(page.locator('#siret-status')).toContainText('en attente de confirmation pour ce SIRET');
  await expect(page.locator('#siret-status')).not.toContainText(SQUATTER);

  // The official address's notice, in the dev mailbox.
  await page.goto('/dev/boite-mail');
  await page
    .getByRole('listitem')
    .filter({ hasText: OFFICIAL })
    .getByRole('link', { name: /un compte administrateur a été demandé pour votre SIRET/ })
    .click();
  await expect(page.locator('body')).toContainText('i***@example.fr');
  await expect(page.locator('body')).not.toContainText(SQUATTER);
  const href = await page.getByRole('link', { name: 'Suspendre ce compte' }).getAttribute('href');
  expect(href).toMatch(/\/ce-n-est-pas-nous\?jeton=[0-9a-f]{64}$/);
  const link = new URL(href!);

  // Opening the link shows a page; the button suspends.
  await hydrated(page, link.pathname + link.search);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Cette demande ne vient pas de votre centre ?');
  await page.screenshot({ path: 'screenshots/1280-pas-nous-confirmer.png', fullPage: true });
  await page.getByRole('button', { name: 'Suspendre ce compte' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Le compte a été suspendu.');
  await page.screenshot({ path: 'screenshots/1280-pas-nous.png', fullPage: true });

  // Single use.
  await hydrated(page, link.pathname + link.search);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Lien expiré ou déjà utilisé');

  // The SIRET is free: the centre signs up with its official address.
  await signUp(page, OFFICIAL);
});

test.describe('at 360 px', () => {
  test.use({ viewport: { width: 360, height: 800 } });
  test('the « Ce n\'est pas nous » page with a dead link', async ({ page }) => {
    await hydrated(page, `/ce-n-est-pas-nous?jeton=${'0'.repeat(64)}`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Lien expiré ou déjà utilisé');
    await page.screenshot({ path: 'screenshots/360-pas-nous-lien-mort.png', fullPage: true });
  });
});
