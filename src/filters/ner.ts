import { compilePythonRegex, pythonFindall, pythonSub } from '../python/regex.ts';
import { pythonStripChars } from '../python/str-methods.ts';
import { pythonStrip } from '../python/whitespace.ts';
import { checkArgNames, type Filter, type FilterArgs, integerArg, stringArg, textOf } from './types.ts';

/** Filters of lm-eval's AfroBench tagging tasks (POS tags, named-entity spans). */

/** "('token', 'TAG')" pairs as a model writes them, Python-tuple style. */
const TAGGED_TOKEN = compilePythonRegex(String.raw`\('([^']*)', '([^']*)'\)`, 'filter regex_pos');

/**
 * lm-eval's POSFilter ("regex_pos", the same at v0.4.9.2 and main): the tags of every
 * ('token', 'TAG') pair in a response, or `fallback` (["invalid"]) when there are none. Its
 * regex_pattern and group_select are accepted and compiled but, as in lm-eval, never used.
 */
export function regexPosFilter(args: FilterArgs): Filter {
  checkArgNames('regex_pos', args, ['regex_pattern', 'group_select', 'fallback']);
  compilePythonRegex(stringArg('regex_pos', args, 'regex_pattern', String.raw`\['(.*?)'\]`), 'filter regex_pos');
  integerArg('regex_pos', args, 'group_select', 0);
  const fallback = args.fallback ?? ['invalid'];
  return (responses) =>
    responses.map((response) => {
      // A response already split into (token, tag) pairs is read as it is, as lm-eval does.
      const pairs = Array.isArray(response)
        ? (response as unknown[][])
        : pythonFindall(TAGGED_TOKEN, textOf('regex_pos', response));
      const tags = pairs.map((pair) => (pair as unknown[])[1]);
      return tags.length > 0 ? tags : fallback;
    });
}

/** Label words a model may write, to the CoNLL labels, in lm-eval's order (person before per). */
const LABELS: readonly (readonly [string, string])[] = [
  ['person', 'PER'],
  ['location', 'LOC'],
  ['organization', 'ORG'],
  ['counties', 'LOC'],
  ['places', 'LOC'],
  ['people', 'PER'],
  ['persons', 'PER'],
  ['company', 'ORG'],
  ['country', 'LOC'],
  ['continent', 'LOC'],
  ['time', 'DATE'],
  ['date', 'DATE'],
  ['per', 'PER'],
  ['loc', 'LOC'],
  ['org', 'ORG'],
];

const ENTITY = compilePythonRegex(String.raw`\b(PER|LOC|ORG|DATE):\s*([^$]+)`, 'filter format_span');

/** lm-eval's format_ner_text: lowercase, labels to CoNLL names, "$$" to "$", no trailing "$". */
function normaliseLabels(text: string): string {
  let out = text.toLowerCase();
  // Only the word before a ":" is a label; entity text that contains "time" or "per" stays as it is.
  for (const [word, label] of LABELS) out = pythonSub(String.raw`\b${word}\s*:`, `${label}:`, out);
  return pythonStripChars(
    out.replaceAll('$$', () => '$'),
    '$',
    'right',
  );
}

/** lm-eval's format_named_entities: "label: entity" for every comma-separated entity, joined by " $ ". */
function formatEntities(text: string): string {
  const oneLine = pythonStrip(text.replaceAll('\n', () => '$'));
  const formatted: string[] = [];
  for (const match of pythonFindall(ENTITY, oneLine)) {
    const [label, values] = match as string[];
    for (const entity of values!.split(',').map((value) => pythonStrip(value))) {
      if (entity.toLowerCase() !== 'none') formatted.push(`${label!.toLowerCase()}: ${entity}`);
    }
  }
  return formatted.join(' $ ');
}

/**
 * lm-eval's SPANFilter ("format_span"), main's version: labels are rewritten only before a ":"
 * (v0.4.9.2 replaced the label words anywhere, entity text included).
 */
export function formatSpanFilter(args: FilterArgs): Filter {
  checkArgNames('format_span', args, []);
  return (responses) =>
    responses.map((response) => formatEntities(normaliseLabels(textOf('format_span', response).toLowerCase())));
}
