// A package carried verbatim (verbatim-cjs.mjs) runs as it does from
// node_modules, keeps its functions' source text, and one that requires
// anything outside itself is refused at build time.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runInThisContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { verbatimPackage } from './verbatim-cjs.mjs';

/** A project with node_modules/<name> made of `files` (path → text), and the importer's path. */
function project(name: string, files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'esphil-verbatim-'));
  const pkg = join(root, 'node_modules', name);
  for (const [path, text] of Object.entries({ 'package.json': JSON.stringify({ name, main: 'lib/index.js' }), ...files })) {
    mkdirSync(dirname(join(pkg, path)), { recursive: true });
    writeFileSync(join(pkg, path), text);
  }
  return join(root, 'importer.js');
}

/** Runs `code` as the bundle would (a CommonJS module in `bundleDir`) and loads the key `main`. */
function load(code: string, main: string, bundleDir: string): Record<string, unknown> {
  const run = runInThisContext(Module.wrap(`${code}\nmodule.exports = __verbatim(${JSON.stringify(main)});`)) as (...args: unknown[]) => void;
  const module = { exports: {} as Record<string, unknown> };
  run(module.exports, createRequire(join(bundleDir, 'bundle.cjs')), module, join(bundleDir, 'bundle.cjs'), bundleDir);
  return module.exports;
}

describe('a package carried verbatim', () => {
  const twice = `"use strict";
// doubled, as written
function twice(n) {
    return n * 2; /* keep this comment */
}
exports.twice = twice;
exports.self = this === exports;
`;

  it('runs each file once, resolves its relative requires and keeps its source text', () => {
    const importer = project('tiny', {
      'lib/index.js': `"use strict";\nconst a = require("./math/twice");\nconst b = require("./math/twice.js");\nexports.twice = a.twice;\nexports.same = a === b;\nexports.self = a.self;\n`,
      'lib/math/twice.js': twice,
    });
    const bundleDir = dirname(importer);
    const { code, main } = verbatimPackage('tiny', importer, bundleDir, '__verbatim');
    expect(main).toBe('tiny/lib/index.js');
    const lib = load(code, main, bundleDir);
    expect((lib.twice as (n: number) => number)(21)).toBe(42);
    expect(lib.same).toBe(true);
    expect(lib.self).toBe(true);
    expect(String(lib.twice)).toBe(twice.slice(twice.indexOf('function twice'), twice.indexOf('\nexports.twice')));
  });

  it('is refused when a file requires something outside the package', () => {
    const importer = project('leaky', { 'lib/index.js': `"use strict";\nexports.fs = require("node:fs");\n` });
    expect(() => verbatimPackage('leaky', importer, dirname(importer), '__verbatim')).toThrow(/leaky.lib.index\.js requires something other than its own package's files/);
  });
});
