/**
 * Spatial kernels over channels-last (NHWC) float32 data, the layout XNNPACK payloads use:
 * convolution through an indirection table over the input (no im2col copy), depthwise
 * convolution over channel tiles, transposed convolution, pooling and resizing. Each kernel has a
 * prepare step that packs its constant weights once and an execute step that allocates nothing.
 * Shared by the XNNPACK delegate and, where the layout matches, the portable ops.
 */
package org.et4j.kernels.nhwc;
