/** What BullMQ's Queue and Worker have in common for closing. */
interface Closable {
  waitUntilReady(): Promise<unknown>;
  close(): Promise<void>;
}

/**
 * Closes a BullMQ queue or worker once its connection has finished starting. Closed while it still starts, BullMQ
 * would report that connection's end to an emitter whose listeners the close removed: an unhandled rejection.
 */
export async function closeStarted(closable: Closable | undefined): Promise<void> {
  if (!closable) return;
  await closable.waitUntilReady().catch(() => undefined);
  await closable.close();
}
