/** JMH benchmarks of et4j. */
package org.et4j.benchmarks;
