import { test, expect } from '@playwright/test';

// Screenshots of each step at phone and desktop widths, kept in end2end/screenshots/ for review.
for (const width of [360, 1280]) {
  test(`journey screenshots at ${width} px`, async ({ page }) => {
    await page.setViewportSize({ width, height: 900 });
    const shot = (name: string) => page.screenshot({ path: `screenshots/${width}-${name}.png`, fullPage: true });
    await page.goto('/');
    await shot('1-accueil');
    await page.getByRole('link', { name: 'Créer un compte' }).click();
    await shot('2-profil');
    await page.getByRole('link', { name: /Centre de formation agréé/ }).click();
    await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });
    await shot('3-formulaire-vide');
    await page.getByLabel('Numéro de SIRET *').pressSequentially('52345678900016');
    await expect(page.locator('#siret-status')).toContainText('a cessé son activité');
    await shot('4-siret-refuse');
    await page.getByLabel('Numéro de SIRET *').fill('');
    await page.getByLabel('Numéro de SIRET *').pressSequentially('47728084603753');
    await expect(page.locator('#siret-status')).toContainText('FORMATRANS');
    await page.getByLabel('Nom *', { exact: true }).fill('Dupont');
    await page.getByLabel('Prénom *').fill('Claire');
    await page.getByLabel('Adresse électronique *', { exact: true }).fill(`capture-${width}@example.fr`);
    await page.getByLabel('Confirmer votre adresse électronique *').fill(`capture-${width}@exemple.fr`);
    await shot('5-formulaire-rempli');
    await page.getByRole('button', { name: 'CRÉER' }).click();
    await expect(page.locator('#email_confirmation-error')).toBeVisible();
    await shot('6-erreur');
    await page.goto('/nulle-part');
    await shot('7-404');
    await page.goto('/connexion');
    await shot('8-connexion');
    await page.goto('/mot-de-passe-oublie');
    await shot('9-mot-de-passe-oublie');
  });
}
