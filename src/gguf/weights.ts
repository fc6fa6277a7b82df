/**
 * Random weights and their on-disk encodings (F32, F16, Q8_0), bit-compatible with ggml's
 * reference conversions so llama.cpp reads back what we meant to write.
 */

/**
 * A seeded N(0, std) stream: sfc32 for uniforms, Box–Muller for normals. Each tensor gets its own
 * stream (seeded from the model seed and the tensor name) so its values do not depend on which
 * other tensors exist (tied or untied output) or on the chunk size used to write it.
 */
export class NormalSampler {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare: number | null = null;

  constructor(seed: number, stream: string) {
    let h = 0x811c9dc5; // FNV-1a over "seed/stream"
    for (const char of `${seed}/${stream}`) h = Math.imul(h ^ (char.codePointAt(0) ?? 0), 0x01000193);
    const next = () => {
      // splitmix32: spreads one 32-bit hash into four well-mixed state words.
      h = (h + 0x9e3779b9) | 0;
      let z = h;
      z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
      z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
      return (z ^ (z >>> 15)) | 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.uniform();
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  fill(out: Float32Array, std: number): void {
    let i = 0;
    if (this.spare !== null && out.length > 0) {
      out[i++] = this.spare * std;
      this.spare = null;
    }
    for (; i < out.length; i += 2) {
      const radius = Math.sqrt(-2 * Math.log(1 - this.uniform())); // 1 - u is in (0, 1]: log stays finite
      const angle = 2 * Math.PI * this.uniform();
      out[i] = radius * Math.cos(angle) * std;
      if (i + 1 < out.length) out[i + 1] = radius * Math.sin(angle) * std;
      else this.spare = radius * Math.sin(angle);
    }
  }
}

const f32Scratch = new Float32Array(1);
const u32Scratch = new Uint32Array(f32Scratch.buffer);

/** IEEE half-precision bits of `value`, rounding to nearest even like ggml's GGML_FP32_TO_FP16. */
export function f32ToF16Bits(value: number): number {
  f32Scratch[0] = value;
  const bits = u32Scratch[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  let mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0); // inf, NaN
  const halfExponent = exponent - 127 + 15;
  if (halfExponent >= 0x1f) return sign | 0x7c00; // too big: inf
  if (halfExponent <= 0) {
    // Subnormal half: shift the mantissa (with its implicit 1) down, rounding to nearest even.
    if (halfExponent < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - halfExponent;
    const half = mantissa >>> shift;
    const remainder = mantissa & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    return sign | (half + (remainder > halfway || (remainder === halfway && half & 1) ? 1 : 0));
  }
  const half = sign | (halfExponent << 10) | (mantissa >>> 13);
  const remainder = mantissa & 0x1fff;
  // A carry out of the mantissa correctly bumps the exponent (and reaches inf at the top).
  return half + (remainder > 0x1000 || (remainder === 0x1000 && half & 1) ? 1 : 0);
}

export function encodeF32(values: Float32Array): Buffer {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}

export function encodeF16(values: Float32Array): Buffer {
  const halves = new Uint16Array(values.length); // host order is little-endian on x64/arm64, as GGUF wants
  for (let i = 0; i < values.length; i++) halves[i] = f32ToF16Bits(values[i]!);
  return Buffer.from(halves.buffer);
}

export const Q8_0_BLOCK = 32;
const Q8_0_BLOCK_BYTES = 2 + Q8_0_BLOCK;

/**
 * Q8_0 as ggml's quantize_row_q8_0_ref: per block of 32, scale d = max|x| / 127 stored as f16,
 * then q = round(x / d) as int8. Like the C code, q uses the f32 scale, not the rounded f16 one.
 */
export function encodeQ8_0(values: Float32Array): Buffer {
  if (values.length % Q8_0_BLOCK !== 0) throw new Error(`Q8_0 needs a multiple of ${Q8_0_BLOCK} values`);
  const blockCount = values.length / Q8_0_BLOCK;
  const out = Buffer.allocUnsafe(blockCount * Q8_0_BLOCK_BYTES);
  const scale = new Float32Array(2); // f32 arithmetic, as in C
  for (let block = 0; block < blockCount; block++) {
    const start = block * Q8_0_BLOCK;
    let absMax = 0;
    for (let j = 0; j < Q8_0_BLOCK; j++) absMax = Math.max(absMax, Math.abs(values[start + j]!));
    scale[0] = absMax / 127;
    scale[1] = scale[0] ? 1 / scale[0] : 0;
    const inverse = scale[1]!;
    const at = block * Q8_0_BLOCK_BYTES;
    out.writeUInt16LE(f32ToF16Bits(scale[0]!), at);
    for (let j = 0; j < Q8_0_BLOCK; j++) {
      scale[0] = values[start + j]! * inverse;
      out.writeInt8(roundHalfAwayFromZero(scale[0]!), at + 2 + j);
    }
  }
  return out;
}

/** C's roundf; Math.round sends -2.5 to -2, roundf to -3. */
function roundHalfAwayFromZero(value: number): number {
  return value < 0 ? -Math.round(-value) : Math.round(value);
}
