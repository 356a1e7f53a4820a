// mosquitto's access policy expressed as aedes hooks: CN as user name,
// allow_anonymous, and the acl_file for publish, subscribe and delivery.
import type { Aedes, AedesOptions, Client } from 'aedes';
import { aclAllows, aclAllowsSubscribe, type AclSubject } from './acl.ts';
import type { BrokerConfig } from './config.ts';
import type { Connection } from './connection.ts';
import type { BrokerEvent } from './types.ts';

export interface PolicyHost {
  readonly config: BrokerConfig;
  readonly deniedSubscribe: 'suback-0x80' | 'grant';
  connectionOf(client: Client | null): Connection | undefined;
  event(e: BrokerEvent): void;
}

const NOT_AUTHORIZED = 5; // CONNACK return code 5, MQTT 3.1.1 §3.2.2.3
const BAD_USERNAME_OR_PASSWORD = 4; // CONNACK return code 4

function subject(conn: Connection, client: Client): AclSubject {
  return { username: conn.username, clientId: client.id };
}

/** mosquitto refuses a client's writes to $SYS/ and to whatever its ACL does not allow. */
export function publishDenied(config: BrokerConfig, who: AclSubject, topic: string): boolean {
  return topic.startsWith('$SYS/') || (config.acl !== undefined && !aclAllows(config.acl, who, topic, 'write'));
}

type Hooks = Required<Pick<AedesOptions, 'authenticate' | 'authorizePublish' | 'authorizeSubscribe' | 'authorizeForward'>>;

/**
 * Publishes the ACL denied: aedes has no "drop silently" outcome for
 * authorizePublish (an error disconnects the client, docs/Aedes.md), so the
 * hook marks the packet and installDeniedPublishDrop() skips it inside
 * aedes.publish, after aedes has sent PUBACK/PUBREC in order — which is what
 * mosquitto 2.0 does (handle_publish.c: "Denied PUBLISH", then the usual ack).
 */
const deniedPackets = new WeakSet<object>();

export function policyHooks(host: PolicyHost): Hooks {
  return {
    authenticate(client, username, _password, done) {
      const conn = host.connectionOf(client);
      if (!conn) return done(Object.assign(new Error('unknown connection'), { returnCode: NOT_AUTHORIZED }), false);
      const { useIdentityAsUsername, useSubjectAsUsername, allowAnonymous } = host.config;
      if (useSubjectAsUsername) {
        if (!conn.subject) return refuse(host, conn, client, 'use_subject_as_username: no client certificate', done);
        conn.username = conn.subject;
      } else if (useIdentityAsUsername) {
        // mosquitto 2.0 (handle_connect.c): a certificate without a CN cannot become a user name: CONNACK 4.
        if (!conn.identity) return refuse(host, conn, client, 'use_identity_as_username: client certificate has no CN', done, BAD_USERNAME_OR_PASSWORD);
        conn.username = conn.identity;
      } else {
        conn.username = username ?? null;
        if (conn.username === null && !allowAnonymous) return refuse(host, conn, client, 'anonymous client and allow_anonymous false', done);
      }
      done(null, true);
    },

    authorizePublish(client, packet, done) {
      const conn = host.connectionOf(client);
      if (!conn || !client) return done(null); // will messages and the emulator's own publishes
      // $SYS/ is the broker's own tree (aedes' default hook disconnects for it): dropped like any denied publish.
      if (publishDenied(host.config, subject(conn, client), packet.topic)) {
        deniedPackets.add(packet);
        host.event({
          what: 'publish-denied',
          detail: { connId: conn.id, clientId: client.id, username: conn.username, topic: packet.topic, qos: packet.qos, retain: packet.retain },
        });
      }
      done(null);
    },

    authorizeSubscribe(client, sub, done) {
      const conn = host.connectionOf(client);
      const acl = host.config.acl;
      if (!conn || acl === undefined || aclAllowsSubscribe(acl, subject(conn, client), sub.topic)) return done(null, sub);
      const granted = host.deniedSubscribe === 'grant';
      host.event({
        what: 'subscribe-denied',
        detail: { connId: conn.id, clientId: client.id, username: conn.username, topic: sub.topic, qos: sub.qos, granted },
      });
      if (granted) done(null, sub); // mosquitto 2.0 security_default.c: "FIXME - implement ACL subscription strings"
      else done(null, null); // granted 0x80 in the SUBACK
    },

    authorizeForward(client, packet) {
      const conn = host.connectionOf(client);
      const acl = host.config.acl;
      // mosquitto checks read access for every message it delivers (subs.c → MOSQ_ACL_READ).
      if (conn && acl !== undefined && !aclAllows(acl, subject(conn, client), packet.topic, 'read')) return null;
      return packet;
    },
  };
}

function refuse(host: PolicyHost, conn: Connection, client: Client, reason: string, done: Parameters<Hooks['authenticate']>[3], returnCode = NOT_AUTHORIZED): void {
  host.event({ what: 'connect-refused', detail: { connId: conn.id, clientId: client.id, identity: conn.identity, returnCode, reason } });
  done(Object.assign(new Error(reason), { returnCode }), false);
}

export function installDeniedPublishDrop(aedes: Aedes): void {
  const publish = aedes.publish.bind(aedes);
  aedes.publish = ((packet: Parameters<Aedes['publish']>[0], ...rest: unknown[]) => {
    if (deniedPackets.has(packet)) {
      const done = rest.find((r) => typeof r === 'function') as ((err?: Error) => void) | undefined;
      return done?.();
    }
    return (publish as (...a: unknown[]) => void)(packet, ...rest);
  }) as Aedes['publish'];
}
