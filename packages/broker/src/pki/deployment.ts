// The broker side of a node's deployment as mosquitto 2.0 reads it: the conf
// and the ACL written next to the certificates, by `esphil certs` and for
// fixtures/pki alike. Paths are relative; mosquitto resolves them against its
// working directory and esphil against the conf file, so both agree when
// mosquitto is started from the folder.

/** mosquitto.conf for the node's broker: mutual TLS 1.2+, CRL, certificate CN as user name, ACL. */
export function mosquittoConf(header: string): string {
  return `${header}
# Paths are relative to this file for esphil; mosquitto resolves them against
# its working directory, so start it from this folder: mosquitto -c mosquitto.conf
listener 8883
cafile ca.crt
certfile broker.crt
keyfile broker.key
crlfile ca.crl
require_certificate true
tls_version tlsv1.2
use_identity_as_username true
acl_file acl
`;
}

/** The node reads its commands and writes its status; the operator commands and watches. */
export function nodeAcl(nodeCn: string, operatorCn: string): string {
  return `# mosquitto acl_file for the node's broker (user = certificate CN).
user ${nodeCn}
topic read irrigation/#
topic write irrigation/status/${nodeCn}/#

user ${operatorCn}
topic write irrigation/zone/#
topic write irrigation/ota/#
topic read #
`;
}
