// ESLint rule: a file under src/<module>/ may import another module only through
// its public src/<other>/index.js, so each capability keeps a small surface.
import path from "node:path";

const srcRoot = path.resolve("src");

function moduleOf(file) {
  const rel = path.relative(srcRoot, file);
  if (rel.startsWith("..") || path.isAbsolute(rel)) return undefined;
  const [head, ...rest] = rel.split(path.sep);
  return rest.length > 0 ? head : undefined;
}

export const moduleBoundaries = {
  meta: {
    type: "problem",
    docs: { description: "cross-module imports go through the module's index.js" },
    schema: [],
  },
  create(context) {
    const file = context.filename;
    const from = moduleOf(file);
    if (from === undefined) return {};
    const check = (node) => {
      const source = node.source?.value;
      if (typeof source !== "string" || !source.startsWith(".")) return;
      const target = path.resolve(path.dirname(file), source);
      const to = moduleOf(target);
      if (to === undefined || to === from) return;
      const rel = path.relative(path.join(srcRoot, to), target);
      if (rel === "index.js" || rel === "index.ts") return;
      context.report({
        node: node.source,
        message: `import "${to}" through src/${to}/index.js, not ${source}`,
      });
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};
