import { test, expect, Page, Locator } from '@playwright/test';
import { noViolation } from './journey';

// RGAA / WCAG 2.1 AA: axe-core on every page and error state, and the whole journey with the
// keyboard only. Uses the demo SIRETs of ROUTE ACADEMIE (641 287 935 00010 and 00028).
const KEYBOARD_SIRET = '64128793500010';
const KEYBOARD_EMAIL = 'route-academie-admin@example.fr';
const PASSWORD = 'Vélo-Cargo sur le Pont Neuf!';

async function hydrated(page: Page, path: string) {
  await page.goto(path);
  await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });
}

/** Presses Tab until `target` has the focus: it must be reachable with the keyboard. */
async function tabTo(page: Page, target: Locator, max = 25) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await target.evaluate((el) => el === document.activeElement)) return;
  }
  throw new Error(`not reachable with Tab: ${target}`);
}

test('every page and error state passes axe-core (WCAG 2.1 AA)', async ({ page }) => {
  for (const path of ['/', '/creer-un-compte', '/inscription', '/connexion', '/mot-de-passe-oublie',
    '/inscription/confirmee?adresse=a@example.fr', '/mot-de-passe/creer?jeton=inconnu', '/ce-n-est-pas-nous?jeton=inconnu', '/page-inconnue',
    '/acces-perdu', '/acces-perdu?envoye=1', '/designer-administrateur?jeton=inconnu', '/compte-cloture',
    '/accessibilite', '/donnees-personnelles', '/mentions-legales']) {
    await hydrated(page, path);
    await noViolation(page, path);
  }
  // Signup: a refused SIRET, then a refused submission with every field in error.
  await hydrated(page, '/inscription');
  await page.getByLabel('Numéro de SIRET *').pressSequentially('52345678900016');
  await expect(page.locator('#siret-status')).toContainText('a cessé son activité');
  await noViolation(page, 'signup, refused SIRET');
  await page.getByLabel('Numéro de SIRET *').fill('');
  await page.getByLabel('Adresse électronique *', { exact: true }).fill('pas-une-adresse');
  await page.getByRole('button', { name: 'CRÉER' }).click();
  await expect(page.locator('#siret-error')).toBeVisible();
  await noViolation(page, 'signup, refused submission');
  // Eligible SIRET with its approvals.
  await page.getByLabel('Numéro de SIRET *').pressSequentially('47728084603753');
  await expect(page.locator('#siret-status')).toContainText('FORMATRANS');
  await noViolation(page, 'signup, eligible SIRET');
  // Login refused, forgotten password sent.
  await hydrated(page, '/connexion');
  await page.getByLabel('Adresse électronique *').fill('personne@example.fr');
  await page.getByLabel('Mot de passe *', { exact: true }).fill('Pas le bon mot de passe!');
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await noViolation(page, 'login refused');
  await hydrated(page, '/mot-de-passe-oublie');
  await page.getByLabel('Adresse électronique *').fill('personne@example.fr');
  await page.getByRole('button', { name: 'Recevoir un lien' }).click();
  await expect(page.getByRole('status')).toBeVisible();
  await noViolation(page, 'reset sent');
});

test('the whole journey with the keyboard only, axe-checked at each step', async ({ page }) => {
  // Home → Créer un compte → profile → signup form.
  await hydrated(page, '/');
  await tabTo(page, page.getByRole('link', { name: 'Créer un compte' }));
  await page.keyboard.press('Enter');
  await tabTo(page, page.getByRole('link', { name: /Centre de formation agréé/ }));
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/inscription$/);
  await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });

  await tabTo(page, page.getByLabel('Numéro de SIRET *'));
  await page.keyboard.type(KEYBOARD_SIRET);
  await expect(page.locator('#siret-status')).toContainText('ROUTE ACADEMIE');
  await tabTo(page, page.getByLabel("Nom de l'organisme *"));
  await expect(page.getByLabel("Nom de l'organisme *")).toHaveValue('ROUTE ACADEMIE');
  await tabTo(page, page.getByLabel('Nom *', { exact: true }));
  await page.keyboard.type('Roux');
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Prénom *')).toBeFocused();
  await page.keyboard.type('Inès');
  await page.keyboard.press('Tab');
  await page.keyboard.type(KEYBOARD_EMAIL);
  await tabTo(page, page.getByLabel('Confirmer votre adresse électronique *'));
  await page.keyboard.type('route-academie-admin@example.com');
  // A refused submission moves the focus to the field in error.
  await tabTo(page, page.getByRole('button', { name: 'CRÉER' }));
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('Confirmer votre adresse électronique *')).toBeFocused();
  await expect(page.getByLabel('Confirmer votre adresse électronique *')).toHaveAttribute('aria-describedby', /email_confirmation-error/);
  await noViolation(page, 'signup with a mismatch');
  await page.keyboard.press('Control+A');
  await page.keyboard.type(KEYBOARD_EMAIL);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Votre compte a bien été créé.' })).toBeVisible();

  // The email link, « Cliquer ici pour continuer », the password.
  await page.goto('/dev/boite-mail');
  await tabTo(page, page.getByRole('link', { name: 'Hub Pro Transport : Créer mon mot de passe' }).first());
  await page.keyboard.press('Enter');
  await tabTo(page, page.getByRole('link', { name: 'Créer mon mot de passe' }));
  await page.keyboard.press('Enter');
  await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });
  await noViolation(page, 'password link');
  await tabTo(page, page.getByRole('button', { name: 'Cliquer ici pour continuer' }));
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/mot-de-passe\/nouveau$/);
  await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });
  await tabTo(page, page.getByLabel('Nouveau mot de passe *'));
  await page.keyboard.type(PASSWORD);
  // The eye toggle works with the keyboard.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Afficher le mot de passe' }).first()).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('Nouveau mot de passe *')).toHaveAttribute('type', 'text');
  await tabTo(page, page.getByLabel('Confirmer le mot de passe *'));
  await page.keyboard.type(PASSWORD);
  await noViolation(page, 'password form filled');
  await tabTo(page, page.getByRole('button', { name: 'Valider' }));
  await page.keyboard.press('Enter');
  await tabTo(page, page.getByRole('link', { name: "Revenir à l'application" }));
  await noViolation(page, 'password saved');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/connexion$/);
  await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });

  // Login and the space.
  await tabTo(page, page.getByLabel('Adresse électronique *'));
  await page.keyboard.type(KEYBOARD_EMAIL);
  await tabTo(page, page.getByLabel('Mot de passe *', { exact: true }));
  await page.keyboard.type(PASSWORD);
  // Its eye toggle (a few lines of script in the page: the login page loads no WASM) works with
  // the keyboard too.
  expect(await page.locator('link[href$=".wasm"]').count()).toBe(0);
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Afficher le mot de passe' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('Mot de passe *', { exact: true })).toHaveAttribute('type', 'text');
  await expect(page.getByRole('button', { name: 'Masquer le mot de passe' })).toHaveAttribute('aria-pressed', 'true');
  await tabTo(page, page.getByRole('button', { name: 'Se connecter' }));
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/espace$/);
  await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });
  await noViolation(page, 'space');
  // Attach an establishment with the keyboard; a refusal is announced next to its field.
  await tabTo(page, page.getByLabel("SIRET de l'établissement *"), 40);
  await page.keyboard.type('84567891200013');
  await page.keyboard.press('Tab');
  await page.keyboard.type('vichy@example.fr');
  await page.keyboard.press('Enter');
  await expect(page.locator('#attach-siret-error')).toContainText('agrément');
  await expect(page.getByLabel("SIRET de l'établissement *")).toBeFocused();
  await noViolation(page, 'attach refused');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('64128793500028');
  await page.keyboard.press('Enter');
  await expect(page.locator('#etablissements .attachments li')).toContainText('Invitation envoyée');
  await noViolation(page, 'space with an attached establishment');
  await tabTo(page, page.locator('#etablissements summary'), 40);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: 'Confirmer le détachement' })).toBeVisible();
  await noViolation(page, 'detach confirmation');
});
