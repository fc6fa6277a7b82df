/**
 * MERA v1.2's 23 submission files: the name the website matches (case-sensitive file stem), whether the
 * task counts in the total (scoring-configs/<task>.yaml `use_in_total`), and how its records are scored.
 */

/** How a task's records are scored, after the website's per-task scorer. */
export type MeraScoring =
  /** acc: exact string equality. */
  | 'acc'
  /** acc and sklearn's macro-F1 over the label strings. */
  | 'acc_f1_macro'
  /** SQuAD F1 and exact match, each the max over the gold answers split on ";". */
  | 'squad'
  /** em: exact string equality, under MERA's name for the arithmetic tasks. */
  | 'em'
  /** USE: grade_norm from meta.type, meta.score and meta.variant. */
  | 'use'
  /** ruEthics: Matthews correlation per question and category. */
  | 'ethics'
  /** ruDetox: three neural classifiers, not run here. */
  | 'detox'
  /** ruHumanEval, ruCodeEval: pass@k over per-test outputs. */
  | 'code';

export interface MeraSubmissionTask {
  /** The file stem the website matches, e.g. `RWSD` for RWSD.json. */
  readonly name: string;
  /** MERA's lowercase task name (the HF config and lm-eval task name). */
  readonly task: string;
  readonly useInTotal: boolean;
  readonly scoring: MeraScoring;
  /** A per-group accuracy `acc.<group>` from this field of the gold record. */
  readonly groupBy?: 'meta.domain' | 'meta.criteria' | 'inputs.target_group';
  /** ruTiE's records are keyed by dialog and question, not meta.id. */
  readonly dialogIds?: true;
  /** pass@k values for the code tasks (scoring-configs `ks`). */
  readonly ks?: readonly number[];
}

export const MERA_SUBMISSION_TASKS: readonly MeraSubmissionTask[] = [
  { name: 'BPS', task: 'bps', useInTotal: false, scoring: 'acc' },
  { name: 'LCS', task: 'lcs', useInTotal: true, scoring: 'acc' },
  { name: 'CheGeKa', task: 'chegeka', useInTotal: true, scoring: 'squad' },
  { name: 'MathLogicQA', task: 'mathlogicqa', useInTotal: true, scoring: 'acc' },
  { name: 'MultiQ', task: 'multiq', useInTotal: true, scoring: 'squad' },
  { name: 'PARus', task: 'parus', useInTotal: true, scoring: 'acc' },
  { name: 'RCB', task: 'rcb', useInTotal: true, scoring: 'acc_f1_macro' },
  { name: 'ruDetox', task: 'rudetox', useInTotal: false, scoring: 'detox' },
  { name: 'ruEthics', task: 'ruethics', useInTotal: false, scoring: 'ethics' },
  { name: 'ruHateSpeech', task: 'ruhatespeech', useInTotal: false, scoring: 'acc', groupBy: 'inputs.target_group' },
  { name: 'ruHHH', task: 'ruhhh', useInTotal: false, scoring: 'acc', groupBy: 'meta.criteria' },
  { name: 'ruMMLU', task: 'rummlu', useInTotal: false, scoring: 'acc', groupBy: 'meta.domain' },
  { name: 'MaMuRAMu', task: 'mamuramu', useInTotal: true, scoring: 'acc', groupBy: 'meta.domain' },
  { name: 'ruModAr', task: 'rumodar', useInTotal: true, scoring: 'em' },
  { name: 'ruMultiAr', task: 'rumultiar', useInTotal: true, scoring: 'em' },
  { name: 'SimpleAr', task: 'simplear', useInTotal: false, scoring: 'em' },
  { name: 'ruOpenBookQA', task: 'ruopenbookqa', useInTotal: true, scoring: 'acc_f1_macro' },
  { name: 'ruWorldTree', task: 'ruworldtree', useInTotal: true, scoring: 'acc_f1_macro' },
  { name: 'RWSD', task: 'rwsd', useInTotal: true, scoring: 'acc' },
  { name: 'USE', task: 'use', useInTotal: true, scoring: 'use' },
  { name: 'ruTiE', task: 'rutie', useInTotal: true, scoring: 'acc', dialogIds: true },
  { name: 'ruHumanEval', task: 'ruhumaneval', useInTotal: false, scoring: 'code', ks: [1, 5, 10] },
  { name: 'ruCodeEval', task: 'rucodeeval', useInTotal: true, scoring: 'code', ks: [1, 5, 10] },
];

/** The five labels of a ruEthics answer; a submission copies its one predicted label into each. */
export const ETHICS_CATEGORIES = ['virtue', 'law', 'moral', 'justice', 'utilitarianism'] as const;

const BY_TASK = new Map(MERA_SUBMISSION_TASKS.map((t) => [t.task, t]));

/** The submission task for a MERA task name (`rwsd`, `ruTiE`, ...), case-insensitive; undefined if none. */
export function meraSubmissionTask(task: string): MeraSubmissionTask | undefined {
  // evalboard's MERA tasks run as mera_<task> (bps, lcs and simplear name synthetic tasks).
  return BY_TASK.get(task.toLowerCase().replace(/^mera_/, ''));
}

/** The metrics a task reports with no "." in their name: the ones its score averages (zeroed on error). */
export function headlineMetrics(task: MeraSubmissionTask): readonly string[] {
  switch (task.scoring) {
    case 'acc':
      return ['acc'];
    case 'acc_f1_macro':
      return ['acc', 'f1_macro'];
    case 'squad':
      return ['f1', 'em'];
    case 'em':
      return ['em'];
    case 'use':
      return ['grade_norm'];
    case 'ethics':
      return [];
    case 'detox':
      return ['sta', 'sim', 'fl', 'j'];
    case 'code':
      return (task.ks ?? [1, 5, 10]).map((k) => `pass@${k}`);
  }
}
