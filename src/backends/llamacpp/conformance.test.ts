import path from 'node:path';
import { describeBackendConformance } from '../conformance.ts';
import { createLlamaCppBackend } from './index.ts';

describeBackendConformance('llamacpp', () =>
  createLlamaCppBackend({
    modelPath: path.join(process.env.EVALBOARD_MODEL_PATH!, 'stories260K.gguf'),
    nCtx: 128,
    seed: 1,
    batchSize: 2,
  }),
);
