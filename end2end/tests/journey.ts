import { expect, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

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

/** No WCAG 2.1 AA violation axe-core can find on the page as it stands. */
export async function noViolation(page: Page, what: string) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const found = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  expect(found, `${what}: ${found.join('\n')}`).toEqual([]);
}
