package org.et4j.runtime;

import java.util.List;

/**
 * How a program file is laid out.
 *
 * @param fileSize bytes of the .pte (of the program inside a .bpte, for a bundled program)
 * @param bundled true when the program was loaded from a BundledProgram
 * @param extendedHeaderLength length of the "eh00" header, 0 when absent
 * @param programSize flatbuffer bytes, headers included
 * @param segmentBaseOffset absolute offset of segment data, 0 when there are no segments
 * @param segmentDataSize bytes of segment data as the header states (0 in pre-1.0 files)
 * @param segments the data segments
 * @param constantStorage {@code constant_segment}, {@code constant_buffer} (deprecated) or
 *     {@code none}
 * @param constantDataSize bytes of constant tensor data
 * @param namedDataKeys keys of the program's own named data
 * @param externalData the .ptd files given at load
 */
public record ProgramLayout(
    long fileSize,
    boolean bundled,
    int extendedHeaderLength,
    long programSize,
    long segmentBaseOffset,
    long segmentDataSize,
    List<SegmentInfo> segments,
    String constantStorage,
    long constantDataSize,
    List<String> namedDataKeys,
    List<ExternalDataInfo> externalData) {
  /** Copies the lists. */
  public ProgramLayout {
    segments = List.copyOf(segments);
    namedDataKeys = List.copyOf(namedDataKeys);
    externalData = List.copyOf(externalData);
  }
}
