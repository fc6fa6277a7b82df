import { pythonStrip } from '../python/whitespace.ts';
import { UserError } from '../errors.ts';
import { checkArgNames, type Filter, type FilterArgs, textOf } from './types.ts';

export function lowercaseFilter(args: FilterArgs): Filter {
  checkArgNames('lowercase', args, []);
  return (responses) => responses.map((r) => textOf('lowercase', r).toLowerCase());
}

export function uppercaseFilter(args: FilterArgs): Filter {
  checkArgNames('uppercase', args, []);
  return (responses) => responses.map((r) => textOf('uppercase', r).toUpperCase());
}

/** lm-eval's WhitespaceFilter (v0.4.9.2 and main): `resp.strip()`, both ends. */
export function removeWhitespaceFilter(args: FilterArgs): Filter {
  checkArgNames('remove_whitespace', args, []);
  return (responses) => responses.map((response) => pythonStrip(textOf('remove_whitespace', response), 'both'));
}

/**
 * lm-eval's MapFilter: each response looked up in mapping_dict, default_value (None: null) where
 * it is missing. Keys are read as text, so a YAML key 1 matches the response "1" (lm-eval's int
 * key would not); only text responses are looked up.
 */
export function mapFilter(args: FilterArgs): Filter {
  checkArgNames('map', args, ['mapping_dict', 'default_value']);
  const mapping = args.mapping_dict ?? {};
  if (typeof mapping !== 'object' || mapping === null || Array.isArray(mapping)) {
    throw new UserError(`mapping_dict must be a mapping, got ${JSON.stringify(mapping)}`, { field: 'filter map' });
  }
  const table = new Map(Object.entries(mapping));
  const fallback = args.default_value ?? null;
  return (responses) => responses.map((r) => (typeof r === 'string' && table.has(r) ? table.get(r) : fallback));
}
