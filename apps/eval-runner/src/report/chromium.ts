// Headless Chromium (Debian `chromium`) for checking report pages and taking screenshots,
// without any browser download: the DOM after scripts ran comes from --dump-dom, console
// messages from Chromium's own log on stderr.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export function findChromium(): string | null {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
  for (const c of candidates) if (c && existsSync(c)) return c;
  return null;
}

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage', '--hide-scrollbars'];

function runChromium(bin: string, args: string[], timeoutMs: number): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ stdout, stderr, code });
    });
  });
}

export interface PageCheck {
  /** Serialised DOM after the page's scripts ran. */
  dom: string;
  /** Console messages logged at warning level or above, and uncaught errors, from Chromium's log. */
  consoleErrors: string[];
}

/** Loads a local HTML file in headless Chromium and returns the DOM and console errors. */
export async function checkPage(htmlPath: string, opts: { timeoutMs?: number; bin?: string } = {}): Promise<PageCheck> {
  const bin = opts.bin ?? findChromium();
  if (!bin) throw new Error('chromium not found (install the Debian package `chromium`)');
  const profile = mkdtempSync(join(tmpdir(), 'verl-chromium-'));
  try {
    const r = await runChromium(
      bin,
      [...FLAGS, `--user-data-dir=${profile}`, '--enable-logging=stderr', '--v=0', '--virtual-time-budget=2000', '--dump-dom', pathToFileURL(htmlPath).href],
      opts.timeoutMs ?? 60_000,
    );
    if (!r.stdout.includes('<html')) throw new Error(`chromium produced no DOM (exit ${r.code}): ${r.stderr.slice(-800)}`);
    // Console lines look like: [..:INFO:CONSOLE(12)] "message", source: file:///… (12)
    const consoleErrors = r.stderr
      .split('\n')
      .filter((l) => /CONSOLE\(\d+\)|Uncaught/.test(l) && !/:VERBOSE\d*:/.test(l));
    return { dom: r.stdout, consoleErrors };
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

/** Writes a PNG screenshot of a local HTML file. */
export async function screenshot(htmlPath: string, pngPath: string, opts: { width?: number; height?: number; timeoutMs?: number; bin?: string } = {}): Promise<void> {
  const bin = opts.bin ?? findChromium();
  if (!bin) throw new Error('chromium not found (install the Debian package `chromium`)');
  const profile = mkdtempSync(join(tmpdir(), 'verl-chromium-'));
  try {
    const r = await runChromium(
      bin,
      [...FLAGS, `--user-data-dir=${profile}`, `--window-size=${opts.width ?? 1200},${opts.height ?? 1800}`, '--virtual-time-budget=2000', `--screenshot=${pngPath}`, pathToFileURL(htmlPath).href],
      opts.timeoutMs ?? 60_000,
    );
    if (!existsSync(pngPath)) throw new Error(`chromium wrote no screenshot (exit ${r.code}): ${r.stderr.slice(-800)}`);
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}
