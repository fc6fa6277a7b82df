/**
 * What one llama_decode costs by shape: P sequences × c tokens each (the shapes the decode
 * scheduler builds), with and without flash attention, on the 135M-shape model. Prints ms per
 * decode and tokens/s, the figures behind decode-scheduler.ts's DECODE_COSTS.
 *
 *   npm run bench -- shape [--shapes 1x512,8x64,64x8,64x2] [--flash_attention] [--seconds 3]
 */
import { getSharedLlama } from '../src/backends/llamacpp/load.ts';
import { addonContextOf } from '../src/backends/llamacpp/native-helper.ts';
import { argValue, benchModel, machineLine } from './lib/workloads.ts';

const DEFAULT_SHAPES = '1x512,1x256,1x64,8x64,16x32,32x16,64x8,16x16,32x8,64x4,32x4,64x2';

export default async function shape(args: string[]): Promise<void> {
  const shapes = (argValue(args, '--shapes') ?? DEFAULT_SHAPES).split(',').map((s) => s.split('x').map(Number));
  const flashAttention = args.includes('--flash_attention');
  const seconds = Number(argValue(args, '--seconds') ?? 3);
  const llama = await getSharedLlama(false);
  const model = await llama.loadModel({ modelPath: benchModel() });
  const sequences = Math.max(...shapes.map(([p]) => p!));
  const cells = Math.max(...shapes.map(([, c]) => c!));
  const context = await model.createContext({
    contextSize: cells,
    sequences,
    batchSize: 512,
    threads: llama.cpuMathCores,
    flashAttention,
  });
  const ids = Array.from(
    { length: sequences },
    () => (context.getSequence() as unknown as { _sequenceId: number })._sequenceId,
  );
  const native = addonContextOf(context);
  process.stdout.write(`machine: ${machineLine()}; flash attention ${flashAttention ? 'on' : 'off'}\n`);
  const decode = async (p: number, c: number) => {
    native.initBatch(p * c);
    for (let s = 0; s < p; s++) {
      const tokens = Uint32Array.from({ length: c }, (_, i) => 1000 + ((s * 31 + i * 7) % 30_000));
      native.addToBatch(ids[s]!, 0, tokens, Uint32Array.from([c - 1]));
    }
    await native.decodeBatch();
    for (const id of ids.slice(0, p)) native.removeTokenCellsFromSequence(id, 0, -1);
  };
  try {
    await decode(1, Math.min(64, cells)); // untimed warm-up: pages the model in
    for (const [p, c] of shapes as [number, number][]) {
      let decodes = 0;
      const t0 = performance.now();
      while (performance.now() - t0 < seconds * 1000 || decodes < 2) {
        await decode(p, c);
        decodes++;
      }
      const ms = (performance.now() - t0) / decodes;
      process.stdout.write(
        `${p} × ${c} = ${p * c} tokens: ${ms.toFixed(0)} ms per decode, ${((p * c * 1000) / ms).toFixed(0)} tok/s\n`,
      );
    }
  } finally {
    await context.dispose();
    await model.dispose();
  }
}
