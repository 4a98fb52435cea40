// Builds the extension's bundles: the extension host (CommonJS, Node, `vscode` external), the Sandbox as its own
// bundle (loaded only when a Sandbox is started, so activation never pays for SQLite, faker or the SQL parser),
// and the results webview (browser). Usage: node esbuild.js [--production] [--watch]
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const outdir = path.join(__dirname, 'dist');

const shared = {
  bundle: true,
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'info',
  legalComments: 'none',
};

const builds = [
  { ...shared, entryPoints: { extension: 'src/extension.ts' }, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'], outdir },
  { ...shared, entryPoints: { sandbox: 'src/sandbox/sandbox.ts' }, platform: 'node', format: 'cjs', target: 'node20', outdir },
];
if (fs.existsSync(path.join(__dirname, 'src/webview/main.ts'))) {
  builds.push({ ...shared, entryPoints: { webview: 'src/webview/main.ts' }, platform: 'browser', format: 'iife', target: 'chrome120', outdir });
}

/** sql.js looks for its WebAssembly beside the script that loads it. */
function copySqlWasm() {
  fs.mkdirSync(outdir, { recursive: true });
  fs.copyFileSync(require.resolve('sql.js/dist/sql-wasm.wasm'), path.join(outdir, 'sql-wasm.wasm'));
}

async function main() {
  copySqlWasm();
  if (watch) {
    const contexts = await Promise.all(builds.map((options) => esbuild.context(options)));
    await Promise.all(contexts.map((context) => context.watch()));
    return;
  }
  await Promise.all(builds.map((options) => esbuild.build(options)));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
