// avr8js's instruction semantics as a table. avr8js executes an instruction by
// testing the opcode against each encoding in turn (`if (...) {...} else if`,
// src/cpu/instruction.ts) and running the matching body. Read from the
// function's own source, each encoding's test and body can be looked up once
// per opcode and the body compiled on its own (block-cache.ts): the same
// statements avr8js runs, without the chain of tests on every execution.
import { avrInstruction } from 'avr8js';

export interface InstructionEncoding {
  /** avr8js's comment naming the instruction and its bit pattern, e.g. "ADC, 0001 11rd dddd rrrr". */
  readonly name: string;
  /** The statements avr8js runs for it; they read `opcode`, `cpu` and `isTwoWordInstruction`. */
  readonly body: string;
  /** Whether the body moves the program counter other than past a second word (branch, jump, call, skip, return). */
  readonly controlFlow: boolean;
  /** Whether the body moves the program counter only past its own second word (LDS, STS). */
  readonly twoWord: boolean;
}

export interface InstructionSet {
  readonly encodings: readonly InstructionEncoding[];
  /** The encoding avr8js executes for this opcode, or -1 when none matches (avr8js then only advances PC). */
  encodingOf(opcode: number): number;
}

const OPCODE_READ = 'const opcode = cpu.progMem[cpu.pc];';
/** What avr8js does after every instruction body; the compiled code does the same. */
export const EPILOGUE = 'cpu.pc = (cpu.pc + 1) % cpu.progMem.length; cpu.cycles++;';
/** A test may use only the opcode, numbers and operators: it depends on nothing but the instruction word. */
const PURE_TEST = /^(?:opcode|0x[0-9a-f]+|\d+|[\s&|=!()<>])+$/i;
const PC_WRITE = /cpu\.pc\s*(?:[-+|&]?=(?!=)|\+\+|--)/g;
const SPACE = /\s*/y;
const BRACKETS = { '(': /[()]/g, '{': /[{}]/g };

let cached: InstructionSet | undefined;

/** avr8js's decoder, parsed once per process. Throws when its source no longer has the expected shape. */
export function instructionSet(): InstructionSet {
  cached ??= parseInstructionSet(avrInstruction.toString());
  return cached;
}

export function parseInstructionSet(source: string): InstructionSet {
  const fail = (what: string): never => {
    throw new Error(`avr8js avrInstruction: ${what}; the compiled core cannot follow this avr8js version`);
  };
  let at = source.indexOf(OPCODE_READ);
  if (at < 0) fail(`no "${OPCODE_READ}"`);
  at += OPCODE_READ.length;
  // The scans below jump between the characters they look for with regular expressions: the
  // decoder is 35 kB of text, read once at start-up, before anything has been optimised.
  const skipSpace = (): void => {
    SPACE.lastIndex = at;
    SPACE.test(source);
    at = SPACE.lastIndex;
  };
  /** The text between the bracket at `at` and its partner; `at` moves past the partner. */
  const enclosed = (open: keyof typeof BRACKETS): string => {
    if (source[at] !== open) fail(`expected "${open}" at offset ${at}`);
    const start = at;
    const bracket = BRACKETS[open];
    bracket.lastIndex = at;
    for (let depth = 0, m; (m = bracket.exec(source)) !== null; ) {
      if (m[0] === open) depth++;
      else if (--depth === 0) {
        at = bracket.lastIndex;
        return source.slice(start + 1, at - 1);
      }
    }
    return fail(`unbalanced "${open}" from offset ${start}`);
  };

  const encodings: InstructionEncoding[] = [];
  const tests: string[] = [];
  skipSpace();
  for (let first = true; ; first = false) {
    if (!first) {
      if (!source.startsWith('else', at)) break;
      at += 4;
      skipSpace();
    }
    if (!source.startsWith('if', at)) fail(`expected "if" at offset ${at}`);
    at += 2;
    skipSpace();
    const test = enclosed('(').trim();
    skipSpace();
    const body = enclosed('{');
    skipSpace();
    if (!PURE_TEST.test(test)) fail(`the test "${test}" depends on more than the opcode`);
    const name = /\/\*\s*([^*]*?)\s*\*\//.exec(body)?.[1] ?? test;
    const pcWrites = body.match(PC_WRITE) ?? [];
    const twoWord = pcWrites.length === 1 && /^\s*cpu\.pc\+\+;\s*$/m.test(body);
    encodings.push({ name, body, controlFlow: pcWrites.length > 0 && !twoWord, twoWord });
    tests.push(`if (${test}) return ${tests.length};`);
  }
  const epilogue = source.slice(at, source.lastIndexOf('}')).replace(/\s+/g, ' ').trim();
  if (epilogue !== EPILOGUE) fail(`the code after the last instruction is "${epilogue}", not "${EPILOGUE}"`);
  if (encodings.length < 80) fail(`only ${encodings.length} encodings found`);

  // avr8js's chain of tests as one function (compiled once, not once per encoding): the first that matches.
  const firstMatch = new Function('opcode', `${tests.join('\n')}\nreturn -1;`) as (opcode: number) => number;
  const UNKNOWN = -2;
  const byOpcode = new Int16Array(0x10000).fill(UNKNOWN);
  return {
    encodings,
    encodingOf(opcode: number): number {
      let k = byOpcode[opcode]!;
      if (k === UNKNOWN) {
        k = firstMatch(opcode);
        byOpcode[opcode] = k;
      }
      return k;
    },
  };
}
