package org.et4j.runtime.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** One kernel call: JFR event {@code org.et4j.Operator}. */
@Name("org.et4j.Operator")
@Label("Operator")
@Category({"et4j"})
@Description("One kernel call (KernelCall instruction) of an ExecuTorch method")
@StackTrace(false)
public final class OperatorEvent extends jdk.jfr.Event {
  @Label("Method")
  public String method;

  @Label("Chain")
  public int chain;

  @Label("Instruction")
  public int instruction;

  @Label("Operator")
  public String operator;

  @Label("Input Shapes")
  public String inputShapes;
}
