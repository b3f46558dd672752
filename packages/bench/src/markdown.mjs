// Markdown for the report.

/** A Markdown table; `align` has "r" for right-aligned columns. */
export function table(header, rows, align = []) {
  const line = (cells) => `| ${cells.join(" | ")} |`;
  const rule = header.map((_, i) => (align[i] === "r" ? "---:" : "---"));
  return [line(header), line(rule), ...rows.map((row) => line(row.map(String)))].join("\n");
}
