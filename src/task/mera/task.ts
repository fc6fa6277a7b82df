import { join } from 'node:path';
import type { Doc, SourceFile, TaskDocs } from '../../documents/types.ts';
import { UserError } from '../../errors.ts';
import { pythonStrip } from '../../python/whitespace.ts';
import type { FilterPipelineSpec, MetricSpec, TaskDefinition } from '../types.ts';
import { rutieDialogue } from './dialogue.ts';
import { ETHICS_METRICS, ethicsResults } from './ethics.ts';
import { asRecord, formatFor, inputFields, type MeraRecord, readRecords, taskFolder } from './records.ts';
import type { Format, MeraTaskSpec } from './specs.ts';

/** MERA's task names are taken by evalboard's synthetic tasks (bps, lcs, simplear): ours carry a prefix. */
export const MERA_PREFIX = 'mera_';

/** The task's local metrics: MERA's own, each aggregated as the website aggregates it. */
function metricsOf(spec: MeraTaskSpec): MetricSpec[] {
  switch (spec.metric) {
    case 'none':
      return [];
    case 'code':
      return ['pass@1', 'pass@5', 'pass@10'].map((metric) => ({ metric, aggregation: 'mean', higherIsBetter: true }));
    case 'grade_norm':
      return [{ metric: 'grade_norm', aggregation: 'grade_norm', higherIsBetter: true }];
    case 'ethics':
      return ETHICS_METRICS;
    default:
      return [{ metric: spec.metric, aggregation: 'mean', higherIsBetter: true }];
  }
}

/** Where a task's files go, for messages: <data_dir>/<task>/test.jsonl. */
export function expectedFolder(dataDir: string | undefined, spec: Pick<MeraTaskSpec, 'name'>): string {
  return join(dataDir ?? '<--data_dir>', spec.name);
}

/**
 * A MERA task over a folder of MERA's records (data/<task>/{test,train,public_test}.jsonl): the
 * test split is evaluated, shots come from spec.fewshotSplit. Each record's prompt is its own
 * instruction filled with its inputs; with shots, MERA's rule applies (instructionShots).
 */
export function meraTask(spec: MeraTaskSpec, dataDir: string | undefined): TaskDefinition {
  const name = MERA_PREFIX + spec.name;
  const format =
    (record: MeraRecord): Format =>
    (template, fields) =>
      formatFor(name, record, template, fields);
  const zeroShot = (doc: Doc) => {
    const record = asRecord(doc);
    return spec.zeroShot
      ? spec.zeroShot(record, format(record))
      : pythonStrip(format(record)(record.instruction, inputFields(record)));
  };
  const withoutInstruction = (doc: Doc) => spec.withoutInstruction(asRecord(doc), format(asRecord(doc)));
  const query = (doc: Doc) => (spec.query ? spec.query(asRecord(doc), format(asRecord(doc))) : zeroShot(doc));
  // Which distinct instruction a record carries, numbered in order of first appearance in the test file.
  const promptIds = new WeakMap<Doc, string>();
  const generate = spec.choices === undefined;
  const metrics = metricsOf(spec);
  const code = spec.metric === 'code';
  // Code keeps every sampled generation as written (its indentation is the function body's).
  const filters: FilterPipelineSpec[] = code
    ? [{ name: 'scoring', steps: [] }]
    : generate
      ? [{ name: 'scoring', steps: [{ function: 'remove_whitespace' }, { function: 'take_first' }] }]
      : [{ name: 'none', steps: [{ function: 'take_first' }] }];
  const sampled = (spec.repeats ?? 1) > 1;
  const dialogue = spec.name === 'rutie' ? rutieDialogue.spec(format) : undefined;

  const loadDocs = async (o?: { readonly fewshot?: boolean }): Promise<TaskDocs> => {
    const folder = dataDir === undefined ? undefined : taskFolder(dataDir, spec.name);
    if (!folder)
      throw new UserError(
        `task ${name}: no ${join(expectedFolder(dataDir, spec), 'test.jsonl')}`,
        { field: '--data_dir' },
        `MERA's data/${spec.name}/*.jsonl go there`,
      );
    const sources: Record<string, SourceFile> = {};
    const read = async (split: string) => {
      const file = join(folder, `${split}.jsonl`);
      const { records, source } = await readRecords(file);
      sources[file] = source;
      return records;
    };
    let test = await read('test');
    if (spec.name === 'rutie') test = rutieDialogue.order(test);
    const seen = new Map<string, string>();
    for (const doc of test) {
      const instruction = asRecord(doc).instruction;
      if (!seen.has(instruction)) seen.set(instruction, `instruction_${seen.size}`);
      promptIds.set(doc, seen.get(instruction)!);
    }
    const needShots = o?.fewshot !== false && spec.fewshotSplit !== 'test' && spec.name !== 'rutie';
    const fewshot = needShots ? await read(spec.fewshotSplit) : undefined;
    return {
      eval: test,
      evalSplit: 'test',
      ...(fewshot ? { fewshot, fewshotSplit: spec.fewshotSplit } : {}),
      sources,
    };
  };

  return {
    name,
    version: 1,
    outputType: generate ? 'generate_until' : 'multiple_choice',
    loadDocs,
    docToText: dialogue ? (doc) => dialogue.prompt(doc, []) : zeroShot,
    // Log-likelihood tasks compare outputs with the choices; generation tasks with outputs itself.
    docToTarget: (doc) => {
      const outputs = asRecord(doc).outputs;
      if (generate) return typeof outputs === 'string' ? outputs : JSON.stringify(outputs);
      const index = spec.choices!.indexOf(String(outputs));
      return index >= 0 ? index : String(outputs);
    },
    ...(spec.choices ? { docToChoice: () => spec.choices! } : {}),
    description: () => '',
    targetDelimiter: ' ',
    fewshotDelimiter: '\n\n',
    defaultNumFewshot: spec.shots,
    fewshotSampler: 'default',
    fewshotDrawsExtra: spec.fewshotSplit === 'test',
    instructionShots: { first: query, rest: withoutInstruction },
    fewshotPool: (doc, pool) => {
      const meta = asRecord(doc).meta;
      // MERA's FewshotSampler: ruMMLU/MaMuRAMu shots share the item's domain, USE's its task number.
      const key = meta.domain ? 'domain' : meta.id_task ? 'id_task' : undefined;
      return key ? pool.filter((other) => asRecord(other).meta[key] === meta[key]) : pool;
    },
    chatKeepsTargetDelimiter: true,
    docPromptId: (doc) => promptIds.get(doc) ?? 'instruction_0',
    ...(dialogue ? { dialogue } : {}),
    missingData: () =>
      dataDir !== undefined && taskFolder(dataDir, spec.name)
        ? undefined
        : `${join(expectedFolder(dataDir, spec), 'test.jsonl')}`,
    ...(generate
      ? {
          generation: {
            until: spec.until ?? ['\n'],
            maxGenToks: 256,
            temperature: sampled ? 0.6 : 0,
            doSample: sampled,
          },
        }
      : {}),
    filters,
    metrics,
    ...(spec.metric === 'ethics' ? { processResults: ethicsResults } : {}),
    ...(code ? { unsafeCode: true } : {}),
    repeats: spec.repeats ?? 1,
    config: {
      task: name,
      mera_record_format: true,
      mera_task: spec.name,
      mera_submission_file: `${spec.submissionFile}.json`,
      mera_in_total: spec.inTotal,
      dataset_path: dataDir ? expectedFolder(dataDir, spec) : null,
      output_type: generate ? 'generate_until' : 'multiple_choice',
      doc_to_choice: spec.choices ?? null,
      training_split: spec.fewshotSplit,
      test_split: 'test',
      num_fewshot: spec.shots,
      target_delimiter: ' ',
      fewshot_delimiter: '\n\n',
      metric_list: metrics.map((m) => ({ metric: m.metric, aggregation: m.aggregation, higher_is_better: true })),
      ...(spec.notComputed
        ? {
            not_computed_locally: Object.fromEntries(
              spec.notComputed.metrics.map((m) => [`${m},${filters[0]!.name}`, spec.notComputed!.reason]),
            ),
          }
        : {}),
      ...(code ? { unsafe_code: true } : {}),
      ...(generate
        ? {
            generation_kwargs: {
              until: spec.until ?? ['\n'],
              do_sample: sampled,
              ...(sampled ? { temperature: 0.6 } : {}),
            },
          }
        : {}),
      repeats: spec.repeats ?? 1,
      metadata: { version: 1 },
    },
  };
}
