package org.et4j.djl;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.util.PairList;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.file.Path;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.Value;

/**
 * DJL's {@link NDManager} for et4j: makes {@link Et4jNDArray}s, whose elements live in et4j's
 * memory (64-byte aligned segments of an automatic arena, the alignment et4j's own tensors and
 * planned memory have). Arrays from other engines are copied in by {@link #from}. CPU only.
 *
 * <p>Creation from Java arrays and buffers, {@code zeros}, {@code ones} and {@code full} work;
 * random, sparse, string and range creation throw an {@link UnsupportedOperationException} naming
 * the method.
 */
public class Et4jNDManager extends BaseNDManager {
  private static final Et4jNDManager SYSTEM_MANAGER = new SystemManager();

  private Et4jNDManager(NDManager parent, Device device) {
    super(parent, device);
    if (!this.device.equals(Device.cpu())) {
      throw new IllegalArgumentException("et4j runs on the CPU only, not on " + this.device);
    }
  }

  static Et4jNDManager getSystemManager() {
    return SYSTEM_MANAGER;
  }

  @Override
  public final Engine getEngine() {
    return Et4jEngine.instance();
  }

  @Override
  public ByteBuffer allocateDirect(int capacity) {
    // et4j's memory is little-endian whatever the platform; DJL fills this buffer and hands it
    // back.
    return ByteBuffer.allocateDirect(capacity).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** A new array of {@code shape}, zero-filled, in et4j memory owned by this manager. */
  Et4jNDArray allocate(ScalarType type, Shape shape) {
    for (long d : shape.getShape()) {
      if (d < 0) {
        throw new IllegalArgumentException("shape " + shape + " has an unknown or negative size");
      }
    }
    long bytes = Math.multiplyExact(shape.size(), (long) type.elementSize());
    MemorySegment data = Arena.ofAuto().allocate(Math.max(1, bytes), 64).asSlice(0, bytes);
    return new Et4jNDArray(this, type, shape, data);
  }

  @Override
  public Et4jNDArray from(NDArray array) {
    if (array == null || array instanceof Et4jNDArray) {
      return (Et4jNDArray) array;
    }
    Et4jNDArray copy = create(array.toByteBuffer(), array.getShape(), array.getDataType());
    copy.setName(array.getName());
    return copy;
  }

  @Override
  public Et4jNDArray create(Buffer data, Shape shape, DataType dataType) {
    if (dataType == DataType.STRING) {
      throw Unsupported.operation("NDManager.create(Buffer, Shape, DataType.STRING)");
    }
    Et4jNDArray array = allocate(DataTypes.toScalarType(dataType), shape);
    array.set(data);
    return array;
  }

  @Override
  public NDArray create(Shape shape, DataType dataType) {
    return allocate(DataTypes.toScalarType(dataType), shape);
  }

  @Override
  public NDArray full(Shape shape, float value, DataType dataType) {
    Et4jNDArray out = allocate(DataTypes.toScalarType(dataType), shape);
    // full.out(SymInt[] size, Scalar fill_value, *, out)
    EagerKernels.callOut(
        "aten::full.out",
        out.kernelTensor(),
        EagerKernels.intList(shape.getShape()),
        Value.ofDouble(value));
    return out;
  }

  @Override
  public Et4jNDManager newSubManager(Device device) {
    Et4jNDManager manager = new Et4jNDManager(this, device);
    attachInternal(manager.uid, manager);
    return manager;
  }

  // ---- what et4j's engine does not create, refused by name (BaseNDManager says only "Not
  // supported!")

  @Override
  public NDArray create(String[] data, Charset charset, Shape shape) {
    throw Unsupported.operation("NDManager.create(String[], Charset, Shape)");
  }

  @Override
  public NDArray createCSR(Buffer data, long[] indptr, long[] indices, Shape shape) {
    throw Unsupported.operation("NDManager.createCSR(Buffer, long[], long[], Shape)");
  }

  @Override
  public NDArray createRowSparse(Buffer data, Shape dataShape, long[] indices, Shape shape) {
    throw Unsupported.operation("NDManager.createRowSparse(Buffer, Shape, long[], Shape)");
  }

  @Override
  public NDArray createCoo(Buffer data, long[][] indices, Shape shape) {
    throw Unsupported.operation("NDManager.createCoo(Buffer, long[][], Shape)");
  }

  @Override
  public NDList load(Path path) {
    throw Unsupported.operation("NDManager.load(Path)");
  }

  @Override
  public NDArray arange(float start, float stop, float step, DataType dataType) {
    throw Unsupported.operation("NDManager.arange(float, float, float, DataType)");
  }

  @Override
  public NDArray eye(int rows, int cols, int k, DataType dataType) {
    throw Unsupported.operation("NDManager.eye(int, int, int, DataType)");
  }

  @Override
  public NDArray linspace(float start, float stop, int num, boolean endpoint) {
    throw Unsupported.operation("NDManager.linspace(float, float, int, boolean)");
  }

  @Override
  public NDArray randomInteger(long low, long high, Shape shape, DataType dataType) {
    throw Unsupported.operation("NDManager.randomInteger(long, long, Shape, DataType)");
  }

  @Override
  public NDArray randomPermutation(long n) {
    throw Unsupported.operation("NDManager.randomPermutation(long)");
  }

  @Override
  public NDArray randomUniform(float low, float high, Shape shape, DataType dataType) {
    throw Unsupported.operation("NDManager.randomUniform(float, float, Shape, DataType)");
  }

  @Override
  public NDArray randomNormal(float loc, float scale, Shape shape, DataType dataType) {
    throw Unsupported.operation("NDManager.randomNormal(float, float, Shape, DataType)");
  }

  @Override
  public NDArray truncatedNormal(float loc, float scale, Shape shape, DataType dataType) {
    throw Unsupported.operation("NDManager.truncatedNormal(float, float, Shape, DataType)");
  }

  @Override
  public NDArray randomMultinomial(int n, NDArray pValues) {
    throw Unsupported.operation("NDManager.randomMultinomial(int, NDArray)");
  }

  @Override
  public NDArray randomMultinomial(int n, NDArray pValues, Shape shape) {
    throw Unsupported.operation("NDManager.randomMultinomial(int, NDArray, Shape)");
  }

  @Override
  public NDArray sampleNormal(NDArray mu, NDArray sigma) {
    throw Unsupported.operation("NDManager.sampleNormal(NDArray, NDArray)");
  }

  @Override
  public NDArray sampleNormal(NDArray mu, NDArray sigma, Shape shape) {
    throw Unsupported.operation("NDManager.sampleNormal(NDArray, NDArray, Shape)");
  }

  @Override
  public NDArray samplePoisson(NDArray lam) {
    throw Unsupported.operation("NDManager.samplePoisson(NDArray)");
  }

  @Override
  public NDArray samplePoisson(NDArray lam, Shape shape) {
    throw Unsupported.operation("NDManager.samplePoisson(NDArray, Shape)");
  }

  @Override
  public NDArray sampleGamma(NDArray alpha, NDArray beta) {
    throw Unsupported.operation("NDManager.sampleGamma(NDArray, NDArray)");
  }

  @Override
  public NDArray sampleGamma(NDArray alpha, NDArray beta, Shape shape) {
    throw Unsupported.operation("NDManager.sampleGamma(NDArray, NDArray, Shape)");
  }

  @Override
  public void invoke(String operation, NDArray[] src, NDArray[] dest, PairList<String, ?> params) {
    throw Unsupported.operation(
        "NDManager.invoke(\"" + operation + "\", NDArray[], NDArray[], PairList)");
  }

  @Override
  public NDList invoke(String operation, NDList src, PairList<String, ?> params) {
    throw Unsupported.operation("NDManager.invoke(\"" + operation + "\", NDList, PairList)");
  }

  /** The root of every et4j manager: lives as long as the process, as DJL's system managers do. */
  private static final class SystemManager extends Et4jNDManager
      implements NDManager.SystemNDManager {
    SystemManager() {
      super(null, Device.cpu());
    }

    /**
     * Not tracked: the system manager is never closed, so keeping what is attached to it (detached
     * arrays, results of arrays that live in other engines' managers) would only keep it from the
     * garbage collector, which frees et4j's memory.
     */
    @Override
    public void attachInternal(String resourceId, AutoCloseable... resources) {}

    @Override
    public void attachUncappedInternal(String resourceId, AutoCloseable resource) {}

    @Override
    public void close() {}
  }
}
