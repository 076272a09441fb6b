/**
 * The piece buffers a parallel run reuses. Each piece is read into memory that is then moved to
 * a worker; a fresh buffer per piece makes the kernel fault in every page of it again (reading
 * 574 MB of JSON Lines into fresh 512 KiB buffers cost the main thread 1–2 s of CPU, into reused
 * ones ~0.1 s). Workers move each piece's memory back with its result, and it is kept here for a
 * later piece. At most `limit` are kept, so memory stays bounded by the pieces in flight.
 */
export class SpareBuffers {
  private readonly spare: ArrayBuffer[] = [];

  constructor(private readonly limit = 8) {}

  /** Keeps a buffer a worker gave back. */
  keep(buffer: ArrayBuffer): void {
    if (this.spare.length < this.limit) this.spare.push(buffer);
  }

  /**
   * A buffer of at least `bytes`: a kept one when one is large enough, else a new one with
   * room to spare (pieces differ in length by the carried partial record).
   */
  take(bytes: number): ArrayBuffer {
    for (let i = this.spare.length - 1; i >= 0; i--) {
      if (this.spare[i].byteLength >= bytes) {
        const [buffer] = this.spare.splice(i, 1);
        return buffer;
      }
    }
    // unpooled memory of its own: it is moved between threads
    return new ArrayBuffer(bytes + (bytes >> 3));
  }
}
