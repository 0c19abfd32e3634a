// Lint configuration: the recommended TypeScript rules over the sources and tests.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "out/", "dist/", ".e2e/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // The extension-host tests are CommonJS scripts that VS Code's extension host loads with require().
    files: ["test/e2e/**/*.cjs"],
    languageOptions: { sourceType: "commonjs", globals: { ...globals.node } },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      // Prettier lays code out at 120 columns but leaves long strings and comments alone: no line may pass 120.
      "max-len": ["error", { code: 120, tabWidth: 2 }],
    },
  },
  {
    // The webview scripts run in the browser.
    files: ["client/webview/**/*.ts"],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // The client is thin: from the server it knows only the protocol (server/src/protocol.ts).
    files: ["client/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "(^|/)server/(?!src/protocol\\.js$)",
              message: "The client imports nothing from server/ but server/src/protocol.ts: move what it needs there.",
            },
          ],
        },
      ],
    },
  },
);
