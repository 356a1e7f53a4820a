#!/bin/sh
':' //; unset NODE_EXTRA_CA_CERTS; SSL_CERT_FILE=/dev/null; export SSL_CERT_FILE; n=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2); p=$((n - 1)); [ "$p" -lt 1 ] && p=1; [ "$p" -gt 4 ] && p=4; case "$NODE_OPTIONS" in *--use-bundled-ca*) c=;; *) c=--use-openssl-ca;; esac; exec node --v8-pool-size="$p" $c "$0" "$@"
// The esphil command: the CLI built to one JavaScript file (pnpm build, run on
// pnpm install), in this very process, so signals reach it directly and
// start-up costs no transpiler and no module-by-module loading. Development
// runs src/cli/main.ts through tsx.
//
// Run as a program, the line above is /bin/sh starting Node for it (`node
// bin/esphil.js` skips it and runs the same CLI with Node's defaults):
// - `--v8-pool-size` = cores - 1 (1 to 4, Node's default is 4): V8 compiles hot
//   functions and helps its GC on that many background threads. A run is one
//   simulation thread; on a 2-core machine four busy helpers took ~100 ms of
//   its CPU in a day's run (it waited on the run queue), one helper takes none.
// - No root certificates: Node parses its ~140 bundled roots at the first TLS
//   context that names a CA (~25 ms), and the file NODE_EXTRA_CA_CERTS names
//   at start-up (~50 ms for a distribution's bundle), though no part of esphil
//   trusts them: the node, the broker and the operator each trust only the CA
//   their configuration names and judge certificates themselves. So Node uses
//   OpenSSL's store (--use-openssl-ca) with SSL_CERT_FILE=/dev/null, and
//   NODE_EXTRA_CA_CERTS is cleared. Node refuses --use-openssl-ca beside a
//   --use-bundled-ca in NODE_OPTIONS: then the bundled roots are what it gets.
import { loadBundle } from './cli-bundle.js';

let cli;
try {
  ({ cli } = loadBundle().exports);
} catch (e) {
  if (e?.code !== 'ENOENT' || !String(e.path).endsWith('esphil.cjs')) throw e;
  console.error('esphil: the CLI is not built (packages/emulator/dist is missing); run `pnpm build` (pnpm install runs it)');
  process.exit(2);
}
cli(process.argv.slice(2));
