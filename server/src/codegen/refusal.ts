// Refusal: what the target framework cannot express, in words for the user (thrown by writers, caught by runExport).
//
// In codegen/, below the layer units, so that names.ts and each unit's PyTorch and Keras faces can throw it.

/** Something the target framework cannot express, in words for the user. */
export class Refusal extends Error {}
