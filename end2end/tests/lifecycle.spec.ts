import { test, expect, Page } from '@playwright/test';
import { readFileSync } from 'fs';
import { hydrated, latestLink, noViolation } from './journey';

// The account outlives its first administrator, on a demo SIRET no other spec uses: the centre
// downloads its data, hands the account over from the space, its approvals' address designates
// the next administrator when the account's address is gone, and the last one closes the
// account; the SIRET can then be signed up for again.
const SIRET = '39158274900019';
const OFFICIAL = 'cfa-bourgogne@example.fr';
const FIRST = 'admin-dijon@example.fr';
const SECOND = 'lea.martin@example.fr';
const THIRD = 'marc.petit@example.fr';
const PASSWORD = 'Vélo-Cargo sur le Pont Neuf!';

test.describe.configure({ mode: 'serial' });
// Its own client address (the test server trusts the loopback proxy): its logins do not spend
// the per-address budget of the specs that follow.
test.use({ extraHTTPHeaders: { 'x-forwarded-for': '203.0.113.23' } });

/** The page as it stands at phone and desktop widths, kept in end2end/screenshots/ for review. */
async function shots(page: Page, name: string) {
  for (const width of [360, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: `screenshots/${width}-vie-${name}.png`, fullPage: true });
  }
}

/** Opens the newest dev-mailbox email to `to` whose subject holds `subject`. */
async function openEmail(page: Page, to: string, subject: string) {
  await page.goto('/dev/boite-mail');
  const item = page.locator('li').filter({ hasText: subject }).filter({ hasText: `à ${to}` }).first();
  await item.getByRole('link').click();
}

/** The path (and query) of the link `name` in the newest email to `to` about `subject`. */
async function emailedLink(page: Page, to: string, subject: string, name: string): Promise<string> {
  await openEmail(page, to, subject);
  const href = await page.getByRole('link', { name }).getAttribute('href');
  const url = new URL(href!);
  return url.pathname + url.search;
}

/** « Cliquer ici pour continuer », the password twice, « Valider ». */
async function setPassword(page: Page, link: string) {
  await hydrated(page, link);
  await page.getByRole('button', { name: 'Cliquer ici pour continuer' }).click();
  await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });
  await page.getByLabel('Nouveau mot de passe *').fill(PASSWORD);
  await page.getByLabel('Confirmer le mot de passe *').fill(PASSWORD);
  await page.getByRole('button', { name: 'Valider' }).click();
  await expect(page.getByRole('heading', { name: 'Votre mot de passe a bien été enregistré.' })).toBeVisible();
}

async function logIn(page: Page, email: string) {
  await hydrated(page, '/connexion');
  await page.getByLabel('Adresse électronique *').fill(email);
  await page.getByLabel('Mot de passe *', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
}

async function logOut(page: Page) {
  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  await expect(page).toHaveURL(/\/connexion$/);
}

/** The successor's Nom, Prénom and address typed twice, as on both handover forms. */
async function fillSuccessor(page: Page, last: string, first: string, email: string) {
  await page.getByLabel('Nom du nouvel administrateur *', { exact: true }).fill(last);
  await page.getByLabel('Prénom du nouvel administrateur *', { exact: true }).fill(first);
  await page.getByLabel('Adresse électronique du nouvel administrateur *', { exact: true }).fill(email);
  await page.getByLabel("Confirmez l'adresse électronique *", { exact: true }).fill(email);
}

test('the centre downloads its data, then hands its account over from the space', async ({ page, request }) => {
  const signup = await request.post('/api/creer-compte', {
    form: {
      siret: SIRET, organisation: 'CFA Bourgogne Route', last_name: 'Dupont', first_name: 'Claire',
      email: FIRST, email_confirmation: FIRST,
    },
  });
  expect(signup.status()).toBe(200);
  await setPassword(page, await latestLink(page, 'Hub Pro Transport : Créer mon mot de passe'));
  await logIn(page, FIRST);
  await expect(page).toHaveURL(/\/espace$/);

  // « Télécharger mes données »: a JSON file with the SIRET and the address.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Télécharger mes données' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(new RegExp(`^hub-pro-transport-donnees-${SIRET}-.*\\.json$`));
  const data = JSON.parse(readFileSync((await download.path())!, 'utf8'));
  expect(data.account.siret).toBe(SIRET);
  expect(data.account.email).toBe(FIRST);

  // « Changer d'administrateur »: a mistyped confirmation keeps what was typed.
  await page.getByRole('link', { name: "Changer d'administrateur" }).click();
  await expect(page).toHaveURL(/\/espace\/administrateur$/);
  await fillSuccessor(page, 'Martin', 'Léa', SECOND);
  await page.getByLabel("Confirmez l'adresse électronique *").fill('lea.martin@exemple.fr');
  await page.getByRole('button', { name: 'Envoyer le lien au nouvel administrateur' }).click();
  await expect(page.locator('#email_confirmation-error')).toBeVisible();
  await expect(page.getByLabel('Nom du nouvel administrateur *', { exact: true })).toHaveValue('Martin');
  await noViolation(page, 'handover form with a refusal');
  await shots(page, '1-changer-administrateur-erreur');
  await page.getByLabel("Confirmez l'adresse électronique *").fill(SECOND);
  await page.getByRole('button', { name: 'Envoyer le lien au nouvel administrateur' }).click();
  await expect(page.locator('[data-handover="waiting"]')).toContainText(SECOND);
  await noViolation(page, 'handover waiting');
  await shots(page, '2-changement-en-attente');
  await page.getByRole('link', { name: 'Revenir à mon espace' }).click();
  await logOut(page);

  // The new address sets its password through the same step as a signup, and reaches the space.
  await setPassword(page, await latestLink(page, 'Hub Pro Transport : Créer mon mot de passe'));
  await logIn(page, SECOND);
  await expect(page).toHaveURL(/\/espace$/);
  await expect(page.locator('main')).toContainText(SECOND);
  await expect(page.locator('main')).toContainText('Léa Martin');
  await shots(page, '3-espace-nouvel-administrateur');
  await logOut(page);

  // The old address is refused; it and the approvals' address were told.
  await logIn(page, FIRST);
  await expect(page.getByRole('alert')).toHaveAttribute('data-problem', 'login.bad_credentials');
  for (const to of [FIRST, OFFICIAL]) {
    await openEmail(page, to, "le compte a changé d'administrateur");
    await expect(page.locator('body')).toContainText('l***@example.fr');
  }
});

test("the approvals' address designates the next administrator when the address is gone", async ({ page }) => {
  await hydrated(page, '/connexion');
  await page.getByRole('link', { name: "Je n'ai plus accès à l'adresse du compte" }).click();
  await expect(page).toHaveURL(/\/acces-perdu$/);
  await page.getByLabel('Numéro de SIRET *').fill('391 582 749 00019');
  await page.getByRole('button', { name: 'Envoyer le lien au centre' }).click();
  await expect(page.getByRole('status')).toContainText('auxquelles la DREAL notifie les agréments du centre');
  await noViolation(page, 'lost address, sent');
  await shots(page, '4-acces-perdu-envoye');

  const link = await emailedLink(page, OFFICIAL, 'désigner le nouvel administrateur', 'Désigner le nouvel administrateur');
  await page.goto(link);
  await fillSuccessor(page, 'Petit', 'Marc', THIRD);
  await noViolation(page, 'designation form');
  await shots(page, '5-designer-administrateur');
  await page.getByRole('button', { name: 'Désigner le nouvel administrateur' }).click();
  await expect(page.getByRole('status')).toContainText('un lien va être envoyé au nouvel administrateur');

  // The current administrator was told and could cancel; the new one takes the account over.
  await openEmail(page, SECOND, "un changement d'administrateur a été demandé");
  await setPassword(page, await latestLink(page, 'Hub Pro Transport : Créer mon mot de passe'));
  await logIn(page, THIRD);
  await expect(page).toHaveURL(/\/espace$/);
  await expect(page.locator('main')).toContainText(THIRD);
});

test('the administrator closes the account, and the SIRET can be signed up for again', async ({ page }) => {
  await logIn(page, THIRD);
  await expect(page).toHaveURL(/\/espace$/);
  await page.getByRole('link', { name: 'Clôturer le compte' }).click();
  await expect(page).toHaveURL(/\/espace\/cloture$/);
  await noViolation(page, 'closure page');
  await shots(page, '6-cloture');
  await page.getByRole('button', { name: 'Clôturer définitivement le compte' }).click();
  await expect(page).toHaveURL(/\/compte-cloture$/);
  await expect(page.getByRole('heading', { name: 'Votre compte a été clôturé.' })).toBeVisible();
  await shots(page, '7-compte-cloture');
  await openEmail(page, THIRD, 'votre compte a été clôturé');

  // The session is over; the SIRET is free again.
  await page.goto('/espace');
  await expect(page).toHaveURL(/\/connexion$/);
  await hydrated(page, `/inscription?siret=${SIRET}`);
  await expect(page.locator('body')).toContainText('CFA BOURGOGNE ROUTE');
  await page.getByLabel('Nom de l\'organisme *').fill('CFA Bourgogne Route');
  await page.getByLabel('Nom *', { exact: true }).fill('Durand');
  await page.getByLabel('Prénom *').fill('Anne');
  await page.getByLabel('Adresse électronique *', { exact: true }).fill(OFFICIAL);
  await page.getByLabel('Confirmer votre adresse électronique *').fill(OFFICIAL);
  await page.getByRole('button', { name: 'CRÉER' }).click();
  await expect(page).toHaveURL(/\/inscription\/confirmee/);
});

test('the legal pages are linked from every page', async ({ page }) => {
  for (const [link, heading] of [
    ['Accessibilité : non conforme', "Déclaration d'accessibilité"],
    ['Données personnelles', 'Données personnelles'],
    ['Mentions légales', 'Mentions légales'],
  ]) {
    await page.goto('/inscription');
    await page.getByRole('contentinfo').getByRole('link', { name: link }).click();
    await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
    await noViolation(page, heading);
    await shots(page, `8-${heading.replace(/[^a-z]/gi, '-').toLowerCase()}`);
  }
  await expect(page.locator('main')).toContainText('Directeur de la publication');
});
