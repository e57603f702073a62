/**
 * The figures a run collects, printed as one table and written as JSON. Every figure may carry the baseline
 * it is compared with (measured in the same run) and the ratio between the two.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Machine } from './machine.js';

export interface Figure {
  suite: string;
  name: string;
  value: number;
  unit: string;
  baseline?: { name: string; value: number };
  /** value / baseline.value */
  ratio?: number;
  note?: string;
}

export interface ProfileReport {
  title: string;
  file: string;
  lines: string[];
}

export class Report {
  readonly figures: Figure[] = [];
  readonly profiles: ProfileReport[] = [];
  readonly warnings: string[] = [];

  add(figure: Omit<Figure, 'ratio'>): Figure {
    const ratio = figure.baseline && figure.baseline.value !== 0 ? figure.value / figure.baseline.value : undefined;
    const full: Figure = ratio === undefined ? figure : { ...figure, ratio };
    this.figures.push(full);
    console.log(`  ${formatRow(full).join('  ')}`);
    return full;
  }

  warn(text: string): void {
    this.warnings.push(text);
    console.log(`  ! ${text}`);
  }

  table(): string {
    const header = ['suite', 'figure', 'value', 'baseline', 'ratio', 'note'];
    const rows = [header, ...this.figures.map((f) => [f.suite, ...formatRow(f)])];
    const widths = header.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
    const line = (r: string[]) => `| ${r.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
    return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.slice(1).map(line)].join('\n');
  }

  write(dir: string, machine: Machine, flags: unknown, startedAt: Date): string {
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `bench-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
    const body = { startedAt: startedAt.toISOString(), machine, flags, figures: this.figures, profiles: this.profiles, warnings: this.warnings };
    writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`);
    writeFileSync(join(dir, 'latest.json'), `${JSON.stringify(body, null, 2)}\n`);
    return file;
  }
}

function formatNumber(value: number, unit: string): string {
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${unit}`;
}

function formatRow(f: Figure): string[] {
  return [
    f.name,
    formatNumber(f.value, f.unit),
    f.baseline ? `${formatNumber(f.baseline.value, f.unit)} (${f.baseline.name})` : '',
    f.ratio === undefined ? '' : `${f.ratio.toFixed(2)}x`,
    f.note ?? '',
  ];
}
