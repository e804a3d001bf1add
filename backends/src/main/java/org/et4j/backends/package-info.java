/** Delegate backends. */
package org.et4j.backends;
