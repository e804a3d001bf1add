package org.et4j.backends.xnnpack;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Map;
import org.et4j.runtime.BundledProgram;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.Method;
import org.et4j.runtime.Program;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.ShapeDynamism;
import org.et4j.runtime.delegate.Backend;
import org.et4j.runtime.delegate.BackendInitContext;
import org.et4j.runtime.delegate.BackendRegistry;
import org.et4j.runtime.delegate.CompileSpec;
import org.et4j.runtime.delegate.DelegateHandle;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * Runs one untrusted XNNPACK payload through the delegate: {@code init}, then (when init accepts
 * it) one {@code execute}. The contract: an {@link ExecuTorchException} with a message is the only
 * way either may fail. Anything else, or an ExecuTorchException that wraps a stray exception (the
 * interpreter turns those into {@code Internal}), is raised as an {@link XnnFailure}.
 *
 * <p>Two ways in: {@link #direct} calls the backend with arguments built from the graph's own
 * external values (for payloads without a program: the fuzz target), {@link #inMethod} loads the
 * fixture's method with the payload swapped in and runs the bundle's first test case, so the
 * delegate sees the arguments ExecuTorch would pass.
 */
final class XnnPayloadHarness {
  /** Planned memory the hostile tests allow, as the runtime's hostile suite does. */
  static final long MAX_PLANNED_BYTES = 64L << 20;

  /** Largest argument {@link #direct} builds; larger graphs are initialised but not executed. */
  static final long MAX_ARG_BYTES = 4L << 20;

  static {
    System.setProperty("et4j.maxPlannedMemory", Long.toString(MAX_PLANNED_BYTES));
  }

  private XnnPayloadHarness() {}

  /** Makes sure the property above is set before any test initialises a delegate. */
  static void init() {}

  enum Outcome {
    REJECTED_AT_INIT,
    REJECTED_AT_EXECUTE,
    /** Initialised, but the harness cannot build arguments for it (too big, or a type without a tensor dtype). */
    INITIALISED,
    EXECUTED
  }

  /** A breach of the contract. */
  static final class XnnFailure extends AssertionError {
    XnnFailure(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** {@code init} and one {@code execute} straight on the backend. */
  static Outcome direct(byte[] payload, Map<String, byte[]> namedData) {
    BackendInitContext ctx = XnnPayloadFixtures.context(namedData);
    DelegateHandle handle;
    try {
      handle = new XnnpackBackend().init(ctx, MemorySegment.ofArray(payload).asReadOnly(), List.of());
    } catch (ExecuTorchException e) {
      accept(e, "init");
      return Outcome.REJECTED_AT_INIT;
    } catch (Throwable t) {
      throw new XnnFailure("init escaped: " + t, t);
    }
    try (handle; Arena arena = Arena.ofConfined()) {
      Value[] args = arguments(((XnnRuntime) handle).graph(), arena);
      if (args == null) {
        return Outcome.INITIALISED;
      }
      try {
        handle.execute(args);
      } catch (ExecuTorchException e) {
        accept(e, "execute");
        return Outcome.REJECTED_AT_EXECUTE;
      }
      return Outcome.EXECUTED;
    } catch (XnnFailure f) {
      throw f;
    } catch (Throwable t) {
      throw new XnnFailure("execute escaped: " + t, t);
    }
  }

  /**
   * DelegateCall arguments for the graph's external values at their serialized dims: inputs hold a
   * small repeating pattern, outputs are dynamic-bound with room for their serialized size. Null
   * when an argument would be too big or has no tensor dtype.
   */
  static Value[] arguments(XnnGraph g, Arena arena) {
    Value[] args = new Value[g.numExterns];
    for (int i = 0; i < args.length; i++) {
      args[i] = new Value();
    }
    for (XnnValue v : g.values) {
      if (v.externalIndex() < 0) {
        continue;
      }
      ScalarType dtype = switch (v.datatype()) {
        case FP32 -> ScalarType.FLOAT;
        case FP16 -> ScalarType.HALF;
        case BF16 -> ScalarType.BFLOAT16;
        case INT32 -> ScalarType.INT;
        case QINT8 -> ScalarType.CHAR;
        case QUINT8 -> ScalarType.BYTE;
        default -> null;
      };
      long bytes = v.numel() * (dtype == null ? 1 : dtype.elementSize());
      if (dtype == null || bytes > MAX_ARG_BYTES) {
        return null;
      }
      MemorySegment data = arena.allocate(Math.max(bytes, 1), 16);
      for (long b = 0; b < bytes; b++) {
        // Small, varied, finite values for every dtype: bytes 0x00..0x3e repeating.
        data.set(ValueLayout.JAVA_BYTE, b, (byte) (b % 63));
      }
      int[] order = new int[v.dims().length];
      for (int d = 0; d < order.length; d++) {
        order[d] = d;
      }
      args[v.externalIndex()].setTensor(
          new TensorImpl(dtype, v.dims(), order, ShapeDynamism.DYNAMIC_BOUND, data, Math.max(bytes, 1)));
    }
    return args;
  }

  /**
   * Loads {@code method} of {@code program} with {@code mutated} in place of the delegate payload
   * equal to {@code original}, sets the test case's inputs and executes once.
   */
  static Outcome inMethod(Program program, String method, byte[] original, byte[] mutated, BundledProgram.TestCase tc) {
    boolean[] initFailed = {false};
    Backend swap = new Backend() {
      private final XnnpackBackend real = new XnnpackBackend();

      @Override
      public String id() {
        return XnnpackBackend.ID;
      }

      @Override
      public DelegateHandle init(BackendInitContext context, MemorySegment processed, List<CompileSpec> specs) {
        boolean target = processed.byteSize() == original.length
            && processed.mismatch(MemorySegment.ofArray(original)) == -1;
        try {
          return real.init(context, target ? MemorySegment.ofArray(mutated).asReadOnly() : processed, specs);
        } catch (RuntimeException e) {
          initFailed[0] = true;
          throw e;
        }
      }
    };
    Method m;
    try {
      m = program.loadMethod(method, KernelRegistry.defaultRegistry(), BackendRegistry.builder().register(swap).build());
    } catch (ExecuTorchException e) {
      accept(e, "loadMethod");
      if (!initFailed[0]) {
        throw new XnnFailure("loadMethod failed outside the delegate's init: " + e.getMessage(), e);
      }
      return Outcome.REJECTED_AT_INIT;
    } catch (Throwable t) {
      throw new XnnFailure("loadMethod escaped: " + t, t);
    }
    try (m) {
      if (tc == null) {
        return Outcome.INITIALISED;
      }
      try {
        m.setInputs(tc.inputs().toArray(org.et4j.runtime.EValue[]::new));
        m.execute();
        for (int i = 0; i < m.outputCount(); i++) {
          m.outputCopy(i);
        }
      } catch (ExecuTorchException e) {
        accept(e, "execute");
        return Outcome.REJECTED_AT_EXECUTE;
      }
      return Outcome.EXECUTED;
    } catch (XnnFailure f) {
      throw f;
    } catch (Throwable t) {
      throw new XnnFailure("execute escaped: " + t, t);
    }
  }

  /** Checks that an ExecuTorchException is a proper one: a message, and no stray exception inside. */
  static void accept(ExecuTorchException e, String during) {
    if (Boolean.getBoolean("et4j.hostile.verbose")) {
      System.out.println("  " + during + ": " + e.getMessage());
    }
    for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
      if (!(c instanceof ExecuTorchException)) {
        throw new XnnFailure("during " + during + ": " + e.errorCode() + " wraps a stray " + c, e);
      }
    }
    if (e.detail() == null || e.detail().isBlank()) {
      throw new XnnFailure("during " + during + ": " + e.errorCode() + " without a message", e);
    }
    if (e.errorCode() == ErrorCode.INTERNAL) {
      throw new XnnFailure("during " + during + ": Internal error " + e.getMessage(), e);
    }
  }
}
