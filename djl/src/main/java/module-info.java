/**
 * A Deep Java Library (DJL) engine named {@code et4j}: DJL's {@code Criteria}, {@code Predictor}
 * and {@code Translator} API over ExecuTorch programs run by et4j, with {@code NDArray}s held in
 * et4j's memory and computed by et4j's kernels.
 *
 * <p>DJL finds the engine with {@link java.util.ServiceLoader}. DJL itself is an automatic module
 * ({@code ai.djl.api}) and is usually run on the class path, where {@code
 * META-INF/services/ai.djl.engine.EngineProvider} registers the engine; on the module path the
 * {@code provides} below does, and et4j's kernels and backends are bound by the runtime's own
 * {@code uses}.
 */
module org.et4j.djl {
  requires transitive ai.djl.api;
  requires transitive org.et4j.runtime;

  exports org.et4j.djl;

  provides ai.djl.engine.EngineProvider with
      org.et4j.djl.Et4jEngineProvider;
}
