package org.et4j.djl;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The DJL {@link Engine} named {@code et4j}: models are ExecuTorch programs ({@code .pte}, with
 * {@code .ptd} files for external weights) run by et4j's pure-Java runtime, arrays are {@link
 * Et4jNDArray}s in et4j's memory. CPU only, inference only.
 *
 * <p>Its rank is 10, as DJL's other inference-only engines (OnnxRuntime, TFLite): when a full
 * engine such as PyTorch is on the class path too, that one stays DJL's default engine and et4j is
 * used where asked for by name. There is no alternative engine: an NDArray operation et4j does not
 * compute is refused by name ({@link UnsupportedOperationException}), never sent to another engine.
 */
public final class Et4jEngine extends Engine {
  /** The name DJL knows this engine by. */
  public static final String ENGINE_NAME = "et4j";

  static final int RANK = 10;

  private final String version;

  private Et4jEngine() {
    Properties properties = new Properties();
    try (InputStream in = Et4jEngine.class.getResourceAsStream("engine.properties")) {
      if (in == null) {
        throw new IllegalStateException(
            "org/et4j/djl/engine.properties is missing from et4j-djl's jar");
      }
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read et4j-djl's engine.properties", e);
    }
    version = properties.getProperty("version");
  }

  private static final class Holder {
    static final Et4jEngine INSTANCE = new Et4jEngine();
  }

  static Et4jEngine instance() {
    return Holder.INSTANCE;
  }

  @Override
  public Engine getAlternativeEngine() {
    return null;
  }

  @Override
  public String getEngineName() {
    return ENGINE_NAME;
  }

  @Override
  public int getRank() {
    return RANK;
  }

  /**
   * et4j's version (the runtime, the kernels and this engine are released together).
   *
   * @return the version, e.g. {@code 0.1.0-SNAPSHOT}
   */
  @Override
  public String getVersion() {
    return version;
  }

  /**
   * None of DJL's standard capabilities (CUDA, cuDNN, MKL, ...): et4j is pure Java on the CPU.
   *
   * @param capability a capability name from {@link ai.djl.engine.StandardCapabilities}
   * @return false
   */
  @Override
  public boolean hasCapability(String capability) {
    return false;
  }

  @Override
  public Model newModel(String name, Device device) {
    return new Et4jModel(name, newBaseManager(device));
  }

  @Override
  public NDManager newBaseManager() {
    return newBaseManager(null);
  }

  @Override
  public NDManager newBaseManager(Device device) {
    return Et4jNDManager.getSystemManager().newSubManager(device == null ? Device.cpu() : device);
  }

  @Override
  public String toString() {
    return ENGINE_NAME + ':' + version + " (pure Java, CPU)";
  }
}
