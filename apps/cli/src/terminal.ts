import { truncate } from '@partita/format';

/** Where the CLI writes: a stream, and whether it is a terminal (and how wide). */
export interface Output {
  write(text: string): void;
  readonly isTTY: boolean;
  /** Terminal width in characters; undefined when not a terminal. */
  readonly columns: number | undefined;
}

export function streamOutput(stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number }): Output {
  return {
    write: (text) => void stream.write(text),
    get isTTY() {
      return stream.isTTY === true;
    },
    get columns() {
      return stream.isTTY ? stream.columns : undefined;
    },
  };
}

const UP = (n: number) => `\x1b[${n}A`;
const CLEAR_LINE = '\r\x1b[2K';
const CLEAR_BELOW = '\x1b[J';

/**
 * Lines at the bottom of a terminal that are redrawn in place (cursor up, clear line), with text printed above them.
 * Lines are cut to the terminal's width so that none wraps (a wrapped line would break the cursor arithmetic).
 */
export class LiveRegion {
  private drawn = 0;

  constructor(private readonly out: Output) {}

  /** Replaces the region's lines with `lines`. */
  render(lines: readonly string[]): void {
    const width = this.out.columns ? this.out.columns - 1 : 0;
    let text = this.drawn > 0 ? UP(this.drawn) : '';
    for (const line of lines) text += `${CLEAR_LINE}${truncate(line, width)}\n`;
    if (lines.length < this.drawn) text += CLEAR_BELOW;
    this.out.write(text);
    this.drawn = lines.length;
  }

  /** Prints `text` where the region was; the next `render` draws the region below it. */
  print(text: string): void {
    const clear = this.drawn > 0 ? `${UP(this.drawn)}\r${CLEAR_BELOW}` : '';
    this.out.write(`${clear}${text}\n`);
    this.drawn = 0;
  }
}
