// A CommonJS package carried inside the CLI bundle as its files' own text
// (scripts/bundle-cli.mjs), for a library whose source text is read at run
// time: the AVR core reads avr8js's decoder from `avrInstruction.toString()`
// (avr-slave instruction-set.ts), which esbuild would reprint without its
// comments. Each file is wrapped as Node wraps a module, so it runs as it does
// from node_modules, and the bundle's code cache holds it compiled; nothing is
// resolved or read from node_modules when the command starts.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';

/** Node's module wrapper (Module.wrap), whose parameters every CommonJS file may use. */
const WRAP_START = '(function (exports, require, module, __filename, __dirname) { ';
const WRAP_END = '\n})';
const REQUIRE_CALL = /\brequire\s*\(/g;
const RELATIVE_REQUIRE = /\brequire\("(\.{1,2}\/[^"]*)"\)/g;

/** The directory holding `name`'s package.json, found upwards from the file its main resolves to. */
function packageRoot(name, main) {
  for (let dir = dirname(main); dir !== dirname(dir); dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === name) return dir;
  }
  throw new Error(`verbatim-cjs: no package.json of ${name} above ${main}`);
}

/**
 * `code` defines `functionName(key)`, the module of that key's file: `name` (resolved from
 * `fromFile`) and every file its main reaches through relative requires, each run once on first
 * use, as Node would; `main` is the main's key. A file that requires anything outside the
 * package is refused: it would need node_modules. `bundleDir` is where the bundle lies;
 * __filename and __dirname name each file's place in node_modules from there, as at build time.
 */
export function verbatimPackage(name, fromFile, bundleDir, functionName) {
  const main = createRequire(fromFile).resolve(name);
  const root = packageRoot(name, main);
  const key = (file) => join(name, relative(root, file)).split(sep).join('/');
  const modules = new Map();
  const visit = (file) => {
    if (modules.has(key(file))) return;
    const text = readFileSync(file, 'utf8');
    const relativeRequires = [...text.matchAll(RELATIVE_REQUIRE)].map((m) => m[1]);
    if (relativeRequires.length !== (text.match(REQUIRE_CALL) ?? []).length) {
      throw new Error(`verbatim-cjs: ${file} requires something other than its own package's files`);
    }
    const resolved = relativeRequires.map((spec) => [spec, createRequire(file).resolve(spec)]);
    modules.set(key(file), { file, text, requires: Object.fromEntries(resolved.map(([spec, f]) => [spec, key(f)])) });
    for (const [, f] of resolved) visit(f);
  };
  visit(main);
  const entries = [...modules].map(([k, m]) => {
    const place = JSON.stringify(relative(bundleDir, m.file).split(sep).join('/'));
    return `  ${JSON.stringify(k)}: [${place}, ${JSON.stringify(m.requires)}, ${WRAP_START}${m.text}${WRAP_END}],`;
  });
  const code = `var ${functionName} = (() => {
  const files = {
${entries.join('\n')}
  };
  const loaded = new Map();
  return function load(key) {
    let module = loaded.get(key);
    if (module) return module.exports;
    const [place, requires, run] = files[key];
    module = { exports: {} };
    loaded.set(key, module);
    const filename = require("node:path").join(__dirname, place);
    run.call(module.exports, module.exports, (spec) => load(requires[spec]), module, filename, require("node:path").dirname(filename));
    return module.exports;
  };
})();`;
  return { code, main: key(main) };
}
