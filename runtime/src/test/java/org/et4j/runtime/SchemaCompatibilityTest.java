package org.et4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.et4j.runtime.internal.format.BundledProgramFile;
import org.et4j.runtime.internal.format.PteFile;
import org.et4j.runtime.testing.Fixtures;
import org.et4j.schema.etdump.ETDump;
import org.et4j.schema.etdump.RunData;
import org.et4j.schema.xnnpack.XNNGraph;
import org.junit.jupiter.api.Test;

/**
 * et4j's own schemas read files written by ExecuTorch's toolchain: an ETDump from ExecuTorch's
 * repository and an XNNPACK delegate payload from a conformance fixture.
 */
class SchemaCompatibilityTest {
  private static MemorySegment map(Path p) throws Exception {
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
      return ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), Arena.ofAuto());
    }
  }

  @Test
  void etdumpSampleDecodesWithItsRunsAndEvents() throws Exception {
    MemorySegment file = map(Fixtures.upstream("etdump_sample.etdp"));
    // Size-prefixed: a u32 length, then the flatbuffer with identifier "ED00" at its byte 4.
    var bb = file.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    int length = bb.getInt(0);
    assertThat(length).isEqualTo(file.byteSize() - 4);
    ETDump dump = ETDump.getRootAsETDump(bb.position(4).slice().order(ByteOrder.LITTLE_ENDIAN));
    assertThat(ETDump.ETDumpBufferHasIdentifier(bb.position(4).slice())).isTrue();
    List<String> runs = new ArrayList<>();
    int events = 0;
    for (int i = 0; i < dump.runDataLength(); i++) {
      RunData r = dump.runData(i);
      runs.add(r.name());
      events += r.eventsLength();
    }
    assertThat(runs).containsExactly("Default", "Execute");
    assertThat(events).isPositive();
    assertThat(dump.runData(0).events(0).profileEvent().name()).isEqualTo("Method::init");
  }

  @Test
  void xnnpackPayloadOfARealExportDecodes() throws Exception {
    Path bpte = Fixtures.repo().resolve("conformance/fixtures/mlp/mlp.xnnpack.bpte");
    assumeTrue(Files.exists(bpte), "skipped: " + bpte + " is not generated");
    PteFile pte = PteFile.parse(BundledProgramFile.parse(map(bpte)).program());
    var plan = pte.root().executionPlan(0);
    var delegate = plan.delegates(0);
    assertThat(delegate.id()).isEqualTo("XnnpackBackend");
    MemorySegment payload =
        delegate.processed().location() == 1
            ? pte.segment((int) delegate.processed().index())
            : pte.inlineDelegateData(delegate.processed().index(), "delegate 0");
    // The 32-byte XH00 header, then the flatbuffer written with identifier XN01.
    assertThat(new String(payload.asSlice(4, 4).toArray(ValueLayout.JAVA_BYTE))).isEqualTo("XH00");
    var le = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    int fbOffset = payload.get(le, 10);
    int fbSize = payload.get(le, 14);
    var fb = payload.asSlice(fbOffset, fbSize).asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    assertThat(new String(payload.asSlice(fbOffset + 4, 4).toArray(ValueLayout.JAVA_BYTE))).isEqualTo("XN01");
    XNNGraph graph = XNNGraph.getRootAsXNNGraph(fb);
    assertThat(graph.xnodesLength()).isPositive();
    assertThat(graph.xvaluesLength()).isGreaterThanOrEqualTo(graph.inputIdsLength() + graph.outputIdsLength());
    // The MLP's linear layers are FullyConnected nodes (union tag 2).
    boolean fullyConnected = false;
    for (int i = 0; i < graph.xnodesLength(); i++) {
      fullyConnected |= graph.xnodes(i).xnodeUnionType() == org.et4j.schema.xnnpack.XNodeUnion.XNNFullyConnected;
    }
    assertThat(fullyConnected).isTrue();
  }
}
