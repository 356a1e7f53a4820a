export { CaptureError, formatLocation, type CaptureLocation, type CaptureWarning } from './errors.ts';
export { JsonlRecorder, readJsonlRecording, recordToJsonLine } from './jsonl.ts';
export { decodeOne } from './mqtt-stream.ts';
export { bytesFromJson, bytesToJson, packetFromJson, packetToJson, type JsonBytes } from './packet-json.ts';
export { LINKTYPE_ETHERNET, MQTT_PORT, PCAP_MAGIC_NS, PcapWriter, WRITER_MSS, type PcapWriterOptions } from './pcap-writer.ts';
export { MQTT_SERVER_PORTS, readCapture, readCaptureFile } from './read.ts';
export type { CaptureRecord, CaptureSink, ConnectionClose, ConnectionOpen, Endpoint } from './records.ts';
export { fileSink, memorySink, type ByteSink, type MemorySink } from './sink.ts';
export type { CaptureReadResult, CapturedConnection, CapturedPacket, Direction } from './types.ts';
