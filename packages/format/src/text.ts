/** Plain text: ids, cut lines and tables. */

/** A job's or run's id as lists show it: its first eight characters. */
export function shortId(id: string): string {
  return id.slice(0, 8);
}

export type Align = 'left' | 'right';

/**
 * A plain-text table: a header row, a rule of dashes and the rows, columns separated by two spaces. Columns are
 * right-aligned unless `align` says otherwise; trailing spaces are trimmed.
 */
export function table(headers: readonly string[], rows: readonly (readonly string[])[], align: readonly Align[] = []): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    widths
      .map((w, i) => {
        const cell = cells[i] ?? '';
        return align[i] === 'left' ? cell.padEnd(w) : cell.padStart(w);
      })
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Cuts a line to `width` characters, marking the cut with `…`. */
export function truncate(text: string, width: number): string {
  if (width <= 0 || text.length <= width) return text;
  return width === 1 ? '…' : `${text.slice(0, width - 1)}…`;
}
