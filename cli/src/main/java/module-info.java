/** The {@code et4j} command line: {@code inspect}, {@code run}, {@code verify}, {@code bench}. */
module org.et4j.cli {
  requires org.et4j.runtime;
}
