// The esphil command as one CommonJS file: packages/emulator/dist/cli/esphil.cjs,
// made from the built JavaScript of the four packages and their libraries
// (node-forge, aedes, mqtt.js, yaml...). Node then reads, resolves and compiles
// one file at start-up instead of some 500 modules, and bin/esphil.js can hand
// V8 a code cache for it (cli-code-cache.mjs). Commands stay lazy: a command's
// modules are only run when it is chosen.
//
// Two things keep the bundle's behaviour that of the separate modules:
// - every module's `import.meta` still names the module's own file under
//   dist/, so its data files (view page, gdb worker, run workers, fixtures) are
//   found where pnpm build put them;
// - avr8js is not reprinted: the AVR core reads avr8js's own instruction source
//   text (avr-slave instruction-set.ts), which a bundler would reformat. Its
//   files are carried as their own text, each wrapped as Node wraps a module
//   (verbatim-cjs.mjs), so it needs no resolving and the code cache covers it.
import { createHash } from 'node:crypto';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { verbatimPackage } from './verbatim-cjs.mjs';

export const BUNDLE = join('dist', 'cli', 'esphil.cjs');
/** The bundle's exports: the CLI's (main.ts), and the start of a `run --jobs` worker thread (run-worker.ts). */
const ENTRY = `export * from './main.js';\nexport const startRunWorker = () => import('./run-worker.js');\n`;
/** Libraries carried as their files' own text, never reprinted by esbuild. */
const VERBATIM = ['avr8js'];
/** Where in the banner the verbatim libraries' code goes once the build has met their importers. */
const VERBATIM_CODE = '/* esphil verbatim libraries */';
const verbatimFunction = (name) => `__esphilVerbatim_${name.replace(/\W/g, '_')}`;

/**
 * Every module's `import.meta` becomes `__esphilImportMeta(<its file, relative to the bundle>)`:
 * url, dirname and filename of its own file under dist/; resolve() resolves from that file
 * with Node's CommonJS rules (the bundle runs without Node's ESM loader); `esphilBundleLoader`,
 * the URL of bin/cli-bundle.js, tells a module it runs in the bundle (run-pool.ts starts its
 * worker threads from the bundle then).
 */
const IMPORT_META = `function __esphilImportMeta(rel) {
  const { dirname, join } = require("node:path");
  const { pathToFileURL } = require("node:url");
  const filename = join(__dirname, rel);
  const url = pathToFileURL(filename).href;
  const resolve = (specifier) => pathToFileURL(require("node:module").createRequire(filename).resolve(specifier)).href;
  const esphilBundleLoader = pathToFileURL(join(__dirname, LOADER)).href;
  return { url, filename, dirname: dirname(filename), resolve, esphilBundleLoader };
}`;
const importMeta = (file, bundleDir) => `__esphilImportMeta(${JSON.stringify(relative(bundleDir, file).split(sep).join('/'))})`;

/**
 * The bundle in ASCII only, so bin/cli-bundle.js reads it as Latin-1: a copy, no UTF-8
 * decoding, and V8 keeps the 2.7 MB source as one byte a character instead of two.
 * esbuild already escapes strings, regular expressions and identifiers (its default
 * `charset: 'ascii'`); what it leaves is comment text (an em dash, a "µs"), written here
 * as \uXXXX, which also reads the same anywhere else in JavaScript but a raw template.
 */
function asciiOnly(text) {
  return text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Builds `pkg`/dist/cli/esphil.cjs from `pkg`/dist/cli/main.js and run-worker.js; returns its path. */
export async function bundleCli(pkg) {
  const outfile = join(pkg, BUNDLE);
  const bundleDir = dirname(outfile);
  const workspacePackages = join(pkg, '..');
  // esbuild is the emulator's devDependency (it also bundles the view's page).
  const { build } = createRequire(join(pkg, 'package.json'))('esbuild');
  const verbatimCode = [];
  const { outputFiles } = await build({
    write: false,
    stdin: { contents: ENTRY, resolveDir: bundleDir, sourcefile: 'esphil-entry.js', loader: 'js' },
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // The packages' exports name their dist/ JavaScript; the root tsconfig's paths (sources) are for development.
    tsconfig: join(pkg, 'tsconfig.build.json'),
    logLevel: 'warning',
    legalComments: 'none',
    banner: { js: `${IMPORT_META.replace('LOADER', JSON.stringify(relative(bundleDir, join(pkg, 'bin', 'cli-bundle.js'))))}\n${VERBATIM_CODE}` },
    plugins: [
      {
        name: 'esphil-module-locations',
        setup(b) {
          // Resolved from the first module that imports it, as Node would for that module.
          b.onResolve({ filter: new RegExp(`^(${VERBATIM.join('|')})$`) }, (args) => ({ path: args.path, namespace: 'verbatim', pluginData: args.importer }));
          b.onLoad({ filter: /.*/, namespace: 'verbatim' }, (args) => {
            const lib = verbatimPackage(args.path, args.pluginData, bundleDir, verbatimFunction(args.path));
            verbatimCode.push(lib.code);
            return { contents: `module.exports = ${verbatimFunction(args.path)}(${JSON.stringify(lib.main)});`, loader: 'js' };
          });
          b.onLoad({ filter: /\.js$/ }, async (args) => {
            if (!args.path.startsWith(workspacePackages) || args.path.includes(`${sep}node_modules${sep}`)) return undefined;
            const source = await readFile(args.path, 'utf8');
            if (!source.includes('import.meta')) return undefined;
            return { contents: source.replace(/\bimport\.meta\b/g, importMeta(args.path, bundleDir)), loader: 'js' };
          });
        },
      },
    ],
  });
  // main.ts's `#!` line: the bundle is compiled inside a function (bin/esphil.js), where it is no comment.
  const text = asciiOnly(outputFiles[0].text.replace(/^#!.*\n/, '').replace(VERBATIM_CODE, () => verbatimCode.join('\n')));
  // Named by its hash on its first line, which names its code cache (bin/cli-bundle.js); older caches go.
  for (const f of await readdir(bundleDir)) if (/^esphil\.cjs\..*\.v8-cache$/.test(f)) await rm(join(bundleDir, f));
  await writeFile(outfile, `// esphil CLI bundle ${createHash('sha256').update(text).digest('hex').slice(0, 16)}\n${text}`);
  return outfile;
}
