/**
 * Widget figures: sizes of the script-tag loader and its lazy chunk as the build precompressed them (gzip 9,
 * Brotli 11) and where the loader's bytes come from (its source map); in headless Chromium, the bytes a first and a
 * repeat visit transfer, and the time from the script tag to the element defined, the chunk loaded and `setOptions`
 * reaching the ChatKit stand-in, beside a plain page that mounts `@openai/chatkit-react` directly (bundled here with
 * esbuild).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { join, basename } from 'node:path';
import { brotliCompressSync, constants as zlib } from 'node:zlib';
import { gzipAsync } from '@gfx/zopfli';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser, type CDPSession, type Page } from 'playwright-core';
import type { BenchFlags } from '../harness/args.js';
import type { Report } from '../harness/report.js';
import { summarizeProfile } from '../harness/profile.js';
import { median } from '../harness/stats.js';
import { servePages, type PageServer, type WidgetPage } from '../widget/pages.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WIDGET_DIR = join(ROOT, 'dist/widget');
const LOADER = 'chat-kit-widget.js';
/** The issue's bar: time to `setOptions` at most this over the direct React page (more gets profiled). */
const SET_OPTIONS_SLACK_MS = 30;
/** The issue's goals, in KB as this table counts them (1024 bytes). */
const LOADER_GZIP_GOAL_KB = 6;
const FIRST_VISIT_BROTLI_GOAL_KB = 70;

interface BreakdownModule {
  breakdownLines(file: string, minBytes?: number): string[];
}

interface ChromiumModule {
  ensureChromium(): string;
  CHROMIUM_ARGS: string[];
}

interface PageMarks {
  defined: number;
  chunkLoaded: number;
  setOptions: number;
  /** Widget chunk files the page fetched (names only). */
  chunks: string[];
  /** Every script the page fetched: name, request start and response end, from the same zero. */
  waterfall: [string, number, number][];
}

const kb = (bytes: number) => bytes / 1024;
/** As the build compresses the widget's `.gz` copies (rollup.config.mjs), so the baseline is compressed alike. */
const gzipped = async (bytes: Uint8Array) => (await gzipAsync(bytes, { numiterations: 15 })).length;
const brotli = (bytes: Uint8Array) => brotliCompressSync(bytes, { params: { [zlib.BROTLI_PARAM_QUALITY]: zlib.BROTLI_MAX_QUALITY } }).length;

async function bundleDirectReactPage(): Promise<Uint8Array> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('../widget/direct-react-page.tsx', import.meta.url))],
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.contents;
}

/** The CDP binding the ChatKit stand-in calls when `setOptions` first arrives. */
const SET_OPTIONS_BINDING = '__benchSetOptions';

/**
 * Adds the binding and answers a wait for the page to call it. Playwright's `waitForFunction` would evaluate
 * Playwright's own script in the page once the load event has fired: the direct page has set its options by then
 * (its module script delays the load event), while a widget's lazily imported chunk does not delay it, so that
 * script's compile and run (10-30 ms) would land between the chunk's arrival and `setOptions` on the widget pages only.
 */
async function setOptionsSignal(cdp: CDPSession): Promise<(timeoutMs: number) => Promise<void>> {
  const called = new Promise<void>((resolve) => cdp.on('Runtime.bindingCalled', ({ name }) => name === SET_OPTIONS_BINDING && resolve()));
  await cdp.send('Runtime.enable');
  await cdp.send('Runtime.addBinding', { name: SET_OPTIONS_BINDING });
  return async (timeoutMs) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`setOptions did not reach the ChatKit stand-in within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([called, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
}

/** Loads a page in a fresh context (cold cache) and reads its marks once `setOptions` has arrived. */
async function measurePage(browser: Browser, pages: PageServer, page: WidgetPage, profileTo?: string): Promise<PageMarks> {
  const context = await browser.newContext();
  try {
    const tab = await context.newPage();
    const cdp = await context.newCDPSession(tab);
    const setOptionsReached = await setOptionsSignal(cdp);
    if (profileTo) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.start');
    }
    await tab.goto(pages.url(page), { waitUntil: 'commit' });
    if (page === 'launcher-closed') await openLauncher(tab);
    await setOptionsReached(15_000);
    if (profileTo) {
      const { profile } = await cdp.send('Profiler.stop');
      writeFileSync(profileTo, JSON.stringify(profile));
    }
    return await tab.evaluate((loader) => {
      const marks = window.__bench;
      // A launcher opened later is timed from the visitor's pointer, not from the script tag.
      const zero = marks.opened ?? marks.start!;
      const chunks = performance
        .getEntriesByType('resource')
        .filter((e) => /\/widget(-compared)?\//.test(e.name) && !e.name.endsWith(`/${loader}`)) as PerformanceResourceTiming[];
      const direct = performance.getEntriesByType('resource').find((e) => e.name.endsWith('/direct-react.js')) as PerformanceResourceTiming | undefined;
      const loadedAt = direct ? direct.responseEnd : Math.max(...chunks.map((e) => e.responseEnd));
      const scripts = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter((e) => e.initiatorType === 'script' || e.name.endsWith('.js'));
      return {
        defined: marks.defined! - marks.start!,
        chunkLoaded: loadedAt - zero,
        setOptions: marks.setOptions! - zero,
        chunks: chunks.map((e) => new URL(e.name).pathname.split('/').pop()!),
        waterfall: scripts.map((e): [string, number, number] => [new URL(e.name).pathname, e.startTime - zero, e.responseEnd - zero]),
      };
    }, LOADER);
  } finally {
    await context.close();
  }
}

interface Transfer {
  bytes: number;
  /** Each widget file: name, status or cache, encoding, bytes. */
  detail: string;
}

/**
 * Bytes the widget files cost over the wire, from Chromium's own network log (`encodedDataLength`: headers and
 * body as received): a first visit to the inline page in a fresh context (cold cache), the same page again, and
 * again after the loader's short cache ran out, which Chromium then revalidates (If-None-Match). The 5 minutes
 * cannot pass in a bench: the last visit asks for the loader as an expired entry is asked for (`cache: 'no-cache'`,
 * a conditional request with the cached ETag) and loads the page as usual.
 */
async function measureTransfer(browser: Browser, pages: PageServer, acceptEncoding: string): Promise<{ first: Transfer; repeat: Transfer; revalidated: Transfer }> {
  const context = await browser.newContext({ extraHTTPHeaders: { 'accept-encoding': acceptEncoding } });
  try {
    const tab = await context.newPage();
    const cdp = await context.newCDPSession(tab);
    const requests = new Map<string, { name: string; status: string; encoding: string; bytes: number }>();
    cdp.on('Network.responseReceived', ({ requestId, response }) => {
      const path = new URL(response.url).pathname;
      if (!path.startsWith('/widget/')) return;
      const cached = response.fromDiskCache || (response as { fromMemoryCache?: boolean }).fromMemoryCache ? 'cache' : String(response.status);
      requests.set(requestId, { name: path.slice('/widget/'.length), status: cached, encoding: String(Object.entries(response.headers).find(([name]) => name.toLowerCase() === 'content-encoding')?.[1] ?? 'identity'), bytes: 0 });
    });
    cdp.on('Network.requestServedFromCache', ({ requestId }) => {
      const request = requests.get(requestId);
      if (request) request.status = 'cache';
    });
    cdp.on('Network.loadingFinished', ({ requestId, encodedDataLength }) => {
      const request = requests.get(requestId);
      if (request) request.bytes = encodedDataLength;
    });
    await cdp.send('Network.enable');
    const visit = async (revalidateLoader: boolean): Promise<Transfer> => {
      requests.clear();
      if (revalidateLoader) {
        await tab.evaluate((loader) => fetch(`/widget/${loader}`, { cache: 'no-cache' }).then((res) => res.arrayBuffer()), LOADER);
      }
      await tab.goto(pages.url('inline'));
      await tab.waitForFunction(() => window.__bench.setOptions !== undefined, undefined, { timeout: 15_000 });
      // Let the last loadingFinished events arrive.
      await tab.waitForTimeout(100);
      const files = [...requests.values()];
      return {
        bytes: files.reduce((sum, file) => sum + file.bytes, 0),
        detail: files.map((file) => `${file.name} ${file.status}${file.status === '200' ? ` ${file.encoding}` : ''} ${file.bytes} B`).join('; '),
      };
    };
    const first = await visit(false);
    const repeat = await visit(false);
    const revalidated = await visit(true);
    return { first, repeat, revalidated };
  } finally {
    await context.close();
  }
}

/** A launcher left closed until the visitor clicks it: wait for the element, let the page settle, then click. */
async function openLauncher(tab: Page): Promise<void> {
  await tab.waitForFunction(() => window.__bench.defined !== undefined, undefined, { timeout: 15_000 });
  await tab.waitForTimeout(300);
  await tab.locator('chat-kit-widget [part="launcher"]').click();
}

/**
 * Loads every page `runs` times, interleaved so a burst of load from someone else on the machine lands on all of
 * them alike, each round starting one page further (A, B, C, then B, C, A, ...) so no page always follows the same
 * one (what a page leaves behind, its renderer shutting down say, falls on every page alike), and answers each
 * page's median marks.
 */
async function medianMarks(browser: Browser, pages: PageServer, names: WidgetPage[], runs: number): Promise<Map<WidgetPage, PageMarks>> {
  const all = new Map<WidgetPage, PageMarks[]>(names.map((name) => [name, []]));
  for (let i = 0; i < runs; i++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(i + k) % names.length]!;
      all.get(name)!.push(await measurePage(browser, pages, name));
    }
  }
  const medians = new Map<WidgetPage, PageMarks>();
  for (const [name, marks] of all) {
    medians.set(name, {
      defined: median(marks.map((m) => m.defined)),
      chunkLoaded: median(marks.map((m) => m.chunkLoaded)),
      setOptions: median(marks.map((m) => m.setOptions)),
      chunks: [...new Set(marks.flatMap((m) => m.chunks))],
      waterfall: marks[0]!.waterfall,
    });
  }
  return medians;
}

export async function widgetSuite(report: Report, flags: BenchFlags, resultsDir: string): Promise<void> {
  console.log('widget: building (npm run build)...');
  const built = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (built.status !== 0 || !existsSync(join(WIDGET_DIR, LOADER))) {
    throw new Error(`npm run build failed or did not write dist/widget/${LOADER}:\n${built.stderr}${built.stdout}`);
  }
  const directReact = await bundleDirectReactPage();
  const pages = await servePages(WIDGET_DIR, LOADER, directReact, flags.compare);
  const { ensureChromium, CHROMIUM_ARGS } = (await import(join(ROOT, 'scripts/chromium.mjs'))) as ChromiumModule;
  const browser = await chromium.launch({ executablePath: ensureChromium(), args: CHROMIUM_ARGS });
  try {
    const compared: WidgetPage[] = flags.compare ? ['inline-compared', 'launcher-open-compared'] : [];
    const marks = await medianMarks(browser, pages, ['direct-react', 'inline', 'launcher-open', 'launcher-closed', ...compared], flags.runs);
    const direct = marks.get('direct-react')!;
    const inline = marks.get('inline')!;

    const onDisk = (name: string, suffix: string) => statSync(join(WIDGET_DIR, name + suffix)).size;
    const sum = (suffix: string) => inline.chunks.reduce((total, name) => total + onDisk(name, suffix), 0);
    const directGz = await gzipped(directReact);
    const baseline = { name: 'direct React bundle, gzipped', value: kb(directGz) };
    const brotliBaseline = { name: 'direct React bundle, Brotli', value: kb(brotli(directReact)) };
    const chunkNames = inline.chunks.join(', ');
    report.add({ suite: 'widget', name: 'loader, gzipped', value: kb(onDisk(LOADER, '.gz')), unit: 'KB', baseline: { name: 'goal', value: LOADER_GZIP_GOAL_KB }, note: 'what every page pays up front; the .gz the build wrote (Zopfli)' });
    report.add({ suite: 'widget', name: 'loader, Brotli', value: kb(onDisk(LOADER, '.br')), unit: 'KB', note: 'the .br the build wrote (quality 11)' });
    report.add({ suite: 'widget', name: `lazy chunk, gzipped (${chunkNames})`, value: kb(sum('.gz')), unit: 'KB', baseline });
    report.add({ suite: 'widget', name: 'lazy chunk, Brotli', value: kb(sum('.br')), unit: 'KB', baseline: brotliBaseline });
    report.add({ suite: 'widget', name: 'loader + chunk, gzipped', value: kb(onDisk(LOADER, '.gz') + sum('.gz')), unit: 'KB', baseline });
    report.add({ suite: 'widget', name: 'loader + chunk, Brotli', value: kb(onDisk(LOADER, '.br') + sum('.br')), unit: 'KB', baseline: brotliBaseline });
    const breakdown = (await import(join(ROOT, 'scripts/widget-breakdown.mjs'))) as BreakdownModule;
    report.profiles.push({ title: `widget loader ${LOADER}: bytes by source module (from its source map)`, file: `${LOADER}.map`, lines: breakdown.breakdownLines(join(WIDGET_DIR, LOADER)) });
    report.profiles.push({ title: `widget lazy chunk ${chunkNames}: bytes by source module`, file: `${inline.chunks[0]}.map`, lines: inline.chunks.flatMap((name) => breakdown.breakdownLines(join(WIDGET_DIR, name), 2000)) });

    for (const [label, acceptEncoding] of [['Brotli', 'gzip, deflate, br, zstd'], ['gzip', 'gzip, deflate']] as const) {
      const visits = await measureTransfer(browser, pages, acceptEncoding);
      const goal = label === 'Brotli' ? { baseline: { name: 'goal', value: FIRST_VISIT_BROTLI_GOAL_KB } } : {};
      report.add({ suite: 'widget', name: `first visit, ${label}: widget bytes transferred`, value: kb(visits.first.bytes), unit: 'KB', ...goal, note: `Chromium (CDP Network), headers included: ${visits.first.detail}` });
      report.add({ suite: 'widget', name: `repeat visit, ${label}: widget bytes transferred`, value: kb(visits.repeat.bytes), unit: 'KB', note: `the same page again within the loader's 5 minutes: ${visits.repeat.detail}` });
      report.add({ suite: 'widget', name: `repeat visit after 5 min, ${label}: widget bytes transferred`, value: kb(visits.revalidated.bytes), unit: 'KB', note: `the loader's cache expired (Chromium revalidates it): ${visits.revalidated.detail}` });
    }

    const rows: [WidgetPage, PageMarks][] = [
      ['inline', inline],
      ['launcher-open', marks.get('launcher-open')!],
    ];
    for (const [page, marks] of rows) {
      const add = (name: string, value: number, baseName: string, baseValue: number) =>
        report.add({ suite: 'widget', name: `${page}: script tag -> ${name}`, value, unit: 'ms', baseline: { name: `direct React: ${baseName}`, value: baseValue }, note: `median of ${flags.runs} cold loads` });
      add('element defined', marks.defined, 'bundle run', direct.defined);
      add('chunk loaded', marks.chunkLoaded, 'bundle loaded', direct.chunkLoaded);
      add('setOptions', marks.setOptions, 'setOptions', direct.setOptions);
      report.add({ suite: 'widget', name: `${page}: setOptions over direct React`, value: marks.setOptions - direct.setOptions, unit: 'ms', baseline: { name: 'goal', value: SET_OPTIONS_SLACK_MS }, note: `difference of the medians above` });
      if (marks.setOptions - direct.setOptions > SET_OPTIONS_SLACK_MS) await profilePage(report, browser, pages, page, resultsDir);
    }
    for (const page of ['inline', 'launcher-open'] as const) {
      const other = marks.get(`${page}-compared`);
      if (!other) continue;
      const mine = marks.get(page)!;
      report.add({
        suite: 'widget',
        name: `${page}: setOptions over direct React, this build`,
        value: mine.setOptions - direct.setOptions,
        unit: 'ms',
        baseline: { name: '--compare build', value: other.setOptions - direct.setOptions },
        note: `same run, interleaved; chunk loaded ${mine.chunkLoaded.toFixed(0)} vs ${other.chunkLoaded.toFixed(0)} ms; compared: ${flags.compare}`,
      });
    }
    const closed = marks.get('launcher-closed')!;
    const note = `closed launcher, from the pointer reaching it; median of ${flags.runs}`;
    report.add({ suite: 'widget', name: 'launcher: pointer -> chunk loaded', value: closed.chunkLoaded, unit: 'ms', note });
    report.add({ suite: 'widget', name: 'launcher: pointer -> setOptions', value: closed.setOptions, unit: 'ms', note: `${note}; what a visitor waits on first open` });
  } finally {
    await browser.close();
    await pages.close();
  }
}

async function profilePage(report: Report, browser: Browser, pages: PageServer, page: WidgetPage, resultsDir: string): Promise<void> {
  const dir = join(resultsDir, 'profiles');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `widget-${page}.cpuprofile`);
  const marks = await measurePage(browser, pages, page, file);
  const ms = (n: number) => `${n.toFixed(0).padStart(5)} ms`;
  const lines = [
    'scripts fetched (request start -> response end, from the script tag):',
    ...marks.waterfall.map(([name, start, end]) => `${ms(start)} -> ${ms(end)}  ${name}`),
    `${ms(marks.setOptions)}           setOptions reached the stand-in`,
    ...summarizeProfile(file),
  ];
  report.profiles.push({ title: `widget ${page}: page CPU from navigation to setOptions`, file: basename(file), lines });
  report.warn(`widget ${page}: setOptions more than ${SET_OPTIONS_SLACK_MS} ms over the direct React page; profile in results/profiles/${basename(file)}`);
}
