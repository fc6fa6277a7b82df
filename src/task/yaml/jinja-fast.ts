import { pythonFloatRepr } from '../../python/repr.ts';
import { pythonStrip } from '../../python/whitespace.ts';

/**
 * A direct renderer for the templates most lm-eval tasks use: text and `{{ ... }}` outputs made
 * of doc fields, `.field` / `[0]` / `["key"]` lookups and `.strip()` / `.lstrip()` / `.rstrip()`
 * (MMLU's `{{question.strip()}}\nA. {{choices[0]}}...`). The interpreter allocates dozens of
 * runtime values per render, which made prompt building the largest cost of a run.
 *
 * It mirrors what PythonInterpreter does for exactly these nodes, on the plain doc values.
 * Anything else — another node type, a missing key, a value it does not print — makes it give up
 * (undefined) and the caller runs the interpreter, which then renders or raises exactly as
 * before. So it can only ever return what the interpreter would have returned.
 */
// biome-ignore lint/suspicious/noExplicitAny: AST nodes of the port, reached by their `type` tag.
type AnyNode = any;
type Context = Readonly<Record<string, unknown>>;
type Part = string | ((context: Context) => unknown);

/** "Cannot render this here": the interpreter must decide. */
const GIVE_UP: unique symbol = Symbol('give up');

const STRIP_MODES: Record<string, 'both' | 'left' | 'right'> = { strip: 'both', lstrip: 'left', rstrip: 'right' };

/** A renderer for `body` (the program's top-level nodes), or undefined if it uses anything else. */
export function compileFastRender(body: readonly AnyNode[]): ((context: Context) => string | undefined) | undefined {
  const parts: Part[] = [];
  for (const node of body) {
    if (node?.type === 'StringLiteral') parts.push(String(node.value));
    else {
      const expression = compileExpression(node);
      if (!expression) return undefined;
      parts.push(expression);
    }
  }
  return (context) => {
    if (!convertible(context)) return undefined;
    let out = '';
    for (const part of parts) {
      if (typeof part === 'string') out += part;
      else {
        const text = printed(part(context));
        if (text === undefined) return undefined;
        out += text;
      }
    }
    return out;
  };
}

function compileExpression(node: AnyNode): ((context: Context) => unknown) | undefined {
  switch (node?.type) {
    case 'Identifier': {
      const name = String(node.value);
      // Every scope predeclares `namespace`; the interpreter's handling of it is left to it.
      if (name === 'namespace') return undefined;
      return (context) => (hasEntry(context, name) && context[name] !== undefined ? context[name] : GIVE_UP);
    }
    case 'MemberExpression': {
      const object = compileExpression(node.object);
      const property = node.property;
      if (!object) return undefined;
      if (!node.computed || property?.type === 'StringLiteral') {
        const key = String(property?.value);
        return (context) => {
          const value = object(context);
          return isPlainObject(value) && hasEntry(value, key) ? value[key] : GIVE_UP;
        };
      }
      if (property?.type === 'IntegerLiteral' && Number.isInteger(property.value)) {
        const key = property.value as number;
        return (context) => {
          const value = object(context);
          if (!Array.isArray(value)) return GIVE_UP;
          const index = key < 0 ? value.length + key : key;
          return index >= 0 && index < value.length ? value[index] : GIVE_UP;
        };
      }
      return undefined;
    }
    case 'CallExpression': {
      const callee = node.callee;
      const method = callee?.type === 'MemberExpression' && !callee.computed ? String(callee.property?.value) : '';
      const mode = Object.hasOwn(STRIP_MODES, method) ? STRIP_MODES[method] : undefined;
      if (!mode || node.args?.length !== 0) return undefined;
      const object = compileExpression(callee.object);
      if (!object) return undefined;
      return (context) => {
        const value = object(context);
        return typeof value === 'string' ? pythonStrip(value, mode) : GIVE_UP;
      };
    }
    default:
      return undefined;
  }
}

/** Python str() of an output, as pyStr prints the runtime value; undefined for anything else. */
function printed(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      return Number.isInteger(value) ? String(value) : pythonFloatRepr(value);
    case 'boolean':
      return value ? 'True' : 'False';
    default:
      return value === null ? 'None' : undefined;
  }
}

/** What the interpreter's scope holds for a doc: its own enumerable keys (Object.entries). */
function hasEntry(object: object, key: string): boolean {
  return Object.prototype.propertyIsEnumerable.call(object, key);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * The interpreter converts every doc field up front and throws on a value it cannot convert
 * (bigint, symbol) or on a field named `namespace`; leave those docs to it, to throw the same.
 */
function convertible(context: Context): boolean {
  if (hasEntry(context, 'namespace')) return false;
  for (const key in context) {
    if (hasEntry(context, key) && !convertibleValue(context[key], 0)) return false;
  }
  return true;
}

function convertibleValue(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'undefined':
    case 'function':
      return true;
    case 'object': {
      if (value === null) return true;
      // Deeper than any dataset row: let the interpreter deal with it (or with a cycle).
      if (depth > 32) return false;
      if (Array.isArray(value)) return value.every((item) => convertibleValue(item, depth + 1));
      return Object.values(value).every((item) => convertibleValue(item, depth + 1));
    }
    default:
      return false;
  }
}
