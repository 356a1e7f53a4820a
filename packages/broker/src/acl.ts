// mosquitto acl_file: `user <name>`, `topic [read|write|readwrite|deny] <t>`,
// `pattern [read|write|readwrite|deny] <t>` with %u and %c; semantics of
// mosquitto 2.0 src/security_default.c (deny entries are checked first, then
// the first matching entry that grants the access wins; no match is a denial).
import { filterCoveredBy, filterError, topicMatches } from './topic.ts';

export type AclAccess = 'read' | 'write' | 'readwrite' | 'deny';

export interface AclEntry {
  access: AclAccess;
  topic: string;
  /** Where it was written, for messages. */
  line: number;
}

export interface AclRules {
  file: string;
  /** Entries before any `user` line apply to clients without a user name. */
  anonymous: AclEntry[];
  users: Map<string, AclEntry[]>;
  patterns: AclEntry[];
}

export interface AclSubject {
  username: string | null;
  clientId: string;
}

export function parseAcl(text: string, file: string): AclRules {
  const rules: AclRules = { file, anonymous: [], users: new Map(), patterns: [] };
  let current = rules.anonymous;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const where = `${file}:${line}`;
    const trimmed = raw.replace(/\s+$/, '');
    if (trimmed === '' || trimmed.startsWith('#')) return;
    // [^] not `.`: a stray CR or other line terminator inside a line is data, not the end of the match.
    const m = /^\s*(\S+)(?:\s+([^]*))?$/.exec(trimmed)!;
    const keyword = m[1]!;
    const rest = (m[2] ?? '').trim();
    if (keyword === 'user') {
      if (rest === '') throw new Error(`${where}: 'user' needs a user name`);
      let list = rules.users.get(rest);
      if (!list) rules.users.set(rest, (list = []));
      current = list;
      return;
    }
    if (keyword !== 'topic' && keyword !== 'pattern') {
      throw new Error(`${where}: unknown ACL keyword '${keyword}' (expected user, topic or pattern)`);
    }
    if (rest === '') throw new Error(`${where}: '${keyword}' needs a topic`);
    // mosquitto: with one word it is the topic (readwrite); with more, the first is the access.
    const sp = /^(\S+)\s+([^]+)$/.exec(rest);
    let access: AclAccess = 'readwrite';
    let topic = rest;
    if (sp) {
      if (!['read', 'write', 'readwrite', 'deny'].includes(sp[1]!)) {
        throw new Error(`${where}: invalid access type '${sp[1]}' (expected read, write, readwrite or deny)`);
      }
      access = sp[1] as AclAccess;
      topic = sp[2]!.trim();
    }
    const bad = filterError(topic);
    if (bad) throw new Error(`${where}: invalid ACL topic: ${bad}`);
    const entry: AclEntry = { access, topic, line };
    const target = keyword === 'pattern' ? rules.patterns : current;
    // add__acl(): deny entries go to the front of their list.
    if (access === 'deny') target.unshift(entry);
    else target.push(entry);
  });
  return rules;
}

type Want = 'read' | 'write';

function grants(entry: AclEntry, want: Want): boolean {
  return entry.access === 'readwrite' || entry.access === want;
}

function expand(pattern: string, who: AclSubject): string {
  return pattern.replaceAll('%c', who.clientId).replaceAll('%u', who.username ?? '');
}

/** mosquitto_acl_check_default() for one concrete topic. */
export function aclAllows(rules: AclRules, who: AclSubject, topic: string, want: Want): boolean {
  const own = who.username === null ? rules.anonymous : rules.users.get(who.username);
  for (const e of own ?? []) {
    if (topic.startsWith('$') && !e.topic.startsWith('$')) continue;
    if (!topicMatches(e.topic, topic)) continue;
    if (e.access === 'deny') return false;
    if (grants(e, want)) return true;
  }
  if (rules.patterns.length > 0) {
    // A + or # in the user name or client id could widen a pattern; mosquitto refuses.
    if (/[+#]/.test(who.username ?? '') || /[+#]/.test(who.clientId)) return false;
  }
  for (const e of rules.patterns) {
    if (e.topic.includes('%u') && who.username === null) continue;
    const t = expand(e.topic, who);
    if (!topicMatches(t, topic)) continue;
    if (e.access === 'deny') return false;
    if (grants(e, want)) return true;
  }
  return false;
}

/**
 * Whether a SUBSCRIBE to `filter` is granted: some read entry must cover every
 * topic the filter can match, and no deny entry may cover it. Messages are
 * still checked one by one on delivery (aclAllows 'read'), as mosquitto does.
 */
export function aclAllowsSubscribe(rules: AclRules, who: AclSubject, filter: string): boolean {
  const own = who.username === null ? rules.anonymous : rules.users.get(who.username);
  const patterns = rules.patterns.filter((e) => !(e.topic.includes('%u') && who.username === null));
  const entries = [...(own ?? []), ...patterns.map((e) => ({ ...e, topic: expand(e.topic, who) }))];
  if (rules.patterns.length > 0 && (/[+#]/.test(who.username ?? '') || /[+#]/.test(who.clientId))) return false;
  for (const e of entries) {
    if (filter.startsWith('$') && !e.topic.startsWith('$')) continue;
    if (!filterCoveredBy(e.topic, filter)) continue;
    if (e.access === 'deny') return false;
    if (grants(e, 'read')) return true;
  }
  return false;
}
