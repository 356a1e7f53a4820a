// The hardware and library names the page prints (wl_status_t, PubSubClient
// state(), BearSSL error codes, AVR register bits), taken from the models so
// the browser and the stepper say the same thing.
import { brErrorName, mqttStateName } from '@esphil/esp-model';
import { SPCR_BITS, SPSR_BITS, SREG_BITS, wifiStatusName } from '../stepper/names.ts';

export interface ViewNames {
  wifiStatus: Record<number, string>;
  mqttState: Record<number, string>;
  brError: Record<number, string>;
  sreg: readonly string[];
  spcr: readonly string[];
  spsr: readonly string[];
}

const table = (from: number, to: number, name: (n: number) => string): Record<number, string> => {
  const out: Record<number, string> = {};
  for (let n = from; n <= to; n++) out[n] = name(n);
  return out;
};

// BearSSL codes run to 63 plus the fatal-alert ranges at 256 and 512; the view
// names the common ones and prints others as numbers.
const BR_ERR_MAX_NAMED = 63;
const WL_STATUS_MAX = 7;
const MQTT_STATE_MIN = -4;
const MQTT_STATE_MAX = 5;

export function viewNames(): ViewNames {
  return {
    wifiStatus: table(0, WL_STATUS_MAX, wifiStatusName),
    mqttState: table(MQTT_STATE_MIN, MQTT_STATE_MAX, mqttStateName),
    brError: table(0, BR_ERR_MAX_NAMED, brErrorName),
    sreg: SREG_BITS,
    spcr: SPCR_BITS,
    spsr: SPSR_BITS,
  };
}
