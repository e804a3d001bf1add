package org.et4j.runtime;

/**
 * A data segment of a program file.
 *
 * @param index position in the program's segment list
 * @param offset absolute byte offset in the file
 * @param size bytes
 * @param content what the program uses it for (constants, mutable data, a delegate, named data)
 */
public record SegmentInfo(int index, long offset, long size, String content) {}
