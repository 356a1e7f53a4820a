export { Broker, createBroker, type AcceptInfo, type ListenOptions } from './broker.ts';
export { loadMosquittoConf, parseMosquittoConf, MOSQUITTO_TLS_PORT, type BrokerConfig, type PemFile, type TlsVersion } from './config.ts';
export { parseAcl, aclAllows, aclAllowsSubscribe, type AclRules, type AclEntry, type AclAccess, type AclSubject } from './acl.ts';
export { realClock, type BrokerClock, type BrokerEvent, type BrokerEventName, type BrokerOptions, type CaptureRecord, type Endpoint } from './types.ts';
export { generatePki, DEFAULT_BROKER_NAMES, DEFAULT_CLIENTS, type GeneratePkiOptions, type PkiClientSpec, type PkiCredential, type PkiSet } from './pki/generate.ts';
export { writeFixturePki, FIXTURE_CERTS, FIXTURE_DATE, NODE_CN } from './pki/fixtures.ts';
export { verifyClientChain, TrustStore, type VerifyError, type VerifyResult } from './tls/verify.ts';
export { topicMatches } from './topic.ts';
