import { OutputsBackend } from '../backends/outputs.ts';
import { UserError } from '../errors.ts';
import { type EvaluateOptions, evaluate, type TaskOutcome } from './evaluate.ts';
import type { OutputsFile } from './outputs-file.ts';

export interface ScoreOutputsOptions extends Omit<EvaluateOptions, 'backend'> {
  readonly outputs: OutputsFile;
}

/**
 * Scores completions produced elsewhere with a task's own prompts, filters and metrics: the
 * evaluation runs as usual, its generate requests answered from the outputs (matched to their
 * documents through the instances), so the results and samples equal what `run` would write
 * for a model that had generated them.
 */
export async function scoreOutputs(
  o: ScoreOutputsOptions,
): Promise<{ outcomes: TaskOutcome[]; backend: OutputsBackend }> {
  if (o.tasks.length !== 1)
    throw new UserError('an outputs file holds one task’s outputs', { field: '--tasks' }, 'score one task at a time');
  const backend = new OutputsBackend(o.outputs.path, o.outputs.sha256);
  const outcomes = await evaluate({
    ...o,
    backend,
    beforeDispatch: (prepared, b) => {
      const missing: number[] = [];
      for (const instance of prepared[0]!.instances) {
        const outputs = o.outputs.outputs.get(instance.docId);
        if (outputs) backend.bind(instance.context, instance.docId, outputs);
        else missing.push(instance.docId);
      }
      if (missing.length > 0)
        throw new UserError(
          `the outputs file has no outputs for doc_id ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ` and ${missing.length - 10} more` : ''}`,
          { file: o.outputs.path },
          'add them, or score the first documents only with --limit',
        );
      o.beforeDispatch?.(prepared, b);
    },
  });
  return { outcomes, backend };
}
