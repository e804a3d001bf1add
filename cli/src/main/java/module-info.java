/**
 * The {@code et4j} command line: {@code inspect}, {@code run}, {@code bench}, {@code verify}.
 * Kernels and backends are found at run time through the runtime's {@code ServiceLoader}; the CLI
 * names them only so that they are resolved when it runs on the module path. {@code bench} reads
 * per-thread allocation counters from {@code jdk.management}.
 */
module org.et4j.cli {
  requires org.et4j.runtime;
  requires org.et4j.kernels;
  requires org.et4j.backends;
  requires org.et4j.backends.xnnpack.nativebridge;
  requires org.et4j.llm;
  requires org.et4j.conformance;
  requires jdk.management;
  requires jdk.jfr;
}
