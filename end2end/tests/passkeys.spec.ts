import { test, expect, Page, CDPSession } from '@playwright/test';
import { passkeyURL } from '../playwright.config';
import { hydrated, latestLink, noViolation } from './journey';

// Passkeys through Chromium's virtual authenticator (CDP WebAuthn domain): one added from the
// space, then used as the login's second factor and as a one-step sign-in. Runs against the
// second server, whose public URL is on `localhost` (browsers refuse passkeys on an IP address).
test.use({ baseURL: passkeyURL });
test.describe.configure({ mode: 'serial' });

const SIRET = '47728084603753';
const EMAIL = 'cle-d-acces@example.fr';
const PASSWORD = 'Vélo-Cargo sur le Pont Neuf!';

/** A platform authenticator that keeps discoverable credentials and verifies its user. */
async function authenticator(page: Page): Promise<CDPSession> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return cdp;
}

async function passwordStep(page: Page) {
  await hydrated(page, '/connexion');
  await page.getByLabel('Adresse électronique *').fill(EMAIL);
  await page.getByLabel('Mot de passe *', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Se connecter', exact: true }).click();
}

async function logOut(page: Page) {
  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  await expect(page).toHaveURL(/\/connexion$/);
}

test('a passkey is added from the space, then opens the account as second factor and alone', async ({ page, request }) => {
  await authenticator(page);
  const signup = await request.post('/api/creer-compte', {
    form: {
      siret: SIRET, organisation: 'Formatrans', last_name: 'Martin', first_name: 'Léa',
      email: EMAIL, email_confirmation: EMAIL,
    },
  });
  expect(signup.status()).toBe(200);
  const link = await latestLink(page, 'Hub Pro Transport : Créer mon mot de passe');
  await hydrated(page, link);
  await page.getByRole('button', { name: 'Cliquer ici pour continuer' }).click();
  await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });
  await page.getByLabel('Nouveau mot de passe *').fill(PASSWORD);
  await page.getByLabel('Confirmer le mot de passe *').fill(PASSWORD);
  await page.getByRole('button', { name: 'Valider' }).click();
  await expect(page.getByRole('heading', { name: 'Votre mot de passe a bien été enregistré.' })).toBeVisible();

  // Added from the space: the first second factor, so its recovery codes follow.
  await passwordStep(page);
  await expect(page).toHaveURL(/\/espace$/);
  const card = page.getByRole('region', { name: 'Double authentification' });
  await card.getByLabel('Nom de la nouvelle clé (facultatif)').fill('Ordinateur du bureau');
  await card.getByRole('button', { name: "Ajouter une clé d'accès" }).click();
  await expect(page).toHaveURL(/\/espace\/codes-de-secours$/);
  await expect(page.locator('.recovery-codes code')).toHaveCount(10);
  await page.goto('/espace');
  await expect(card.locator('[data-factor="on"]')).toBeVisible();
  await expect(card.getByRole('listitem').filter({ hasText: 'Ordinateur du bureau' })).toContainText('jamais utilisée');
  await noViolation(page, 'space with a passkey');
  for (const width of [360, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: `screenshots/${width}-24-espace-cle-d-acces.png`, fullPage: true });
  }
  await logOut(page);

  // The login's second step, with the passkey.
  await passwordStep(page);
  await expect(page).toHaveURL(/\/connexion\/code$/);
  await page.getByRole('button', { name: "Utiliser plutôt une clé d'accès" }).click();
  await expect(page).toHaveURL(/\/espace$/);
  await expect(card.getByRole('listitem').filter({ hasText: 'Ordinateur du bureau' })).toContainText('utilisée le');
  await logOut(page);

  // One step: no address, no password.
  await hydrated(page, '/connexion');
  for (const width of [360, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: `screenshots/${width}-25-connexion-cle-d-acces.png`, fullPage: true });
  }
  await page.getByRole('button', { name: "Se connecter avec une clé d'accès" }).click();
  await expect(page).toHaveURL(/\/espace$/);
  await expect(page.getByRole('heading', { name: 'Formatrans' })).toBeVisible();

  await page.goto('/dev/boite-mail');
  await expect(page.getByRole('link', { name: "Hub Pro Transport : clé d'accès ajoutée" })).toBeVisible();
});

test('without a passkey on the device, the sign-in says so and the password still works', async ({ page }) => {
  // A browser whose authenticator holds no passkey of this site.
  await authenticator(page);
  await hydrated(page, '/connexion');
  await page.getByRole('button', { name: "Se connecter avec une clé d'accès" }).click();
  await expect(page.locator('#passkey-sign-in-status')).not.toBeEmpty();
  await expect(page).toHaveURL(/\/connexion$/);
});
