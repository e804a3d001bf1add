/**
 * Conformance checking of et4j against the outputs of the ExecuTorch Python runtime on real
 * exported models: manifest reading, tolerances per operator family, the known-gaps list and the
 * report. The JUnit suite in this module's tests drives it.
 */
module org.et4j.conformance {
  requires org.et4j.runtime;
  requires org.et4j.schema;

  exports org.et4j.conformance;
}
