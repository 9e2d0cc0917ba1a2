/** Cells never carry control characters into the terminal, and long ones are cut. */
const maxCell = 48;

export function cell(text: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, " ");
  return clean.length > maxCell ? `${clean.slice(0, maxCell - 1)}…` : clean;
}

/** Columns padded to their widest cell, two spaces apart; the header underlined. */
export function renderTable(header: string[], rows: string[][]): string {
  const all = [header, ...rows].map((row) => row.map(cell));
  const widths = header.map((_, column) =>
    Math.max(...all.map((row) => [...(row[column] ?? "")].length)),
  );
  const line = (row: string[]) =>
    row
      .map((text, column) => text + " ".repeat(widths[column]! - [...text].length))
      .join("  ")
      .trimEnd();
  const rule = widths.map((width) => "-".repeat(width)).join("  ");
  return [line(all[0]!), rule, ...all.slice(1).map(line)].join("\n");
}
