package org.et4j.runtime.kernel;

/**
 * How a planned tensor's contents follow from a program constant: after the instruction that
 * writes it, {@code tensor(i_0, ..., i_r) = constant(j)} with {@code j[permutation[d]] = i_d}, as
 * {@code aten::permute_copy(constant, permutation)} computes. Recorded at bind by that instruction's
 * kernel (see {@link TensorImpl#deriveFromConstant}); a consumer that packs its operand once at
 * bind reads the constant through it instead of the planned tensor.
 *
 * @param constant a tensor for which {@link TensorImpl#isProgramConstant()} is true
 * @param permutation the permutation of the constant's dims, one entry per dim
 */
public record ConstantDerivation(TensorImpl constant, int[] permutation) {
  /** Copies {@code permutation}. */
  public ConstantDerivation {
    permutation = permutation.clone();
  }

  /**
   * The permutation of the constant's dims.
   *
   * @return a fresh copy, one entry per dim
   */
  @Override
  public int[] permutation() {
    return permutation.clone();
  }

  /**
   * True when this is the transpose of a 2-D constant ({@code t_copy}, {@code permute [1, 0]}).
   *
   * @return whether the permutation is {@code [1, 0]}
   */
  public boolean isTranspose() {
    return permutation.length == 2 && permutation[0] == 1 && permutation[1] == 0;
  }
}
