// What PubSubClient needs from its Client (Arduino Client.h), in the model's async form.
export interface MqttTransport {
  connect(host: string, port: number): Promise<number>;
  connected(): boolean;
  available(): number;
  read(): number;
  write(data: Uint8Array): number;
  stop(): void;
}
