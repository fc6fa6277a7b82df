import type { FileHandle } from 'node:fs/promises';

/** Bytes fetched per read: big enough that a 50K-token vocabulary takes a few reads, small enough to not matter. */
const CHUNK_BYTES = 1 << 20;

/**
 * Real GGUF headers are a few MB (a 256K-token vocabulary with scores is ~10 MB). Refusing to read
 * more bounds what a crafted file can make us allocate, whatever lengths and counts it claims.
 */
export const MAX_HEADER_BYTES = 128 * 1024 * 1024;

export type FailFn = (message: string, hint: string) => never;

/**
 * Sequential little-endian reads from a file through a chunk buffer, so parsing a header costs a
 * handful of syscalls and never reads tensor data. Every read is checked against the file size and
 * the header cap first, so a lying length fails with a message instead of a huge allocation.
 */
export class FileCursor {
  position = 0;
  /** What is being read, for error messages: "metadata key 3 of 19 (general.name)". */
  context = 'the header';
  private chunk: Buffer = Buffer.alloc(0);
  private chunkStart = 0;

  constructor(
    private readonly handle: FileHandle,
    readonly fileSize: number,
    private readonly fail: FailFn,
  ) {}

  get remaining(): number {
    return this.fileSize - this.position;
  }

  /** Makes `byteCount` bytes available in the chunk, advances past them, and returns their offset in it. */
  private async take(byteCount: number): Promise<number> {
    this.checkAvailable(byteCount);
    let at = this.position - this.chunkStart;
    if (at < 0 || at + byteCount > this.chunk.length) {
      const size = Math.min(Math.max(byteCount, CHUNK_BYTES), this.remaining);
      this.chunk = await this.readAt(this.position, Buffer.allocUnsafe(size));
      this.chunkStart = this.position;
      at = 0;
    }
    this.position += byteCount;
    return at;
  }

  private checkAvailable(byteCount: number): void {
    if (byteCount > this.remaining) {
      this.fail(
        `truncated: ${this.context} needs ${byteCount} bytes at offset ${this.position}, but the file ends at ${this.fileSize}`,
        'the file is incomplete or corrupt (interrupted download?); download or convert it again',
      );
    }
    if (this.position + byteCount > MAX_HEADER_BYTES) {
      this.fail(
        `${this.context} would make the header larger than ${MAX_HEADER_BYTES / 2 ** 20} MiB`,
        'real GGUF headers are a few MB; the file is corrupt',
      );
    }
  }

  private async readAt(position: number, target: Uint8Array): Promise<Buffer> {
    let filled = 0;
    while (filled < target.length) {
      const { bytesRead } = await this.handle.read(target, filled, target.length - filled, position + filled);
      if (bytesRead === 0) this.fail(`${this.context}: the file shrank while being read`, 'is it still being written?');
      filled += bytesRead;
    }
    return Buffer.from(target.buffer, target.byteOffset, target.length);
  }

  async bytes(byteCount: number): Promise<Buffer> {
    const at = await this.take(byteCount);
    return this.chunk.subarray(at, at + byteCount);
  }

  /** Fills `target` with the next bytes; large arrays go straight from the file into it. */
  async readInto(target: Uint8Array): Promise<void> {
    if (target.length <= CHUNK_BYTES) {
      target.set(await this.bytes(target.length));
      return;
    }
    this.checkAvailable(target.length);
    await this.readAt(this.position, target);
    this.position += target.length;
  }

  async u8(): Promise<number> {
    const at = await this.take(1); // take() may replace this.chunk: read it after
    return this.chunk.readUInt8(at);
  }
  async i8(): Promise<number> {
    const at = await this.take(1);
    return this.chunk.readInt8(at);
  }
  async u16(): Promise<number> {
    const at = await this.take(2);
    return this.chunk.readUInt16LE(at);
  }
  async i16(): Promise<number> {
    const at = await this.take(2);
    return this.chunk.readInt16LE(at);
  }
  async u32(): Promise<number> {
    const at = await this.take(4);
    return this.chunk.readUInt32LE(at);
  }
  async i32(): Promise<number> {
    const at = await this.take(4);
    return this.chunk.readInt32LE(at);
  }
  async f32(): Promise<number> {
    const at = await this.take(4);
    return this.chunk.readFloatLE(at);
  }
  async f64(): Promise<number> {
    const at = await this.take(8);
    return this.chunk.readDoubleLE(at);
  }
  async u64(): Promise<bigint> {
    const at = await this.take(8);
    return this.chunk.readBigUInt64LE(at);
  }
  async i64(): Promise<bigint> {
    const at = await this.take(8);
    return this.chunk.readBigInt64LE(at);
  }

  /** A uint64 count or length, which must fit in a JS number to be usable at all. */
  async count(what: string): Promise<number> {
    const value = await this.u64();
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
      this.fail(`${this.context}: ${what} ${value} is impossibly large`, 'the file is corrupt');
    }
    return Number(value);
  }

  async string(): Promise<string> {
    const length = await this.count('string length');
    if (length > this.remaining) {
      this.fail(
        `${this.context}: string length ${length} runs past the end of the file (${this.remaining} bytes left)`,
        'the file is truncated or corrupt; download or convert it again',
      );
    }
    return (await this.bytes(length)).toString('utf8');
  }
}
