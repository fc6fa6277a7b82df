import { pythonStr } from '../../python/repr.ts';
import { type ErrorLocation, UserError } from '../../errors.ts';
import type { Doc } from '../../documents/types.ts';
import { importFunction } from './functions.ts';
import { type CompiledTemplate, compileTemplate, TemplateSyntaxError } from './jinja.ts';
import { LiteralSyntaxError, literalEval } from '../../python/literal-eval.ts';
import { FunctionRef } from './yaml-file.ts';

export type DocFunction = (doc: Doc) => unknown;

/** Which lm-eval method a spec feeds: each post-processes a rendered template differently. */
export type DocFieldRole = 'text' | 'target' | 'choice' | 'plain';

const JINJA_MARKUP = /\{\{|\{%|\{#/;

/**
 * Turns one lm-eval doc_to_* value into a function, deciding its shape once:
 * - an int or a list is a constant (a dict, for doc_to_choice, gives its values);
 * - `!function` calls the TypeScript port;
 * - a string without Jinja markup names a doc field when the doc has that field (lm-eval checks
 *   the dataset's columns), and is otherwise a template that renders to itself;
 * - any other string is a Jinja template, whose output lm-eval then reinterprets:
 *   text/target: all digits with doc_to_choice set → int index; target: "[...]" → literal_eval'd
 *   list when it parses; choice: always literal_eval'd.
 */
export async function docFunction(
  spec: unknown,
  role: DocFieldRole,
  hasChoices: boolean,
  where: ErrorLocation,
): Promise<DocFunction> {
  if (spec instanceof FunctionRef) {
    const fn = await importFunction(spec, where);
    return (doc) => fn(doc);
  }
  if (typeof spec === 'number' || typeof spec === 'boolean') return () => spec;
  if (Array.isArray(spec)) {
    if (role === 'text') throw new UserError('doc_to_text cannot be a list', where);
    return () => spec;
  }
  if (spec !== null && typeof spec === 'object') {
    if (role !== 'choice') throw new UserError('a mapping is only allowed for doc_to_choice', where);
    const values = Object.values(spec);
    return () => values;
  }
  if (typeof spec !== 'string') throw new UserError(`unsupported value ${JSON.stringify(spec)}`, where);
  const interpret = (rendered: string) => reinterpret(rendered, role, hasChoices, where);
  if (!JINJA_MARKUP.test(spec)) {
    const constant = () => interpret(spec);
    return (doc) => (Object.hasOwn(doc, spec) ? doc[spec] : constant());
  }
  const template = compileAt(spec, where);
  return (doc) => interpret(template.render(doc));
}

export function compileAt(source: string, where: ErrorLocation): CompiledTemplate {
  try {
    return compileTemplate(source);
  } catch (e) {
    if (e instanceof TemplateSyntaxError) throw new UserError(`template syntax error: ${e.message}`, where);
    throw e;
  }
}

function reinterpret(rendered: string, role: DocFieldRole, hasChoices: boolean, where: ErrorLocation): unknown {
  if ((role === 'text' || role === 'target') && hasChoices && /^[0-9]+$/.test(rendered)) return Number(rendered);
  if (role === 'target' && rendered.length >= 2 && rendered.startsWith('[') && rendered.endsWith(']')) {
    try {
      return literalEval(rendered);
    } catch (e) {
      if (e instanceof LiteralSyntaxError) return rendered;
      throw e;
    }
  }
  if (role === 'choice') {
    try {
      return literalEval(rendered);
    } catch (e) {
      if (!(e instanceof LiteralSyntaxError)) throw e;
      throw new UserError(
        `doc_to_choice rendered ${JSON.stringify(rendered.slice(0, 80))}, which is not a Python list literal`,
        where,
      );
    }
  }
  return rendered;
}

/** Choices are continuation texts: anything that is not a string prints as Python's str(). */
export function asChoiceList(value: unknown, where: ErrorLocation): string[] {
  if (!Array.isArray(value)) throw new UserError(`doc_to_choice must give a list, got ${pythonStr(value)}`, where);
  return value.map(pythonStr);
}
