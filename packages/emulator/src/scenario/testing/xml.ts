// Test-only strict reader of the XML subset reporters write: one root element,
// double-quoted attributes, the five entities and character references. It throws
// on anything not well-formed, so a test can trust what it reads.

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAME = /[A-Za-z_][\w.-]*/y;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function parseXml(src: string): XmlElement {
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`XML offset ${i}: ${what} near ${JSON.stringify(src.slice(i, i + 30))}`);
  };
  const decode = (raw: string): string => {
    if (/[<]/.test(raw)) fail('"<" in text or attribute');
    return raw.replace(/&([^;]*);|&/g, (m, ent: string | undefined) => {
      if (ent === undefined) return fail('bare "&"');
      if (ent.startsWith('#x')) return String.fromCodePoint(parseInt(ent.slice(2), 16));
      if (ent.startsWith('#')) return String.fromCodePoint(parseInt(ent.slice(1), 10));
      return ENTITIES[ent] ?? fail(`unknown entity ${m}`);
    });
  };
  const name = (): string => {
    NAME.lastIndex = i;
    const m = NAME.exec(src);
    if (!m) return fail('expected a name');
    i = NAME.lastIndex;
    return m[0];
  };
  const ws = () => {
    while (/\s/.test(src[i] ?? '')) i++;
  };
  const element = (): XmlElement => {
    if (src[i] !== '<') fail('expected "<"');
    i++;
    const el: XmlElement = { name: name(), attrs: {}, children: [], text: '' };
    for (;;) {
      ws();
      if (src.startsWith('/>', i)) {
        i += 2;
        return el;
      }
      if (src[i] === '>') {
        i++;
        break;
      }
      const a = name();
      if (el.attrs[a] !== undefined) fail(`duplicate attribute ${a}`);
      if (!src.startsWith('="', i)) fail('expected ="');
      const end = src.indexOf('"', i + 2);
      if (end < 0) fail('unterminated attribute');
      el.attrs[a] = decode(src.slice(i + 2, end));
      i = end + 1;
    }
    for (;;) {
      const lt = src.indexOf('<', i);
      if (lt < 0) fail(`unclosed <${el.name}>`);
      el.text += decode(src.slice(i, lt));
      i = lt;
      if (src.startsWith('</', i)) {
        i += 2;
        if (name() !== el.name) fail(`mismatched close of <${el.name}>`);
        ws();
        if (src[i] !== '>') fail('expected ">"');
        i++;
        return el;
      }
      el.children.push(element());
    }
  };
  if (src.startsWith('<?xml')) {
    i = src.indexOf('?>') + 2;
    if (i < 2) fail('unterminated XML declaration');
  }
  ws();
  const root = element();
  ws();
  if (i !== src.length) fail('content after the root element');
  return root;
}
