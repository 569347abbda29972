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
 * much for a binary COPY's one message per row: the CopyData payloads of a socket read are pushed as one buffer, with no
 * allocation per row, and the socket is paused while the reader is behind. At CopyDone, or at an ErrorResponse, the
 * rest of the bytes go back to node-postgres, which then reports the command tag (`rowCount`), the error (the stream
 * fails with it) and ReadyForQuery as usual, so the client stays usable. Destroying the stream mid-COPY leaves the
 * connection in the middle of the COPY, its socket paused (the server waits to send the rest): discard that client
 * (`end()`, or `release(error)` to its pool, drops the socket).
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
  /** From submit to CopyDone or an error: the socket's bytes come here. */
  private copying = false;
  private resolveReady: () => void = () => undefined;
  private readonly onData = (chunk: Buffer): void => this.receive(chunk);

  constructor(private readonly text: string) {
    super({ highWaterMark: 1 << 20 });
    this.readyForQuery = new Promise((resolve) => (this.resolveReady = resolve));
  }

  /** Called by node-postgres when this statement's turn comes; an error returned is reported through `handleError`. */
  submit(connection: PgConnection): Error | undefined {
    this.connection = connection;
    const listeners = connection.stream.listeners('data');
    if (listeners.length !== 1) return new Error(`CopyOutStream: expected node-postgres's one data listener, found ${listeners.length}`);
    this.pgData = listeners[0]!;
    connection.stream.removeListener('data', this.pgData);
    connection.stream.on('data', this.onData);
    this.copying = true;
    connection.parse({ text: this.text });
    connection.bind({});
    connection.execute({ rows: 0 });
    connection.sync();
    return undefined;
  }

  /**
   * Reads the protocol messages in the socket's bytes until CopyDone or an error. The payloads of one read are moved
   * to the front of that read's buffer (a buffer of its own, which no one else reads while the COPY runs) and pushed as
   * one buffer: nothing is allocated per message, each payload is moved once. A message may span reads: a header that
   * a read cut waits in `head`; the rest of a CopyData payload passes on as it comes (`pass`), the rest of another
   * message is skipped (`skip`).
   */
  private receive(chunk: Buffer): void {
    if (this.destroyed) return;
    const end = chunk.length;
    let out = 0;
    let at = 0;
    while (at < end) {
      if (this.pass > 0) {
        const n = Math.min(this.pass, end - at);
        if (out !== at) chunk.copyWithin(out, at, at + n);
        out += n;
        at += n;
        this.pass -= n;
        continue;
      }
      if (this.skip > 0) {
        const n = Math.min(this.skip, end - at);
        this.skip -= n;
        at += n;
        continue;
      }
      // The header is read where it lies, or (cut by a read) from the bytes joined.
      let header = chunk;
      let h = at;
      if (this.head.length === 0 && end - at >= 5) {
        at += 5;
      } else {
        const missing = 5 - this.head.length;
        if (end - at < missing) {
          this.head = Buffer.concat([this.head, chunk.subarray(at)]);
          break;
        }
        header = Buffer.concat([this.head, chunk.subarray(at, at + missing)]);
        h = 0;
        this.head = EMPTY;
        at += missing;
      }
      const type = header[h]!;
      const body = header.readUInt32BE(h + 1) - 4;
      if (type === COPY_DATA) this.pass = body;
      else if (type === COPY_DONE) return this.handBack(chunk.subarray(0, out), chunk.subarray(at + body));
      else if (type === ERROR_RESPONSE) {
        const message = header === chunk ? chunk.subarray(at - 5) : Buffer.concat([header, chunk.subarray(at)]);
        return this.handBack(chunk.subarray(0, out), message);
      } else if (SKIPPED.has(type)) this.skip = body;
      else {
        this.destroy(new Error(`CopyOutStream: unexpected message ${String.fromCharCode(type)} during COPY`));
        return;
      }
    }
    if (out > 0 && !this.push(chunk.subarray(0, out))) {
      this.paused = true;
      this.connection?.stream.pause();
    }
  }

  /** Ends the data (at CopyDone) and gives the socket, and the bytes after the COPY, back to node-postgres. */
  private handBack(data: Buffer, rest: Buffer): void {
    const connection = this.connection!;
    const pgData = this.pgData!;
    this.copying = false;
    connection.stream.removeListener('data', this.onData);
    connection.stream.on('data', pgData);
    if (data.length > 0) this.push(data);
    const failed = rest.length > 0 && rest[0] === ERROR_RESPONSE;
    if (!failed) this.push(null);
    if (this.paused) {
      this.paused = false;
      connection.stream.resume();
    }
    if (rest.length > 0) pgData(rest);
  }

  /** Destroyed mid-COPY (an abort): the socket stops, the rest of the COPY stays unread; the client must be discarded. */
  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.copying) this.connection?.stream.pause();
    callback(error);
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
