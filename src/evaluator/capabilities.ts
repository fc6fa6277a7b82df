import type { Capability } from '../backends/types.ts';
import { UserError } from '../errors.ts';
import type { OutputType, TaskDefinition } from '../task/types.ts';

const NEEDS: Record<OutputType, { capability: Capability; hint: string }> = {
  multiple_choice: {
    capability: 'loglikelihood',
    hint: 'multiple_choice needs prompt log-probabilities: run its generative variant with --apply_chat_template, or use llamacpp or openai-completions (a server that echoes prompt log-probabilities)',
  },
  loglikelihood: {
    capability: 'loglikelihood',
    hint: 'use llamacpp or openai-completions (a server that echoes prompt log-probabilities)',
  },
  loglikelihood_rolling: {
    capability: 'loglikelihoodRolling',
    hint: 'perplexity tasks need token log-probabilities of the whole text',
  },
  generate_until: { capability: 'generateUntil', hint: 'use a backend that can generate text' },
};

/** Fails before the first request, listing every task the backend cannot serve. */
export function checkCapabilities(
  backendName: string,
  capabilities: ReadonlySet<Capability>,
  tasks: readonly TaskDefinition[],
): void {
  const problems = tasks
    .filter((t) => !capabilities.has(NEEDS[t.outputType].capability))
    .map((t) => `${t.name} (${t.outputType}) lacks ${NEEDS[t.outputType].capability}: ${NEEDS[t.outputType].hint}`);
  if (problems.length > 0) throw new UserError(`backend ${backendName} cannot run: ${problems.join('; ')}`);
}
