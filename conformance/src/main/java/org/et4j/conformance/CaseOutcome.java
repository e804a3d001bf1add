package org.et4j.conformance;

/**
 * What happened to one conformance case.
 *
 * @param id {@code model.variant}
 * @param passed every bundled test case of every method matched within tolerance
 * @param cases test cases run
 * @param failedCases test cases that did not match (or could not run)
 * @param maxAbsError largest absolute error seen over floating outputs
 * @param maxRelError largest relative error seen
 * @param millis wall time of loading and running
 * @param detail the first failure, or empty
 */
public record CaseOutcome(
    String id, boolean passed, int cases, int failedCases, double maxAbsError, double maxRelError, long millis,
    String detail) {}
