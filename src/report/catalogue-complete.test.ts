import { readdirSync, readFileSync, existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { declaredEvents, type EventKind } from "./event-catalogue.js";
import { renderEventsDoc, type ModuleEvents } from "./events-doc.js";

const src = path.resolve("src");
const modules = readdirSync(src).filter((name) => existsSync(path.join(src, name, "events.ts")));

/** Each module's events.ts, loaded one after another; what each one declared. */
async function loadCatalogue(): Promise<ModuleEvents[]> {
  const loaded: ModuleEvents[] = [];
  for (const module of modules) {
    const before = new Set(declaredEvents());
    await import(pathToFileURL(path.join(src, module, "events.ts")).href);
    const kinds = declaredEvents().filter((kind) => !before.has(kind));
    loaded.push({ module, kinds });
  }
  return loaded;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [full] : [];
  });
}

describe("the event catalogue", async () => {
  const catalogue = await loadCatalogue();
  const all: Array<EventKind<object | undefined>> = catalogue.flatMap((m) => [...m.kinds]);

  it("has every module that emits events declare them in its events.ts", () => {
    expect(modules).toEqual(expect.arrayContaining(["cli", "data", "hosts", "launch", "monitor"]));
    for (const { module, kinds } of catalogue) expect(kinds.length, module).toBeGreaterThan(0);
  });

  it("declares each code once, dotted, with a level and a description", () => {
    const codes = all.map((kind) => kind.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const kind of all) {
      expect(kind.code).toMatch(/^[a-z]+(\.[a-z_]+)+$/);
      expect(["debug", "info", "warn", "error"]).toContain(kind.level);
      expect(kind.description.trim().length, kind.code).toBeGreaterThan(10);
    }
  });

  it("is the only way to emit: no declaration outside events.ts, no hand-built event", () => {
    const offenders: string[] = [];
    for (const file of sourceFiles(src)) {
      const rel = path.relative(src, file);
      const text = readFileSync(file, "utf8");
      if (!rel.endsWith("events.ts") && /declare(Progress)?Event[<(]/.test(text)) {
        if (!rel.startsWith("report/")) offenders.push(`${rel}: declares an event`);
      }
      if (/\.emit\(\{/.test(text) && !rel.startsWith("report/")) {
        offenders.push(`${rel}: emits an event literal`);
      }
      if (/(^|[^\w.])report\(\s*\w+,\s*"(debug|info|warn|error)"/m.test(text)) {
        offenders.push(`${rel}: untyped report()`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it("is listed in docs/events.md as generated (TUNECTL_WRITE_EVENTS_DOC=1 rewrites it)", () => {
    const text = renderEventsDoc(catalogue);
    const file = path.resolve("docs", "events.md");
    if (process.env.TUNECTL_WRITE_EVENTS_DOC === "1") writeFileSync(file, text);
    expect(readFileSync(file, "utf8")).toBe(text);
  });
});
