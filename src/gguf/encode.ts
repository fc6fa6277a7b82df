import {
  alignUp,
  GGML_TYPES,
  GGUF_MAGIC,
  GGUF_SCALAR_SIZE,
  GGUF_VALUE_TYPES,
  type GgufEntry,
  type GgufScalarType,
  type GgufValue,
  type GgufValueType,
  tensorByteSize,
} from './format.ts';

export interface TensorLayout {
  readonly name: string;
  /** GGUF order: dims[0] is the row length. */
  readonly dims: readonly number[];
  /** ggml type code. */
  readonly type: number;
}

export interface PlacedTensor extends TensorLayout {
  readonly elementCount: number;
  readonly byteSize: number;
  /** Offset within the data section, aligned. */
  readonly offset: number;
}

/** Lays tensors out back to back, each starting on an alignment boundary, as llama.cpp requires. */
export function placeTensors(tensors: readonly TensorLayout[], alignment: number): PlacedTensor[] {
  let offset = 0;
  return tensors.map((tensor) => {
    const type = GGML_TYPES[tensor.type];
    if (!type) throw new Error(`unknown ggml type ${tensor.type}`);
    const elementCount = tensor.dims.reduce((product, dim) => product * dim, 1);
    const byteSize = tensorByteSize(elementCount, type);
    const placed = { ...tensor, elementCount, byteSize, offset };
    offset = alignUp(offset + byteSize, alignment);
    return placed;
  });
}

/** A growable little-endian byte buffer. */
class ByteWriter {
  private buffer = Buffer.allocUnsafe(1 << 16);
  length = 0;

  private reserve(byteCount: number): number {
    if (this.length + byteCount > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + byteCount));
      this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    const at = this.length;
    this.length += byteCount;
    return at;
  }

  u32(value: number): void {
    const at = this.reserve(4); // reserve first: it may replace this.buffer
    this.buffer.writeUInt32LE(value, at);
  }
  u64(value: number | bigint): void {
    const at = this.reserve(8);
    this.buffer.writeBigUInt64LE(BigInt(value), at);
  }
  bytes(bytes: Uint8Array): void {
    const at = this.reserve(bytes.length);
    this.buffer.set(bytes, at);
  }
  string(value: string): void {
    const encoded = Buffer.from(value, 'utf8');
    this.u64(encoded.length);
    this.bytes(encoded);
  }

  scalar(type: GgufScalarType, value: GgufValue): void {
    if (type === 'string') {
      if (typeof value !== 'string') throw new Error(`expected a string, got ${typeof value}`);
      this.string(value);
      return;
    }
    if (type === 'bool') {
      if (typeof value !== 'boolean') throw new Error(`expected a boolean, got ${typeof value}`);
      this.bytes(Uint8Array.of(value ? 1 : 0));
      return;
    }
    if (typeof value !== 'number' && typeof value !== 'bigint')
      throw new Error(`expected a ${type}, got ${typeof value}`);
    const at = this.reserve(GGUF_SCALAR_SIZE[type]);
    const n = Number(value);
    const b = this.buffer;
    if (type === 'uint8') b.writeUInt8(n, at);
    else if (type === 'int8') b.writeInt8(n, at);
    else if (type === 'uint16') b.writeUInt16LE(n, at);
    else if (type === 'int16') b.writeInt16LE(n, at);
    else if (type === 'uint32') b.writeUInt32LE(n, at);
    else if (type === 'int32') b.writeInt32LE(n, at);
    else if (type === 'float32') b.writeFloatLE(n, at);
    else if (type === 'float64') b.writeDoubleLE(n, at);
    else if (type === 'uint64') b.writeBigUInt64LE(BigInt(value), at);
    else b.writeBigInt64LE(BigInt(value), at);
  }

  array(elementType: GgufValueType, values: GgufValue): void {
    if (typeof values !== 'object') throw new Error(`expected an array, got ${typeof values}`);
    if (elementType === 'array') throw new Error('nested arrays are not supported by the writer');
    this.u32(GGUF_VALUE_TYPES.indexOf(elementType));
    this.u64(values.length);
    // Typed arrays already hold the file's little-endian layout: copy them in one go.
    if (ArrayBuffer.isView(values)) {
      const elementSize = elementType === 'string' ? 0 : GGUF_SCALAR_SIZE[elementType];
      if (values.BYTES_PER_ELEMENT !== elementSize || elementType === 'bool') {
        throw new Error(`a ${values.constructor.name} cannot hold ${elementType} values`);
      }
      this.bytes(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
      return;
    }
    for (const value of values as ArrayLike<GgufValue> & Iterable<GgufValue>) this.scalar(elementType, value);
  }

  toBuffer(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
}

/**
 * The GGUF v3 header (magic, counts, metadata, tensor infos), padded so tensor data can follow it
 * directly. Typed-array values must match their declared element type (Int32Array for int32...).
 */
export function encodeHeader(
  entries: readonly GgufEntry[],
  tensors: readonly PlacedTensor[],
  alignment: number,
): Buffer {
  const out = new ByteWriter();
  out.bytes(Buffer.from(GGUF_MAGIC, 'latin1'));
  out.u32(3);
  out.u64(tensors.length);
  out.u64(entries.length);
  for (const entry of entries) {
    out.string(entry.key);
    out.u32(GGUF_VALUE_TYPES.indexOf(entry.type));
    if (entry.type === 'array') out.array(entry.elementType ?? 'string', entry.value);
    else out.scalar(entry.type, entry.value);
  }
  for (const tensor of tensors) {
    out.string(tensor.name);
    out.u32(tensor.dims.length);
    for (const dim of tensor.dims) out.u64(dim);
    out.u32(tensor.type);
    out.u64(tensor.offset);
  }
  out.bytes(new Uint8Array(alignUp(out.length, alignment) - out.length));
  return out.toBuffer();
}
