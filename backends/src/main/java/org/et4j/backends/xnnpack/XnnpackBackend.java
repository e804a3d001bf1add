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

  /** The load option (and, as its default, system property {@code et4j.xnnpack}) that picks the kernels. */
  public static final String OPTION = "xnnpack";

  @Override
  public DelegateHandle init(BackendInitContext context, MemorySegment processed, List<CompileSpec> compileSpecs) {
    String where = "method '" + context.methodName() + "' XnnpackBackend payload";
    String mode = context.option(OPTION);
    if (mode == null) {
      mode = System.getProperty("et4j." + OPTION, "java");
    }
    mode = mode.trim().toLowerCase(java.util.Locale.ROOT);
    XnnGraph graph = XnnGraph.decode(processed, context, where);
    XnnNativeBridge bridge = switch (mode) {
      case "java" -> null;
      case "native" -> {
        XnnNativeBridge b = nativeBridge(where);
        b.checkAvailable(context);
        yield b;
      }
      case "auto" -> {
        XnnNativeBridge b = NativeBridgeHolder.BRIDGE;
        try {
          if (b != null) {
            b.checkAvailable(context);
          }
          yield b;
        } catch (org.et4j.runtime.ExecuTorchException e) {
          yield null;
        }
      }
      default -> throw new IllegalArgumentException(
          "the xnnpack option must be java, native or auto, got '" + mode + "'");
    };
    if (bridge == null) {
      return XnnRuntime.compile(graph);
    }
    // et4j's own compile is the validator: every node's parameters and shapes are checked before
    // any of them reaches native code, which trusts what it is given.
    XnnRuntime.compile(graph).close();
    return bridge.compile(graph, context);
  }

  private static XnnNativeBridge nativeBridge(String where) {
    XnnNativeBridge b = NativeBridgeHolder.BRIDGE;
    if (b == null) {
      throw new org.et4j.runtime.ExecuTorchException(org.et4j.runtime.ErrorCode.NOT_FOUND, where
          + ": native XNNPACK was asked for (xnnpack=native) but the bridge is not on the class or module path:"
          + " add org.et4j:et4j-backend-xnnpack-native, or use xnnpack=java");
    }
    return b;
  }

  private static final class NativeBridgeHolder {
    static final XnnNativeBridge BRIDGE = java.util.ServiceLoader
        .load(XnnNativeBridge.class, XnnpackBackend.class.getClassLoader()).findFirst().orElse(null);
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
