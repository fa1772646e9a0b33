import { test, expect, Page } from '@playwright/test';
import { createHmac } from 'crypto';
import { hydrated, latestLink, noViolation } from './journey';

// The authenticator app from the space: set up with a code computed here from the secret the
// page shows (as a phone would), then the login's second step refuses a wrong and a replayed
// code and takes the right one; a recovery code works once. Runs last (file order) on a demo
// SIRET no other spec signs up.
const SIRET = '73456789100019';
const EMAIL = 'deux-etapes@example.fr';
const PASSWORD = 'Vélo-Cargo sur le Pont Neuf!';

test.describe.configure({ mode: 'serial' });

/** RFC 4648 base 32, as authenticator apps read the secret. */
function base32(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const c of text.replace(/[\s=]/g, '')) {
    value = (value << 5) | alphabet.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** RFC 6238: the 6-digit code of the 30-second step `offset` steps from now. */
function totp(secret: string, offset = 0): string {
  const counter = Math.floor(Date.now() / 1000 / 30) + offset;
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const hash = createHmac('sha1', base32(secret)).update(message).digest();
  const at = hash[19] & 15;
  const n = (((hash[at] & 127) << 24) | (hash[at + 1] << 16) | (hash[at + 2] << 8) | hash[at + 3]) % 1_000_000;
  return n.toString().padStart(6, '0');
}

let secret = '';
let firstCode = '';
let recovery: string[] = [];

async function passwordStep(page: Page) {
  await hydrated(page, '/connexion');
  await page.getByLabel('Adresse électronique *').fill(EMAIL);
  await page.getByLabel('Mot de passe *', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
}

async function logOut(page: Page) {
  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  await expect(page).toHaveURL(/\/connexion$/);
}

test('the authenticator app is set up from the space', async ({ page, request }) => {
  const signup = await request.post('/api/creer-compte', {
    form: {
      siret: SIRET, organisation: 'CFA Deux Étapes', last_name: 'Martin', first_name: 'Léa',
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

  await passwordStep(page);
  await expect(page).toHaveURL(/\/espace$/);
  const card = page.getByRole('region', { name: 'Double authentification' });
  await expect(card).toContainText('Désactivée');
  await card.getByRole('button', { name: 'Activer la double authentification' }).click();
  await expect(page).toHaveURL(/\/espace\/double-authentification$/);
  await expect(page.getByRole('img', { name: /QR code/ })).toBeVisible();
  const shown = (await page.locator('code.secret').textContent())!;
  expect(shown).toMatch(/^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$/);
  secret = shown.replace(/ /g, '');
  await noViolation(page, 'authenticator set-up page');
  for (const width of [360, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: `screenshots/${width}-20-double-authentification.png`, fullPage: true });
  }

  const code = page.getByLabel("Code à 6 chiffres affiché par l'application *");
  await code.fill('000000');
  await page.getByRole('button', { name: 'Confirmer' }).click();
  await expect(page.locator('[data-problem="second_factor.invalid"]')).toBeVisible();
  firstCode = totp(secret);
  await page.getByLabel("Code à 6 chiffres affiché par l'application *").fill(firstCode);
  await page.getByRole('button', { name: 'Confirmer' }).click();

  await expect(page).toHaveURL(/\/espace\/codes-de-secours$/);
  const codes = page.locator('.recovery-codes code');
  await expect(codes).toHaveCount(10);
  recovery = await codes.allTextContents();
  for (const c of recovery) expect(c).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/);
  const download = page.getByRole('link', { name: 'Télécharger les codes (fichier texte)' });
  await expect(download).toHaveAttribute('download', 'codes-de-secours-hub-pro-transport.txt');
  expect(decodeURIComponent((await download.getAttribute('href'))!)).toContain(recovery[0]);
  await noViolation(page, 'recovery codes page');
  for (const width of [360, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: `screenshots/${width}-21-codes-de-secours.png`, fullPage: true });
  }
  await page.getByRole('link', { name: "J'ai noté mes codes, revenir à mon espace" }).click();
  await expect(card).toContainText('Il vous reste 10 codes de secours.');
  for (const width of [360, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: `screenshots/${width}-22-espace-double-authentification.png`, fullPage: true });
  }
  // Shown once.
  await page.goto('/espace/codes-de-secours');
  await expect(page.locator('.recovery-codes code')).toHaveCount(0);
  await expect(page.getByText('ont déjà été affichés')).toBeVisible();

  await page.goto('/dev/boite-mail');
  await expect(page.getByRole('link', { name: 'Hub Pro Transport : double authentification activée' })).toBeVisible();
});

test('the login asks for a code: wrong and replayed refused, the right one accepted', async ({ page }) => {
  await passwordStep(page);
  await expect(page).toHaveURL(/\/connexion\/code$/);
  await noViolation(page, 'login code page');
  for (const width of [360, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: `screenshots/${width}-23-connexion-code.png`, fullPage: true });
  }
  // Without the code, the space stays closed.
  await page.goto('/espace');
  await expect(page).toHaveURL(/\/connexion$/);
  await passwordStep(page);
  await expect(page).toHaveURL(/\/connexion\/code$/);

  const appCode = page.getByLabel("Code à 6 chiffres de votre application d'authentification *");
  for (const wrong of ['000000', firstCode]) {
    await appCode.fill(wrong);
    await page.getByRole('button', { name: 'Valider' }).click();
    await expect(page).toHaveURL(/\/connexion\/code/);
    await expect(page.locator('[data-problem="second_factor.invalid"]')).toBeVisible();
  }
  await page.getByLabel("Code à 6 chiffres de votre application d'authentification *").fill(totp(secret, 1));
  await page.getByRole('button', { name: 'Valider' }).click();
  await expect(page).toHaveURL(/\/espace$/);
  await logOut(page);
});

test('a recovery code opens the account once', async ({ page }) => {
  for (const expected of ['/espace', 'refused']) {
    await passwordStep(page);
    await expect(page).toHaveURL(/\/connexion\/code$/);
    await page.getByLabel('Code de secours *').fill(recovery[0].toLowerCase());
    await page.getByRole('button', { name: 'Utiliser ce code de secours' }).click();
    if (expected === '/espace') {
      await expect(page).toHaveURL(/\/espace$/);
      await expect(page.getByRole('region', { name: 'Double authentification' })).toContainText('Il vous reste 9 codes de secours.');
      await logOut(page);
    } else {
      await expect(page.locator('[data-problem="second_factor.invalid"]')).toBeVisible();
    }
  }
  await page.goto('/dev/boite-mail');
  await expect(page.getByRole('link', { name: 'Hub Pro Transport : un code de secours a été utilisé' })).toBeVisible();
});
