/**
 * `npm run bench`: runs the suites, prints each figure beside its baseline as it is measured, then the whole
 * table, and writes it as JSON under bench/results/. Every suite is bounded; a whole-run deadline stops
 * everything that is still running.
 */
import { fileURLToPath } from 'node:url';
import { parseFlags, type BenchFlags, type SuiteName } from './harness/args.js';
import { describeMachine, machineLine } from './harness/machine.js';
import { Report } from './harness/report.js';
import { enablePinning, killAllHosts, pinSelf } from './harness/hosts.js';
import { removeDataDirs } from './harness/stack.js';
import { agentSuite } from './suites/agent.js';
import { backendSuite } from './suites/backend.js';
import { instancesSuite } from './suites/instances.js';
import { memorySuite } from './suites/memory.js';
import { streamsSuite } from './suites/streams.js';
import { tokenServerSuite } from './suites/token-server.js';
import { uploadsSuite } from './suites/uploads.js';
import { widgetSuite } from './suites/widget.js';

const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));

type Suite = (report: Report, flags: BenchFlags, resultsDir: string) => Promise<void>;

const suites: Record<SuiteName, Suite | undefined> = {
  token: tokenServerSuite,
  backend: backendSuite,
  streams: streamsSuite,
  agent: agentSuite,
  widget: widgetSuite,
  memory: memorySuite,
  instances: instancesSuite,
  uploads: uploadsSuite,
};

async function main(): Promise<number> {
  const startedAt = new Date();
  const flags = parseFlags(process.argv.slice(2));
  const machine = describeMachine();
  console.log(`bench on ${machineLine(machine)}`);
  console.log('The machine may be shared: compare each figure with its baseline from the same run, not with other runs.\n');

  const deadline = setTimeout(() => {
    console.error(`bench: past the ${flags.deadlineMs / 1000} s deadline, stopping everything`);
    killAllHosts();
    removeDataDirs();
    process.exit(2);
  }, flags.deadlineMs);
  deadline.unref();

  // Server processes go on core 0; this process (the load generator) and the mocks share core 1.
  if (machine.taskset && machine.nproc >= 2) enablePinning('1');

  const report = new Report();
  let failed = false;
  for (const name of flags.only) {
    const suite = suites[name];
    if (!suite) {
      report.warn(`${name}: not measured (its part of the product has not landed yet)`);
      continue;
    }
    console.log(`\n== ${name}`);
    // The browser is not pinned: Chromium runs on every core, as on a visitor's machine.
    pinSelf(name === 'widget' ? `0-${machine.nproc - 1}` : '1');
    const suiteStart = Date.now();
    try {
      await suite(report, flags, RESULTS_DIR);
    } catch (err) {
      failed = true;
      report.warn(`${name}: failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      killAllHosts();
      removeDataDirs();
    }
    console.log(`   (${name} took ${((Date.now() - suiteStart) / 1000).toFixed(0)} s)`);
  }

  console.log(`\n${machineLine(machine)}\n`);
  console.log(report.table());
  for (const profile of report.profiles) console.log(`\nprofile: ${profile.title} (${profile.file})\n  ${profile.lines.join('\n  ')}`);
  if (report.warnings.length) console.log(`\nwarnings:\n  ${report.warnings.join('\n  ')}`);
  const file = report.write(RESULTS_DIR, machine, flags, startedAt);
  console.log(`\nwritten: ${file}\ntotal ${((Date.now() - startedAt.getTime()) / 1000).toFixed(0)} s`);
  clearTimeout(deadline);
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    killAllHosts();
    removeDataDirs();
    process.exit(1);
  },
);
