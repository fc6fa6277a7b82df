import { pythonStrip } from '../python/whitespace.ts';
import { checkArgNames, type Filter, type FilterArgs } from './types.ts';

export function lowercaseFilter(args: FilterArgs): Filter {
  checkArgNames('lowercase', args, []);
  return (responses) => responses.map((r) => r.toLowerCase());
}

export function uppercaseFilter(args: FilterArgs): Filter {
  checkArgNames('uppercase', args, []);
  return (responses) => responses.map((r) => r.toUpperCase());
}

/** lm-eval's WhitespaceFilter (v0.4.9.2 and main): `resp.strip()`, both ends. */
export function removeWhitespaceFilter(args: FilterArgs): Filter {
  checkArgNames('remove_whitespace', args, []);
  return (responses) => responses.map((response) => pythonStrip(response, 'both'));
}
