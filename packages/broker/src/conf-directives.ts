// Every configuration variable mosquitto 2.0 knows (src/conf.c,
// config__read_file_core; man 5 mosquitto.conf) that the emulated broker reads
// but does not act on: logging, persistence, bridges, plugins, websockets and
// the like change nothing the node can see. They load (a conf written for a
// real mosquitto must load unchanged) and are reported once as having no effect.
// Anything in neither this list nor config.ts is an unknown variable, an error
// as in mosquitto ("Unknown configuration variable").
export const NO_EFFECT_DIRECTIVES: ReadonlySet<string> = new Set([
  // bridges (a `connection` section and everything in it)
  'address', 'addresses', 'bridge_alpn', 'bridge_attempt_unsubscribe', 'bridge_bind_address', 'bridge_cafile', 'bridge_capath',
  'bridge_certfile', 'bridge_identity', 'bridge_insecure', 'bridge_keyfile', 'bridge_max_packet_size', 'bridge_outgoing_retain',
  'bridge_protocol_version', 'bridge_psk', 'bridge_require_ocsp', 'bridge_tls_version', 'cleansession', 'clientid', 'connection',
  'idle_timeout', 'keepalive_interval', 'local_cleansession', 'local_clientid', 'local_password', 'local_username',
  'notification_topic', 'notifications', 'notifications_local_only', 'remote_clientid', 'remote_password', 'remote_username',
  'restart_timeout', 'round_robin', 'start_type', 'threshold', 'topic', 'try_private',
  // logging
  'connection_messages', 'log_dest', 'log_facility', 'log_timestamp', 'log_timestamp_format', 'log_type', 'websockets_log_level',
  // persistence and process
  'autosave_interval', 'autosave_on_changes', 'persistence', 'persistence_file', 'persistence_location', 'persistent_client_expiration',
  'pid_file', 'user', 'sys_interval', 'memory_limit', 'retry_interval',
  // authentication plugins and other credential stores
  'auth_plugin', 'auth_plugin_deny_special_chars', 'password_file', 'plugin', 'psk_file', 'psk_hint', 'per_listener_settings',
  // per-client limits and queues the node's single session never reaches
  'allow_duplicate_messages', 'allow_zero_length_clientid', 'auto_id_prefix', 'check_retain_source', 'clientid_prefixes',
  'max_inflight_bytes', 'max_inflight_messages', 'max_qos', 'max_topic_alias',
  'queue_qos0_messages', 'retain_available', 'set_tcp_nodelay', 'upgrade_outgoing_qos', 'use_username_as_clientid',
  // listener details outside TLS and MQTT
  'bind_interface', 'dhparamfile', 'http_dir', 'mount_point', 'socket_domain', 'tls_engine', 'tls_engine_kpass_sha1', 'tls_keyform',
  'websockets_headers_size',
]);

/** auth_opt_* and plugin_opt_* are free-form plugin options. */
export function isPluginOption(directive: string): boolean {
  return directive.startsWith('auth_opt_') || directive.startsWith('plugin_opt_');
}
