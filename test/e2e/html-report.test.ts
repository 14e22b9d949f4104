import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

/**
 * The HTML report opened in a real headless Chromium (Debian's `chromium`, installed by
 * scripts/setup.sh): what an auditor sees on screen, and a screenshot in test-artifacts/.
 */
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const LOG = fileURLToPath(new URL('../../fixtures/logs/restore-from-snapshot.jsonl', import.meta.url));
const PUB = fileURLToPath(new URL('../../fixtures/keys/audit-test.pub', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tdr-html-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!existsSync(CHROMIUM))('HTML report in headless Chromium', () => {
  it('shows who approved the wipe of which node with which token, deviations before the timeline', async () => {
    const out = join(dir, 'restore.html');
    const r = await runCli(['log', 'show', LOG, '--format', 'html', '--key', PUB, '--out', out]);
    expect(r.code).toBe(0);
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const requests: string[] = [];
      page.on('request', (req) => requests.push(req.url()));
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(pathToFileURL(out).href);
      expect(await page.title()).toBe('Run report: restore-from-snapshot');
      const summary = await page.locator('#summary').innerText();
      expect(summary).toContain('bob on host bastion-2');
      expect(summary).toMatch(
        /Signatures\s+verified with the key you gave, sha256:[0-9a-f]{64}: 13 checkpoints, sealed/,
      );
      // the approval that authorised the wipe of cp-1: who, how, token, node, and the command
      const gate = page.locator('.e-approval').filter({ hasText: 'talosctl -n 172.20.0.2 reset' });
      await expect.poll(() => gate.count()).toBe(1);
      const text = await gate.innerText();
      expect(text).toContain('node:   172.20.0.2 (cp-1)');
      expect(text).toMatch(/Token to type\s+a49c021e76e707db/);
      expect(text).toMatch(/Answer\s+APPROVED by bob, typed at the terminal, at 2026-11-23T23:43:57.430Z/);
      expect(text).toMatch(
        /Authorised\s+record 23: talosctl -n 172.20.0.2 reset --graceful=false --reboot --system-labels-to-wipe EPHEMERAL on node 172.20.0.2 \(irreversible\)/,
      );
      expect(text).toMatch(/State fingerprint\s+(22222222e2f4a6c8){4}/);
      // the first approval was voided by drift, visibly
      const voided = page.locator('.e-approval').filter({ hasText: 'VOIDED at record 20' });
      expect(await voided.count()).toBe(1);
      // deviations come before the timeline, on screen
      const devBox = await page.locator('#deviations').boundingBox();
      const tlBox = await page.locator('#timeline').boundingBox();
      expect(devBox && tlBox && devBox.y < tlBox.y).toBe(true);
      expect(await page.locator('#deviations li').count()).toBe(4);
      expect(await page.locator('#deviations').innerText()).toContain('approval voided');
      // self-contained: the only request is the file itself; no script ran
      expect(requests).toEqual([pathToFileURL(out).href]);
      expect(errors).toEqual([]);
      mkdirSync(ARTIFACTS, { recursive: true });
      const shot = join(ARTIFACTS, 'restore-report.png');
      await page.screenshot({ path: shot, fullPage: true });
      expect(statSync(shot).size).toBeGreaterThan(10_000);
      await page.emulateMedia({ media: 'print' });
      const pdf = await page.pdf({ format: 'A4' });
      expect(pdf.length).toBeGreaterThan(10_000);
    } finally {
      await browser.close();
    }
  });
});

if (!existsSync(CHROMIUM))
  console.warn(
    `skipping the HTML report browser test: ${CHROMIUM} is absent (scripts/setup.sh installs Debian's chromium)`,
  );
