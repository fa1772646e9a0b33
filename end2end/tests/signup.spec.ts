import { test, expect, Page } from '@playwright/test';

// The e2e server runs on its embedded defaults: the bundled demo extract stands for INSEE and the
// dev mailbox stands for the SMTP server. Demo SIRETs: see demo/etablissements-demo.csv.
const FORMATRANS = '477 280 846 03753';

async function hydrated(page: Page, path: string) {
  await page.goto(path);
  await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });
}

async function fill(page: Page, values: { siret: string; org?: string; email: string; confirm?: string }) {
  await page.getByLabel('Numéro de SIRET *').fill(values.siret);
  if (values.org !== undefined) await page.getByLabel("Nom de l'organisme *").fill(values.org);
  await page.getByLabel('Nom *', { exact: true }).fill('Dupont');
  await page.getByLabel('Prénom *').fill('Claire');
  await page.getByLabel('Adresse électronique *', { exact: true }).fill(values.email);
  await page.getByLabel('Confirmer votre adresse électronique *').fill(values.confirm ?? values.email);
}

test('the SIRET is grouped as typed, pasted either way, and a wrong checksum is flagged', async ({ page }) => {
  await hydrated(page, '/inscription');
  const siret = page.getByLabel('Numéro de SIRET *');
  await siret.pressSequentially('4772808');
  await expect(siret).toHaveValue('477 280 8');
  await siret.fill('');
  await siret.focus();
  await page.keyboard.insertText('47728084603754');
  await expect(siret).toHaveValue('477 280 846 03754');
  await expect(page.locator('#siret-error')).toHaveText(/n'est pas valide/);
  await expect(siret).toHaveAttribute('aria-invalid', 'true');
  await siret.fill('');
  await page.keyboard.insertText('477 280 846 03753');
  await expect(siret).toHaveValue(FORMATRANS);
  await expect(page.locator('#siret-error')).toBeHidden();
});

test('a complete SIRET shows the establishment, its approvals, and pre-fills the name', async ({ page }) => {
  await hydrated(page, '/inscription');
  await page.getByLabel('Numéro de SIRET *').pressSequentially('47728084603753');
  const status = page.locator('#siret-status');
  await expect(status).toHaveAttribute('aria-live', 'polite');
  await expect(status).toContainText('Établissement actif : FORMATRANS (LILLE)');
  await expect(status).toContainText('FIMO Voyageurs, Passerelle Voyageurs, FCO Voyageurs');
  await expect(status).toContainText('FIMO Marchandises, FCO Marchandises');
  await expect(status).toContainText('données de démonstration');
  await expect(page.getByLabel("Nom de l'organisme *")).toHaveValue('FORMATRANS');
});

test('the typed organisation name is never overwritten', async ({ page }) => {
  await hydrated(page, '/inscription');
  await page.getByLabel("Nom de l'organisme *").fill('Mon centre');
  await page.getByLabel('Numéro de SIRET *').pressSequentially('47728084603753');
  await expect(page.locator('#siret-status')).toContainText('FORMATRANS');
  await expect(page.getByLabel("Nom de l'organisme *")).toHaveValue('Mon centre');
});

for (const [siret, words] of [
  ['81234567000010', 'fermé'],
  ['52345678900016', 'a cessé son activité'],
  ['84567891200013', 'Aucun agrément'],
  ['95678912300018', 'Aucun agrément'],
  ['12345678900007', 'inconnu'],
  ['72345678900004', 'pas diffusibles'],
]) {
  test(`SIRET ${siret} is refused live and on submit (${words})`, async ({ page }) => {
    await hydrated(page, '/inscription');
    await page.getByLabel('Numéro de SIRET *').pressSequentially(siret);
    await expect(page.locator('#siret-status')).toContainText(words);
    await fill(page, { siret, org: 'Centre', email: `refus-${siret}@example.fr` });
    await page.getByRole('button', { name: 'CRÉER' }).click();
    await expect(page.locator('#siret-error')).toContainText(words);
    await expect(page.getByLabel('Numéro de SIRET *')).toBeFocused();
    await expect(page.getByLabel('Adresse électronique *', { exact: true })).toHaveValue(`refus-${siret}@example.fr`);
  });
}

test('a partially diffusible establishment signs up with a typed name and no [ND]', async ({ page }) => {
  await hydrated(page, '/inscription');
  await page.getByLabel('Numéro de SIRET *').pressSequentially('73456789100019');
  await expect(page.locator('#siret-status')).toContainText('Établissement actif');
  await expect(page.locator('#siret-status')).not.toContainText('[ND]');
  await expect(page.getByLabel("Nom de l'organisme *")).toHaveValue('');
});

test('the confirmation shows a match hint, and a mismatch blocks the submission', async ({ page }) => {
  await hydrated(page, '/inscription');
  await page.getByLabel('Adresse électronique *', { exact: true }).fill('claire@example.fr');
  const confirm = page.getByLabel('Confirmer votre adresse électronique *');
  await confirm.fill('claire@exemple.fr');
  await expect(page.locator('#email_confirmation-error')).toHaveText(/ne sont pas identiques/);
  await expect(confirm).toHaveAttribute('aria-invalid', 'true');
  await confirm.fill('claire@example.fr');
  await expect(page.locator('#email_confirmation-status')).toHaveText('✓ Les deux adresses sont identiques.');
  await confirm.fill('claire@exemple.fr');
  await fill(page, { siret: FORMATRANS, org: 'Formatrans', email: 'claire@example.fr', confirm: 'claire@exemple.fr' });
  await page.getByRole('button', { name: 'CRÉER' }).click();
  await expect(page.locator('#email_confirmation-error')).toContainText('ne sont pas identiques');
  await expect(confirm).toBeFocused();
});

test('happy path: CRÉER → success page → email in the dev mailbox → its link', async ({ page }) => {
  await hydrated(page, '/inscription?siret=40073444800477');
  await expect(page.getByLabel('Numéro de SIRET *')).toHaveValue('400 734 448 00477');
  await expect(page.locator('#siret-status')).toContainText('ECOLE ROUTIERE DU SUD');
  await fill(page, { siret: '400 734 448 00477', email: 'ers-montpellier@example.fr' });
  await page.getByRole('button', { name: 'CRÉER' }).click();
  await expect(page.getByRole('heading', { name: 'Votre compte a bien été créé.' })).toBeVisible();
  await expect(page.locator('main')).toContainText(
    'Veuillez consulter votre messagerie électronique ers-montpellier@example.fr afin de confirmer votre inscription.');
  await expect(page.getByRole('link', { name: 'SE CONNECTER' })).toBeVisible();

  await page.goto('/dev/boite-mail');
  await expect(page.locator('main')).toContainText('ers-montpellier@example.fr');
  await page.getByRole('link', { name: 'Hub Pro Transport : Créer mon mot de passe' }).first().click();
  await expect(page.locator('body')).toContainText('Bonjour Claire Dupont');
  await expect(page.locator('body')).toContainText('SIRET 400 734 448 00477');
  const link = page.getByRole('link', { name: 'Créer mon mot de passe' });
  await expect(link).toHaveAttribute('href', /\/mot-de-passe\/creer\?jeton=[0-9a-f]{64}$/);

  // The SIRET is now held by the pending account, until its link expires.
  await hydrated(page, '/inscription');
  await page.getByLabel('Numéro de SIRET *').pressSequentially('40073444800477');
  await expect(page.locator('#siret-status')).toContainText('en attente de confirmation pour ce SIRET');
  await expect(page.locator('#siret-status').getByRole('link', { name: 'Mot de passe oublié' })).toBeVisible();
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('a refused submission comes back with its messages and everything typed', async ({ page }) => {
    await page.goto('/inscription');
    await fill(page, { siret: '477 280 846 0375', org: 'Formatrans', email: 'nojs@example.fr', confirm: 'nojs@exemple.fr' });
    await page.getByRole('button', { name: 'CRÉER' }).click();
    await expect(page.locator('#siret-error')).toContainText('14 chiffres ; vous en avez saisi 13');
    await expect(page.locator('#email_confirmation-error')).toContainText('ne sont pas identiques');
    await expect(page.getByLabel('Numéro de SIRET *')).toHaveValue('477 280 846 0375');
    await expect(page.getByLabel("Nom de l'organisme *")).toHaveValue('Formatrans');
    await expect(page.getByLabel('Prénom *')).toHaveValue('Claire');
    await expect(page.getByLabel('Confirmer votre adresse électronique *')).toHaveValue('nojs@exemple.fr');
  });

  test('the pre-filled SIRET shows its eligibility and the form creates the account', async ({ page }) => {
    await page.goto('/inscription?siret=40073444800014');
    await expect(page.locator('#siret-status')).toContainText('ERS NIMES');
    await fill(page, { siret: '400 734 448 00014', org: 'ERS Nîmes', email: 'ers-nimes@example.fr' });
    await page.getByRole('button', { name: 'CRÉER' }).click();
    await expect(page.getByRole('heading', { name: 'Votre compte a bien été créé.' })).toBeVisible();
    await expect(page.locator('main')).toContainText('ers-nimes@example.fr');
  });
});
