import { expect, Page } from '@playwright/test';

// Steps the journey specs share.

/** Opens `path` and waits until the page is hydrated. */
export async function hydrated(page: Page, path: string) {
  await page.goto(path);
  await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });
}

/** The « Créer mon mot de passe » link of the newest dev-mailbox email with this subject. */
export async function latestLink(page: Page, subject: string): Promise<string> {
  await page.goto('/dev/boite-mail');
  await page.getByRole('link', { name: subject }).first().click();
  const href = await page.getByRole('link', { name: 'Créer mon mot de passe' }).getAttribute('href');
  expect(href).toMatch(/\/mot-de-passe\/creer\?jeton=[0-9a-f]{64}$/);
  return new URL(href!).pathname + new URL(href!).search;
}
