/**
 * Scoring Apache Spark datasets with ExecuTorch programs on et4j: {@link
 * org.et4j.spark.Et4jScorer} feeds a method's tensor inputs from array columns in batches per
 * partition and appends its outputs as columns, or registers it as a SQL function.
 */
package org.et4j.spark;
