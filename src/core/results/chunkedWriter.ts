import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';

/**
 * Batches small strings into chunks of about `chunkSize` characters for a Writable, and waits for `drain` whenever
 * the Writable says its buffer is full, so a slow destination (a file on a network share) holds back the producer
 * instead of the rows piling up in memory.
 */
export class ChunkedWriter {
  private pending: string[] = [];
  private pendingLength = 0;

  constructor(
    private readonly out: Writable,
    private readonly chunkSize = 64 * 1024,
  ) {}

  async write(text: string): Promise<void> {
    this.pending.push(text);
    this.pendingLength += text.length;
    if (this.pendingLength >= this.chunkSize) {
      await this.flush();
    }
  }

  async flush(): Promise<void> {
    if (this.pendingLength === 0) {
      return;
    }
    const chunk = this.pending.join('');
    this.pending = [];
    this.pendingLength = 0;
    if (!this.out.write(chunk)) {
      await drained(this.out);
    }
  }

  /** Flushes, then ends the Writable (unless `end` is false) and waits until it has finished. */
  async close(end = true): Promise<void> {
    await this.flush();
    if (end) {
      this.out.end();
      await finished(this.out);
    }
  }
}

function drained(out: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (error?: Error): void => {
      out.off('drain', onDrain);
      out.off('error', onError);
      out.off('close', onClose);
      if (error) {
        reject(error);
      } else {
        resolve();
      }
    };
    const onDrain = (): void => settle();
    const onError = (error: Error): void => settle(error);
    const onClose = (): void => settle(new Error('The output closed before everything was written.'));
    out.on('drain', onDrain);
    out.on('error', onError);
    out.on('close', onClose);
  });
}
