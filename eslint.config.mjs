// One lint config for the whole repo: typed rules where they catch real proxy bugs (an un-awaited
// socket write), and the boundaries that keep the request path away from the database.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "**/node_modules/**",
      "**/dist/**",
      "**/.next/**",
      "packages/db/generated/**",
      "**/next-env.d.ts",
      "**/*.mjs",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": [
        "error",
        { checksVoidReturn: { arguments: false } },
      ],
      "@typescript-eslint/switch-exhaustiveness-check": "error",
      "@typescript-eslint/consistent-type-imports": [
        "error",
        { fixStyle: "separate-type-imports" },
      ],
      "@typescript-eslint/no-non-null-assertion": "error",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
    },
  },
  {
    files: [
      "apps/proxy/src/{listener,guard,router,cache,balancer,health,upstream,response,metrics}/**/*.ts",
      "apps/proxy/src/pipeline.ts",
    ],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@concierge/db", "@concierge/db/*"],
              message: "The request path never touches the database; read ctx.config instead.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["packages/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: [
                "@concierge/web",
                "@concierge/web/*",
                "@concierge/proxy",
                "@concierge/proxy/*",
              ],
              message: "Packages never depend on apps.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["apps/*/src/**/*.ts", "apps/*/src/**/*.tsx", "packages/*/src/**/*.ts"],
    ignores: ["**/env.ts"],
    rules: {
      "no-restricted-properties": [
        "error",
        {
          object: "process",
          property: "env",
          message: "Import { env } from the app's env.ts (validated).",
        },
      ],
    },
  },
  {
    files: [
      "**/*.test.ts",
      "**/*.e2e.ts",
      "**/test/**/*.ts",
      "**/test-support/**/*.ts",
      "scripts/**/*.ts",
    ],
    rules: {
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
);
