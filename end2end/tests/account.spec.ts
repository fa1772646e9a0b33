import { test, expect, Page } from '@playwright/test';
import { hydrated, latestLink, noViolation } from './journey';

// The whole journey after signup: the email link, the password, login, the space, logout,
// the forgotten password. Uses the demo SIRET 612 345 678 00009 (CFA RHONE TRANSPORT).
const SIRET = '61234567800009';
const EMAIL = 'cfa-lyon@example.fr';
const PASSWORD = 'Vélo-Cargo sur le Pont Neuf!';

test.describe.configure({ mode: 'serial' });

let firstLink = '';

test('signup, then the email link opens « Créer mon mot de passe »', async ({ page }) => {
  await hydrated(page, `/inscription?siret=${SIRET}`);
  await expect(page.locator('#siret-status')).toContainText('CFA RHONE TRANSPORT');
  await page.getByLabel("Nom de l'organisme *").fill('CFA Lyon Transport');
  await page.getByLabel('Nom *', { exact: true }).fill('Martin');
  await page.getByLabel('Prénom *').fill('Léa');
  await page.getByLabel('Adresse électronique *', { exact: true }).fill(EMAIL);
  await page.getByLabel('Confirmer votre adresse électronique *').fill(EMAIL);
  await page.getByRole('button', { name: 'CRÉER' }).click();
  await expect(page.getByRole('heading', { name: 'Votre compte a bien été créé.' })).toBeVisible();

  firstLink = await latestLink(page, 'Hub Pro Transport : Créer mon mot de passe');
  // Opening the link (as a mail scanner would) does not use it.
  await page.goto(firstLink);
  await page.goto(firstLink);
  await expect(page.getByRole('heading', { name: 'Créer mon mot de passe' })).toBeVisible();
  await expect(page.getByText('Cette étape est indispensable pour accéder à votre espace.')).toBeVisible();
});

test('password page: checklist, eye toggle, Valider enabled only when both match', async ({ page }) => {
  await hydrated(page, firstLink);
  await page.getByRole('button', { name: 'Cliquer ici pour continuer' }).click();
  await expect(page).toHaveURL(/\/mot-de-passe\/nouveau$/);
  await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });
  await expect(page.getByRole('heading', { name: 'Personnalisez votre mot de passe' })).toBeVisible();

  const valider = page.getByRole('button', { name: 'Valider' });
  const password = page.getByLabel('Nouveau mot de passe *');
  const confirmation = page.getByLabel('Confirmer le mot de passe *');
  await expect(valider).toBeDisabled();

  await password.fill('abc');
  const rules = page.locator('#password-rules li');
  await expect(rules.nth(0)).not.toHaveClass(/met/);
  await expect(rules.nth(2)).toHaveClass(/met/); // 1 minuscule
  await password.fill(PASSWORD);
  for (let i = 0; i < 4; i++) await expect(rules.nth(i)).toHaveClass(/met/);
  await expect(page.locator('.strength')).toContainText('très forte');

  const eye = page.getByRole('button', { name: 'Afficher le mot de passe' }).first();
  await expect(password).toHaveAttribute('type', 'password');
  await eye.click();
  await expect(password).toHaveAttribute('type', 'text');
  await expect(page.getByRole('button', { name: 'Masquer le mot de passe' }).first()).toHaveAttribute('aria-pressed', 'true');

  await confirmation.fill(PASSWORD + 'x');
  await expect(valider).toBeDisabled();
  await expect(page.locator('#confirmation-status')).toContainText('ne sont pas identiques');
  await confirmation.fill(PASSWORD);
  await expect(page.locator('#confirmation-status')).toContainText('identiques');
  await expect(valider).toBeEnabled();

  // A common password meets the four rules: the page says at once what the server would say.
  await password.fill('Motdepasse2024!');
  await confirmation.fill('Motdepasse2024!');
  await expect(page.locator('#password-policy')).toContainText('trop courant');
  await expect(page.locator('.strength')).toBeHidden();
  await expect(valider).toBeDisabled();

  await password.fill(PASSWORD);
  await confirmation.fill(PASSWORD);
  await valider.click();
  await expect(page.getByRole('heading', { name: 'Votre mot de passe a bien été enregistré.' })).toBeVisible();
  await page.getByRole('link', { name: "Revenir à l'application" }).click();
  await expect(page).toHaveURL(/\/connexion$/);
  await expect(page.getByRole('heading', { name: 'Connectez-vous' })).toBeVisible();
});

test('a used link offers a new one', async ({ page }) => {
  await page.goto(firstLink);
  await expect(page.getByRole('heading', { name: 'Lien expiré ou déjà utilisé' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Recevoir un nouveau lien' })).toHaveAttribute('href', '/mot-de-passe-oublie');
});

test('login, the administrator space, logout', async ({ page }) => {
  await hydrated(page, '/espace');
  await expect(page).toHaveURL(/\/connexion$/);
  await page.getByLabel('Adresse électronique *').fill(EMAIL);
  await page.getByLabel('Mot de passe *', { exact: true }).fill('Mauvais mot de passe!');
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page.locator('#login-error [role="alert"]')).toHaveAttribute('data-problem', 'login.bad_credentials');
  await expect(page.getByLabel('Adresse électronique *')).toHaveValue(EMAIL);

  await page.getByLabel('Mot de passe *', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page).toHaveURL(/\/espace$/);
  await expect(page.getByRole('heading', { name: 'CFA Lyon Transport' })).toBeVisible();
  await expect(page.locator('main')).toContainText('612 345 678 00009');
  await expect(page.locator('main')).toContainText('9 QUAI CLAUDE BERNARD, 69007 LYON');
  await expect(page.locator('main')).toContainText('ARA-2024-V-0101');
  await expect(page.locator('main')).toContainText('FIMO Voyageurs, FCO Voyageurs');
  await expect(page.locator('main')).toContainText('Léa Martin');
  await expect(page.locator('main')).toContainText(`${EMAIL} — non modifiable`);

  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  await expect(page).toHaveURL(/\/connexion$/);
  await page.goto('/espace');
  await expect(page).toHaveURL(/\/connexion$/);
});

test('forgotten password: same answer, support contact, a fresh link that works', async ({ page }) => {
  await hydrated(page, '/connexion');
  await page.getByRole('link', { name: 'Mot de passe oublié ?' }).click();
  await expect(page.getByRole('heading', { name: 'Mot de passe oublié' })).toBeVisible();
  await expect(page.locator('main')).toContainText('support@hubprotransport.example');
  await page.getByLabel('Adresse électronique *').fill(EMAIL);
  await page.getByRole('button', { name: 'Recevoir un lien' }).click();
  await expect(page.getByRole('status')).toContainText('Si un compte existe pour cette adresse');

  const link = await latestLink(page, 'Hub Pro Transport : nouveau lien pour votre mot de passe');
  await hydrated(page, link);
  await page.getByRole('button', { name: 'Cliquer ici pour continuer' }).click();
  await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });
  await page.getByLabel('Nouveau mot de passe *').fill('Trois Pommes & 2 Poires');
  await page.getByLabel('Confirmer le mot de passe *').fill('Trois Pommes & 2 Poires');
  await page.getByRole('button', { name: 'Valider' }).click();
  await expect(page.getByRole('heading', { name: 'Votre mot de passe a bien été enregistré.' })).toBeVisible();
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('login works and the space renders', async ({ page }) => {
    await page.goto('/connexion');
    await page.getByLabel('Adresse électronique *').fill(EMAIL);
    await page.getByLabel('Mot de passe *', { exact: true }).fill('Trois Pommes & 2 Poires');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await expect(page).toHaveURL(/\/espace$/);
    await expect(page.getByRole('heading', { name: 'CFA Lyon Transport' })).toBeVisible();
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await expect(page).toHaveURL(/\/connexion$/);
  });
});

test('screenshots of the password page and the space at 360 and 1280 px', async ({ page }) => {
  // A fresh reset link for the journey's account.
  await hydrated(page, '/mot-de-passe-oublie');
  await page.getByLabel('Adresse électronique *').fill(EMAIL);
  await page.getByRole('button', { name: 'Recevoir un lien' }).click();
  await expect(page.getByRole('status')).toContainText('Si un compte existe');
  const link = await latestLink(page, 'Hub Pro Transport : nouveau lien pour votre mot de passe');
  for (const width of [360, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await hydrated(page, link);
    await page.screenshot({ path: `screenshots/${width}-10-creer-mot-de-passe.png`, fullPage: true });
  }
  await page.getByRole('button', { name: 'Cliquer ici pour continuer' }).click();
  await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });
  await page.getByLabel('Nouveau mot de passe *').fill('Trois Pommes');
  for (const width of [360, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: `screenshots/${width}-11-nouveau-mot-de-passe.png`, fullPage: true });
  }
  await page.getByLabel('Nouveau mot de passe *').fill('Quatre Pommes & 3 Poires');
  await page.getByLabel('Confirmer le mot de passe *').fill('Quatre Pommes & 3 Poires');
  await page.getByRole('button', { name: 'Valider' }).click();
  await expect(page.getByRole('heading', { name: 'Votre mot de passe a bien été enregistré.' })).toBeVisible();
  await page.goto('/connexion');
  await page.getByLabel('Adresse électronique *').fill(EMAIL);
  await page.getByLabel('Mot de passe *', { exact: true }).fill('Quatre Pommes & 3 Poires');
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page).toHaveURL(/\/espace$/);
  for (const width of [360, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: `screenshots/${width}-12-espace.png`, fullPage: true });
  }
});

test('open sessions are listed, and one ends from another browser', async ({ browser }) => {
  const logIn = async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await hydrated(page, '/connexion');
    await page.getByLabel('Adresse électronique *').fill(EMAIL);
    // The password the screenshots test chose last.
    await page.getByLabel('Mot de passe *', { exact: true }).fill('Quatre Pommes & 3 Poires');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await expect(page).toHaveURL(/\/espace$/);
    return { context, page };
  };
  const office = await logIn();
  let laptop = await logIn();
  const phone = await logIn();

  // Earlier tests may have left sessions open too: the office ends every other one.
  await office.page.reload();
  const list = office.page.getByRole('region', { name: 'Sessions ouvertes' });
  await expect(list).toContainText('cette session');
  expect(await list.getByRole('listitem').count()).toBeGreaterThanOrEqual(3);
  await noViolation(office.page, 'space with several sessions');
  await list.getByRole('button', { name: 'Terminer les autres sessions' }).click();
  await expect(office.page).toHaveURL(/\/espace$/);
  await expect(list.getByRole('listitem')).toHaveCount(1);
  for (const other of [laptop, phone]) {
    await other.page.goto('/espace');
    await expect(other.page).toHaveURL(/\/connexion$/);
    await other.context.close();
  }

  // One other browser: its own button ends it.
  laptop = await logIn();
  await office.page.reload();
  await expect(list.getByRole('listitem')).toHaveCount(2);
  await list.getByRole('button', { name: 'Terminer cette session' }).click();
  await expect(office.page).toHaveURL(/\/espace$/);
  await expect(list.getByRole('listitem')).toHaveCount(1);
  await laptop.page.goto('/espace');
  await expect(laptop.page).toHaveURL(/\/connexion$/);
  await office.page.goto('/espace');
  await expect(office.page).toHaveURL(/\/espace$/);
  await office.context.close();
  await laptop.context.close();
});
