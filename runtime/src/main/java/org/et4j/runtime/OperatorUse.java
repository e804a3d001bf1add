package org.et4j.runtime;

/**
 * An operator a method calls, with how many KernelCall instructions name it.
 *
 * @param name the registry key, e.g. {@code aten::add.out}
 * @param calls number of call sites
 */
public record OperatorUse(String name, int calls) {}
