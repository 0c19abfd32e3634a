// A small Keras model for the import tests, shared by the round trip and the numeric oracle.

/** A Keras file with what its channels-last export holds besides convs: padding words, zeropads, merges, resizing. */
export const KERAS_MIX = `framework keras
model KerasMix {
  input(20, 20, 3)
  zeropad(((0, 1), (0, 1))) -> conv(8, 3, strides: 2) -> leakyrelu
  a: conv(8, 3, padding: same) -> batchnorm(eps: 1e-5) -> relu
  add(a) -> zeropad(1) -> maxpool(2)
  avgpool(3, strides: 2, padding: same) -> upsample(2) -> lrn(3)
  conv(16, 1, use_bias: false) -> layernorm -> dropout(0.3)
  flatten
  dense(10) -> softmax
}
`;

/** Keras residual blocks with a projection (`shortcut auto`) and a repeat: the import's blocks in Keras' spelling. */
export const KERAS_RESIDUAL = `framework keras
block Unit(ch, s = 1) {
  residual { conv(ch, 3, strides: s, padding: same, use_bias: false) -> batchnorm -> relu } shortcut auto
  relu
}
model KerasResidual {
  input(16, 16, 3)
  conv(8, 3, padding: same) -> relu
  Unit(8)
  Unit(16, s: 2)
  repeat 2 { Unit(16) }
  globalavgpool
  dense(10)
}
`;
