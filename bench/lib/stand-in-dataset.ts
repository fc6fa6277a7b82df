/**
 * Stand-in rows for a task whose dataset is on the hub only: the columns its templates and hooks
 * read, each with a value of the shape they use it as (a list iterated or indexed by number, a
 * mapping indexed by name or attribute, an integer used as an index, else text). The values are
 * chosen to satisfy common uses at once: text "1" parses as an integer and is found in the list
 * ["1", "2", "3", "4"], and integer 1 indexes any such list. They exist to build requests, not to
 * mean anything.
 */

export type Shape = 'text' | 'int' | 'list' | { readonly fields: Map<string, Shape> };

const JINJA_WORDS = new Set(
  'for in if else elif endif endfor set endset not and or is true false none True False None loop range namespace'.split(
    ' ',
  ),
);
/** Names a task uses as an index into its choices (label: 2, gold: 0). */
const INT_NAMES = /^(label|labels|gold|idx|answer_?idx|answer_?index|target_?idx|correct_?idx|lbl|answer_?id)$/i;
/** Names a task iterates or indexes as a list. */
const LIST_NAMES = /^(choices|options|endings|candidates|answers|targets|choice_list|option_list|alternatives)$/i;
const TEMPLATE_KEYS = ['doc_to_text', 'doc_to_target', 'doc_to_choice', 'description', 'gen_prefix'];

/** Columns referenced by a task config's templates and plain column names, with their shapes. */
export function columnsFromConfig(
  config: Readonly<Record<string, unknown>>,
  out = new Map<string, Shape>(),
): Map<string, Shape> {
  const fewshot = (config.fewshot_config ?? {}) as Record<string, unknown>;
  const prompts = Array.isArray(config.prompts) ? (config.prompts as { doc_to_text?: unknown }[]) : [];
  const fields: [string, unknown][] = [
    ...TEMPLATE_KEYS.map((k) => [k, config[k]] as [string, unknown]),
    ...TEMPLATE_KEYS.map((k) => [k, fewshot[k]] as [string, unknown]),
    ...prompts.map((p) => ['doc_to_text', p.doc_to_text] as [string, unknown]),
  ];
  for (const [key, value] of fields) {
    if (typeof value !== 'string') continue;
    if (/{{|{%/.test(value)) columnsFromTemplate(value, out);
    else if (/^[A-Za-z_]\w*$/.test(value) && key !== 'description' && key !== 'gen_prefix') {
      // A bare column name: the target of a choice task is an index, doc_to_choice a list.
      const shape: Shape =
        key === 'doc_to_choice' ? 'list' : key === 'doc_to_target' && config.doc_to_choice != null ? 'int' : 'text';
      merge(out, [value], shape);
    }
  }
  return out;
}

/** Variables a Jinja template reads from the doc (loop and `set` variables excluded). */
export function columnsFromTemplate(template: string, out = new Map<string, Shape>()): Map<string, Shape> {
  const local = new Set<string>();
  for (const m of template.matchAll(/{%-?\s*for\s+([\w\s,]+?)\s+in\b/g))
    for (const v of m[1]!.split(',')) local.add(v.trim());
  for (const m of template.matchAll(/{%-?\s*set\s+(\w+)/g)) local.add(m[1]!);
  for (const block of template.matchAll(/{{(.*?)}}|{%(.*?)%}/gs)) {
    const code = (block[1] ?? block[2] ?? '').replace(/(["'])(?:\\.|(?!\1).)*\1/g, (s) => s.replace(/[\w.]/g, ' '));
    for (const m of code.matchAll(/(?<![\w.|'"])([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)(\s*[[(]?)/g)) {
      const path = m[1]!.split('.');
      const before = code.slice(0, m.index).trimEnd();
      if (before.endsWith('|') || JINJA_WORDS.has(path[0]!) || local.has(path[0]!)) continue;
      // A method call (question.strip()): the last segment is the method, not a field; list and
      // mapping methods tell the field's shape.
      const method = m[2]!.trim() === '(' ? path.pop() : undefined;
      if (path.length === 0) continue;
      const after = code.slice(m.index! + m[0].length);
      let shape: Shape = 'text';
      if (method === 'index' || method === 'count') shape = 'list';
      else if (method === 'items' || method === 'keys' || method === 'values' || method === 'get')
        shape = { fields: new Map() };
      else if (m[2]!.trim() === '[') shape = /^\s*["']/.test(after) ? { fields: new Map() } : 'list';
      else if (/\bfor\b.*\bin\s*$/.test(before)) shape = 'list';
      else if (/\[\s*$/.test(before)) shape = 'int';
      merge(out, path, shape);
    }
  }
  return out;
}

/** Columns a Python hook module reads as `doc["name"]` / `doc.get("name")`. */
export function columnsFromPython(source: string, out = new Map<string, Shape>()): Map<string, Shape> {
  for (const m of source.matchAll(
    /\b(?:doc|example|x|d|row|sample|item|ex|line|instance|data|document)\s*(?:\[\s*["']([A-Za-z_][\w-]*)["']\s*\]|\.get\(\s*["']([A-Za-z_][\w-]*)["'])/g,
  )) {
    merge(out, [(m[1] ?? m[2])!], 'text');
  }
  return out;
}

/** Adds a field path; a more specific shape (list, mapping, int) wins over text. */
export function merge(out: Map<string, Shape>, path: readonly string[], shape: Shape): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  const current = out.get(head);
  if (rest.length > 0) {
    const fields = current && typeof current === 'object' ? current.fields : new Map<string, Shape>();
    merge(fields, rest, shape);
    out.set(head, { fields });
    return;
  }
  if (current && typeof current === 'object') return;
  const guessed = shape === 'text' ? (INT_NAMES.test(head) ? 'int' : LIST_NAMES.test(head) ? 'list' : 'text') : shape;
  if (!current || current === 'text') out.set(head, guessed);
}

function standInValue(shape: Shape, row: number): unknown {
  if (shape === 'int') return 1;
  if (shape === 'list') return ['1', '2', '3', '4'];
  if (shape === 'text') return row % 2 === 0 ? '1' : '2';
  return Object.fromEntries([...shape.fields].map(([k, s]) => [k, standInValue(s, row)]));
}

/** `n` rows with every column; text alternates "1"/"2" so rows differ (few-shot samplers skip the doc itself). */
export function standInRows(columns: ReadonlyMap<string, Shape>, n = 4): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, row) =>
    Object.fromEntries([...columns].map(([name, shape]) => [name, standInValue(shape, row)])),
  );
}
