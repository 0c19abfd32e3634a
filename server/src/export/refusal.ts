// Refusal: what the target framework cannot express, in words for the user (thrown by writers, caught by runExport).
//
// In a file of its own so that names.ts can throw it without importing lower-context.ts, which imports names.ts.

/** Something the target framework cannot express, in words for the user. */
export class Refusal extends Error {}
