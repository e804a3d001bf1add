/** Delegate backends for et4j, found by the runtime's {@code ServiceLoader}. Nothing here is API. */
module org.et4j.backends {
  requires org.et4j.runtime;
  requires org.et4j.schema;
  requires static jdk.incubator.vector;
}
