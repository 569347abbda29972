// `COPY … TO STDOUT` through PostgreSQL's extended query protocol, as a Readable of the COPY's data.
import { Readable } from 'node:stream';

/** Message type bytes of the PostgreSQL protocol (backend side) that a COPY out through Parse/Bind/Execute sees. */
const PARSE_COMPLETE = 0x31; // '1'
const BIND_COMPLETE = 0x32; // '2'
const COPY_OUT_RESPONSE = 0x48; // 'H'
const COPY_DATA = 0x64; // 'd'
const COPY_DONE = 0x63; // 'c'
const ERROR_RESPONSE = 0x45; // 'E'
const NOTICE_RESPONSE = 0x4e; // 'N'
const PARAMETER_STATUS = 0x53; // 'S'
const NOTIFICATION_RESPONSE = 0x41; // 'A'
const EMPTY = Buffer.alloc(0);

/** What this module needs of node-postgres's connection: its socket and the extended-protocol messages. */
interface PgConnection {
  stream: NodeJS.ReadableStream & { listeners(event: 'data'): Array<(chunk: Buffer) => void> };
  parse(query: { text: string }): void;
  bind(config: Record<string, never>): void;
  execute(config: { rows: number }): void;
  sync(): void;
}

/**
 * One `COPY (…) TO STDOUT` statement sent as ONE extended-protocol statement (Parse, Bind, Execute, Sync): PostgreSQL
 * refuses a text holding a second statement (42601), where a simple Query message would run it. Pass it to
 * `client.query()`; read the COPY's data (the payloads of its CopyData messages, in order) from the stream.
 *
 * While the COPY runs, the socket's bytes are read here and not by node-postgres, whose per-message parsing costs too
 * much for a binary COPY's one message per row: CopyData payloads are gathered and pushed once per socket read, and the
 * socket is paused while the reader is behind. At CopyDone, or at an ErrorResponse, the rest of the bytes go back to
 * node-postgres, which then reports the command tag (`rowCount`), the error (the stream fails with it) and
 * ReadyForQuery as usual, so the client stays usable. Destroying the stream mid-COPY leaves the connection in the
 * middle of the COPY: discard that client.
 */
export class CopyOutStream extends Readable {
  /** Rows PostgreSQL says the COPY sent (its `COPY n` command tag), once it completed. */
  rowCount = 0;
  /** Settles at ReadyForQuery after a COPY that completed; at once when the statement failed. */
  readonly readyForQuery: Promise<void>;

  private connection: PgConnection | null = null;
  private pgData: ((chunk: Buffer) => void) | null = null;
  /** A message header that a socket read cut, the bytes of a CopyData payload still to pass on, of another message to skip. */
  private head: Buffer = EMPTY;
  private pass = 0;
  private skip = 0;
  private paused = false;
  private resolveReady: () => void = () => undefined;
  private readonly onData = (chunk: Buffer): void => this.receive(chunk);

  constructor(private readonly text: string) {
    super({ highWaterMark: 1 << 20 });
    this.readyForQuery = new Promise((resolve) => (this.resolveReady = resolve));
  }

  /** Called by node-postgres when this statement's turn comes. */
  submit(connection: PgConnection): void {
    this.connection = connection;
    const listeners = connection.stream.listeners('data');
    if (listeners.length !== 1) throw new Error(`CopyOutStream: expected node-postgres's one data listener, found ${listeners.length}`);
    this.pgData = listeners[0]!;
    connection.stream.removeListener('data', this.pgData);
    connection.stream.on('data', this.onData);
    connection.parse({ text: this.text });
    connection.bind({});
    connection.execute({ rows: 0 });
    connection.sync();
  }

  /**
   * Reads the protocol messages in the socket's bytes until CopyDone or an error. A message may span reads: its
   * header waits in `head`; the rest of a CopyData payload passes through as it comes (`pass`), the rest of another
   * message is skipped (`skip`). The payloads of one read are pushed as one buffer.
   */
  private receive(chunk: Buffer): void {
    const payloads: Buffer[] = [];
    let at = 0;
    while (at < chunk.length) {
      if (this.pass > 0) {
        const n = Math.min(this.pass, chunk.length - at);
        payloads.push(chunk.subarray(at, at + n));
        this.pass -= n;
        at += n;
        continue;
      }
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - at);
        this.skip -= n;
        at += n;
        continue;
      }
      const missing = 5 - this.head.length;
      if (chunk.length - at < missing) {
        this.head = Buffer.concat([this.head, chunk.subarray(at)]);
        break;
      }
      const header = this.head.length === 0 ? chunk.subarray(at, at + 5) : Buffer.concat([this.head, chunk.subarray(at, at + missing)]);
      this.head = EMPTY;
      const type = header[0]!;
      if (type === ERROR_RESPONSE) return this.handBack(payloads, Buffer.concat([header, chunk.subarray(at + missing)]));
      at += missing;
      const body = header.readUInt32BE(1) - 4;
      if (type === COPY_DONE) return this.handBack(payloads, chunk.subarray(at + body));
      if (type === COPY_DATA) this.pass = body;
      else if (SKIPPED.has(type)) this.skip = body;
      else {
        this.destroy(new Error(`CopyOutStream: unexpected message ${String.fromCharCode(type)} during COPY`));
        return;
      }
    }
    if (payloads.length > 0 && !this.push(payloads.length === 1 ? payloads[0]! : Buffer.concat(payloads))) {
      this.paused = true;
      this.connection?.stream.pause();
    }
  }

  /** Ends the data (at CopyDone) and gives the socket, and the bytes after the COPY, back to node-postgres. */
  private handBack(payloads: Buffer[], rest: Buffer): void {
    const connection = this.connection!;
    const pgData = this.pgData!;
    connection.stream.removeListener('data', this.onData);
    connection.stream.on('data', pgData);
    if (payloads.length > 0) this.push(Buffer.concat(payloads));
    const failed = rest.length > 0 && rest[0] === ERROR_RESPONSE;
    if (!failed) this.push(null);
    if (this.paused) {
      this.paused = false;
      connection.stream.resume();
    }
    if (rest.length > 0) pgData(rest);
  }

  override _read(): void {
    if (this.paused && this.connection !== null) {
      this.paused = false;
      this.connection.stream.resume();
    }
  }

  /** node-postgres: the command tag, `COPY n`. */
  handleCommandComplete(message: { text?: string }): void {
    const match = /^COPY (\d+)/.exec(message.text ?? '');
    if (match) this.rowCount = Number(match[1]);
  }

  /** node-postgres: an ErrorResponse (the statement failed, or was refused). */
  handleError(error: Error): void {
    this.destroy(error);
    // After an error node-postgres no longer counts this statement as active: ReadyForQuery is not reported here.
    this.resolveReady();
  }

  /** node-postgres: ReadyForQuery after this statement. */
  handleReadyForQuery(): void {
    this.resolveReady();
  }
}

/** Messages that may come before or among the CopyData ones and carry nothing the COPY needs. */
const SKIPPED = new Set([PARSE_COMPLETE, BIND_COMPLETE, COPY_OUT_RESPONSE, NOTICE_RESPONSE, PARAMETER_STATUS, NOTIFICATION_RESPONSE]);
