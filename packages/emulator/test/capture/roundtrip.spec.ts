// Record → read → plan → replay: a session written by the pcap writer and by
// the JSON-lines recorder replays into the same relay timeline as the
// commands it carried.
import { describe, expect, it } from 'vitest';
import { JsonlRecorder } from '../../src/capture/jsonl.ts';
import { PcapWriter } from '../../src/capture/pcap-writer.ts';
import { readCapture } from '../../src/capture/read.ts';
import { memorySink } from '../../src/capture/sink.ts';
import { planReplay } from '../../src/replay/plan.ts';
import { runReplay } from '../../src/replay/run.ts';
import { FakeWorld } from './fake-world.ts';
import { playSession } from './session.ts';

async function replay(bytes: Buffer, name: string) {
  const plan = planReplay(readCapture(bytes, name));
  return (await runReplay(new FakeWorld(), plan)).timeline;
}

describe('record → replay', () => {
  it('pcap and JSON-lines recordings of one session give the same relay timeline', async () => {
    const pcap = memorySink();
    playSession(new PcapWriter(pcap, { baseEpochMs: 1_767_225_600_000 }));
    const jsonl = memorySink();
    playSession(new JsonlRecorder(jsonl));
    const fromPcap = await replay(pcap.bytes(), 'rt.pcap');
    // session.ts: "2 120" at 11 s, "5 30" at 20.123456789 s, "5 0" at 25 s, a 3000-byte payload (ignored by the sketch) at 26 s
    expect(fromPcap).toEqual([{ t: 2_000_000n, on: [2] }, { t: 9_125_456_789n, on: [5] }, { t: 14_002_000_000n, on: [] }]);
    expect(await replay(jsonl.bytes(), 'rt.jsonl')).toEqual(fromPcap);
  });
});
