package org.et4j.kernels.portable.shape;

import org.et4j.runtime.kernel.KernelRegistry;

/**
 * The shape, copy and indexing family of ExecuTorch's portable kernels: ops that move elements
 * without arithmetic (views materialized into {@code out}, concatenation and splitting, dtype and
 * dim-order conversion, gathers and scatters by index).
 */
public final class ShapeOps {
  private ShapeOps() {}

  public static void registerAll(KernelRegistry.Builder r) {
    ViewCopyOp.register(r);
    PermuteCopy.register(r);
    TransposeCopy.register(r);
    TCopy.register(r);
    UnsqueezeCopy.register(r);
    SqueezeCopy.register(r);
    ExpandCopy.register(r);
    CloneOp.register(r);
    AliasCopy.register(r);
    DetachCopy.register(r);
    LiftFreshCopy.register(r);
    ToCopy.register(r);
    CopyOp.register(r);
    ToDimOrderCopy.register(r);
    CloneDimOrder.register(r);
    SliceCopy.register(r);
    SelectCopy.register(r);
    NarrowCopy.register(r);
    DiagonalCopy.register(r);
    AsStridedCopy.register(r);
    UnfoldCopy.register(r);
    FlipOp.register(r);
    CatOp.register(r);
    StackOp.register(r);
    SplitWithSizesCopy.register(r);
    SplitCopy.register(r);
    UnbindCopy.register(r);
    SliceScatter.register(r);
    SelectScatter.register(r);
    RepeatOp.register(r);
    PixelShuffle.register(r);
    RollOp.register(r);
    ConstantPadNd.register(r);
    TrilOp.register(r);
    IndexTensor.register(r);
    IndexPut.register(r);
    IndexSelect.register(r);
    GatherOp.register(r);
    ScatterOp.register(r);
    ScatterAdd.register(r);
    EmbeddingOp.register(r);
    RepeatInterleave.register(r);
    NonzeroOp.register(r);
    MaskedSelect.register(r);
    MaskedScatter.register(r);
  }
}
