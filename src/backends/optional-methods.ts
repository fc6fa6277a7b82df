import type { Backend } from './types.ts';

/** The names of Backend's optional methods (those a backend may lack, such as countTokens). */
export type OptionalMethodName = {
  [K in keyof Backend]-?: undefined extends Backend[K] ? K : never;
}[keyof Backend];

export type OptionalMethods = Pick<Backend, OptionalMethodName>;

/**
 * Every optional method, as a Record so that adding one to Backend fails to compile here until
 * it is listed: a wrapper that forwards from this list can then never silently drop a method
 * (a caching wrapper that lost countTokens recorded 0 reasoning tokens in every cached run).
 */
const OPTIONAL_METHODS: Record<OptionalMethodName, true> = {
  countTokens: true,
  applyChatTemplate: true,
  usage: true,
};

export const OPTIONAL_METHOD_NAMES = Object.keys(OPTIONAL_METHODS) as readonly OptionalMethodName[];

/** The optional methods `inner` has, bound to it, for a wrapper to take on as its own. */
export function forwardOptionalMethods(inner: Backend): Partial<OptionalMethods> {
  const forwarded: Partial<Record<OptionalMethodName, unknown>> = {};
  for (const name of OPTIONAL_METHOD_NAMES) {
    const method = inner[name];
    if (typeof method === 'function') forwarded[name] = method.bind(inner);
  }
  return forwarded as Partial<OptionalMethods>;
}
