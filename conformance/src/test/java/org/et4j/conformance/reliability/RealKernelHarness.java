package org.et4j.conformance.reliability;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.et4j.runtime.EValue;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.Method;
import org.et4j.runtime.MethodMeta;
import org.et4j.runtime.Program;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.Tensor;
import org.et4j.runtime.TensorInfo;
import org.et4j.runtime.ValueInfo;

/**
 * Runs one untrusted program with the real kernels and backends (the default registries): load,
 * every method's metadata, loading each method, inputs (the bundle's, or seeded random ones of
 * the declared dtypes and shapes when the bundle's no longer fit), execute, copy every output.
 *
 * <p>Executions get a {@link #DEADLINE}. The contract: only {@link ExecuTorchException} with a
 * message may come out, and not an
 * {@code Internal} one that wraps a stray Java exception (the interpreter's last-resort wrapper,
 * which would hide a kernel bug). Anything else is a {@link Breach}.
 */
final class RealKernelHarness {
  /** Planned memory one method may have in these tests; the loader must refuse more. */
  static final long MAX_PLANNED_BYTES = 64L << 20;

  /** Inputs larger than this are not built (the method is loaded, not executed). */
  static final long MAX_INPUT_BYTES = 4L << 20;

  /**
   * A hostile program may legally loop until ExecuTorch's budget of ten million instructions
   * runs out, about a second with the real kernels; a caller that runs untrusted programs bounds
   * them tighter with a deadline, as this harness does (the deadline's error is one of the clean
   * failures, and so exercises cancellation under hostile programs).
   */
  static final java.time.Duration DEADLINE = java.time.Duration.ofMillis(400);

  /** How far a case got. */
  enum Outcome {
    REJECTED_AT_LOAD,
    REJECTED_AT_METHOD,
    REJECTED_AT_INPUT,
    FAILED_IN_EXECUTE,
    EXECUTED
  }

  /** A breach of the contract. */
  static final class Breach extends AssertionError {
    Breach(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private RealKernelHarness() {}

  /**
   * Runs every method of {@code pte}; returns how far the furthest method got and adds the codes
   * of the errors raised to {@code codes}.
   *
   * @param bundled the bundle's inputs per method name (the first test case), tried first
   */
  static Outcome exercise(byte[] pte, byte[][] ptd, Map<String, List<EValue>> bundled, long seed,
      Map<ErrorCode, Integer> codes) {
    return exercise(pte, ptd, bundled, seed, codes, DEADLINE);
  }

  /**
   * As {@link #exercise(byte[], byte[][], Map, long, Map)}, with each execution bounded by {@code
   * deadline}: an unmutated real program gets a generous one, so that a loaded machine (a cold JIT
   * on two busy cores can take longer than {@link #DEADLINE}) does not read as a failure.
   */
  static Outcome exercise(byte[] pte, byte[][] ptd, Map<String, List<EValue>> bundled, long seed,
      Map<ErrorCode, Integer> codes, java.time.Duration deadline) {
    Program program;
    try {
      program = Program.load(pte, ptd);
    } catch (ExecuTorchException e) {
      accept(e, "Program.load", codes);
      return Outcome.REJECTED_AT_LOAD;
    } catch (Throwable t) {
      throw new Breach("Program.load: escaped " + t, t);
    }
    Outcome best = Outcome.REJECTED_AT_METHOD;
    try (program) {
      List<String> names;
      try {
        names = program.methodNames();
      } catch (ExecuTorchException e) {
        accept(e, "methodNames", codes);
        return best;
      }
      for (String name : names) {
        Outcome o = exerciseMethod(program, name, bundled.get(name), seed, codes, deadline);
        if (o.compareTo(best) > 0) {
          best = o;
        }
      }
    } catch (Breach b) {
      throw b;
    } catch (ExecuTorchException e) {
      accept(e, "program", codes);
    } catch (Throwable t) {
      throw new Breach("escaped " + t, t);
    }
    return best;
  }

  private static Outcome exerciseMethod(Program program, String name, List<EValue> bundled, long seed,
      Map<ErrorCode, Integer> codes, java.time.Duration deadline) {
    MethodMeta meta;
    Method method;
    try {
      meta = program.methodMeta(name);
      method = program.loadMethod(name);
    } catch (ExecuTorchException e) {
      accept(e, "loading method '" + name + "'", codes);
      return Outcome.REJECTED_AT_METHOD;
    }
    try (method) {
      if (method.meta().plannedBytes() > MAX_PLANNED_BYTES) {
        throw new Breach("method '" + name + "' loaded with " + method.meta().plannedBytes() + " planned bytes", null);
      }
      if (!setInputs(method, meta, bundled, seed, codes)) {
        return Outcome.REJECTED_AT_INPUT;
      }
      try {
        method.execute(deadline);
        for (int i = 0; i < method.outputCount(); i++) {
          method.outputCopy(i);
        }
      } catch (ExecuTorchException e) {
        accept(e, "execute of '" + name + "'", codes);
        return Outcome.FAILED_IN_EXECUTE;
      }
      return Outcome.EXECUTED;
    }
  }

  /** The bundle's inputs when they all fit; otherwise seeded random ones. False when none can be set. */
  private static boolean setInputs(Method method, MethodMeta meta, List<EValue> bundled, long seed,
      Map<ErrorCode, Integer> codes) {
    if (bundled != null && bundled.size() == method.inputCount()) {
      try {
        method.setInputs(bundled.toArray(EValue[]::new));
        return true;
      } catch (ExecuTorchException e) {
        accept(e, "bundled inputs", codes);
      }
    }
    SplittableRandom r = new SplittableRandom(seed);
    List<ValueInfo> inputs = meta.inputs();
    for (int i = 0; i < inputs.size(); i++) {
      ValueInfo in = inputs.get(i);
      EValue value;
      if (in.tensor() != null) {
        TensorInfo t = in.tensor();
        if (t.nbytes() > MAX_INPUT_BYTES) {
          return false;
        }
        value = EValue.from(random(t, r));
      } else if (in.constant() != null) {
        value = in.constant();
      } else {
        value = EValue.none();
      }
      try {
        method.setInput(i, value);
      } catch (ExecuTorchException e) {
        accept(e, "input " + i, codes);
        return false;
      }
    }
    return true;
  }

  /** Values a kernel meets in real inputs: small numbers, and now and then a zero, a NaN, a huge one. */
  static Tensor random(TensorInfo info, SplittableRandom r) {
    ScalarType dtype = info.dtype();
    long[] shape = info.sizes().stream().mapToLong(Integer::longValue).toArray();
    long n = 1;
    for (long s : shape) {
      n *= s;
    }
    MemorySegment d = java.lang.foreign.Arena.ofAuto().allocate(Math.max(1, n * dtype.elementSize()), 8).asSlice(0, n * dtype.elementSize());
    for (long k = 0; k < n; k++) {
      double x = r.nextInt(50) == 0 ? special(r) : r.nextGaussian() * 2;
      switch (dtype) {
        case FLOAT -> d.setAtIndex(ValueLayout.JAVA_FLOAT, k, (float) x);
        case DOUBLE -> d.setAtIndex(ValueLayout.JAVA_DOUBLE, k, x);
        case HALF -> d.setAtIndex(ValueLayout.JAVA_SHORT, k, Float.floatToFloat16((float) x));
        case BFLOAT16 -> d.setAtIndex(ValueLayout.JAVA_SHORT, k, (short) (Float.floatToIntBits((float) x) >>> 16));
        case LONG -> d.setAtIndex(ValueLayout.JAVA_LONG, k, smallInt(r));
        case INT -> d.setAtIndex(ValueLayout.JAVA_INT, k, (int) smallInt(r));
        case SHORT -> d.setAtIndex(ValueLayout.JAVA_SHORT, k, (short) smallInt(r));
        case CHAR, BYTE -> d.set(ValueLayout.JAVA_BYTE, k, (byte) smallInt(r));
        case BOOL -> d.set(ValueLayout.JAVA_BYTE, k, (byte) r.nextInt(2));
        default -> {
          for (int b = 0; b < dtype.elementSize(); b++) {
            d.set(ValueLayout.JAVA_BYTE, k * dtype.elementSize() + b, (byte) r.nextInt(256));
          }
        }
      }
    }
    return Tensor.fromSegment(dtype, d, shape);
  }

  private static double special(SplittableRandom r) {
    double[] s = {0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e30, -1e30};
    return s[r.nextInt(s.length)];
  }

  private static long smallInt(SplittableRandom r) {
    return r.nextInt(20) == 0 ? r.nextLong() : r.nextInt(9) - 4;
  }

  /** Checks that an ExecuTorchException the runtime raised is a proper one, and counts its code. */
  static void accept(ExecuTorchException e, String during, Map<ErrorCode, Integer> codes) {
    if (Boolean.getBoolean("et4j.reliability.verbose")) {
      System.out.println("  " + during + ": " + e.getMessage());
    }
    codes.merge(e.errorCode(), 1, Integer::sum);
    Throwable stray = e.getCause();
    while (stray instanceof ExecuTorchException && stray.getCause() != null && stray.getCause() != stray) {
      stray = stray.getCause();
    }
    if (stray != null && !(stray instanceof ExecuTorchException)) {
      throw new Breach("during " + during + ": " + e.errorCode() + " wraps a stray " + stray, e);
    }
    if (e.detail() == null || e.detail().isBlank()) {
      throw new Breach("during " + during + ": " + e.errorCode() + " without a message", e);
    }
  }
}
