import { describe, expect, it } from 'vitest';
import { encodeQ8_0, f32ToF16Bits, NormalSampler, Q8_0_BLOCK } from './weights.ts';

/** A block: an f16 scale, then one int8 per value. */
const Q8_0_BLOCK_BYTES = 2 + Q8_0_BLOCK;

describe('f32ToF16Bits', () => {
  it('converts known values', () => {
    expect(f32ToF16Bits(1)).toBe(0x3c00);
    expect(f32ToF16Bits(-2)).toBe(0xc000);
    expect(f32ToF16Bits(0.1)).toBe(0x2e66);
    expect(f32ToF16Bits(65504)).toBe(0x7bff);
    expect(f32ToF16Bits(65520)).toBe(0x7c00); // rounds up to infinity
    expect(f32ToF16Bits(-0)).toBe(0x8000);
    expect(f32ToF16Bits(Number.NEGATIVE_INFINITY)).toBe(0xfc00);
    expect(f32ToF16Bits(Number.NaN) & 0x7c00).toBe(0x7c00);
    expect(f32ToF16Bits(2 ** -24)).toBe(0x0001); // smallest subnormal
  });

  it('rounds ties to even, in normal and subnormal range', () => {
    expect(f32ToF16Bits(1 + 2 ** -11)).toBe(0x3c00);
    expect(f32ToF16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(f32ToF16Bits(2 ** -25)).toBe(0x0000);
    expect(f32ToF16Bits(1.5 * 2 ** -24)).toBe(0x0002);
    expect(f32ToF16Bits(2 ** -25 * 1.0001)).toBe(0x0001);
  });

  it('round-trips every finite half value', () => {
    const mismatches: number[] = [];
    for (let bits = 0; bits < 0x10000; bits++) {
      if ((bits & 0x7c00) === 0x7c00 && bits & 0x3ff) continue; // NaN payloads
      if (f32ToF16Bits(f16BitsToF32(bits)) !== bits) mismatches.push(bits);
    }
    expect(mismatches).toEqual([]);
  });
});

describe('Q8_0', () => {
  it('matches ggml: scale max/127 as f16, q rounded half away from zero', () => {
    const values = new Float32Array(32);
    values.set([127, -2.5, 2.5, 0.49, -127]);
    const block = encodeQ8_0(values);
    expect(block).toHaveLength(34);
    expect(block.readUInt16LE(0)).toBe(0x3c00); // d = 1
    expect([...new Int8Array(block.buffer, block.byteOffset + 2, 5)]).toEqual([127, -3, 3, 0, -127]);
  });

  it('an all-zero block has scale 0 and zero quants', () => {
    expect([...encodeQ8_0(new Float32Array(32))]).toEqual(new Array(34).fill(0));
  });

  it('dequantizes within about half a step', () => {
    const values = new Float32Array(32 * 64);
    new NormalSampler(7, 'q8').fill(values, 0.02);
    const restored = decodeQ8_0(encodeQ8_0(values));
    for (let block = 0; block < 64; block++) {
      const slice = values.subarray(block * 32, block * 32 + 32);
      const step = Math.max(...slice.map(Math.abs)) / 127;
      // Half a step, plus up to 127 times the error of storing the scale as f16 (2^-11 relative).
      const tolerance = step * (0.5 + 127 * 2 ** -11);
      for (let j = 0; j < 32; j++)
        expect(Math.abs(restored[block * 32 + j]! - slice[j]!)).toBeLessThanOrEqual(tolerance);
    }
  });

  it('rejects a length that is not whole blocks', () => {
    expect(() => encodeQ8_0(new Float32Array(33))).toThrow(/multiple of 32/);
  });
});

describe('NormalSampler', () => {
  const draw = (seed: number, stream: string, sizes: number[]) => {
    const sampler = new NormalSampler(seed, stream);
    return sizes.flatMap((size) => {
      const out = new Float32Array(size);
      sampler.fill(out, 1);
      return [...out];
    });
  };

  it('is deterministic, per stream, and independent of chunking', () => {
    expect(draw(1, 'a', [12])).toEqual(draw(1, 'a', [12]));
    expect(draw(1, 'a', [12])).toEqual(draw(1, 'a', [5, 7]));
    expect(draw(1, 'a', [12])).not.toEqual(draw(1, 'b', [12]));
    expect(draw(1, 'a', [12])).not.toEqual(draw(2, 'a', [12]));
  });

  it('draws N(0, std)', () => {
    const values = new Float32Array(200_000);
    new NormalSampler(3, 'stats').fill(values, 0.02);
    const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
    const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / values.length;
    expect(Math.abs(mean)).toBeLessThan(0.0005);
    expect(Math.sqrt(variance)).toBeCloseTo(0.02, 3);
  });
});

/** Q8_0 blocks back to floats, as ggml's dequantize_row_q8_0: the encoder's test oracle. */
function decodeQ8_0(bytes: Uint8Array): Float32Array {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const blockCount = buffer.length / Q8_0_BLOCK_BYTES;
  const out = new Float32Array(blockCount * Q8_0_BLOCK);
  for (let block = 0; block < blockCount; block++) {
    const at = block * Q8_0_BLOCK_BYTES;
    const scale = f16BitsToF32(buffer.readUInt16LE(at));
    for (let j = 0; j < Q8_0_BLOCK; j++) out[block * Q8_0_BLOCK + j] = scale * buffer.readInt8(at + 2 + j);
  }
  return out;
}

/** IEEE half bits to a float: the inverse the encoder is checked against. */
function f16BitsToF32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}
