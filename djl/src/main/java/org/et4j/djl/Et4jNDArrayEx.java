package org.et4j.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDArrayIndexer;
import ai.djl.ndarray.internal.NDArrayEx;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.recurrent.RNN;
import java.util.List;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * DJL's engine-internal operations ({@link NDArray#getNDArrayInternal()}) for an {@link
 * Et4jNDArray}: {@code stack} and {@code concat}, which DJL's {@code StackBatchifier} and {@code
 * NDArrays.stack}/{@code concat} call, computed by {@code aten::stack.out} and {@code
 * aten::cat.out}. The neural-network, optimizer and image operations of this interface throw an
 * {@link UnsupportedOperationException} that names the method.
 */
final class Et4jNDArrayEx implements NDArrayEx {
  private final Et4jNDArray array;

  Et4jNDArrayEx(Et4jNDArray array) {
    this.array = array;
  }

  @Override
  public NDArray getArray() {
    return array;
  }

  @Override
  public NDArray stack(NDList arrays, int axis) {
    Et4jNDArray[] all = withThisFirst(arrays, "stack");
    Shape shape = array.getShape();
    int d = Et4jNDArray.normalizedAxis(axis, shape.dimension() + 1, "stack");
    for (Et4jNDArray a : all) {
      if (!a.getShape().equals(shape)) {
        throw new IllegalArgumentException(
            "stack: shapes differ, " + shape + " and " + a.getShape());
      }
    }
    long[] dims = shape.getShape().clone();
    long[] stacked = new long[dims.length + 1];
    System.arraycopy(dims, 0, stacked, 0, d);
    stacked[d] = all.length;
    System.arraycopy(dims, d, stacked, d + 1, dims.length - d);
    return joined("aten::stack.out", all, d, new Shape(stacked));
  }

  @Override
  public NDArray concat(NDList arrays, int axis) {
    Et4jNDArray[] all = withThisFirst(arrays, "concat");
    Shape shape = array.getShape();
    int d = Et4jNDArray.normalizedAxis(axis, shape.dimension(), "concat");
    long[] dims = shape.getShape().clone();
    long total = 0;
    for (Et4jNDArray a : all) {
      Shape s = a.getShape();
      boolean fits = s.dimension() == dims.length;
      for (int i = 0; fits && i < dims.length; i++) {
        fits = i == d || s.get(i) == dims[i];
      }
      if (!fits) {
        throw new IllegalArgumentException(
            "concat along axis " + axis + ": shapes differ, " + shape + " and " + s);
      }
      total += s.get(d);
    }
    dims[d] = total;
    return joined("aten::cat.out", all, d, new Shape(dims));
  }

  private Et4jNDArray[] withThisFirst(NDList others, String what) {
    Et4jNDManager manager = array.resultManager();
    Et4jNDArray[] all = new Et4jNDArray[others.size() + 1];
    all[0] = array;
    for (int i = 0; i < others.size(); i++) {
      all[i + 1] = manager.from(others.get(i));
      if (all[i + 1].scalarType() != array.scalarType()) {
        throw new IllegalArgumentException(
            what + ": dtypes differ, " + array.getDataType() + " and " + all[i + 1].getDataType());
      }
    }
    return all;
  }

  /** {@code op(Tensor[] tensors, int dim, *, out)}: stack.out and cat.out share the schema. */
  private Et4jNDArray joined(String op, Et4jNDArray[] all, int dim, Shape outShape) {
    TensorImpl[] tensors = new TensorImpl[all.length];
    for (int i = 0; i < all.length; i++) {
      tensors[i] = all[i].kernelTensor();
    }
    Et4jNDArray out = array.resultManager().allocate(array.scalarType(), outShape);
    EagerKernels.callOut(
        op, out.kernelTensor(), EagerKernels.tensorList(tensors), Value.ofInt(dim));
    return out;
  }

  @Override
  public NDArray rdivi(NDArray b) {
    throw Unsupported.operation("NDArrayEx.rdivi(NDArray)");
  }

  @Override
  public NDArray rmodi(NDArray b) {
    throw Unsupported.operation("NDArrayEx.rmodi(NDArray)");
  }

  @Override
  public NDArray rpowi(Number n) {
    throw Unsupported.operation("NDArrayEx.rpowi(Number)");
  }

  @Override
  public NDArray relu() {
    throw Unsupported.operation("NDArrayEx.relu()");
  }

  @Override
  public NDArray sigmoid() {
    throw Unsupported.operation("NDArrayEx.sigmoid()");
  }

  @Override
  public NDArray tanh() {
    throw Unsupported.operation("NDArrayEx.tanh()");
  }

  @Override
  public NDArray softPlus() {
    throw Unsupported.operation("NDArrayEx.softPlus()");
  }

  @Override
  public NDArray softSign() {
    throw Unsupported.operation("NDArrayEx.softSign()");
  }

  @Override
  public NDArray leakyRelu(float alpha) {
    throw Unsupported.operation("NDArrayEx.leakyRelu(float)");
  }

  @Override
  public NDArray elu(float alpha) {
    throw Unsupported.operation("NDArrayEx.elu(float)");
  }

  @Override
  public NDArray selu() {
    throw Unsupported.operation("NDArrayEx.selu()");
  }

  @Override
  public NDArray gelu() {
    throw Unsupported.operation("NDArrayEx.gelu()");
  }

  @Override
  public NDArray maxPool(Shape kernelShape, Shape stride, Shape padding, boolean ceilMode) {
    throw Unsupported.operation("NDArrayEx.maxPool(Shape, Shape, Shape, boolean)");
  }

  @Override
  public NDArray globalMaxPool() {
    throw Unsupported.operation("NDArrayEx.globalMaxPool()");
  }

  @Override
  public NDArray avgPool(
      Shape kernelShape, Shape stride, Shape padding, boolean ceilMode, boolean countIncludePad) {
    throw Unsupported.operation("NDArrayEx.avgPool(Shape, Shape, Shape, boolean, boolean)");
  }

  @Override
  public NDArray globalAvgPool() {
    throw Unsupported.operation("NDArrayEx.globalAvgPool()");
  }

  @Override
  public NDArray lpPool(
      float normType, Shape kernelShape, Shape stride, Shape padding, boolean ceilMode) {
    throw Unsupported.operation("NDArrayEx.lpPool(float, Shape, Shape, Shape, boolean)");
  }

  @Override
  public NDArray globalLpPool(float normType) {
    throw Unsupported.operation("NDArrayEx.globalLpPool(float)");
  }

  @Override
  public void adadeltaUpdate(
      NDList inputs,
      NDList weights,
      float weightDecay,
      float rescaleGrad,
      float clipGrad,
      float rho,
      float epsilon) {
    throw Unsupported.operation(
        "NDArrayEx.adadeltaUpdate(NDList, NDList, float, float, float, float, float)");
  }

  @Override
  public void adagradUpdate(
      NDList inputs,
      NDList weights,
      float learningRate,
      float weightDecay,
      float rescaleGrad,
      float clipGrad,
      float epsilon) {
    throw Unsupported.operation(
        "NDArrayEx.adagradUpdate(NDList, NDList, float, float, float, float, float)");
  }

  @Override
  public void adamUpdate(
      NDList inputs,
      NDList weights,
      float learningRate,
      float learningRateBiasCorrection,
      float weightDecay,
      float rescaleGrad,
      float clipGrad,
      float beta1,
      float beta2,
      float epsilon,
      boolean lazyUpdate,
      boolean adamw) {
    throw Unsupported.operation(
        "NDArrayEx.adamUpdate(NDList, NDList, float, float, float, float, float, float, float,"
            + " float, boolean, boolean)");
  }

  @Override
  public void nagUpdate(
      NDList inputs,
      NDList weights,
      float learningRate,
      float weightDecay,
      float rescaleGrad,
      float clipGrad,
      float momentum) {
    throw Unsupported.operation(
        "NDArrayEx.nagUpdate(NDList, NDList, float, float, float, float, float)");
  }

  @Override
  public void rmspropUpdate(
      NDList inputs,
      NDList weights,
      float learningRate,
      float weightDecay,
      float rescaleGrad,
      float clipGrad,
      float rho,
      float momentum,
      float epsilon,
      boolean centered) {
    throw Unsupported.operation(
        "NDArrayEx.rmspropUpdate(NDList, NDList, float, float, float, float, float, float, float,"
            + " boolean)");
  }

  @Override
  public void sgdUpdate(
      NDList inputs,
      NDList weights,
      float learningRate,
      float weightDecay,
      float rescaleGrad,
      float clipGrad,
      float momentum,
      boolean lazyUpdate) {
    throw Unsupported.operation(
        "NDArrayEx.sgdUpdate(NDList, NDList, float, float, float, float, float, boolean)");
  }

  @Override
  public NDList convolution(
      NDArray input,
      NDArray weight,
      NDArray bias,
      Shape stride,
      Shape padding,
      Shape dilation,
      int groups) {
    throw Unsupported.operation(
        "NDArrayEx.convolution(NDArray, NDArray, NDArray, Shape, Shape, Shape, int)");
  }

  @Override
  public NDList deconvolution(
      NDArray input,
      NDArray weight,
      NDArray bias,
      Shape stride,
      Shape padding,
      Shape outPadding,
      Shape dilation,
      int groups) {
    throw Unsupported.operation(
        "NDArrayEx.deconvolution(NDArray, NDArray, NDArray, Shape, Shape, Shape, Shape, int)");
  }

  @Override
  public NDList linear(NDArray input, NDArray weight, NDArray bias) {
    throw Unsupported.operation("NDArrayEx.linear(NDArray, NDArray, NDArray)");
  }

  @Override
  public NDList embedding(NDArray input, NDArray weight, SparseFormat sparse) {
    throw Unsupported.operation("NDArrayEx.embedding(NDArray, NDArray, SparseFormat)");
  }

  @Override
  public NDList prelu(NDArray input, NDArray alpha) {
    throw Unsupported.operation("NDArrayEx.prelu(NDArray, NDArray)");
  }

  @Override
  public NDList dropout(NDArray input, float rate, boolean training) {
    throw Unsupported.operation("NDArrayEx.dropout(NDArray, float, boolean)");
  }

  @Override
  public NDList layerNorm(
      NDArray input, Shape normalizedShape, NDArray gamma, NDArray beta, float eps) {
    throw Unsupported.operation("NDArrayEx.layerNorm(NDArray, Shape, NDArray, NDArray, float)");
  }

  @Override
  public NDList batchNorm(
      NDArray input,
      NDArray runningMean,
      NDArray runningVar,
      NDArray gamma,
      NDArray beta,
      int axis,
      float momentum,
      float eps,
      boolean training) {
    throw Unsupported.operation(
        "NDArrayEx.batchNorm(NDArray, NDArray, NDArray, NDArray, NDArray, int, float, float,"
            + " boolean)");
  }

  @Override
  public NDList rnn(
      NDArray input,
      NDArray state,
      NDList params,
      boolean hasBiases,
      int numLayers,
      RNN.Activation activation,
      double dropRate,
      boolean training,
      boolean bidirectional,
      boolean batchFirst) {
    throw Unsupported.operation(
        "NDArrayEx.rnn(NDArray, NDArray, NDList, boolean, int, RNN.Activation, double, boolean,"
            + " boolean, boolean)");
  }

  @Override
  public NDList gru(
      NDArray input,
      NDArray state,
      NDList params,
      boolean hasBiases,
      int numLayers,
      double dropRate,
      boolean training,
      boolean bidirectional,
      boolean batchFirst) {
    throw Unsupported.operation(
        "NDArrayEx.gru(NDArray, NDArray, NDList, boolean, int, double, boolean, boolean, boolean)");
  }

  @Override
  public NDList lstm(
      NDArray input,
      NDList states,
      NDList params,
      boolean hasBiases,
      int numLayers,
      double dropRate,
      boolean training,
      boolean bidirectional,
      boolean batchFirst) {
    throw Unsupported.operation(
        "NDArrayEx.lstm(NDArray, NDList, NDList, boolean, int, double, boolean, boolean, boolean)");
  }

  @Override
  public NDArray interpolation(long[] size, int mode, boolean alignCorners) {
    throw Unsupported.operation("NDArrayEx.interpolation(long[], int, boolean)");
  }

  @Override
  public NDArray resize(int width, int height, int interpolation) {
    throw Unsupported.operation("NDArrayEx.resize(int, int, int)");
  }

  @Override
  public NDArray randomFlipLeftRight() {
    throw Unsupported.operation("NDArrayEx.randomFlipLeftRight()");
  }

  @Override
  public NDArray randomFlipTopBottom() {
    throw Unsupported.operation("NDArrayEx.randomFlipTopBottom()");
  }

  @Override
  public NDArray randomBrightness(float brightness) {
    throw Unsupported.operation("NDArrayEx.randomBrightness(float)");
  }

  @Override
  public NDArray randomHue(float hue) {
    throw Unsupported.operation("NDArrayEx.randomHue(float)");
  }

  @Override
  public NDArray randomColorJitter(float brightness, float contrast, float saturation, float hue) {
    throw Unsupported.operation("NDArrayEx.randomColorJitter(float, float, float, float)");
  }

  @Override
  public NDArrayIndexer getIndexer(NDManager manager) {
    // NDArray.get(...) and set(...) with an NDIndex end here.
    throw Unsupported.operation(
        "NDArray.get/set with an NDIndex (NDArrayEx.getIndexer(NDManager))");
  }

  @Override
  public NDArray where(NDArray condition, NDArray other) {
    throw Unsupported.operation("NDArrayEx.where(NDArray, NDArray)");
  }

  @Override
  public NDList multiBoxTarget(
      NDList inputs,
      float iouThreshold,
      float ignoreLabel,
      float negativeMiningRatio,
      float negativeMiningThreshold,
      int minNegativeSamples) {
    throw Unsupported.operation(
        "NDArrayEx.multiBoxTarget(NDList, float, float, float, float, int)");
  }

  @Override
  public NDList multiBoxPrior(
      List<Float> sizes, List<Float> ratios, List<Float> steps, List<Float> offsets, boolean clip) {
    throw Unsupported.operation(
        "NDArrayEx.multiBoxPrior(List<Float>, List<Float>, List<Float>, List<Float>, boolean)");
  }

  @Override
  public NDList multiBoxDetection(
      NDList inputs,
      boolean clip,
      float threshold,
      int backgroundId,
      float nmsThreshold,
      boolean forceSuppress,
      int nmsTopK) {
    throw Unsupported.operation(
        "NDArrayEx.multiBoxDetection(NDList, boolean, float, int, float, boolean, int)");
  }
}
