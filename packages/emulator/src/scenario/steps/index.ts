// Every step keyword of the scenario language; adding a step is adding a file and a line here.
import type { StepClass } from '../step.ts';
import { AdvanceClockStep } from './advance-clock.ts';
import { AvrResetStep } from './avr-reset.ts';
import { BrokerStep } from './broker.ts';
import { DelayStep } from './delay.ts';
import { ExpectPinStep } from './expect-pin.ts';
import { ExpectRelaysStep } from './expect-relays.ts';
import { ExpectSpiStep } from './expect-spi.ts';
import { PublishStep } from './publish.ts';
import { SetClockStep } from './set-clock.ts';
import { WaitMqttStep } from './wait-mqtt.ts';
import { WaitRelaysStep } from './wait-relays.ts';
import { WaitSerialStep } from './wait-serial.ts';
import { WaitEventStep } from './wait-event.ts';
import { WifiStep } from './wifi.ts';
import { NtpStep } from './ntp.ts';
import { OtaAvrStep } from './ota-avr.ts';
import { EspResetStep } from './esp-reset.ts';

const ALL: readonly StepClass[] = [
  DelayStep,
  WaitSerialStep,
  WaitEventStep,
  PublishStep,
  WaitMqttStep,
  ExpectRelaysStep,
  WaitRelaysStep,
  ExpectPinStep,
  ExpectSpiStep,
  SetClockStep,
  AdvanceClockStep,
  WifiStep,
  NtpStep,
  BrokerStep,
  AvrResetStep,
  EspResetStep,
  OtaAvrStep,
];

export const STEP_CLASSES: ReadonlyMap<string, StepClass> = new Map(ALL.map((c) => [c.keyword, c]));

export {
  NtpStep,
  AdvanceClockStep,
  AvrResetStep,
  BrokerStep,
  DelayStep,
  ExpectPinStep,
  ExpectRelaysStep,
  ExpectSpiStep,
  PublishStep,
  SetClockStep,
  WaitMqttStep,
  WaitRelaysStep,
  WaitSerialStep,
  WaitEventStep,
  WifiStep,
  EspResetStep,
  OtaAvrStep,
};
