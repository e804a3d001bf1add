package org.et4j.runtime.devtools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.et4j.schema.etdump.Event;
import org.et4j.schema.etdump.ProfileEvent;
import org.et4j.schema.etdump.RunData;
import org.junit.jupiter.api.Test;

/**
 * A committed ETDump that {@code et4j profile} wrote for the mlp.xnnpack conformance fixture
 * (one traced run of its first test case), read back through et4j's generated schema classes:
 * the file is the size-prefixed ED00 flatbuffer ExecuTorch's tools read, with the XNNPACK
 * delegate's per-node events named as ExecuTorch's XNNPACK profiler names them.
 */
class CommittedETDumpTest {
  private static byte[] bytes() throws Exception {
    try (InputStream in = CommittedETDumpTest.class.getResourceAsStream("mlp.xnnpack.etdp")) {
      return in.readAllBytes();
    }
  }

  @Test
  void readsThroughTheGeneratedSchema() throws Exception {
    byte[] file = bytes();
    ByteBuffer bb = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(bb.getInt(0)).isEqualTo(file.length - 4);
    ByteBuffer fb = bb.position(4).slice().order(ByteOrder.LITTLE_ENDIAN);
    assertThat(org.et4j.schema.etdump.ETDump.ETDumpBufferHasIdentifier(fb)).isTrue();
    var root = org.et4j.schema.etdump.ETDump.getRootAsETDump(fb);
    assertThat(root.version()).isZero();
    assertThat(root.runDataLength()).isEqualTo(1);
    RunData run = root.runData(0);
    assertThat(run.name()).isEqualTo("Execute");
    assertThat(run.bundledInputIndex()).isZero();
    List<String> events = new ArrayList<>();
    for (int i = 0; i < run.eventsLength(); i++) {
      Event e = run.events(i);
      ProfileEvent p = e.profileEvent();
      assertThat(p).as("event %d is a profile event", i).isNotNull();
      assertThat(p.endTime()).isGreaterThanOrEqualTo(p.startTime());
      events.add((p.name() != null ? p.name() : p.delegateDebugIdStr()) + "@" + p.chainIndex() + ":" + p.instructionId()
          + (p.delegateDebugIdInt() != -1 ? " int id" : ""));
    }
    assertThat(events).containsExactly(
        "Fully Connected (NC, F32) GEMM #1@0:0",
        "Fully Connected (NC, F32) GEMM #2@0:0",
        "Fully Connected (NC, F32) GEMM #3@0:0",
        "DELEGATE_CALL@0:0",
        "Method::execute@-1:0");
  }

  @Test
  void parsesToTheSameEventsThroughTheModel() throws Exception {
    ETDump dump = ETDump.parse(bytes());
    ETDump.RunData run = dump.runs().getFirst();
    assertThat(run.events()).hasSize(5);
    ETDump.ProfileEvent node = (ETDump.ProfileEvent) run.events().getFirst();
    assertThat(node.isDelegated()).isTrue();
    assertThat(node.displayName()).isEqualTo("Fully Connected (NC, F32) GEMM #1");
    assertThat(node.delegateDebugMetadata()).isEmpty();
    // Delegate nodes lie inside their DelegateCall, which lies inside Method::execute.
    ETDump.ProfileEvent call = (ETDump.ProfileEvent) run.events().get(3);
    ETDump.ProfileEvent execute = (ETDump.ProfileEvent) run.events().get(4);
    assertThat(node.startTime()).isGreaterThanOrEqualTo(call.startTime());
    assertThat(call.startTime()).isGreaterThanOrEqualTo(execute.startTime());
    assertThat(call.endTime()).isLessThanOrEqualTo(execute.endTime());
    assertThat(dump.toByteArray()).isEqualTo(bytes());
  }
}
