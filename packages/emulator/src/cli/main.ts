#!/usr/bin/env node
// esphil: run scenarios, serve the node on TCP, step through SPI traffic,
// replay captured MQTT sessions, make certificates.
import { EXIT_UNUSABLE, UsageError } from './errors.ts';

const USAGE = `esphil — ESP8266 + ATmega168 irrigation node emulator

usage: esphil <command> [options]

commands:
  run <scenario.yaml...> [--avr-hex F] [--junit F] [--trace F.jsonl] [--vcd F.vcd] [--pcap F.pcap] [--json] [--timeline]
        run scenarios in virtual time; exit 0 all pass, 1 a scenario failed, 2 unusable input
  serve [--port 8883] [--host 127.0.0.1] [--avr-hex F] [--speed 1] [--json] [--pcap F.pcap] [--trace F.jsonl]
        the node and its broker on TCP for outside MQTT clients, paced to the wall clock
  step <scenario.yaml|trace.jsonl>
        interactive SPI stepper (also reads commands from a pipe)
  replay <capture.pcap|capture.pcapng|capture.jsonl> [--json] [--speed N] [--from S] [--to S] [--topic F] [--scenario F] [--expect F.jsonl] [--avr-hex F]
        replay captured operator commands against the node and print the relay timeline
  certs <dir>
        write a fresh CA, broker, node and operator credential set

esphil <command> --help for the command's options.`;

const COMMANDS: Record<string, () => Promise<{ main(argv: string[]): Promise<number> }>> = {
  run: () => import('./run.ts'),
  serve: () => import('./serve.ts'),
  step: () => import('./step.ts'),
  replay: () => import('./replay.ts'),
  certs: () => import('./certs.ts'),
};

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return command ? 0 : EXIT_UNUSABLE;
  }
  const load = COMMANDS[command];
  if (!load) {
    console.error(`esphil: unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
    return EXIT_UNUSABLE;
  }
  try {
    return await (await load()).main(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(e.message);
      return EXIT_UNUSABLE;
    }
    throw e;
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('/cli/main.ts')) {
  // Exit once the output is flushed: a stopped world may leave library handles
  // (aedes, mqtt.js, sockets of outside clients) that would otherwise keep the process up.
  const exit = (code: number) => process.stdout.write('', () => process.exit(code));
  // `esphil run ... | head`: the reader went away; stop quietly, as other Unix tools do.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  main(process.argv.slice(2)).then(exit, (e) => {
    console.error(`esphil: internal error: ${(e as Error).stack ?? e}`);
    exit(EXIT_UNUSABLE);
  });
}
