package org.et4j.djl;

import ai.djl.engine.Engine;
import ai.djl.engine.EngineProvider;

/**
 * Registers et4j with DJL: {@code Engine.getEngine("et4j")}, {@code
 * Criteria.builder().optEngine("et4j")}. DJL finds it with {@link java.util.ServiceLoader}: on the
 * class path through {@code META-INF/services/ai.djl.engine.EngineProvider}, on the module path
 * through this module's {@code provides}.
 */
public final class Et4jEngineProvider implements EngineProvider {
  /** Used by {@link java.util.ServiceLoader}. */
  public Et4jEngineProvider() {}

  @Override
  public String getEngineName() {
    return Et4jEngine.ENGINE_NAME;
  }

  @Override
  public int getEngineRank() {
    return Et4jEngine.RANK;
  }

  @Override
  public Engine getEngine() {
    return Et4jEngine.instance();
  }
}
