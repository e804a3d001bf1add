package org.et4j.runtime.internal.jfr;

/**
 * Whether a JFR recording wants any of et4j's events. Asked once per execution: a disabled JFR
 * event's {@code isEnabled()} is a constant false that the JIT folds, and the event objects made
 * to ask do not escape, so C2 removes them; asking costs no allocation in steady state and never
 * initialises JFR.
 */
public final class JfrEvents {
  private JfrEvents() {}

  public static boolean enabled() {
    return new ExecuteEvent().isEnabled() || new OperatorEvent().isEnabled() || new DelegateEvent().isEnabled();
  }
}
