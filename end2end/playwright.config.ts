import { defineConfig } from '@playwright/test';

// The suite drives Debian's Chromium against the release build, started by `serve.sh` on its own
// port with a fresh database. Playwright waits for /sante before the first test.
const port = process.env.HUBPRO_E2E_PORT ?? '3100';
export const baseURL = `http://127.0.0.1:${port}`;
// A second server whose public URL is on `localhost`: browsers refuse passkeys on an IP address.
const passkeyPort = process.env.HUBPRO_E2E_PASSKEY_PORT ?? '3101';
export const passkeyURL = `http://localhost:${passkeyPort}`;

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    baseURL,
    locale: 'fr-FR',
    trace: 'off',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: [
    {
      command: `bash ./serve.sh ${port}`,
      url: `${baseURL}/sante`,
      timeout: 60_000,
      reuseExistingServer: false,
      stdout: 'pipe',
      stderr: 'pipe',
    },
    {
      command: `bash ./serve.sh ${passkeyPort} localhost`,
      url: `http://127.0.0.1:${passkeyPort}/sante`,
      timeout: 60_000,
      reuseExistingServer: false,
      stdout: 'pipe',
      stderr: 'pipe',
    },
  ],
});
