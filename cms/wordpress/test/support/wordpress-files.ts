/**
 * WordPress's own files, offline: Debian's `wordpress` package (6.1) and the few it links to, fetched with
 * `apt-get download` (no root needed), unpacked with `dpkg-deb -x` and flattened (Debian links some files to
 * other packages by absolute paths, resolved here inside the unpacked tree) into a cache folder outside the repo.
 * Each test run copies that tree: Playground writes wp-config.php and the SQLite database into it.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync, renameSync, statSync, copyFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';

const PACKAGES = ['wordpress', 'wordpress-theme-twentytwentythree', 'libjs-underscore', 'libjs-cropper', 'php-getid3'];
const CACHE = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'chat-kit-widget', 'wordpress-debian');

/** Follows a link found in the unpacked tree; absolute targets are looked up inside the tree first. */
function resolveLink(path: string, root: string): string {
  let current = path;
  for (let hops = 0; hops < 16 && lstatSync(current, { throwIfNoEntry: false })?.isSymbolicLink(); hops++) {
    const target = readlinkSync(current);
    current = isAbsolute(target) ? (existsSync(join(root, target)) ? join(root, target) : target) : resolve(dirname(current), target);
  }
  return current;
}

function flatten(from: string, to: string, root: string): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = entry.isSymbolicLink() ? resolveLink(join(from, entry.name), root) : join(from, entry.name);
    if (!existsSync(source)) continue; // a link to a file this machine does not have and WordPress does not need
    if (statSync(source).isDirectory()) flatten(source, join(to, entry.name), root);
    else copyFileSync(source, join(to, entry.name));
  }
}

/** `apt-get download`; on a machine whose package lists are missing or stale, refreshes them first when root. */
function downloadPackages(dir: string): void {
  const download = () => execFileSync('apt-get', ['download', ...PACKAGES], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    download();
  } catch (error) {
    if (process.getuid?.() !== 0) throw error;
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    download();
  }
}

/** The cached, flattened WordPress tree (without wp-config.php), made on first use. */
export function wordpressFiles(): string {
  const tree = join(CACHE, 'wordpress');
  if (existsSync(join(tree, 'wp-includes', 'version.php'))) return tree;
  const work = mkdtempSync(join(tmpdir(), 'ckw-wordpress-debs-'));
  try {
    downloadPackages(work);
    const root = join(work, 'root');
    for (const deb of readdirSync(work).filter((name) => name.endsWith('.deb'))) execFileSync('dpkg-deb', ['-x', join(work, deb), root]);
    const staged = join(work, 'wordpress');
    flatten(join(root, 'usr', 'share', 'wordpress'), staged, root);
    // Debian's wp-config.php reads /etc/wordpress; Playground writes its own.
    rmSync(join(staged, 'wp-config.php'), { force: true });
    mkdirSync(CACHE, { recursive: true });
    rmSync(tree, { recursive: true, force: true });
    renameSync(staged, tree);
    return tree;
  } catch (error) {
    throw new Error(`Could not get WordPress from Debian's packages (apt-get download ${PACKAGES.join(' ')}): ${(error as Error).message}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** A fresh copy of WordPress for one test run, in a temporary folder. */
export function freshSite(): string {
  const site = mkdtempSync(join(tmpdir(), 'ckw-wordpress-site-'));
  cpSync(wordpressFiles(), site, { recursive: true });
  return site;
}
