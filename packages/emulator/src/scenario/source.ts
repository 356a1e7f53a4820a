// Source positions of YAML nodes: every load error names file:line:column of the
// node that is wrong (the value for a bad value, the key for an unknown key).
import { LineCounter, isNode, isPair, type Node, type Pair } from 'yaml';
import { ScenarioIssue } from './errors.ts';

export type Located = Node | Pair | null | undefined;

export class SourceFile {
  readonly lines = new LineCounter();
  constructor(readonly file: string) {}

  /** An issue at `node` (falls back to `fallback`, then to the top of the file). */
  issue(node: Located, message: string, fallback?: Located): ScenarioIssue {
    const offset = offsetOf(node) ?? offsetOf(fallback) ?? 0;
    const { line, col } = this.lines.linePos(offset);
    return new ScenarioIssue(this.file, line, col, message);
  }
}

function offsetOf(n: Located): number | undefined {
  if (isPair(n)) return offsetOf(n.key as Located) ?? offsetOf(n.value as Located);
  if (isNode(n) && n.range) return n.range[0];
  return undefined;
}

/**
 * Where parameters live: the file, what they belong to ("step 3 (publish)",
 * "node certs"), and the node to blame when a required key is missing.
 */
export class Where {
  constructor(
    readonly src: SourceFile,
    readonly context: string,
    readonly node: Located,
  ) {}

  static step(src: SourceFile, index: number, keyword: string, node: Located): Where {
    return new Where(src, `step ${index} (${keyword})`, node);
  }

  /** `file:line:column` of the whole thing. */
  position(): string {
    const i = this.src.issue(this.node, '');
    return `${i.file}:${i.line}:${i.column}`;
  }

  /** A load error `file:line:column: <context>: message` at `node`. */
  fail(node: Located, message: string): never {
    throw this.src.issue(node, `${this.context}: ${message}`, this.node);
  }
}
