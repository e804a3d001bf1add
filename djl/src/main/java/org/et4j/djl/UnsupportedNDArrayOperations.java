package org.et4j.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrayAdapter;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import java.nio.charset.Charset;
import java.util.function.Function;

/**
 * Every {@link NDArray} operation that DJL's {@link NDArrayAdapter} would forward to an alternative
 * engine, or refuse with a message that does not say which call it refused: here each throws an
 * {@link UnsupportedOperationException} that names the method. {@link Et4jNDArray} overrides the
 * operations et4j computes; the list below is what is left. (One override per method of DJL
 * 0.38.0's adapter; regenerate the list from the adapter when DJL's API changes.)
 */
abstract class UnsupportedNDArrayOperations extends NDArrayAdapter {
  UnsupportedNDArrayOperations(
      NDManager manager, NDManager alternativeManager, Shape shape, DataType dataType, String uid) {
    super(manager, alternativeManager, shape, dataType, uid);
  }

  @Override
  public void setRequiresGradient(boolean requiresGrad) {
    throw Unsupported.operation("NDArray.setRequiresGradient(boolean)");
  }

  @Override
  public NDArray getGradient() {
    throw Unsupported.operation("NDArray.getGradient()");
  }

  @Override
  public NDArray stopGradient() {
    throw Unsupported.operation("NDArray.stopGradient()");
  }

  @Override
  public String[] toStringArray(Charset charset) {
    throw Unsupported.operation("NDArray.toStringArray(Charset)");
  }

  @Override
  public NDArray gather(NDArray index, int axis) {
    throw Unsupported.operation("NDArray.gather(NDArray, int)");
  }

  @Override
  public NDArray gatherNd(NDArray index) {
    throw Unsupported.operation("NDArray.gatherNd(NDArray)");
  }

  @Override
  public NDArray take(NDManager manager, NDArray index) {
    throw Unsupported.operation("NDArray.take(NDManager, NDArray)");
  }

  @Override
  public NDArray put(NDArray index, NDArray value) {
    throw Unsupported.operation("NDArray.put(NDArray, NDArray)");
  }

  @Override
  public NDArray scatter(NDArray index, NDArray value, int axis) {
    throw Unsupported.operation("NDArray.scatter(NDArray, NDArray, int)");
  }

  @Override
  public void set(NDIndex index, NDArray value) {
    throw Unsupported.operation("NDArray.set(NDIndex, NDArray)");
  }

  @Override
  public void set(NDIndex index, Number value) {
    throw Unsupported.operation("NDArray.set(NDIndex, Number)");
  }

  @Override
  public void set(NDIndex index, Function<NDArray, NDArray> function) {
    throw Unsupported.operation("NDArray.set(NDIndex, Function<NDArray, NDArray>)");
  }

  @Override
  public void set(NDArray index, Number value) {
    throw Unsupported.operation("NDArray.set(NDArray, Number)");
  }

  @Override
  public void setScalar(NDIndex index, Number value) {
    throw Unsupported.operation("NDArray.setScalar(NDIndex, Number)");
  }

  @Override
  public NDArray booleanMask(NDArray index, int axis) {
    throw Unsupported.operation("NDArray.booleanMask(NDArray, int)");
  }

  @Override
  public NDArray sequenceMask(NDArray sequenceLength, float value) {
    throw Unsupported.operation("NDArray.sequenceMask(NDArray, float)");
  }

  @Override
  public NDArray sequenceMask(NDArray sequenceLength) {
    throw Unsupported.operation("NDArray.sequenceMask(NDArray)");
  }

  @Override
  public NDArray eq(Number n) {
    throw Unsupported.operation("NDArray.eq(Number)");
  }

  @Override
  public NDArray eq(NDArray other) {
    throw Unsupported.operation("NDArray.eq(NDArray)");
  }

  @Override
  public NDArray neq(Number n) {
    throw Unsupported.operation("NDArray.neq(Number)");
  }

  @Override
  public NDArray neq(NDArray other) {
    throw Unsupported.operation("NDArray.neq(NDArray)");
  }

  @Override
  public NDArray gt(Number n) {
    throw Unsupported.operation("NDArray.gt(Number)");
  }

  @Override
  public NDArray gt(NDArray other) {
    throw Unsupported.operation("NDArray.gt(NDArray)");
  }

  @Override
  public NDArray gte(Number n) {
    throw Unsupported.operation("NDArray.gte(Number)");
  }

  @Override
  public NDArray gte(NDArray other) {
    throw Unsupported.operation("NDArray.gte(NDArray)");
  }

  @Override
  public NDArray lt(Number n) {
    throw Unsupported.operation("NDArray.lt(Number)");
  }

  @Override
  public NDArray lt(NDArray other) {
    throw Unsupported.operation("NDArray.lt(NDArray)");
  }

  @Override
  public NDArray lte(Number n) {
    throw Unsupported.operation("NDArray.lte(Number)");
  }

  @Override
  public NDArray lte(NDArray other) {
    throw Unsupported.operation("NDArray.lte(NDArray)");
  }

  @Override
  public NDArray mod(Number n) {
    throw Unsupported.operation("NDArray.mod(Number)");
  }

  @Override
  public NDArray mod(NDArray other) {
    throw Unsupported.operation("NDArray.mod(NDArray)");
  }

  @Override
  public NDArray pow(Number n) {
    throw Unsupported.operation("NDArray.pow(Number)");
  }

  @Override
  public NDArray pow(NDArray other) {
    throw Unsupported.operation("NDArray.pow(NDArray)");
  }

  @Override
  public NDArray modi(Number n) {
    throw Unsupported.operation("NDArray.modi(Number)");
  }

  @Override
  public NDArray modi(NDArray other) {
    throw Unsupported.operation("NDArray.modi(NDArray)");
  }

  @Override
  public NDArray powi(Number n) {
    throw Unsupported.operation("NDArray.powi(Number)");
  }

  @Override
  public NDArray powi(NDArray other) {
    throw Unsupported.operation("NDArray.powi(NDArray)");
  }

  @Override
  public NDArray sign() {
    throw Unsupported.operation("NDArray.sign()");
  }

  @Override
  public NDArray signi() {
    throw Unsupported.operation("NDArray.signi()");
  }

  @Override
  public NDArray maximum(Number n) {
    throw Unsupported.operation("NDArray.maximum(Number)");
  }

  @Override
  public NDArray maximum(NDArray other) {
    throw Unsupported.operation("NDArray.maximum(NDArray)");
  }

  @Override
  public NDArray minimum(Number n) {
    throw Unsupported.operation("NDArray.minimum(Number)");
  }

  @Override
  public NDArray minimum(NDArray other) {
    throw Unsupported.operation("NDArray.minimum(NDArray)");
  }

  @Override
  public NDArray negi() {
    throw Unsupported.operation("NDArray.negi()");
  }

  @Override
  public NDArray abs() {
    throw Unsupported.operation("NDArray.abs()");
  }

  @Override
  public NDArray square() {
    throw Unsupported.operation("NDArray.square()");
  }

  @Override
  public NDArray sqrt() {
    throw Unsupported.operation("NDArray.sqrt()");
  }

  @Override
  public NDArray cbrt() {
    throw Unsupported.operation("NDArray.cbrt()");
  }

  @Override
  public NDArray floor() {
    throw Unsupported.operation("NDArray.floor()");
  }

  @Override
  public NDArray ceil() {
    throw Unsupported.operation("NDArray.ceil()");
  }

  @Override
  public NDArray round() {
    throw Unsupported.operation("NDArray.round()");
  }

  @Override
  public NDArray trunc() {
    throw Unsupported.operation("NDArray.trunc()");
  }

  @Override
  public NDArray gammaln() {
    throw Unsupported.operation("NDArray.gammaln()");
  }

  @Override
  public NDArray log() {
    throw Unsupported.operation("NDArray.log()");
  }

  @Override
  public NDArray log10() {
    throw Unsupported.operation("NDArray.log10()");
  }

  @Override
  public NDArray log2() {
    throw Unsupported.operation("NDArray.log2()");
  }

  @Override
  public NDArray sin() {
    throw Unsupported.operation("NDArray.sin()");
  }

  @Override
  public NDArray cos() {
    throw Unsupported.operation("NDArray.cos()");
  }

  @Override
  public NDArray tan() {
    throw Unsupported.operation("NDArray.tan()");
  }

  @Override
  public NDArray asin() {
    throw Unsupported.operation("NDArray.asin()");
  }

  @Override
  public NDArray acos() {
    throw Unsupported.operation("NDArray.acos()");
  }

  @Override
  public NDArray atan() {
    throw Unsupported.operation("NDArray.atan()");
  }

  @Override
  public NDArray atan2(NDArray other) {
    throw Unsupported.operation("NDArray.atan2(NDArray)");
  }

  @Override
  public NDArray sinh() {
    throw Unsupported.operation("NDArray.sinh()");
  }

  @Override
  public NDArray cosh() {
    throw Unsupported.operation("NDArray.cosh()");
  }

  @Override
  public NDArray tanh() {
    throw Unsupported.operation("NDArray.tanh()");
  }

  @Override
  public NDArray asinh() {
    throw Unsupported.operation("NDArray.asinh()");
  }

  @Override
  public NDArray acosh() {
    throw Unsupported.operation("NDArray.acosh()");
  }

  @Override
  public NDArray atanh() {
    throw Unsupported.operation("NDArray.atanh()");
  }

  @Override
  public NDArray toDegrees() {
    throw Unsupported.operation("NDArray.toDegrees()");
  }

  @Override
  public NDArray toRadians() {
    throw Unsupported.operation("NDArray.toRadians()");
  }

  @Override
  public NDArray max() {
    throw Unsupported.operation("NDArray.max()");
  }

  @Override
  public NDArray max(int[] axes, boolean keepDims) {
    throw Unsupported.operation("NDArray.max(int[], boolean)");
  }

  @Override
  public NDArray min() {
    throw Unsupported.operation("NDArray.min()");
  }

  @Override
  public NDArray min(int[] axes, boolean keepDims) {
    throw Unsupported.operation("NDArray.min(int[], boolean)");
  }

  @Override
  public NDArray sum() {
    throw Unsupported.operation("NDArray.sum()");
  }

  @Override
  public NDArray sum(int[] axes, boolean keepDims) {
    throw Unsupported.operation("NDArray.sum(int[], boolean)");
  }

  @Override
  public NDArray cumProd(int axis) {
    throw Unsupported.operation("NDArray.cumProd(int)");
  }

  @Override
  public NDArray cumProd(int axis, DataType dataType) {
    throw Unsupported.operation("NDArray.cumProd(int, DataType)");
  }

  @Override
  public NDArray prod() {
    throw Unsupported.operation("NDArray.prod()");
  }

  @Override
  public NDArray prod(int[] axes, boolean keepDims) {
    throw Unsupported.operation("NDArray.prod(int[], boolean)");
  }

  @Override
  public NDArray mean() {
    throw Unsupported.operation("NDArray.mean()");
  }

  @Override
  public NDArray mean(int[] axes, boolean keepDims) {
    throw Unsupported.operation("NDArray.mean(int[], boolean)");
  }

  @Override
  public NDArray normalize(double p, long dim, double eps) {
    throw Unsupported.operation("NDArray.normalize(double, long, double)");
  }

  @Override
  public NDArray rotate90(int times, int[] axes) {
    throw Unsupported.operation("NDArray.rotate90(int, int[])");
  }

  @Override
  public NDArray trace(int offset, int axis1, int axis2) {
    throw Unsupported.operation("NDArray.trace(int, int, int)");
  }

  @Override
  public NDArray fft(long length, long axis) {
    throw Unsupported.operation("NDArray.fft(long, long)");
  }

  @Override
  public NDArray ifft(long length, long axis) {
    throw Unsupported.operation("NDArray.ifft(long, long)");
  }

  @Override
  public NDArray rfft(long length, long axis) {
    throw Unsupported.operation("NDArray.rfft(long, long)");
  }

  @Override
  public NDArray irfft(long length, long axis) {
    throw Unsupported.operation("NDArray.irfft(long, long)");
  }

  @Override
  public NDArray stft(
      long nFft,
      long hopLength,
      boolean center,
      NDArray window,
      boolean normalize,
      boolean returnComplex) {
    throw Unsupported.operation("NDArray.stft(long, long, boolean, NDArray, boolean, boolean)");
  }

  @Override
  public NDArray fft2(long[] sizes, long[] axes) {
    throw Unsupported.operation("NDArray.fft2(long[], long[])");
  }

  @Override
  public NDArray pad(Shape padding, double value) {
    throw Unsupported.operation("NDArray.pad(Shape, double)");
  }

  @Override
  public NDArray ifft2(long[] sizes, long[] axes) {
    throw Unsupported.operation("NDArray.ifft2(long[], long[])");
  }

  @Override
  public NDList unique(Integer dim, boolean sorted, boolean returnInverse, boolean returnCounts) {
    throw Unsupported.operation("NDArray.unique(Integer, boolean, boolean, boolean)");
  }

  @Override
  public NDArray logicalAnd(NDArray other) {
    throw Unsupported.operation("NDArray.logicalAnd(NDArray)");
  }

  @Override
  public NDArray logicalOr(NDArray other) {
    throw Unsupported.operation("NDArray.logicalOr(NDArray)");
  }

  @Override
  public NDArray logicalXor(NDArray other) {
    throw Unsupported.operation("NDArray.logicalXor(NDArray)");
  }

  @Override
  public NDArray logicalNot() {
    throw Unsupported.operation("NDArray.logicalNot()");
  }

  @Override
  public NDArray argSort(int axis, boolean ascending) {
    throw Unsupported.operation("NDArray.argSort(int, boolean)");
  }

  @Override
  public NDArray sort() {
    throw Unsupported.operation("NDArray.sort()");
  }

  @Override
  public NDArray sort(int axis) {
    throw Unsupported.operation("NDArray.sort(int)");
  }

  @Override
  public NDArray cumSum() {
    throw Unsupported.operation("NDArray.cumSum()");
  }

  @Override
  public NDArray cumSum(int axis) {
    throw Unsupported.operation("NDArray.cumSum(int)");
  }

  @Override
  public NDArray diagonal() {
    throw Unsupported.operation("NDArray.diagonal()");
  }

  @Override
  public NDArray diagonal(int offset) {
    throw Unsupported.operation("NDArray.diagonal(int)");
  }

  @Override
  public NDArray diagonal(int offset, int axis1, int axis2) {
    throw Unsupported.operation("NDArray.diagonal(int, int, int)");
  }

  @Override
  public NDArray isInfinite() {
    throw Unsupported.operation("NDArray.isInfinite()");
  }

  @Override
  public NDArray isNaN() {
    throw Unsupported.operation("NDArray.isNaN()");
  }

  @Override
  public NDArray tile(long repeats) {
    throw Unsupported.operation("NDArray.tile(long)");
  }

  @Override
  public NDArray tile(int axis, long repeats) {
    throw Unsupported.operation("NDArray.tile(int, long)");
  }

  @Override
  public NDArray tile(long[] repeats) {
    throw Unsupported.operation("NDArray.tile(long[])");
  }

  @Override
  public NDArray tile(Shape desiredShape) {
    throw Unsupported.operation("NDArray.tile(Shape)");
  }

  @Override
  public NDArray repeat(long repeats) {
    throw Unsupported.operation("NDArray.repeat(long)");
  }

  @Override
  public NDArray repeat(int axis, long repeats) {
    throw Unsupported.operation("NDArray.repeat(int, long)");
  }

  @Override
  public NDArray repeat(long[] repeats) {
    throw Unsupported.operation("NDArray.repeat(long[])");
  }

  @Override
  public NDArray repeat(Shape desiredShape) {
    throw Unsupported.operation("NDArray.repeat(Shape)");
  }

  @Override
  public NDArray dot(NDArray other) {
    throw Unsupported.operation("NDArray.dot(NDArray)");
  }

  @Override
  public NDArray matMul(NDArray other) {
    throw Unsupported.operation("NDArray.matMul(NDArray)");
  }

  @Override
  public NDArray batchMatMul(NDArray other) {
    throw Unsupported.operation("NDArray.batchMatMul(NDArray)");
  }

  @Override
  public NDArray xlogy(NDArray other) {
    throw Unsupported.operation("NDArray.xlogy(NDArray)");
  }

  @Override
  public NDArray clip(Number min, Number max) {
    throw Unsupported.operation("NDArray.clip(Number, Number)");
  }

  @Override
  public NDArray flip(int... axes) {
    throw Unsupported.operation("NDArray.flip(int...)");
  }

  @Override
  public NDArray broadcast(Shape shape) {
    throw Unsupported.operation("NDArray.broadcast(Shape)");
  }

  @Override
  public NDList topK(int k, int axis, boolean largest, boolean sorted) {
    throw Unsupported.operation("NDArray.topK(int, int, boolean, boolean)");
  }

  @Override
  public NDArray argMin() {
    throw Unsupported.operation("NDArray.argMin()");
  }

  @Override
  public NDArray argMin(int axis) {
    throw Unsupported.operation("NDArray.argMin(int)");
  }

  @Override
  public NDArray percentile(Number percentile) {
    throw Unsupported.operation("NDArray.percentile(Number)");
  }

  @Override
  public NDArray percentile(Number percentile, int[] axes) {
    throw Unsupported.operation("NDArray.percentile(Number, int[])");
  }

  @Override
  public NDArray median() {
    throw Unsupported.operation("NDArray.median()");
  }

  @Override
  public NDArray median(int[] axes) {
    throw Unsupported.operation("NDArray.median(int[])");
  }

  @Override
  public NDArray toDense() {
    throw Unsupported.operation("NDArray.toDense()");
  }

  @Override
  public NDArray toSparse(SparseFormat fmt) {
    throw Unsupported.operation("NDArray.toSparse(SparseFormat)");
  }

  @Override
  public NDArray nonzero() {
    throw Unsupported.operation("NDArray.nonzero()");
  }

  @Override
  public NDArray erfinv() {
    throw Unsupported.operation("NDArray.erfinv()");
  }

  @Override
  public NDArray erf() {
    throw Unsupported.operation("NDArray.erf()");
  }

  @Override
  public NDArray inverse() {
    throw Unsupported.operation("NDArray.inverse()");
  }

  @Override
  public NDArray norm(boolean keepDims) {
    throw Unsupported.operation("NDArray.norm(boolean)");
  }

  @Override
  public NDArray norm(int ord, int[] axes, boolean keepDims) {
    throw Unsupported.operation("NDArray.norm(int, int[], boolean)");
  }

  @Override
  public NDArray oneHot(int depth, float onValue, float offValue, DataType dataType) {
    throw Unsupported.operation("NDArray.oneHot(int, float, float, DataType)");
  }

  @Override
  public NDArray batchDot(NDArray other) {
    throw Unsupported.operation("NDArray.batchDot(NDArray)");
  }

  @Override
  public NDArray complex() {
    throw Unsupported.operation("NDArray.complex()");
  }

  @Override
  public NDArray real() {
    throw Unsupported.operation("NDArray.real()");
  }

  @Override
  public NDArray conj() {
    throw Unsupported.operation("NDArray.conj()");
  }

  @Override
  public NDArray diff(int n, int dim) {
    throw Unsupported.operation("NDArray.diff(int, int)");
  }
}
