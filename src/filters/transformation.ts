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

/**
 * lm-eval v0.4.1–v0.4.9.1 strip leading whitespace only (`resp.lstrip()`); v0.4.9.2 switched to
 * strip(). We keep the v0.4 behaviour so scores match the published v0.4 numbers.
 */
export function removeWhitespaceFilter(args: FilterArgs): Filter {
  checkArgNames('remove_whitespace', args, []);
  return (responses) => responses.map((response) => pythonStrip(response, 'left'));
}
