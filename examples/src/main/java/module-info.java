/** The digits example, as a module: it needs only the aggregate module org.et4j. */
module org.et4j.examples.digits {
  requires org.et4j;
}
