import type { MetricLine } from "../../runs/index.js";

// TensorBoard's event file: TFRecords (length, masked CRC32C, data, masked CRC32C) of
// `Event` protobufs; scalars as `Summary.Value{tag, simple_value}`. Written by hand: the
// format is small and stable, and no TensorFlow is needed to write it.

const crcTable = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32c(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = crcTable[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function maskedCrc(data: Uint8Array): number {
  const crc = crc32c(data);
  return (((crc >>> 15) | (crc << 17)) + 0xa282ead8) >>> 0;
}

function varint(value: bigint): Buffer {
  const bytes: number[] = [];
  let v = BigInt.asUintN(64, value);
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    bytes.push(byte);
  } while (v > 0n);
  return Buffer.from(bytes);
}

const key = (field: number, wire: number) => varint(BigInt((field << 3) | wire));
const bytesField = (field: number, data: Buffer) =>
  Buffer.concat([key(field, 2), varint(BigInt(data.length)), data]);

function doubleField(field: number, value: number): Buffer {
  const data = Buffer.alloc(8);
  data.writeDoubleLE(value);
  return Buffer.concat([key(field, 1), data]);
}

function floatField(field: number, value: number): Buffer {
  const data = Buffer.alloc(4);
  data.writeFloatLE(value);
  return Buffer.concat([key(field, 5), data]);
}

/** Event{wall_time=1, step=2, file_version=3 | summary=5{value=1{tag=1, simple_value=2}}}. */
function event(wallTime: number, step: number, body: Buffer): Buffer {
  return Buffer.concat([doubleField(1, wallTime), key(2, 0), varint(BigInt(step)), body]);
}

function record(data: Buffer): Buffer {
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(data.length));
  const lengthCrc = Buffer.alloc(4);
  lengthCrc.writeUInt32LE(maskedCrc(length));
  const dataCrc = Buffer.alloc(4);
  dataCrc.writeUInt32LE(maskedCrc(data));
  return Buffer.concat([length, lengthCrc, data, dataCrc]);
}

const scalarFields = ["loss", "eval_loss", "lr", "grad_norm", "tokens_per_s", "epoch"] as const;

/** `train/loss`, `eval/eval_loss`, ... for every finite numeric field of each line. */
export function tensorboardEvents(lines: readonly MetricLine[], startedAt: number): Buffer {
  const records = [record(event(startedAt, 0, bytesField(3, Buffer.from("brain.Event:2"))))];
  for (const line of lines) {
    if (line.kind === "summary") continue;
    const values = scalarFields.flatMap((field) => {
      const value = line[field];
      if (typeof value !== "number" || !Number.isFinite(value)) return [];
      const tag = bytesField(1, Buffer.from(`${line.kind}/${field}`));
      return [bytesField(1, Buffer.concat([tag, floatField(2, value)]))];
    });
    if (values.length === 0) continue;
    const ts = typeof line.ts === "number" ? line.ts : Date.parse(line.ts) / 1000;
    const wallTime = Number.isFinite(ts) ? ts : startedAt;
    records.push(record(event(wallTime, line.step, bytesField(5, Buffer.concat(values)))));
  }
  return Buffer.concat(records);
}
