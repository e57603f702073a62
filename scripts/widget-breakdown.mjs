// Says where a built widget file's bytes come from, as source-map-explorer does: every byte of the minified file
// is charged to the source module its source map names (rollup writes `<file>.map` beside each widget file).
// Beside the minified bytes, each module's share of the gzipped file: its bytes gzipped on their own, scaled so the
// shares add up to the whole file gzipped as it is sent (the build's `.gz`, else zlib's level 9; gzip compresses
// across modules, so a module alone is only an estimate).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

/** A source path as people say it: `lit/reactive-element.js` for a package, the project path otherwise. */
function moduleName(source, file) {
  const path = relative(process.cwd(), new URL(source, pathToFileURL(resolve(file))).pathname);
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(path);
  return inPackage ? `${inPackage[1]}/${inPackage[2]}` : path;
}

/** `[{ module, bytes, gzip }]` for a built file, largest first; `unmapped` holds the wrapper's own bytes. */
export function byteBreakdown(file) {
  const code = readFileSync(file, 'utf8');
  const map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')));
  const text = new Map();
  code.split('\n').forEach((line, lineNumber) => {
    for (let column = 0; column < line.length; column++) {
      const entry = map.findEntry(lineNumber, column);
      const name = entry?.originalSource ? moduleName(entry.originalSource, file) : 'unmapped';
      (text.get(name) ?? text.set(name, []).get(name)).push(line[column]);
    }
  });
  const alone = [...text].map(([module, chars]) => {
    const source = chars.join('');
    return { module, bytes: Buffer.byteLength(source), gzipAlone: gzipSync(source, { level: 9 }).length };
  });
  const whole = existsSync(`${file}.gz`) ? statSync(`${file}.gz`).size : gzipSync(code, { level: 9 }).length;
  const sumAlone = alone.reduce((sum, row) => sum + row.gzipAlone, 0);
  return alone
    .map(({ module, bytes, gzipAlone }) => ({ module, bytes, gzip: Math.round((gzipAlone * whole) / sumAlone) }))
    .sort((a, b) => b.bytes - a.bytes);
}

/** The breakdown as printable lines; modules under `minBytes` are summed into one line. */
export function breakdownLines(file, minBytes = 0) {
  const rows = byteBreakdown(file);
  const shown = rows.filter((row) => row.bytes >= minBytes);
  const rest = rows.filter((row) => row.bytes < minBytes);
  if (rest.length) shown.push({ module: `${rest.length} smaller modules`, bytes: rest.reduce((s, r) => s + r.bytes, 0), gzip: rest.reduce((s, r) => s + r.gzip, 0) });
  const total = rows.reduce((sum, row) => sum + row.bytes, 0);
  return shown.map((row) => `${String(row.bytes).padStart(7)} B ${((100 * row.bytes) / total).toFixed(1).padStart(5)}%  ~${String(row.gzip).padStart(6)} B gz  ${row.module}`);
}
