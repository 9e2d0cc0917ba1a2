import js from "@eslint/js";
import tseslint from "typescript-eslint";
import { moduleBoundaries } from "./scripts/lint/module-boundaries.js";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", ".testbed/**", ".tunectl/**", "scripts/trainer/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: "readonly",
        console: "readonly",
        Buffer: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        setInterval: "readonly",
        clearInterval: "readonly",
        URL: "readonly",
        AbortController: "readonly",
        AbortSignal: "readonly",
        TextDecoder: "readonly",
        TextEncoder: "readonly",
        fetch: "readonly",
        performance: "readonly",
        structuredClone: "readonly",
        setImmediate: "readonly",
      },
    },
    plugins: { tunectl: { rules: { "module-boundaries": moduleBoundaries } } },
    rules: {
      "tunectl/module-boundaries": "error",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
    },
  },
  {
    files: ["src/**/*.ts"],
    ignores: ["src/cli/**"],
    rules: { "no-console": "error" },
  },
);
