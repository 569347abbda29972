import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatCount,
  formatDuration,
  formatPercent,
  formatRate,
  formatRatio,
  formatShortDuration,
  formatSpeedup,
  formatTimestamp,
  shortId,
  table,
  truncate,
} from './index.js';

describe('durations', () => {
  it('formats measured durations for tables', () => {
    expect(formatDuration(null)).toBe('-');
    expect(formatDuration(undefined)).toBe('-');
    expect(formatDuration(0)).toBe('0 ms');
    expect(formatDuration(3336.4)).toBe('3336 ms');
    expect(formatDuration(9999.4)).toBe('9999 ms');
    expect(formatDuration(12_449)).toBe('12.4 s');
    expect(formatDuration(125_000)).toBe('2 min 05 s');
    expect(formatDuration(3_720_000)).toBe('1 h 02 min');
  });

  it('formats live durations compactly', () => {
    expect(formatShortDuration(null)).toBe('-');
    expect(formatShortDuration(-5)).toBe('0.0s');
    expect(formatShortDuration(420)).toBe('0.4s');
    expect(formatShortDuration(8240)).toBe('8.2s');
    expect(formatShortDuration(9960)).toBe('10s');
    expect(formatShortDuration(42_300)).toBe('42s');
    expect(formatShortDuration(59_600)).toBe('1m00s');
    expect(formatShortDuration(185_000)).toBe('3m05s');
    expect(formatShortDuration(3_725_000)).toBe('1h02m');
  });
});

describe('numbers', () => {
  it('formats speed-ups, counts, rates and sizes', () => {
    expect(formatSpeedup(1.8962)).toBe('1.90x');
    expect(formatSpeedup(0)).toBe('0.00x');
    expect(formatCount(0)).toBe('0');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(1_234_567)).toBe('1,234,567');
    expect(formatCount(-1234)).toBe('-1,234');
    expect(formatRate(null, 'groups')).toBe('- groups/s');
    expect(formatRate(0.349, 'groups')).toBe('0.35 groups/s');
    expect(formatRate(45.62, 'groups')).toBe('45.6 groups/s');
    expect(formatRate(123_456.7, 'rows')).toBe('123,457 rows/s');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(20 * 1024 * 1024)).toBe('20.0 MiB');
  });

  it('formats timestamps in local time to the second', () => {
    const local = new Date(2024, 4, 1, 9, 3, 7, 450);
    expect(formatTimestamp(local.toISOString())).toBe('2024-05-01 09:03:07');
    expect(formatTimestamp(null)).toBe('-');
    expect(formatTimestamp('not a time')).toBe('not a time');
  });
});

describe('table', () => {
  it('right-aligns by default under a rule of dashes', () => {
    expect(
      table(
        ['job', 'wall'],
        [
          ['a', '3336 ms'],
          ['bbbbbbbbbb', '5 ms'],
        ],
      ),
    ).toBe(['       job     wall', '----------  -------', '         a  3336 ms', 'bbbbbbbbbb     5 ms'].join('\n'));
  });

  it('left-aligns chosen columns without trailing spaces, and pads missing cells', () => {
    expect(
      table(
        ['id', 'n', 'note'],
        [
          ['x', '1', 'long note'],
          ['yy', '22'],
        ],
        ['left', 'right', 'left'],
      ),
    ).toBe(['id   n  note', '--  --  ---------', 'x    1  long note', 'yy  22'].join('\n'));
  });

  it('prints only the header for no rows', () => {
    expect(table(['a', 'bb'], [])).toBe('a  bb\n-  --');
  });
});

describe('truncate', () => {
  it('cuts long lines with an ellipsis and leaves short ones', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abc', 4)).toBe('abc');
    expect(truncate('abc', 0)).toBe('abc');
  });
});

describe('ratios, shares and ids', () => {
  it('prints ratios to two decimals, shares as whole percentages, ids by their first eight characters', () => {
    expect(formatRatio(0.9167)).toBe('0.92');
    expect(formatRatio(0)).toBe('-');
    expect(formatRatio(null)).toBe('-');
    expect(formatPercent(0.456)).toBe('46%');
    expect(formatPercent(1.2)).toBe('100%');
    expect(formatPercent(Number.NaN)).toBe('0%');
    expect(shortId('204746fb-1c1d-4d8e-9a55-3f0e1d6c2b7a')).toBe('204746fb');
  });
});
