package org.et4j.kernels.portable.shape;

/**
 * A view of a tensor's storage: the logical sizes of the result and, per result dimension, the
 * stride (in elements) into the source storage, plus a starting offset. Most copy ops are "copy
 * this view of self into out"; see {@link ViewCopy}.
 */
record StridedView(int[] sizes, long offset, long[] strides) {}
