import { describe, expect, it } from 'vitest';
import { resolveDataDir } from '../src/documents/data-dir.ts';
import { evaluate } from '../src/evaluator/evaluate.ts';
import { loadCatalog } from '../src/task/index.ts';
import { answeringBackend } from './answering-backend.ts';

describe('gsm8k: the reference solutions pass the task’s own filters and metric', () => {
  it('scores 100 % on strict-match and flexible-extract over all 1,319 test problems', async () => {
    const { catalog } = await loadCatalog({ includePaths: [], dataDir: resolveDataDir() });
    const { tasks } = catalog.resolve(['gsm8k']);
    const { backend, beforeDispatch } = answeringBackend((doc) => String(doc.answer));
    const [outcome] = await evaluate({ backend, tasks, fewshotSeed: 1234, bootstrapIters: 0, beforeDispatch });
    expect(outcome!.instances).toHaveLength(1319);
    const scores = Object.fromEntries(outcome!.summaries.map((s) => [`${s.metric},${s.filter}`, s.value]));
    expect(scores).toEqual({ 'exact_match,strict-match': 1, 'exact_match,flexible-extract': 1 });
  });
});
