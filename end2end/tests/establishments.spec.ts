import { test, expect, Page } from '@playwright/test';

// Case 2 of the approval notice: the main establishment (demo BFR Rennes, 532 109 876 00013)
// enters from its « Agrément CFA » email, creates its account, attaches BFR Brest and invites it;
// Brest's signup shows the attachment; the main's space follows its state; detaching works.
// Uses only the BREIZH FORMATION ROUTE demo SIRETs.
const MAIN = '53210987600013';
const MAIN_GROUPED = '532 109 876 00013';
const MAIN_EMAIL = 'admin-rennes@example.fr';
const BREST = '53210987600021';
const BREST_EMAIL = 'bfr-brest-contact@example.fr';
const PASSWORD = 'Vélo-Cargo sur le Pont Neuf!';

async function hydrated(page: Page, path: string) {
  await page.goto(path);
  await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });
}

async function openMail(page: Page, subject: string | RegExp) {
  await page.goto('/dev/boite-mail');
  await page.getByRole('link', { name: subject }).first().click();
}

// Screenshots at phone and desktop widths, kept in end2end/screenshots/ for review.
async function shots(page: Page, name: string) {
  for (const width of [360, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: `screenshots/${width}-etab-${name}.png`, fullPage: true });
  }
}

async function fillIdentity(page: Page, org: string, email: string) {
  await page.getByLabel("Nom de l'organisme *").fill(org);
  await page.getByLabel('Nom *', { exact: true }).fill('Le Goff');
  await page.getByLabel('Prénom *').fill('Maël');
  await page.getByLabel('Adresse électronique *', { exact: true }).fill(email);
  await page.getByLabel('Confirmer votre adresse électronique *').fill(email);
}

async function login(page: Page) {
  await hydrated(page, '/connexion');
  await page.getByLabel('Adresse électronique *').fill(MAIN_EMAIL);
  await page.getByLabel('Mot de passe *', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page).toHaveURL(/\/espace$/);
  await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });
}

test.describe.configure({ mode: 'serial' });

test('the approval notice leads to the pre-filled signup of the main establishment', async ({ page }) => {
  await openMail(page, `Agrément CFA : organisme SIRET n° ${MAIN_GROUPED}`);
  const body = page.locator('body');
  await expect(body).toContainText(`Votre organisme SIRET n° ${MAIN_GROUPED} vient d'être agréé pour le type Voyageurs`);
  await expect(body).toContainText('FIMO Voyageurs');
  await expect(body).toContainText('Passerelle Voyageurs');
  await expect(body).toContainText('Deux cas possibles');
  await shots(page, '1-notification');
  await page.getByRole('link', { name: 'Hub Pro Transport' }).click();
  await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });
  await expect(page.getByLabel('Numéro de SIRET *')).toHaveValue('532 109 876 00013');
  await expect(page.locator('#siret-status')).toContainText('BREIZH FORMATION ROUTE');
  await fillIdentity(page, 'BFR Rennes', MAIN_EMAIL);
  await page.getByRole('button', { name: 'CRÉER' }).click();
  await expect(page.getByRole('heading', { name: 'Votre compte a bien été créé.' })).toBeVisible();

  await openMail(page, 'Hub Pro Transport : Créer mon mot de passe');
  const href = await page.getByRole('link', { name: 'Créer mon mot de passe' }).getAttribute('href');
  await hydrated(page, new URL(href!).pathname + new URL(href!).search);
  await page.getByRole('button', { name: 'Cliquer ici pour continuer' }).click();
  await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });
  await page.getByLabel('Nouveau mot de passe *').fill(PASSWORD);
  await page.getByLabel('Confirmer le mot de passe *').fill(PASSWORD);
  await page.getByRole('button', { name: 'Valider' }).click();
  await expect(page.getByRole('link', { name: "Revenir à l'application" })).toBeVisible();
});

test('the main establishment attaches Brest and invites its contact', async ({ page }) => {
  await login(page);
  const section = page.locator('#etablissements');
  await expect(section).toContainText('Aucun établissement rattaché');

  // Its own SIRET is refused next to the field, focus on it, the address kept.
  const siret = page.getByLabel("SIRET de l'établissement *");
  await siret.pressSequentially(MAIN);
  await expect(siret).toHaveValue('532 109 876 00013');
  await page.getByLabel('Adresse électronique du contact *').fill(BREST_EMAIL);
  await page.getByRole('button', { name: 'Rattacher et inviter' }).click();
  await expect(page.locator('#attach-siret-error')).toContainText('propre établissement');
  await expect(page.getByLabel("SIRET de l'établissement *")).toBeFocused();
  await expect(page.getByLabel('Adresse électronique du contact *')).toHaveValue(BREST_EMAIL);
  await shots(page, '2-refus');

  await page.getByLabel("SIRET de l'établissement *").fill('532 109 876 00021');
  await page.getByRole('button', { name: 'Rattacher et inviter' }).click();
  await expect(section.getByRole('status')).toContainText('une invitation à créer son compte a été envoyée à ' + BREST_EMAIL);
  const item = section.locator('.attachments li');
  await expect(item).toHaveCount(1);
  await expect(item).toContainText('BFR BREST');
  await expect(item).toContainText('532 109 876 00021');
  await expect(item).toContainText('Invitation envoyée');
  await expect(page.getByLabel("SIRET de l'établissement *")).toHaveValue('');
  await shots(page, '3-rattache');
});

test('the invitation opens a signup that shows the main establishment', async ({ page }) => {
  await openMail(page, 'Hub Pro Transport : invitation à créer le compte de votre établissement');
  await expect(page.locator('body')).toContainText('SIRET 532 109 876 00021 à son contrat');
  await page.getByRole('link', { name: 'Créer mon compte' }).click();
  await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });
  await expect(page.getByLabel('Numéro de SIRET *')).toHaveValue('532 109 876 00021');
  await expect(page.getByLabel('Adresse électronique *', { exact: true })).toHaveValue(BREST_EMAIL);
  await expect(page.locator('#siret-status')).toContainText(
    "Établissement rattaché au contrat de l'établissement principal BFR Rennes (SIRET 532 109 876 00013).");
  await shots(page, '4-inscription-rattachee');
  await fillIdentity(page, 'BFR Brest', BREST_EMAIL);
  await page.getByRole('button', { name: 'CRÉER' }).click();
  await expect(page.getByRole('heading', { name: 'Votre compte a bien été créé.' })).toBeVisible();
});

test('the space follows the state, and detaching asks for a confirmation', async ({ page }) => {
  await login(page);
  const item = page.locator('#etablissements .attachments li');
  await expect(item).toContainText('Compte créé, mot de passe à définir');
  await item.getByText('Détacher').click();
  await expect(item).toContainText('ne sera plus rattaché à votre contrat');
  await shots(page, '5-detacher');
  // The list is the server's markup: its form's submission reaches the island, no page load.
  await page.evaluate(() => { (window as any).samePage = true; });
  await item.getByRole('button', { name: 'Confirmer le détachement' }).click();
  await expect(page.locator('#etablissements')).toContainText('Aucun établissement rattaché');
  expect(await page.evaluate(() => (window as any).samePage)).toBe(true);
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('attaching works and a refusal keeps what was typed', async ({ page }) => {
    await page.goto('/connexion');
    await page.getByLabel('Adresse électronique *').fill(MAIN_EMAIL);
    await page.getByLabel('Mot de passe *', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await expect(page).toHaveURL(/\/espace$/);

    await page.getByLabel("SIRET de l'établissement *").fill('532 109 876 0003');
    await page.getByLabel('Adresse électronique du contact *').fill('quimper@example.fr');
    await page.getByRole('button', { name: 'Rattacher et inviter' }).click();
    await expect(page.locator('#attach-siret-error')).toContainText('14 chiffres');
    await expect(page.getByLabel('Adresse électronique du contact *')).toHaveValue('quimper@example.fr');

    await page.getByLabel("SIRET de l'établissement *").fill('532 109 876 00039');
    await page.getByRole('button', { name: 'Rattacher et inviter' }).click();
    await expect(page.locator('#etablissements .attachments li')).toContainText('BFR QUIMPER');
    await expect(page.locator('#etablissements .attachments li')).toContainText('Invitation envoyée');
  });
});
