// The run's results: bench/results/<name>.json (everything, per round) and <name>.md (the tables and the targets).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fmt, met, type Figure, type SuiteResult } from './suite.js';

export interface RunReport {
  startedAt: string;
  durationS: number;
  options: { quick: boolean; workers: number; repeat: number; only: string[] | null };
  machine: Record<string, string | number>;
  suites: Array<{ name: string; title: string; durationS: number } & (SuiteResult | { error: string })>;
}

const mark = (f: Figure): string => {
  const ok = met(f);
  return ok === undefined ? '' : ok ? 'met' : '**missed**';
};

export function toMarkdown(report: RunReport): string {
  const lines: string[] = [];
  const o = report.options;
  lines.push(`# Benchmark results (${o.quick ? 'quick' : 'full'} run)`, '');
  lines.push(
    `${report.startedAt}, ${fmt(report.durationS)} s; up to ${o.workers} workers, ${o.repeat} round(s) per comparison` +
      `${o.only ? `; only ${o.only.join(', ')}` : ''}.`,
    '',
  );
  lines.push(
    `Machine: ${Object.entries(report.machine)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}.`,
    '',
  );
  const figures = report.suites.flatMap((s) => ('figures' in s ? s.figures.filter((f) => f.target) : []));
  if (figures.length > 0) {
    lines.push('## Targets', '', '| figure | value | target | |', '|---|---|---|---|');
    for (const f of figures)
      lines.push(`| ${f.label} | ${fmt(f.value)} ${f.unit} | ${f.target!.op} ${fmt(f.target!.value)} | ${mark(f)} |`);
    lines.push('');
  }
  for (const s of report.suites) {
    lines.push(`## ${s.title}`, '');
    if ('error' in s) {
      lines.push(`Failed: ${s.error}`, '');
      continue;
    }
    const [head, ...rows] = s.table;
    if (head) {
      lines.push(`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`);
      for (const r of rows) lines.push(`| ${r.join(' | ')} |`);
      lines.push('');
    }
    const plain = s.figures.filter((f) => !f.target);
    for (const f of plain) lines.push(`- ${f.label}: ${fmt(f.value)} ${f.unit}`);
    if (plain.length > 0) lines.push('');
    for (const n of s.notes) lines.push(`- ${n}`);
    lines.push(`- suite time: ${fmt(s.durationS)} s`, '');
  }
  return lines.join('\n');
}

export function writeReport(dir: string, name: string, report: RunReport): { json: string; md: string } {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, `${name}.json`);
  const md = join(dir, `${name}.md`);
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(md, toMarkdown(report));
  return { json, md };
}
