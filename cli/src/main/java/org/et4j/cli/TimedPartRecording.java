package org.et4j.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;

/**
 * A JFR recording of the timed part of {@code et4j bench --jfr FILE} only: started after the
 * warm-up, so a profile of steady state holds no interpreter or C1 samples of the warm-up. JFR's
 * {@code profile} settings with execution samples every 2 ms; et4j's own per-operator events stay
 * off, since with them on {@code Method.execute} takes the traced loop, which is not what is being
 * profiled. Read it with {@code jfr view hot-methods FILE} or JMC.
 */
final class TimedPartRecording implements AutoCloseable {
  private final Recording recording;

  private TimedPartRecording(Recording recording) {
    this.recording = recording;
  }

  static TimedPartRecording start(Path destination) {
    Configuration profile;
    try {
      profile = Configuration.getConfiguration("profile");
    } catch (IOException | ParseException e) {
      throw new IllegalStateException("the JDK's JFR 'profile' settings cannot be read: " + e.getMessage(), e);
    }
    Recording r = new Recording(profile);
    r.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(2));
    r.disable("org.et4j.Operator");
    r.disable("org.et4j.Delegate");
    r.disable("org.et4j.Execute");
    try {
      r.setDestination(destination);
    } catch (IOException e) {
      r.close();
      throw new UncheckedIOException("--jfr " + destination + ": " + e.getMessage(), e);
    }
    r.start();
    return new TimedPartRecording(r);
  }

  /** Stops the recording and writes it to its destination. */
  @Override
  public void close() {
    recording.stop();
    recording.close();
  }
}
