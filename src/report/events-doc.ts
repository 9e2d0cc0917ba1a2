import type { EventKind } from "./event-catalogue.js";

/** One module's declared events, as its `events.ts` declares them. */
export interface ModuleEvents {
  module: string;
  kinds: ReadonlyArray<EventKind<object | undefined>>;
}

/**
 * docs/events.md, generated from the catalogue so it cannot drift: a unit test
 * (src/report/catalogue-complete.test.ts) compares the committed file with this text.
 */
export function renderEventsDoc(modules: ReadonlyArray<ModuleEvents>): string {
  const lines = [
    "# Events",
    "",
    "<!-- Generated from every src/*/events.ts; regenerate with",
    "     TUNECTL_WRITE_EVENTS_DOC=1 npx vitest run --project unit src/report/catalogue-complete.test.ts -->",
    "",
    "Everything tunectl reports is one of these events `{level, code, message, data}`. On a",
    "terminal they are lines on stderr (`status` events are the redrawn progress line); with",
    "`--json` every event, debug included, is one JSON object a line on stderr; the per-run",
    "log file `.tunectl/runs/<id>/logs/tunectl.log` gets every event too. Scripts and tests",
    "match on `code`, never on the message.",
    "",
  ];
  for (const { module, kinds } of [...modules].sort((a, b) => a.module.localeCompare(b.module))) {
    if (kinds.length === 0) continue;
    lines.push(`## ${module}`, "", "| code | level | shown as | when |", "|---|---|---|---|");
    for (const kind of [...kinds].sort((a, b) => a.code.localeCompare(b.code))) {
      const when = kind.description.replace(/\|/g, "\\|");
      lines.push(`| \`${kind.code}\` | ${kind.level} | ${kind.display} | ${when} |`);
    }
    lines.push("");
  }
  return `${lines.join("\n").trimEnd()}\n`;
}
