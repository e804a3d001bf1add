/**
 * et4j, everything a program needs: the runtime's API ({@code org.et4j.runtime}, read
 * transitively), and the kernel libraries and the delegate backends, found by the runtime's
 * ServiceLoader. An application module writes {@code requires org.et4j;}.
 */
module org.et4j {
  requires transitive org.et4j.runtime;
  requires org.et4j.kernels;
  requires org.et4j.backends;
}
