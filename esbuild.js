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

/**
 * Large libraries the extension uses only on demand (formatting SQL, classifying it, HTTP). Each becomes its own file in
 * dist/vendor, required on first use: activation then parses a small bundle instead of a megabyte it does not run.
 */
const VENDOR = {
  'sql-formatter': 'sql-formatter',
  'node-sql-parser/build/transactsql': 'node-sql-parser-transactsql',
  'node-fetch': 'node-fetch',
};

// Each import of a vendor library becomes a `require` of its file beside the bundle (a plain require, not a dynamic
// `import()`, so it loads the same way in every extension host), evaluated where the source asks for it.
const vendorFiles = {
  name: 'vendor-files',
  setup(build) {
    const filter = new RegExp(`^(${Object.keys(VENDOR).map((name) => name.replace(/[/.-]/g, '\\$&')).join('|')})$`);
    build.onResolve({ filter }, (args) => ({ path: VENDOR[args.path], namespace: 'vendor' }));
    build.onLoad({ filter: /.*/, namespace: 'vendor' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(`./vendor/${args.path}.js`)});`,
      resolveDir: outdir,
    }));
    build.onResolve({ filter: /^\.\/vendor\// }, (args) => ({ path: args.path, external: true }));
  },
};

const builds = [
  {
    ...shared, entryPoints: { extension: 'src/extension.ts' }, platform: 'node', format: 'cjs', target: 'node20',
    external: ['vscode'], plugins: [vendorFiles], outdir,
  },
  {
    ...shared, entryPoints: Object.fromEntries(Object.entries(VENDOR).map(([name, file]) => [`vendor/${file}`, name])),
    platform: 'node', format: 'cjs', target: 'node20', outdir,
  },
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
