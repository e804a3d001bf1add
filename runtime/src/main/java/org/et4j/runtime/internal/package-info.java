/** Internals of the runtime: file parsing and validation, method binding, the interpreter. */
package org.et4j.runtime.internal;
