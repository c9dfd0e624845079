/**
 * What a dynamic provider returns crosses gRPC as a protobuf Struct, which throws on `undefined`,
 * functions and Buffers and silently turns Dates into `{}` (the create has then already happened,
 * orphaning the Neon object). Every result goes through `plainOutputs` first.
 */
export type PlainValue = string | number | boolean | null | PlainValue[] | { [key: string]: PlainValue };

export function plainOutputs<T extends object>(value: T): Record<string, PlainValue> {
  return toPlain(value, "outputs") as Record<string, PlainValue>;
}

function toPlain(value: unknown, path: string): PlainValue | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError(`${path}: ${value} cannot be stored in Pulumi state`);
    return value;
  }
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v, i) => toPlain(v, `${path}[${i}]`) ?? null);
  if (typeof value === "object") {
    if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) throw new TypeError(`${path}: binary values cannot be stored in Pulumi state`);
    const out: Record<string, PlainValue> = {};
    for (const [k, v] of Object.entries(value)) {
      const plain = toPlain(v, `${path}.${k}`);
      if (plain !== undefined) out[k] = plain;
    }
    return out;
  }
  throw new TypeError(`${path}: a ${typeof value} cannot be stored in Pulumi state`);
}
