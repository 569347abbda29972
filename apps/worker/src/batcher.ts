/**
 * Gathers calls into batches without a timer: the first call flushes at once, and calls that arrive while a flush is
 * under way go together into the next one. Idle, a call costs what it would alone; under load, one round trip serves
 * many calls. When a batch fails, its calls are tried one by one, so that one bad call fails alone.
 */
export class Batcher<Req, Res> {
  private pending: Array<{ req: Req; resolve: (res: Res) => void; reject: (err: unknown) => void }> = [];
  private flushing = false;

  /** @param flush  answers each request, in order (one result per request). */
  constructor(
    private readonly flush: (reqs: Req[]) => Promise<Res[]>,
    private readonly maxBatch = 256,
  ) {}

  submit(req: Req): Promise<Res> {
    return new Promise<Res>((resolve, reject) => {
      this.pending.push({ req, resolve, reject });
      if (!this.flushing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.flushing = true;
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, this.maxBatch);
        try {
          const results = await this.flush(batch.map((b) => b.req));
          batch.forEach((b, i) => b.resolve(results[i]!));
        } catch (err) {
          if (batch.length === 1) {
            batch[0]!.reject(err);
            continue;
          }
          for (const b of batch) {
            await this.flush([b.req]).then(
              ([res]) => b.resolve(res!),
              (e: unknown) => b.reject(e),
            );
          }
        }
      }
    } finally {
      this.flushing = false;
    }
  }
}
