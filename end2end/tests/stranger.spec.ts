import { test, expect, APIRequestContext } from '@playwright/test';
import { hydrated, latestLink } from './journey';

// What a stranger does cannot be turned against a centre: a sentence forged into a refusal URL,
// ten signups naming someone's address, wrong passwords from many addresses. Runs after the
// other specs (file order): it takes the demo SIRETs still free then.
const PASSWORD = 'Vélo-Cargo sur le Pont Neuf!';
const VICTIM = 'victime-e2e@example.fr';
const FORGED = 'Compte bloqué : appelez le 08 99 11 22 33';
const DEMO_SIRETS = [
  '64128793500010', '64128793500028', '53210987600039', '53210987600021', '53210987600013',
  '82917364500013', '61234567800009', '40073444800014', '40073444800477', '47728084603753',
];

test.describe.configure({ mode: 'serial' });

/** The demo SIRETs a signup would accept now. */
async function eligible(request: APIRequestContext): Promise<string[]> {
  const free: string[] = [];
  for (const siret of DEMO_SIRETS) {
    const res = await request.post('/api/verifier-siret', { form: { siret } });
    const answer = await res.json();
    if (answer.check && 'Eligible' in answer.check) free.push(siret);
  }
  return free;
}

async function signUp(request: APIRequestContext, siret: string, email: string) {
  return request.post('/api/creer-compte', {
    form: { siret, organisation: 'Centre', last_name: 'Dupont', first_name: 'Claire', email, email_confirmation: email },
    headers: { accept: 'application/json' },
  });
}

function refusalUrl(path: string, serverFn: string, problem: object): string {
  // URL-safe base64 with its padding, as the server writes it.
  const err = Buffer.from(JSON.stringify(problem)).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
  return `${path}?__path=${serverFn}&__err=${encodeURIComponent(err)}`;
}

test('a sentence forged into a refusal URL is never shown, with or without JavaScript', async ({ browser }) => {
  for (const javaScriptEnabled of [true, false]) {
    const context = await browser.newContext({ javaScriptEnabled });
    const page = await context.newPage();
    const forged = { form: '', fields: [], general: { code: 'login.bad_credentials', message: FORGED } };
    await page.goto(refusalUrl('/connexion', '/api/connexion', forged));
    await expect(page.getByRole('alert')).toHaveAttribute('data-problem', 'login.bad_credentials');
    await expect(page.locator('body')).not.toContainText('08 99');
    const unknown = { form: '', fields: [], general: FORGED };
    await page.goto(refusalUrl('/connexion', '/api/connexion', unknown));
    await expect(page.locator('body')).not.toContainText('08 99');
    const signup = {
      form: { siret: '', organisation: '', last_name: '', first_name: '', email: '', email_confirmation: '' },
      fields: [['Siret', { code: 'siret.empty', message: FORGED }]],
      general: { code: FORGED, message: FORGED },
    };
    await page.goto(refusalUrl('/inscription', '/api/creer-compte', signup));
    await expect(page.locator('#siret-error')).toContainText('Saisissez le numéro de SIRET');
    await expect(page.locator('body')).not.toContainText('08 99');
    // The success page names an address only when it is one.
    await page.goto('/inscription/confirmee?adresse=Appelez%20le%2008%2099');
    await expect(page.locator('body')).not.toContainText('08 99');
    await expect(page.getByRole('heading', { name: 'Votre compte a bien été créé.' })).toBeVisible();
    await context.close();
  }
});

let victimSiret = '';

test('ten signups naming an address that has an account: one notice, the same page', async ({ page, request }) => {
  const free = await eligible(request);
  expect(free.length).toBeGreaterThanOrEqual(2);
  victimSiret = free[0];
  expect((await signUp(request, victimSiret, VICTIM)).status()).toBe(200);
  for (let i = 0; i < 10; i++) {
    await hydrated(page, `/inscription?siret=${free[1]}`);
    if (i > 0) {
      // Held as after any signup: the script's next tries are refused as for any held SIRET.
      await expect(page.locator('#siret-status')).toContainText('en attente de confirmation');
      const res = await signUp(request, free[1], VICTIM);
      expect(res.status()).toBe(422);
      expect((await res.json()).fields[0][1].code).toBe('ineligible.pending');
      continue;
    }
    await page.getByLabel("Nom de l'organisme *").fill('Centre');
    await page.getByLabel('Nom *', { exact: true }).fill('Dupont');
    await page.getByLabel('Prénom *').fill('Claire');
    await page.getByLabel('Adresse électronique *', { exact: true }).fill(VICTIM);
    await page.getByLabel('Confirmer votre adresse électronique *').fill(VICTIM);
    await page.getByRole('button', { name: 'CRÉER' }).click();
    await expect(page.getByRole('heading', { name: 'Votre compte a bien été créé.' })).toBeVisible();
  }
  await page.goto('/dev/boite-mail');
  await expect(page.getByRole('link', { name: 'Hub Pro Transport : vous avez déjà un compte' })).toHaveCount(1);
});

test("the owner's browser logs in after failures from twelve addresses; a stranger's waits", async ({ browser, request }) => {
  // The victim's account becomes active, and its owner logs in once from this browser.
  const owner = await browser.newContext();
  const page = await owner.newPage();
  const link = await latestLink(page, 'Hub Pro Transport : Créer mon mot de passe');
  await hydrated(page, link);
  await page.getByRole('button', { name: 'Cliquer ici pour continuer' }).click();
  await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });
  await page.getByLabel('Nouveau mot de passe *').fill(PASSWORD);
  await page.getByLabel('Confirmer le mot de passe *').fill(PASSWORD);
  await page.getByRole('button', { name: 'Valider' }).click();
  await expect(page).toHaveURL(/\/mot-de-passe\/enregistre/);
  await hydrated(page, '/connexion');
  await page.getByLabel('Adresse électronique *').fill(VICTIM);
  await page.getByLabel('Mot de passe *', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page).toHaveURL(/\/espace$/);
  await page.context().clearCookies({ name: 'hubpro_session' });

  // 60 wrong passwords from 12 addresses (behind the trusted proxy).
  for (let n = 1; n <= 12; n++) {
    for (let i = 0; i < 5; i++) {
      const res = await request.post('/api/connexion', {
        form: { email: VICTIM, password: 'Mauvais mot de passe!' },
        headers: { 'x-forwarded-for': `198.51.100.${n}`, accept: 'application/json' },
      });
      expect([401, 429]).toContain(res.status());
    }
  }

  // The owner's browser gets in.
  await hydrated(page, '/connexion');
  await page.getByLabel('Adresse électronique *').fill(VICTIM);
  await page.getByLabel('Mot de passe *', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page).toHaveURL(/\/espace$/);
  await owner.close();

  // A browser the account does not know waits, right password or not.
  const stranger = await browser.newContext();
  const other = await stranger.newPage();
  await hydrated(other, '/connexion');
  await other.getByLabel('Adresse électronique *').fill(VICTIM);
  await other.getByLabel('Mot de passe *', { exact: true }).fill(PASSWORD);
  await other.getByRole('button', { name: 'Se connecter' }).click();
  await expect(other.getByRole('alert')).toHaveAttribute('data-problem', /^too_many_attempts:/);
  await stranger.close();
});
