// Bundles the proxy into one ESM file, dist/main.mjs: workspace packages (@concierge/*, the
// generated Prisma client included) are inlined from their TypeScript source; everything from
// node_modules stays external and is resolved at run time.
import { mkdir, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

import { build } from "esbuild";

const keepPackagesExternal = {
  name: "external-packages",
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith("@concierge/") || args.path.startsWith("node:")) return undefined;
      return { path: args.path, external: true };
    });
  },
};

const { outputFiles } = await build({
  entryPoints: [new URL("src/main.ts", import.meta.url).pathname],
  outfile: new URL("dist/main.mjs", import.meta.url).pathname,
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: true,
  plugins: [keepPackagesExternal],
  // Inlined CommonJS-style code may call require(); give the ESM bundle one.
  banner: { js: 'import { createRequire } from "node:module"; const require = createRequire(import.meta.url);' },
  logLevel: "warning",
  write: false,
});

// Written aside and renamed into place: a process starting from the bundle meanwhile never reads
// a half-written file.
for (const file of outputFiles) {
  const aside = `${file.path}.${process.pid}.tmp`;
  await mkdir(dirname(file.path), { recursive: true });
  await writeFile(aside, file.contents);
  await rename(aside, file.path);
}
