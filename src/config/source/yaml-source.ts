import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
  type Node as YamlNode,
} from "yaml";
import type { Problem } from "../../errors/index.js";
import type { ConfigNode, MapEntry, Origin } from "./config-node.js";

/** Anchors and aliases can multiply a small file; past this many nodes it is refused. */
const maxNodes = 100_000;

export interface ParsedSource {
  node?: ConfigNode;
  problems: Problem[];
}

export interface SourceLabel {
  /** Shown in problems. */
  file: string;
  /** For relative data paths. */
  dir: string;
  /** Set for inputs that are not files (`--set`): no line and column are reported. */
  noPositions?: boolean;
}

/** Parse one YAML document, keeping the position of every key and value. */
export function parseYamlSource(text: string, label: SourceLabel): ParsedSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const originAt = (offset: number | undefined): Origin => {
    if (label.noPositions || offset === undefined) return { file: label.file, dir: label.dir };
    const { line, col } = lineCounter.linePos(offset);
    return { file: label.file, line, col, dir: label.dir };
  };
  if (doc.errors.length > 0) {
    return {
      problems: doc.errors.map((error) => {
        const pos = error.linePos?.[0];
        return {
          position: label.noPositions
            ? { file: label.file }
            : { file: label.file, line: pos?.line, col: pos?.col },
          message: `YAML syntax error: ${firstLine(error.message)}`,
          hint: error.code === "BAD_INDENT" ? "check the indentation of this line" : undefined,
        };
      }),
    };
  }
  const converter = new Converter(doc, originAt);
  try {
    const root = doc.contents as YamlNode | null;
    const node = root
      ? converter.convert(root, originAt(0))
      : { kind: "scalar" as const, at: originAt(0), value: null };
    return { node, problems: converter.problems };
  } catch (error) {
    if (error instanceof TooLarge) {
      return {
        problems: [{ position: { file: label.file }, message: error.message }],
      };
    }
    throw error;
  }
}

class TooLarge extends Error {}

class Converter {
  readonly problems: Problem[] = [];
  private count = 0;
  private readonly resolving = new Set<YamlNode>();

  constructor(
    private readonly doc: Document,
    private readonly originAt: (offset: number | undefined) => Origin,
  ) {}

  convert(node: YamlNode, fallback: Origin): ConfigNode {
    if (++this.count > maxNodes) {
      throw new TooLarge(`document expands to more than ${maxNodes} values (anchors and aliases)`);
    }
    const at = node.range ? this.originAt(node.range[0]) : fallback;
    if (isAlias(node)) return this.convertAlias(node, at);
    if (isScalar(node)) {
      return { kind: "scalar", at, value: node.value, plain: node.type === "PLAIN" };
    }
    if (isSeq(node)) {
      return {
        kind: "seq",
        at,
        items: node.items.map((item) =>
          item ? this.convert(item as YamlNode, at) : { kind: "scalar", at, value: null },
        ),
      };
    }
    if (isMap(node)) {
      const entries = new Map<string, MapEntry>();
      for (const pair of node.items) {
        const keyNode = pair.key as YamlNode | null;
        const keyAt = keyNode?.range ? this.originAt(keyNode.range[0]) : at;
        if (keyNode && !isScalar(keyNode)) {
          this.problems.push({
            position: keyAt,
            message: "keys must be plain words, not lists or maps",
          });
          continue;
        }
        const key = String(keyNode?.value ?? "");
        const value = pair.value as YamlNode | null;
        // An empty value (`data:`) points at its key: there is nothing else to point at.
        const empty = !value || (isScalar(value) && value.source === "" && value.value === null);
        const child: ConfigNode = empty
          ? { kind: "scalar", at: keyAt, value: null }
          : this.convert(value, keyAt);
        entries.set(key, { keyAt, node: child });
      }
      return { kind: "map", at, entries };
    }
    return { kind: "scalar", at, value: null };
  }

  private convertAlias(node: YamlNode & { resolve(doc: Document): unknown }, at: Origin) {
    const target = node.resolve(this.doc) as YamlNode | undefined;
    if (!target || this.resolving.has(target)) {
      this.problems.push({
        position: at,
        message: "alias refers to an unknown or enclosing anchor",
      });
      return { kind: "scalar" as const, at, value: null };
    }
    this.resolving.add(target);
    try {
      return this.convert(target, at);
    } finally {
      this.resolving.delete(target);
    }
  }
}

function firstLine(message: string): string {
  return (message.split("\n")[0] ?? message).replace(/ at line \d+, column \d+:?$/, "").trim();
}
