import { z } from 'zod';
import { FunctionRef } from './yaml-file.ts';

/**
 * lm-eval v0.4 TaskConfig keys, as typed as YAML allows. Values that lm-eval accepts in several
 * shapes stay unions here; task-builder.ts turns each into one function, once.
 */
const functionRef = z.instanceof(FunctionRef);
const stringOrList = z.union([z.string(), z.array(z.string())]);
const docField = z.union([z.string(), z.number().int(), z.array(z.unknown()), functionRef]);
const choiceField = z.union([z.string(), z.array(z.unknown()), z.record(z.string(), z.unknown()), functionRef]);

const metricSchema = z.looseObject({
  metric: z.union([z.string(), functionRef]),
  aggregation: z.union([z.string(), functionRef]).nullish(),
  higher_is_better: z.boolean().nullish(),
});

const filterSchema = z.object({
  name: z.string(),
  filter: z.array(z.looseObject({ function: z.union([z.string(), functionRef]) })),
});

const generationSchema = z.looseObject({
  until: z.union([z.string(), z.array(z.string())]).nullish(),
  max_gen_toks: z.number().int().positive().nullish(),
  do_sample: z.boolean().nullish(),
  temperature: z.number().nullish(),
  top_p: z.number().nullish(),
});

const fewshotSchema = z.looseObject({
  sampler: z.enum(['default', 'first_n']).nullish(),
  samples: z.union([z.array(z.record(z.string(), z.unknown())), functionRef]).nullish(),
  doc_to_text: docField.nullish(),
  doc_to_target: docField.nullish(),
  doc_to_choice: choiceField.nullish(),
});

export const OUTPUT_TYPES = ['loglikelihood', 'loglikelihood_rolling', 'multiple_choice', 'generate_until'] as const;

export const taskConfigSchema = z.object({
  task: z.string(),
  task_alias: z.string().nullish(),
  tag: stringOrList.nullish(),
  dataset_path: z.string().nullish(),
  dataset_name: z.union([z.string(), z.number()]).nullish(),
  dataset_kwargs: z.looseObject({ data_files: z.unknown().optional() }).nullish(),
  training_split: z.string().nullish(),
  validation_split: z.string().nullish(),
  test_split: z.string().nullish(),
  fewshot_split: z.string().nullish(),
  process_docs: functionRef.nullish(),
  doc_to_text: docField.nullish(),
  /** Several prompts: each a doc_to_text of its own, doc k asked with prompt k mod P. */
  prompts: z
    .array(z.strictObject({ id: z.union([z.string(), z.number()]), doc_to_text: docField }))
    .min(1)
    .nullish(),
  doc_to_target: docField.nullish(),
  doc_to_choice: choiceField.nullish(),
  process_results: z.union([functionRef, z.string()]).nullish(),
  description: z.string().nullish(),
  target_delimiter: z.string().nullish(),
  fewshot_delimiter: z.string().nullish(),
  fewshot_config: fewshotSchema.nullish(),
  num_fewshot: z.number().int().min(0).nullish(),
  metric_list: z.array(metricSchema).nullish(),
  output_type: z.enum(OUTPUT_TYPES).nullish(),
  generation_kwargs: generationSchema.nullish(),
  repeats: z.number().int().positive().nullish(),
  filter_list: z.array(filterSchema).nullish(),
  should_decontaminate: z.boolean().nullish(),
  doc_to_decontamination_query: z.union([z.string(), functionRef]).nullish(),
  gen_prefix: z.string().nullish(),
  unsafe_code: z.boolean().nullish(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
});

export type TaskConfig = z.infer<typeof taskConfigSchema>;

/** Keys lm-eval knows but we do not implement: a warning each, not an unknown-key warning. */
export const UNSUPPORTED_TASK_KEYS: Record<string, string> = {
  doc_to_image: 'multimodal tasks are not supported',
  doc_to_audio: 'multimodal tasks are not supported',
  use_prompt: 'promptsource prompts are not supported',
  custom_dataset: 'custom_dataset functions are not supported',
  group: 'a `group:` key in a task file is lm-eval v0.3 style; use a group file or `tag:`',
};

const aggregateSchema = z.looseObject({
  metric: z.string(),
  aggregation: z.literal('mean').nullish(),
  weight_by_size: z.boolean().nullish(),
  filter_list: stringOrList.nullish(),
});

export const groupConfigSchema = z.object({
  group: z.string(),
  group_alias: z.string().nullish(),
  task: z.array(z.union([z.string(), z.record(z.string(), z.unknown())])),
  aggregate_metric_list: z.union([aggregateSchema, z.array(aggregateSchema)]).nullish(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
});
