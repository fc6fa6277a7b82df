/**
 * The GGUF file format as llama.cpp's `ggml/src/gguf.cpp` reads it: shared by the reader and the
 * writer so both agree on type codes and tensor sizes. All numbers are little-endian.
 */

export const GGUF_MAGIC = 'GGUF';
export const GGUF_DEFAULT_ALIGNMENT = 32;
/** llama.cpp's GGML_MAX_DIMS and GGML_MAX_NAME (a name must be shorter than this, in bytes). */
export const GGML_MAX_DIMS = 4;
export const GGML_MAX_NAME = 64;

/** Metadata value types, indexed by their code in the file. */
export const GGUF_VALUE_TYPES = [
  'uint8',
  'int8',
  'uint16',
  'int16',
  'uint32',
  'int32',
  'float32',
  'bool',
  'string',
  'array',
  'uint64',
  'int64',
  'float64',
] as const;
export type GgufValueType = (typeof GGUF_VALUE_TYPES)[number];
export type GgufScalarType = Exclude<GgufValueType, 'array'>;

/** Bytes a scalar of this type takes in the file; strings are 8 (their length) plus the bytes. */
export const GGUF_SCALAR_SIZE: Record<Exclude<GgufScalarType, 'string'>, number> = {
  uint8: 1,
  int8: 1,
  uint16: 2,
  int16: 2,
  uint32: 4,
  int32: 4,
  float32: 4,
  bool: 1,
  uint64: 8,
  int64: 8,
  float64: 8,
};

/**
 * Numeric arrays are kept as typed arrays of the file's element type: a 256K-entry token_type or
 * scores array stays as compact as it is on disk, and the element type survives a copy.
 */
export type GgufNumericArray =
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | Float32Array
  | Float64Array
  | BigUint64Array
  | BigInt64Array;
export type GgufArray = GgufNumericArray | readonly string[] | readonly boolean[] | readonly GgufArray[];
/** 64-bit integers are numbers when they fit in 2^53, else bigints. */
export type GgufValue = number | bigint | boolean | string | GgufArray;

/** The file type of a metadata value, needed to write it back unchanged. */
export interface GgufTypeDescriptor {
  readonly type: GgufValueType;
  /** For arrays: the type of the elements. */
  readonly elementType?: GgufValueType;
}

/** One metadata entry as the writer takes it. */
export interface GgufEntry extends GgufTypeDescriptor {
  readonly key: string;
  readonly value: GgufValue;
}

export interface GgmlTypeInfo {
  readonly name: string;
  /** Elements per block; a row's length must be a multiple of it. */
  readonly blockSize: number;
  /** Bytes per block. */
  readonly typeSize: number;
}

/**
 * ggml tensor types by code, from ggml.h and the block structs in ggml-common.h (sizes checked
 * with sizeof). Codes 4, 5, 31–33 and 36–38 were removed from llama.cpp and are absent here, so
 * files using them are rejected like any unknown type.
 */
export const GGML_TYPES: Readonly<Record<number, GgmlTypeInfo>> = {
  0: { name: 'F32', blockSize: 1, typeSize: 4 },
  1: { name: 'F16', blockSize: 1, typeSize: 2 },
  2: { name: 'Q4_0', blockSize: 32, typeSize: 18 },
  3: { name: 'Q4_1', blockSize: 32, typeSize: 20 },
  6: { name: 'Q5_0', blockSize: 32, typeSize: 22 },
  7: { name: 'Q5_1', blockSize: 32, typeSize: 24 },
  8: { name: 'Q8_0', blockSize: 32, typeSize: 34 },
  9: { name: 'Q8_1', blockSize: 32, typeSize: 36 },
  10: { name: 'Q2_K', blockSize: 256, typeSize: 84 },
  11: { name: 'Q3_K', blockSize: 256, typeSize: 110 },
  12: { name: 'Q4_K', blockSize: 256, typeSize: 144 },
  13: { name: 'Q5_K', blockSize: 256, typeSize: 176 },
  14: { name: 'Q6_K', blockSize: 256, typeSize: 210 },
  15: { name: 'Q8_K', blockSize: 256, typeSize: 292 },
  16: { name: 'IQ2_XXS', blockSize: 256, typeSize: 66 },
  17: { name: 'IQ2_XS', blockSize: 256, typeSize: 74 },
  18: { name: 'IQ3_XXS', blockSize: 256, typeSize: 98 },
  19: { name: 'IQ1_S', blockSize: 256, typeSize: 50 },
  20: { name: 'IQ4_NL', blockSize: 32, typeSize: 18 },
  21: { name: 'IQ3_S', blockSize: 256, typeSize: 110 },
  22: { name: 'IQ2_S', blockSize: 256, typeSize: 82 },
  23: { name: 'IQ4_XS', blockSize: 256, typeSize: 136 },
  24: { name: 'I8', blockSize: 1, typeSize: 1 },
  25: { name: 'I16', blockSize: 1, typeSize: 2 },
  26: { name: 'I32', blockSize: 1, typeSize: 4 },
  27: { name: 'I64', blockSize: 1, typeSize: 8 },
  28: { name: 'F64', blockSize: 1, typeSize: 8 },
  29: { name: 'IQ1_M', blockSize: 256, typeSize: 56 },
  30: { name: 'BF16', blockSize: 1, typeSize: 2 },
  34: { name: 'TQ1_0', blockSize: 256, typeSize: 54 },
  35: { name: 'TQ2_0', blockSize: 256, typeSize: 66 },
  39: { name: 'MXFP4', blockSize: 32, typeSize: 17 },
  40: { name: 'NVFP4', blockSize: 64, typeSize: 36 },
  41: { name: 'Q1_0', blockSize: 128, typeSize: 18 },
  42: { name: 'Q2_0', blockSize: 64, typeSize: 18 },
};

export const GGML_TYPE_CODE = { F32: 0, F16: 1, Q8_0: 8 } as const;

/** `general.file_type` (llama_ftype) names, as llama.cpp prints them without "MOSTLY_". */
export const LLAMA_FILE_TYPES: Readonly<Record<number, string>> = {
  0: 'all F32',
  1: 'F16',
  2: 'Q4_0',
  3: 'Q4_1',
  4: 'Q4_1, some F16',
  7: 'Q8_0',
  8: 'Q5_0',
  9: 'Q5_1',
  10: 'Q2_K - Medium',
  11: 'Q3_K - Small',
  12: 'Q3_K - Medium',
  13: 'Q3_K - Large',
  14: 'Q4_K - Small',
  15: 'Q4_K - Medium',
  16: 'Q5_K - Small',
  17: 'Q5_K - Medium',
  18: 'Q6_K',
  19: 'IQ2_XXS - 2.0625 bpw',
  20: 'IQ2_XS - 2.3125 bpw',
  21: 'Q2_K - Small',
  22: 'IQ3_XS - 3.3 bpw',
  23: 'IQ3_XXS - 3.0625 bpw',
  24: 'IQ1_S - 1.5625 bpw',
  25: 'IQ4_NL - 4.5 bpw',
  26: 'IQ3_S - 3.4375 bpw',
  27: 'IQ3_S mix - 3.66 bpw',
  28: 'IQ2_S - 2.5 bpw',
  29: 'IQ2_M - 2.7 bpw',
  30: 'IQ4_XS - 4.25 bpw',
  31: 'IQ1_M - 1.75 bpw',
  32: 'BF16',
  36: 'TQ1_0 - 1.69 bpw ternary',
  37: 'TQ2_0 - 2.06 bpw ternary',
  38: 'MXFP4 MoE',
  39: 'NVFP4',
  40: 'Q1_0',
  41: 'Q2_0',
};

export function alignUp(offset: number, alignment: number): number {
  return Math.ceil(offset / alignment) * alignment;
}

/** Bytes of a tensor's data; the caller has checked that dims[0] is a multiple of the block size. */
export function tensorByteSize(elementCount: number, type: GgmlTypeInfo): number {
  return (elementCount / type.blockSize) * type.typeSize;
}
