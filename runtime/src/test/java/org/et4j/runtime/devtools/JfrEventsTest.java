package org.et4j.runtime.devtools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.et4j.runtime.EValue;
import org.et4j.runtime.Method;
import org.et4j.runtime.Program;
import org.et4j.runtime.Tensor;
import org.et4j.runtime.internal.jfr.JfrEvents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** et4j's JFR events, recorded with jdk.jfr.Recording and read back with jdk.jfr.consumer. */
class JfrEventsTest {
  @Test
  void executionAndKernelCallsAreRecorded(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("run.jfr");
    try (Program p = ETDumpWriterTest.mul2(); Method m = ETDumpWriterTest.loadMul2(p)) {
      m.setInputs(EValue.from(Tensor.fromArray(new float[] {1, 2, 3, 4, 5, 6}, 2, 3)));
      m.execute();
      assertThat(JfrEvents.enabled()).as("no recording enables et4j's events yet").isFalse();
      try (Recording r = new Recording()) {
        r.enable("org.et4j.Execute");
        r.enable("org.et4j.Operator");
        r.enable("org.et4j.Delegate");
        r.start();
        assertThat(JfrEvents.enabled()).isTrue();
        for (int i = 0; i < 3; i++) {
          m.setInputs(EValue.from(Tensor.fromArray(new float[] {1, 2, 3, 4, 5, 6}, 2, 3)));
          m.execute();
        }
        r.stop();
        r.dump(file);
      }
      assertThat(JfrEvents.enabled()).isFalse();
      // Recorded executions compute what untraced ones do.
      assertThat(m.output(0).toTensor().toFloatArray()).containsExactly(2, 4, 6, 8, 10, 12);
    }
    List<RecordedEvent> events = RecordingFile.readAllEvents(file);
    List<RecordedEvent> executes = events.stream().filter(e -> e.getEventType().getName().equals("org.et4j.Execute")).toList();
    List<RecordedEvent> operators = events.stream().filter(e -> e.getEventType().getName().equals("org.et4j.Operator")).toList();
    assertThat(executes).hasSize(3);
    assertThat(operators).hasSize(6);
    RecordedEvent ex = executes.getFirst();
    assertThat(ex.getString("method")).isEqualTo("forward");
    assertThat(ex.getLong("instructions")).isEqualTo(2);
    RecordedEvent op = operators.get(1);
    assertThat(op.getString("method")).isEqualTo("forward");
    assertThat(op.getInt("chain")).isZero();
    assertThat(op.getInt("instruction")).isEqualTo(1);
    assertThat(op.getString("operator")).isEqualTo("aten::mul.out");
    assertThat(op.getString("inputShapes")).startsWith("[2, 3] float32");
    assertThat(op.getDuration()).isPositive();
    assertThat(op.getDuration()).isLessThanOrEqualTo(ex.getDuration());
    assertThat(Files.size(file)).isPositive();
  }
}
