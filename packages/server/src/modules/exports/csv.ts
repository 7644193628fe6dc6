type Cell = string | number | null | undefined;

/** One CSV record per RFC 4180: fields with a comma, quote, CR or LF are quoted, quotes doubled; CRLF ends it. */
export function csvRecord(cells: readonly Cell[]): string {
  return `${cells.map(csvField).join(',')}\r\n`;
}

/**
 * Text that a spreadsheet would read as a formula (=, +, -, @, or a leading tab or CR) gets a leading
 * apostrophe, as OWASP advises against CSV injection: exported cells carry text from outside (content
 * types and errors from senders and receivers). Numbers are written as they are.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

function csvField(cell: Cell): string {
  if (cell === null || cell === undefined) return '';
  const text = typeof cell === 'string' && FORMULA_START.test(cell) ? `'${cell}` : String(cell);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
