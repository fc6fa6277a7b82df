/**
 * A problem with the user's input (flags, task files, model files). The CLI prints it as
 * one line, `file:line:col: field: message`, and exits with code 2. Anything else is a bug
 * and keeps its stack.
 */
export interface ErrorLocation {
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly field?: string;
}

export class UserError extends Error {
  readonly location: ErrorLocation;
  readonly hint: string | undefined;
  /** 2 for bad input; 130 for a run stopped with Ctrl-C. */
  readonly exitCode: number;

  constructor(message: string, location: ErrorLocation = {}, hint?: string, exitCode = 2) {
    super(message);
    this.name = 'UserError';
    this.location = location;
    this.hint = hint;
    this.exitCode = exitCode;
  }

  /** One line: where, what, and what to do. */
  format(): string {
    const { file, line, column, field } = this.location;
    let where = '';
    if (file) where += `${file + (line ? `:${line}` : '') + (line && column ? `:${column}` : '')}: `;
    if (field) where += `${field}: `;
    return `${where}${this.message}${this.hint ? ` (${this.hint})` : ''}`;
  }
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}
