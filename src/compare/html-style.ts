/** Light and dark palettes; runs take `run-<i>` colours, distinct in both schemes. */
const light = [
  "#1f6fb4",
  "#d1402c",
  "#2a9a3a",
  "#8a5cc7",
  "#e07b00",
  "#138a9a",
  "#8c564b",
  "#c94a9d",
];
const dark = [
  "#6cb4f0",
  "#ff7b6b",
  "#62d36f",
  "#c39bff",
  "#ffb050",
  "#4fd8e8",
  "#d8a08e",
  "#ff9fd8",
];

const vars = (palette: string[]) => palette.map((c, i) => `--run-${i}:${c};`).join("");

export const reportStyle = `
:root{color-scheme:light dark;--bg:#ffffff;--fg:#1b1f24;--muted:#5b6470;--line:#d9dee4;--grid:#eef1f4;--head:#f4f6f8;${vars(light)}}
@media (prefers-color-scheme: dark){:root{--bg:#14171b;--fg:#e6e9ed;--muted:#9aa4b0;--line:#343a42;--grid:#262b31;--head:#1d2126;${vars(dark)}}}
body{margin:0;padding:24px 32px;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px}
p.meta{color:var(--muted);margin:0 0 16px}
table{border-collapse:collapse;font-variant-numeric:tabular-nums}
th,td{border:1px solid var(--line);padding:4px 10px;text-align:left;vertical-align:top;max-width:420px;overflow-wrap:anywhere}
th{background:var(--head);font-weight:600}
td.key{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:13px}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:16px 28px}
figure{margin:0}figcaption{font-weight:600;margin-bottom:4px}
svg.chart{width:100%;height:auto;display:block}
svg .grid{stroke:var(--grid);stroke-width:1}
svg .axis{stroke:var(--muted);stroke-width:1}
svg .tick,svg .label,svg .empty{fill:var(--muted);font-size:12px}
svg .curve{fill:none;stroke-width:2;stroke-linejoin:round;stroke-linecap:round}
${light.map((_, i) => `.run-${i}{stroke:var(--run-${i});color:var(--run-${i})}`).join("\n")}
ul.legend{list-style:none;padding:0;margin:6px 0 0;display:flex;flex-wrap:wrap;gap:4px 16px;font-size:13px}
ul.legend li::before{content:"";display:inline-block;width:18px;height:3px;margin-right:6px;vertical-align:middle;background:currentColor}
ul.legend span{color:var(--fg)}
`;
