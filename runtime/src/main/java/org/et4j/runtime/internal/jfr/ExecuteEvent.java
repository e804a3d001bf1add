package org.et4j.runtime.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** One {@code Method.execute}: JFR event {@code org.et4j.Execute}. */
@Name("org.et4j.Execute")
@Label("Execute")
@Category({"et4j"})
@Description("One execution of an ExecuTorch method")
public final class ExecuteEvent extends jdk.jfr.Event {
  @Label("Method")
  public String method;

  @Label("Instructions")
  @Description("Instructions executed, jumps included")
  public long instructions;
}
