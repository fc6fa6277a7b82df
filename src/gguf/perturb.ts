/**
 * A copy of a GGUF model with seeded Gaussian noise added to its F32 weight matrices: a series of
 * such copies with growing noise behaves like checkpoints of a model getting worse, which is what
 * `analyze`'s monotonicity check is for — without a single downloaded checkpoint.
 */
import { copyFile, open } from 'node:fs/promises';
import { UserError } from '../errors.ts';
import { readGgufInfo } from './read.ts';
import { NormalSampler } from './weights.ts';

export interface PerturbOptions {
  /** Noise std as a fraction of each tensor's own RMS (0 = an exact copy). */
  readonly relativeStd: number;
  readonly seed: number;
}

/** Writes `dest`: `src` with N(0, relativeStd × rms(tensor)) added to every 2-D F32 tensor; norms stay. */
export async function perturbGgufWeights(src: string, dest: string, options: PerturbOptions): Promise<number> {
  if (!(options.relativeStd >= 0)) throw new UserError('noise must be a non-negative number', { field: 'relativeStd' });
  const info = await readGgufInfo(src);
  const targets = info.tensors.filter((t) => t.typeName === 'F32' && t.dims.length === 2);
  await copyFile(src, dest);
  if (options.relativeStd === 0) return 0;
  const file = await open(dest, 'r+');
  try {
    for (const tensor of targets) {
      const position = info.tensorDataOffset + tensor.offset;
      const bytes = Buffer.alloc(tensor.byteSize);
      await file.read(bytes, 0, bytes.length, position);
      const values = new Float32Array(bytes.buffer, bytes.byteOffset, tensor.elementCount);
      let sumSquares = 0;
      for (const v of values) sumSquares += v * v;
      const noise = new Float32Array(values.length);
      new NormalSampler(options.seed, tensor.name).fill(
        noise,
        options.relativeStd * Math.sqrt(sumSquares / values.length),
      );
      for (let i = 0; i < values.length; i++) values[i]! += noise[i]!;
      await file.write(bytes, 0, bytes.length, position);
    }
  } finally {
    await file.close();
  }
  return targets.length;
}
