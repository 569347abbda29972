import type { GlobalOptions } from '../args.js';
import type { PartitaClient } from '../client.js';
import type { Output } from '../terminal.js';

/** What every command gets: the API client, the global options and the streams. */
export interface Context {
  client: PartitaClient;
  options: GlobalOptions;
  stdout: Output;
  stderr: Output;
  stdin: NodeJS.ReadableStream;
}

/** The API's JSON, indented, as `--json` prints it. */
export function printJson(out: Output, value: unknown): void {
  out.write(`${JSON.stringify(value, null, 2)}\n`);
}
