// Screenshot of a report page for the README: node scripts/screenshot.mjs [REPORT_HTML] [PNG]
// (defaults: runs/demo/report.html of the repository root → docs/report.png). Needs `pnpm build`.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkPage, screenshot } from '../dist/report/chromium.js';

const here = fileURLToPath(new URL('..', import.meta.url));
const html = resolve(process.argv[2] ?? resolve(here, '../../runs/demo/report.html'));
const png = resolve(process.argv[3] ?? resolve(here, 'docs/report.png'));
const { consoleErrors } = await checkPage(html);
if (consoleErrors.length) throw new Error(`report has console errors:\n${consoleErrors.join('\n')}`);
await screenshot(html, png, { width: 1200, height: Number(process.env.HEIGHT ?? 2600) });
console.log(`wrote ${png}`);
