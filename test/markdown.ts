// Fenced code blocks of the project's Markdown, so tests can run what the
// docs show. A block's info string is its language and then words that say
// what the block is for: ```ts example, ```text example-output, ```sh run=...
import { readFileSync, writeFileSync } from 'node:fs';

export interface CodeBlock {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  /** Words after the language, e.g. ["example"] or ["run=server"]. */
  tags: string[];
  body: string;
}

export function codeBlocks(file: string): CodeBlock[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*(\S*)\s*(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const [, indent, fence, lang, rest] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !lines[j]!.trim().startsWith(fence!); j++) body.push(lines[j]!.slice(indent!.length));
    blocks.push({ file, line: i + 1, lang: lang ?? '', tags: (rest ?? '').split(/\s+/).filter(Boolean), body: body.join('\n') });
    i = j;
  }
  return blocks;
}

/** The one block of `lang` tagged `tag`; fails when there is none or several. */
export function taggedBlock(file: string, lang: string, tag: string): CodeBlock {
  const found = codeBlocks(file).filter((b) => b.lang === lang && b.tags.includes(tag));
  if (found.length !== 1) throw new Error(`${file}: expected one \`\`\`${lang} ${tag} block, found ${found.length}`);
  return found[0]!;
}

/**
 * With ESPHIL_UPDATE_DOCS=1 in the environment, writes `body` into `block`
 * (examples are regenerated from real runs: `ESPHIL_UPDATE_DOCS=1 pnpm vitest run <spec>`)
 * and returns true; otherwise returns false and the caller compares.
 */
export function updateBlock(block: CodeBlock, body: string): boolean {
  if (!process.env.ESPHIL_UPDATE_DOCS) return false;
  const lines = readFileSync(block.file, 'utf8').split('\n');
  const old = block.body === '' ? 0 : block.body.split('\n').length;
  lines.splice(block.line, old, ...body.replace(/\n$/, '').split('\n'));
  writeFileSync(block.file, lines.join('\n'));
  return true;
}
