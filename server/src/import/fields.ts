// Reading protobufjs' decoded messages: 64-bit integers and fields that are set, not defaulted.

/** Whether a decoded message sets `field` itself: unset proto2 fields read the prototype's default (0). */
export function own(message: object, field: string): boolean {
  return Object.prototype.hasOwnProperty.call(message, field);
}

/** An int64 field as a number: protobufjs gives a Long (or {low, high}) for 64-bit fields. */
export function num(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "string") return Number(value);
  if (value && typeof value === "object" && "low" in value && "high" in value) {
    const { low, high } = value as { low: number; high: number };
    return high * 2 ** 32 + (low >>> 0);
  }
  return Number(value);
}
