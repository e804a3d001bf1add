package org.et4j.backends.xnnpack;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.et4j.backends.xnnpack.ops.XnnOps;
import org.et4j.runtime.delegate.Backend;
import org.et4j.runtime.delegate.BackendInitContext;
import org.et4j.runtime.delegate.CompileSpec;
import org.et4j.runtime.delegate.DelegateContents;
import org.et4j.runtime.delegate.DelegateHandle;
import org.et4j.runtime.delegate.NamedDataMap;

/**
 * ExecuTorch's {@code XnnpackBackend}, in pure Java: decodes the payload the XNNPACK partitioner
 * wrote ({@link XnnGraph}), builds et4j operators for its nodes with their weights packed once,
 * and runs them on every DelegateCall ({@link XnnRuntime}). Registered through
 * {@link java.util.ServiceLoader}.
 *
 * <p>Threading: a handle belongs to the {@code Method} that initialised it and is used by one
 * thread at a time; the same payload loaded in several Methods runs concurrently, each with its
 * own handle.
 */
public final class XnnpackBackend implements Backend {
  /** The id ExecuTorch's XNNPACK partitioner writes into programs. */
  public static final String ID = "XnnpackBackend";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public DelegateHandle init(BackendInitContext context, MemorySegment processed, List<CompileSpec> compileSpecs) {
    String where = "method '" + context.methodName() + "' XnnpackBackend payload";
    XnnGraph graph = XnnGraph.decode(processed, context, where);
    return XnnRuntime.compile(graph);
  }

  @Override
  public DelegateContents describe(MemorySegment processed, NamedDataMap namedData) {
    Map<String, Integer> kinds = new LinkedHashMap<>();
    Map<String, Integer> types = new LinkedHashMap<>();
    XnnGraph.count(processed, "XnnpackBackend payload", kinds, types);
    List<DelegateContents.Entry> nodes = new ArrayList<>();
    kinds.forEach((name, count) -> {
      XnnNodeKind kind = name.startsWith("unknown") ? null : XnnNodeKind.valueOf(name);
      nodes.add(new DelegateContents.Entry(kind == null ? name : kind.schemaName(), count,
          kind != null && XnnOps.supports(kind), kind == null ? "" : kind.equivalentOperator()));
    });
    List<DelegateContents.Entry> datatypes = new ArrayList<>();
    types.forEach((name, count) -> {
      XnnDatatype dt = name.equals("unknown") ? null : XnnDatatype.valueOf(name);
      datatypes.add(new DelegateContents.Entry(dt == null ? name : dt.displayName(), count,
          dt != null && XnnOps.supports(dt), ""));
    });
    return new DelegateContents(ID, nodes, datatypes);
  }
}
