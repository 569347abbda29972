import { describe, expect, it } from 'vitest';
import { LiveRegion, type Output } from './terminal.js';

function fakeTerminal(columns = 80): Output & { text: string } {
  return {
    text: '',
    isTTY: true,
    columns,
    write(t) {
      this.text += t;
    },
  };
}

describe('live region', () => {
  it('redraws its lines in place: cursor up, clear line', () => {
    const term = fakeTerminal();
    const region = new LiveRegion(term);
    region.render(['a 1', 'b 1']);
    expect(term.text).toBe('\r\x1b[2Ka 1\n\r\x1b[2Kb 1\n');
    term.text = '';
    region.render(['a 2', 'b 2']);
    expect(term.text).toBe('\x1b[2A\r\x1b[2Ka 2\n\r\x1b[2Kb 2\n');
  });

  it('clears what is left when it shrinks, and prints text above itself', () => {
    const term = fakeTerminal();
    const region = new LiveRegion(term);
    region.render(['a', 'b']);
    term.text = '';
    region.render(['b']);
    expect(term.text).toBe('\x1b[2A\r\x1b[2Kb\n\x1b[J');
    term.text = '';
    region.print('table');
    expect(term.text).toBe('\x1b[1A\r\x1b[Jtable\n');
    term.text = '';
    region.render(['c']);
    expect(term.text).toBe('\r\x1b[2Kc\n');
  });

  it('cuts lines to the terminal width so that none wraps', () => {
    const term = fakeTerminal(6);
    new LiveRegion(term).render(['abcdefgh']);
    expect(term.text).toBe('\r\x1b[2Kabcd…\n');
  });
});
