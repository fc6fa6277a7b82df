/**
 * Output helpers shared by compare, analyze and report: fixed-width terminal tables, CSV, and a
 * self-contained HTML page (inline CSS and SVG, nothing fetched).
 */

export type Cell = string | number;

/** Columns padded to their widest cell; numbers right-aligned. */
export function textTable(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i] ?? '').length)));
  const line = (cells: readonly Cell[]): string =>
    cells
      .map((c, i) => (typeof c === 'number' ? String(c).padStart(widths[i]!) : String(c).padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function csv(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const quote = (c: Cell): string => {
    const s = String(c);
    return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return `${[headers, ...rows].map((r) => r.map(quote).join(',')).join('\n')}\n`;
}

export function fixed(value: number, digits = 4): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

export function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

export function htmlTable(
  headers: readonly string[],
  rows: readonly (readonly Cell[])[],
  marked?: readonly boolean[],
): string {
  const head = `<tr>${headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>`;
  const body = rows
    .map(
      (r, i) =>
        `<tr${marked?.[i] ? ' class="marked"' : ''}>${r
          .map((c) => `<td${typeof c === 'number' ? ' class="num"' : ''}>${escapeHtml(String(c))}</td>`)
          .join('')}</tr>`,
    )
    .join('\n');
  return `<table>\n${head}\n${body}\n</table>`;
}

export interface HtmlSection {
  readonly heading: string;
  /** Trusted HTML: tables from htmlTable, SVG from charts.ts, text through escapeHtml. */
  readonly html: string;
}

export function htmlPage(title: string, sections: readonly HtmlSection[]): string {
  const style = [
    'body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1100px}',
    'table{border-collapse:collapse;margin:0.5em 0 1.5em}',
    'td,th{border:1px solid #ccc;padding:2px 8px;font-size:13px}',
    'td.num{text-align:right;font-variant-numeric:tabular-nums}',
    'tr.marked td{background:#fde2e2}',
    'p.note{color:#555;font-size:13px}',
  ].join('\n');
  const body = sections.map((s) => `<section>\n<h2>${escapeHtml(s.heading)}</h2>\n${s.html}\n</section>`).join('\n');
  return `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>${escapeHtml(title)}</title>\n<style>\n${style}\n</style>\n</head>\n<body>\n<h1>${escapeHtml(title)}</h1>\n${body}\n</body>\n</html>\n`;
}

export function note(text: string): string {
  return `<p class="note">${escapeHtml(text)}</p>`;
}
