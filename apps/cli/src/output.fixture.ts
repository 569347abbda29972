import type { Output } from './terminal.js';

/** An Output that keeps what is written, as a terminal (200 columns) or as a pipe. */
export function captureOutput(isTTY = false): Output & { text: string } {
  return {
    text: '',
    isTTY,
    columns: isTTY ? 200 : undefined,
    write(t) {
      this.text += t;
    },
  };
}
