// Builds the installable WordPress plugin zip: dist/wordpress/chat-kit-widget-<version>.zip, holding the folder
// cms/wordpress/chat-kit-widget/ as `chat-kit-widget/` (what Plugins → Add New → Upload Plugin expects). Stops when
// the plugin header, its version constant and readme.txt's stable tag disagree. Plain zip (deflate), no dependency.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';

const PLUGIN_DIR = 'cms/wordpress/chat-kit-widget';
const SLUG = 'chat-kit-widget';
const OUT_DIR = 'dist/wordpress';

function pluginVersion() {
  const main = readFileSync(join(PLUGIN_DIR, `${SLUG}.php`), 'utf8');
  const readme = readFileSync(join(PLUGIN_DIR, 'readme.txt'), 'utf8');
  const versions = {
    'the plugin header': /^\s*\*\s*Version:\s*(\S+)/m.exec(main)?.[1],
    CHAT_KIT_WIDGET_VERSION: /define\(\s*'CHAT_KIT_WIDGET_VERSION',\s*'([^']+)'/.exec(main)?.[1],
    "readme.txt's Stable tag": /^Stable tag:\s*(\S+)/m.exec(readme)?.[1],
  };
  const found = new Set(Object.values(versions));
  if (found.size !== 1 || found.has(undefined)) {
    console.error(`The plugin's versions disagree: ${Object.entries(versions).map(([where, v]) => `${where} ${v}`).join(', ')}.`);
    process.exit(1);
  }
  return [...found][0];
}

function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)]));
}

/** DOS date and time fields for a zip entry. */
function dosTime(date) {
  const time = (date.getHours() << 11) | (date.getMinutes() << 5) | Math.floor(date.getSeconds() / 2);
  const day = ((date.getFullYear() - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate();
  return { time, day };
}

function zip(entries) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const { name, data, modified } of entries) {
    const nameBytes = Buffer.from(name, 'utf8');
    const compressed = deflateRawSync(data, { level: 9 });
    const { time, day } = dosTime(modified);
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4); // version needed
    header.writeUInt16LE(0x0800, 6); // UTF-8 names
    header.writeUInt16LE(8, 8); // deflate
    header.writeUInt16LE(time, 10);
    header.writeUInt16LE(day, 12);
    header.writeUInt32LE(crc32(data), 14);
    header.writeUInt32LE(compressed.length, 18);
    header.writeUInt32LE(data.length, 22);
    header.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(0x0314, 4); // made by: Unix, 2.0
    header.copy(central, 6, 4, 30); // the same fields as the local header
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38); // a regular file, rw-r--r--
    central.writeUInt32LE(offset, 42);
    locals.push(header, nameBytes, compressed);
    centrals.push(central, nameBytes);
    offset += header.length + nameBytes.length + compressed.length;
  }
  const centralSize = centrals.reduce((sum, part) => sum + part.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

const version = pluginVersion();
const entries = filesUnder(PLUGIN_DIR).map((path) => ({
  name: `${SLUG}/${relative(PLUGIN_DIR, path).split(sep).join('/')}`,
  data: readFileSync(path),
  modified: statSync(path).mtime,
}));
mkdirSync(OUT_DIR, { recursive: true });
const out = join(OUT_DIR, `${SLUG}-${version}.zip`);
writeFileSync(out, zip(entries));
console.log(`${out}: ${entries.length} files, ${(statSync(out).size / 1024).toFixed(1)} KiB`);
