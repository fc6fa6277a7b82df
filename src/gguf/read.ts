import { type FileHandle, open } from 'node:fs/promises';
import { UserError } from '../errors.ts';
import { type FailFn, FileCursor } from './file-cursor.ts';
import {
  alignUp,
  GGML_MAX_DIMS,
  GGML_MAX_NAME,
  GGML_TYPES,
  GGUF_DEFAULT_ALIGNMENT,
  GGUF_MAGIC,
  GGUF_SCALAR_SIZE,
  GGUF_VALUE_TYPES,
  type GgufArray,
  type GgufTypeDescriptor,
  type GgufValue,
  type GgufValueType,
  tensorByteSize,
} from './format.ts';

export { describeGgufValue, summarizeGguf } from './summary.ts';

export interface GgufTensorInfo {
  readonly name: string;
  /** GGUF order: dims[0] is the row length (contiguous), e.g. token_embd is [nEmbd, vocab]. */
  readonly dims: readonly number[];
  /** ggml type code and its name ("Q8_0"). */
  readonly type: number;
  readonly typeName: string;
  /** Offset from the start of the tensor data section, as stored in the file. */
  readonly offset: number;
  readonly elementCount: number;
  readonly byteSize: number;
}

export interface GgufInfo {
  readonly path: string;
  readonly version: number;
  readonly metadata: Readonly<Record<string, GgufValue>>;
  /** The file type of each metadata value (uint32 vs int32...), so it can be written back unchanged. */
  readonly metadataTypes: Readonly<Record<string, GgufTypeDescriptor>>;
  readonly tensors: readonly GgufTensorInfo[];
  readonly alignment: number;
  /** Absolute file offset where tensor data starts; a tensor's data is at tensorDataOffset + offset. */
  readonly tensorDataOffset: number;
  readonly fileSize: number;
}

const SUPPORTED_VERSIONS = [2, 3];
/** Arrays of arrays exist in the format but not in practice; this bounds recursion on crafted files. */
const MAX_ARRAY_NESTING = 4;
/** Smallest possible encodings: key length + type + 1-byte value; name length + n_dims + type + offset. */
const MIN_KV_BYTES = 8 + 4 + 1;
const MIN_TENSOR_INFO_BYTES = 8 + 4 + 4 + 8;
const REDOWNLOAD_HINT = 'the file is truncated (interrupted download?); download it again';

/**
 * Reads a GGUF file's header (metadata and tensor infos) without touching tensor data, and checks
 * everything llama.cpp would trip over, so a bad file fails here with a UserError naming the file.
 */
export async function readGgufInfo(path: string): Promise<GgufInfo> {
  const fail: FailFn = (message, hint) => {
    throw new UserError(message, { file: path }, hint);
  };
  const handle = await openForReading(path, fail);
  try {
    const stats = await handle.stat();
    if (stats.isDirectory()) fail('is a directory, not a GGUF file', 'pass the path of a .gguf file inside it');
    if (!stats.isFile()) fail('not a regular file', 'pass the path of a .gguf file');
    return await parseHeader(new FileCursor(handle, stats.size, fail), path, fail);
  } finally {
    await handle.close();
  }
}

async function openForReading(path: string, fail: FailFn): Promise<FileHandle> {
  try {
    return await open(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') fail('GGUF file not found', 'check the path');
    if (code === 'EACCES' || code === 'EPERM')
      fail('permission denied reading the GGUF file', 'check file permissions');
    throw error;
  }
}

async function parseHeader(cursor: FileCursor, path: string, fail: FailFn): Promise<GgufInfo> {
  cursor.context = 'the GGUF magic';
  if (cursor.fileSize < 4) fail(`not a GGUF file: only ${cursor.fileSize} bytes long`, 'the file is empty or cut off');
  const magic = await cursor.bytes(4);
  if (magic.toString('latin1') !== GGUF_MAGIC) failOnMagic(magic, cursor.fileSize, fail);

  cursor.context = 'the GGUF version';
  const version = await cursor.u32();
  if (!SUPPORTED_VERSIONS.includes(version)) failOnVersion(version, fail);

  cursor.context = 'the tensor and metadata counts';
  const tensorCount = await cursor.count('tensor count');
  const kvCount = await cursor.count('metadata count');
  // Checked before any allocation: a crafted count must not make us loop or allocate for ages.
  const minimumBytes = kvCount * MIN_KV_BYTES + tensorCount * MIN_TENSOR_INFO_BYTES;
  if (minimumBytes > cursor.remaining) {
    fail(
      `header claims ${tensorCount} tensors and ${kvCount} metadata entries, which cannot fit in a ${cursor.fileSize}-byte file`,
      'the header is corrupt or the file is truncated; download or convert it again',
    );
  }

  // No prototype: a crafted key such as "__proto__" must stay an ordinary entry.
  const metadata: Record<string, GgufValue> = Object.create(null);
  const metadataTypes: Record<string, GgufTypeDescriptor> = Object.create(null);
  for (let i = 0; i < kvCount; i++) {
    cursor.context = `metadata key ${i + 1} of ${kvCount}`;
    const key = await cursor.string();
    if (key === '') fail(`${cursor.context} is empty`, 'the file is corrupt');
    if (Object.hasOwn(metadata, key)) fail(`duplicate metadata key '${key}'`, 'the file is corrupt');
    cursor.context = `metadata '${key}'`;
    const type = await readValueType(cursor, fail);
    if (type === 'array') {
      const array = await readArray(cursor, fail, 0);
      metadata[key] = array.value;
      metadataTypes[key] = { type, elementType: array.elementType };
    } else {
      metadata[key] = await readScalar(cursor, type);
      metadataTypes[key] = { type };
    }
  }

  const alignment = metadata['general.alignment'] ?? GGUF_DEFAULT_ALIGNMENT;
  const alignmentIsValid = typeof alignment === 'number' && alignment > 0 && (alignment & (alignment - 1)) === 0;
  if (!alignmentIsValid || (metadataTypes['general.alignment'] ?? { type: 'uint32' }).type !== 'uint32') {
    fail(`general.alignment must be a uint32 power of two, got ${String(alignment)}`, 'the file is corrupt');
  }
  const tensors = await readTensorInfos(cursor, tensorCount, fail);
  const tensorDataOffset = alignUp(cursor.position, alignment as number);
  checkTensorData(tensors, tensorDataOffset, alignment as number, cursor.fileSize, fail);
  return {
    path,
    version,
    metadata,
    metadataTypes,
    tensors,
    alignment: alignment as number,
    tensorDataOffset,
    fileSize: cursor.fileSize,
  };
}

function failOnMagic(magic: Buffer, fileSize: number, fail: FailFn): never {
  const hex = [...magic].map((byte) => byte.toString(16).padStart(2, '0')).join(' ');
  const text = JSON.stringify(magic.toString('latin1'));
  const start = magic.toString('latin1');
  let hint = 'pass a .gguf file; convert safetensors/PyTorch checkpoints with llama.cpp convert_hf_to_gguf.py';
  if (start === 'FUGG') hint = 'big-endian GGUF files are not supported';
  else if (start === 'vers' && fileSize < 1024)
    hint = 'this looks like a Git LFS pointer; fetch the real file (git lfs pull)';
  else if (start.startsWith('<')) hint = 'this looks like an HTML/XML page; the download saved an error page';
  else if (start.startsWith('{')) hint = 'this looks like JSON, not a model file';
  fail(`not a GGUF file: it starts with ${hex} (${text}) instead of "GGUF"`, hint);
}

function failOnVersion(version: number, fail: FailFn): never {
  if (version === 1) fail('GGUF version 1 is no longer supported', 're-convert the model with a current llama.cpp');
  if (version > 0xffff && (version & 0xffff) === 0) {
    fail(`GGUF version ${version} looks byte-swapped`, 'big-endian GGUF files are not supported');
  }
  fail(
    `unsupported GGUF version ${version} (supported: ${SUPPORTED_VERSIONS.join(', ')})`,
    'the file is corrupt or newer than this reader',
  );
}

async function readValueType(cursor: FileCursor, fail: FailFn): Promise<GgufValueType> {
  const code = await cursor.u32();
  const type = GGUF_VALUE_TYPES[code];
  if (type === undefined) fail(`${cursor.context}: unknown value type ${code}`, 'the file is corrupt');
  return type;
}

async function readScalar(cursor: FileCursor, type: Exclude<GgufValueType, 'array'>): Promise<GgufValue> {
  switch (type) {
    case 'uint8':
      return cursor.u8();
    case 'int8':
      return cursor.i8();
    case 'uint16':
      return cursor.u16();
    case 'int16':
      return cursor.i16();
    case 'uint32':
      return cursor.u32();
    case 'int32':
      return cursor.i32();
    case 'float32':
      return cursor.f32();
    case 'float64':
      return cursor.f64();
    case 'bool':
      return (await cursor.u8()) !== 0;
    case 'string':
      return cursor.string();
    case 'uint64':
      return numberIfSafe(await cursor.u64());
    case 'int64':
      return numberIfSafe(await cursor.i64());
  }
}

function numberIfSafe(value: bigint): number | bigint {
  const isSafe = value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER);
  return isSafe ? Number(value) : value;
}

const TYPED_ARRAYS = {
  uint8: Uint8Array,
  int8: Int8Array,
  uint16: Uint16Array,
  int16: Int16Array,
  uint32: Uint32Array,
  int32: Int32Array,
  float32: Float32Array,
  float64: Float64Array,
  uint64: BigUint64Array,
  int64: BigInt64Array,
} as const;

async function readArray(
  cursor: FileCursor,
  fail: FailFn,
  depth: number,
): Promise<{ value: GgufArray; elementType: GgufValueType }> {
  if (depth >= MAX_ARRAY_NESTING) fail(`${cursor.context}: arrays nested ${depth} deep`, 'the file is corrupt');
  const elementType = await readValueType(cursor, fail);
  const length = await cursor.count('array length');
  // Strings need at least their 8-byte length; nested arrays their 4-byte type and 8-byte length.
  const minElementBytes = elementType === 'string' ? 8 : elementType === 'array' ? 12 : GGUF_SCALAR_SIZE[elementType];
  if (length * minElementBytes > cursor.remaining) {
    fail(
      `${cursor.context}: array of ${length} ${elementType} values cannot fit in the ${cursor.remaining} bytes left`,
      'the file is truncated or corrupt; download or convert it again',
    );
  }
  if (elementType === 'string' || elementType === 'bool' || elementType === 'array') {
    const items: GgufValue[] = [];
    for (let i = 0; i < length; i++) {
      if (elementType === 'array') items.push((await readArray(cursor, fail, depth + 1)).value);
      else items.push(await readScalar(cursor, elementType));
    }
    return { value: items as GgufArray, elementType };
  }
  // Typed arrays share the file's little-endian layout on every platform Node runs on here (x64, arm64).
  const typed = new TYPED_ARRAYS[elementType](length);
  await cursor.readInto(new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength));
  return { value: typed, elementType };
}

async function readTensorInfos(cursor: FileCursor, tensorCount: number, fail: FailFn): Promise<GgufTensorInfo[]> {
  const tensors: GgufTensorInfo[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < tensorCount; i++) {
    cursor.context = `tensor info ${i + 1} of ${tensorCount}`;
    const name = await cursor.string();
    if (Buffer.byteLength(name) >= GGML_MAX_NAME) {
      fail(
        `tensor name '${name.slice(0, 80)}' is longer than llama.cpp allows (${GGML_MAX_NAME - 1} bytes)`,
        'the file is corrupt',
      );
    }
    if (seen.has(name)) fail(`duplicate tensor '${name}'`, 'the file is corrupt');
    seen.add(name);
    cursor.context = `tensor '${name}'`;
    const dimCount = await cursor.u32();
    if (dimCount > GGML_MAX_DIMS)
      fail(`tensor '${name}' has ${dimCount} dimensions (at most ${GGML_MAX_DIMS})`, 'the file is corrupt');
    const dims: number[] = [];
    let elementCount = 1;
    for (let d = 0; d < dimCount; d++) {
      const dim = await cursor.count('dimension');
      elementCount *= dim;
      if (!Number.isSafeInteger(elementCount)) fail(`tensor '${name}' has an impossible shape`, 'the file is corrupt');
      dims.push(dim);
    }
    const typeCode = await cursor.u32();
    const type = GGML_TYPES[typeCode];
    if (type === undefined) {
      fail(
        `tensor '${name}' has unknown ggml type ${typeCode}`,
        'the file is corrupt, or uses a type removed from llama.cpp or newer than this reader',
      );
    }
    if ((dims[0] ?? 1) % type.blockSize !== 0) {
      fail(
        `tensor '${name}' rows of ${dims[0]} do not divide into ${type.name} blocks of ${type.blockSize}`,
        'the file is corrupt',
      );
    }
    const offset = await cursor.count('data offset');
    const byteSize = tensorByteSize(elementCount, type);
    tensors.push({ name, dims, type: typeCode, typeName: type.name, offset, elementCount, byteSize });
  }
  return tensors;
}

function checkTensorData(
  tensors: readonly GgufTensorInfo[],
  dataOffset: number,
  alignment: number,
  fileSize: number,
  fail: FailFn,
): void {
  const misaligned = tensors.find((tensor) => tensor.offset % alignment !== 0);
  if (misaligned) {
    fail(
      `tensor '${misaligned.name}' data offset ${misaligned.offset} is not a multiple of ${alignment}`,
      'the file is corrupt',
    );
  }
  const pastEnd = tensors.filter((tensor) => dataOffset + tensor.offset + tensor.byteSize > fileSize);
  const first = pastEnd[0];
  if (first) {
    const end = dataOffset + first.offset + first.byteSize;
    fail(
      `tensor data past the end of the file: ${pastEnd.length} of ${tensors.length} tensors, e.g. '${first.name}' ends at byte ${end} but the file has ${fileSize}`,
      REDOWNLOAD_HINT,
    );
  }
}
