/** Conformance checking of et4j against the ExecuTorch Python runtime's outputs. */
module org.et4j.conformance {
  requires org.et4j.runtime;
}
