/** Fixture discovery, tolerances and reports for the conformance suite. */
package org.et4j.conformance;
