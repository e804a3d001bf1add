package org.et4j.runtime.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** One delegate call: JFR event {@code org.et4j.Delegate}. */
@Name("org.et4j.Delegate")
@Label("Delegate")
@Category({"et4j"})
@Description("One delegate call (DelegateCall instruction) of an ExecuTorch method")
@StackTrace(false)
public final class DelegateEvent extends jdk.jfr.Event {
  @Label("Method")
  public String method;

  @Label("Chain")
  public int chain;

  @Label("Instruction")
  public int instruction;

  @Label("Backend")
  public String backend;

  @Label("Delegate Index")
  public int delegateIndex;

  @Label("Input Shapes")
  public String inputShapes;
}
