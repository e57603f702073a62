// Finds an installed browser for the tests: its environment variable, then the usual places. Where there is none
// it installs Debian's package when it can (root with apt-get), else it stops with one line saying how to get one.
// No test tool downloads a browser of its own: scripts/chromium.mjs and scripts/firefox.mjs describe the two.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

/**
 * @typedef {object} BrowserSpec
 * @property {string} name - what the messages call it ("Chromium")
 * @property {string} envVar - the variable that names its binary (CHROME_PATH)
 * @property {string[]} candidates - usual install paths, in order
 * @property {string} aptPackage - Debian's package that provides it
 */

/** @param {BrowserSpec} spec @returns {string | undefined} */
export function findBrowser(spec) {
  const fromEnv = process.env[spec.envVar];
  if (fromEnv) {
    if (existsSync(fromEnv)) return fromEnv;
    throw new Error(`${spec.envVar} is set to ${fromEnv}, which does not exist`);
  }
  return spec.candidates.find((path) => existsSync(path));
}

/** @param {BrowserSpec} spec @returns {string} */
export function ensureBrowser(spec) {
  const found = findBrowser(spec);
  if (found) return found;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  let hasApt = false;
  try {
    execFileSync('apt-get', ['--version'], { stdio: 'ignore' });
    hasApt = true;
  } catch {}
  if (isRoot && hasApt) {
    console.error(`No ${spec.name} found: installing Debian's ${spec.aptPackage} package with apt-get...`);
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-qq', spec.aptPackage], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    const installed = findBrowser(spec);
    if (installed) return installed;
  }
  console.error(`No ${spec.name} found: install one (Debian: \`sudo apt-get install ${spec.aptPackage}\`) or set ${spec.envVar} to its binary.`);
  process.exit(1);
}
