package org.et4j.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import org.et4j.kernels.testing.OpHarness;
import org.et4j.kernels.util.Elements;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.ShapeDynamism;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelContext;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.OpKernel;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every kernel of the registry, bound and executed with seeded random arguments of the kinds its
 * schema names (kernel-arguments.txt) but arbitrary values: shapes of rank 0 to 4 with zero
 * sizes, ten dtypes, channels-last dim orders, negative and out-of-range dims and indices,
 * NaN/infinite/huge scalars, integer zeros (division by zero), None where the schema allows it,
 * and now and then a slot of the wrong kind. Each call answers with a result or an
 * ExecuTorchException with a message: never another exception, never an Internal error.
 *
 * <p>{@code -Det4j.kernels.random.trials=N} sets the calls per kernel (200 by default).
 */
class AllKernelsRandomArgumentsTest {
  private static final int TRIALS = Integer.getInteger("et4j.kernels.random.trials", 200);
  private static final long SEED = Long.getLong("et4j.kernels.random.seed", 0xA11_4E4L);
  private static final KernelContext CONTEXT = n -> Arena.ofAuto().allocate(Math.max(1, n), 64);
  private static final ScalarType[] DTYPES = {
    ScalarType.FLOAT, ScalarType.FLOAT, ScalarType.DOUBLE, ScalarType.HALF, ScalarType.BFLOAT16, ScalarType.LONG,
    ScalarType.INT, ScalarType.SHORT, ScalarType.CHAR, ScalarType.BYTE, ScalarType.BOOL
  };

  static Map<String, String> specs() {
    Map<String, String> specs = new LinkedHashMap<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        Objects.requireNonNull(AllKernelsRandomArgumentsTest.class.getResourceAsStream("kernel-arguments.txt")),
        StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (!line.isBlank() && !line.startsWith("#")) {
          String[] p = line.trim().split(" ");
          specs.put(p[0], p.length > 1 ? p[1] : "");
        }
      }
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return specs;
  }

  @Test
  void everyRegisteredKernelHasItsArgumentKinds() {
    KernelRegistry registry = KernelRegistry.defaultRegistry();
    assertThat(new TreeSet<>(specs().keySet())).isEqualTo(new TreeSet<>(registry.names()));
    assertThat(registry.size()).isEqualTo(261);
  }

  @Test
  @Timeout(300)
  void everyKernelAnswersRandomArgumentsWithAResultOrACleanError() {
    KernelRegistry registry = KernelRegistry.defaultRegistry();
    List<String> unexpected = new ArrayList<>();
    Map<String, Integer> succeeded = new TreeMap<>();
    long calls = 0;
    long slowestNanos = 0;
    String slowest = "";
    for (Map.Entry<String, String> e : specs().entrySet()) {
      OpKernel kernel = registry.lookup(e.getKey());
      assertThat(kernel).as(e.getKey()).isNotNull();
      SplittableRandom random = new SplittableRandom(SEED ^ e.getKey().hashCode());
      for (int trial = 0; trial < TRIALS; trial++) {
        Arguments a = new Arguments(random);
        Value[] args = a.of(e.getValue());
        String described = describe(e.getKey(), args);
        long t0 = System.nanoTime();
        try {
          KernelCall call = kernel.bind(args);
          call.execute(CONTEXT);
          call.execute(CONTEXT);
          succeeded.merge(e.getKey(), 1, Integer::sum);
        } catch (ExecuTorchException ex) {
          if (ex.errorCode() == ErrorCode.INTERNAL || ex.detail() == null || ex.detail().isBlank()) {
            unexpected.add(described + " -> " + ex);
          }
        } catch (RuntimeException | Error ex) {
          if (unexpected.size() < 30) {
            StackTraceElement[] st = ex.getStackTrace();
            unexpected.add(described + " -> " + ex + " at " + (st.length > 0 ? st[0] : "?") + " / "
                + (st.length > 1 ? st[1] : "?") + " / " + (st.length > 2 ? st[2] : "?"));
          }
        }
        long took = System.nanoTime() - t0;
        if (took > slowestNanos) {
          slowestNanos = took;
          slowest = described;
        }
        calls++;
      }
    }
    TreeSet<String> never = new TreeSet<>(specs().keySet());
    never.removeAll(succeeded.keySet());
    System.out.println("kernels with no successful random call: " + never);
    System.out.printf("random arguments: %d calls over %d kernels, %d kernels succeeded at least once; slowest %.1f ms (%s)%n",
        calls, specs().size(), succeeded.size(), slowestNanos / 1e6, slowest);
    assertThat(unexpected).isEmpty();
    // A generator that only ever produced invalid calls would prove nothing.
    assertThat(succeeded.size()).isGreaterThan(200);
    assertThat(slowestNanos).as("slowest call: " + slowest).isLessThan(2_000_000_000L);
  }

  /** ExecuTorch's portable kernels crash on these (elliott-wen/executorch-fuzzer); et4j answers cleanly. */
  @Test
  void theCrashersOfExecuTorchsPortableKernelsFailCleanly() {
    TensorImpl x = OpHarness.tensor(ScalarType.FLOAT, new int[] {2, 3}, 1, 2, 3, 4, 5, 6);
    TensorImpl out = OpHarness.dynamicOut(ScalarType.FLOAT, 64, 2, 3);
    assertInvalid("aten::narrow_copy.out", Value.ofTensor(x), Value.ofInt(-3), Value.ofInt(0), Value.ofInt(1),
        Value.ofTensor(out), Value.ofTensor(out));
    TensorImpl scalar = OpHarness.tensor(ScalarType.FLOAT, new int[0], 7);
    TensorImpl out0 = OpHarness.dynamicOut(ScalarType.FLOAT, 64);
    assertInvalid("aten::unfold_copy.out", Value.ofTensor(scalar), Value.ofInt(0), Value.ofInt(1), Value.ofInt(1),
        Value.ofTensor(out0), Value.ofTensor(out0));
    // Integer division by zero: ExecuTorch's kernel traps on SIGFPE; PyTorch raises "ZeroDivisionError".
    TensorImpl a = OpHarness.longTensor(new int[] {3}, 6, -7, 0);
    TensorImpl zero = OpHarness.longTensor(new int[] {3}, 0, 0, 0);
    TensorImpl outL = OpHarness.dynamicOut(ScalarType.LONG, 64, 3);
    for (String op : new String[] {"aten::floor_divide.out", "aten::remainder.Tensor_out", "aten::fmod.Tensor_out"}) {
      assertInvalid(op, Value.ofTensor(a), Value.ofTensor(zero), Value.ofTensor(outL), Value.ofTensor(outL));
    }
    assertInvalid("executorch_prim::floordiv.int", Value.ofInt(5), Value.ofInt(0), new Value());
    assertInvalid("executorch_prim::mod.int", Value.ofInt(5), Value.ofInt(0), new Value());
  }

  private static void assertInvalid(String op, Value... args) {
    try {
      KernelCall call = KernelRegistry.defaultRegistry().lookup(op).bind(args);
      call.execute(CONTEXT);
      throw new AssertionError(op + " accepted " + describe(op, args));
    } catch (ExecuTorchException e) {
      assertThat(e.errorCode()).as(op + ": " + e.getMessage()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
      assertThat(e.getMessage()).contains(op.substring(op.indexOf("::") + 2, op.indexOf('.')));
    }
  }

  private static String describe(String op, Value[] args) {
    StringBuilder sb = new StringBuilder(op).append('(');
    for (Value v : args) {
      sb.append(switch (v.tag()) {
        case INT_LIST -> java.util.Arrays.toString(v.toIntList());
        case TENSOR_LIST, OPTIONAL_TENSOR_LIST -> java.util.Arrays.toString(v.toTensorList());
        default -> String.valueOf(v);
      }).append(", ");
    }
    return sb.append(')').toString();
  }

  /** One call's arguments, from a spec string (see kernel-arguments.txt). */
  private static final class Arguments {
    private final SplittableRandom random;
    private Value lastOut;
    /** Most tensors of one call share a dtype and a shape, so that valid calls are common too. */
    private final ScalarType callDtype;
    private final int[] callShape;

    Arguments(SplittableRandom random) {
      this.random = random;
      this.callDtype = DTYPES[random.nextInt(DTYPES.length)];
      this.callShape = randomShape();
    }

    Value[] of(String spec) {
      Value[] args = new Value[spec.length()];
      for (int k = 0; k < spec.length(); k++) {
        char c = spec.charAt(k);
        if (c == 'R') {
          args[k] = lastOut != null ? lastOut : args[0];
        } else if (c == 'r') {
          args[k] = new Value();
        } else if (random.nextInt(60) == 0) {
          args[k] = wrongKind();
        } else {
          args[k] = argument(c);
          if (c == 'O' || c == 'X') {
            lastOut = args[k];
          }
        }
      }
      return args;
    }

    private Value wrongKind() {
      return switch (random.nextInt(4)) {
        case 0 -> new Value();
        case 1 -> Value.ofInt(smallInt());
        case 2 -> Value.ofTensor(tensor(dtype()));
        default -> OpHarness.ints(list());
      };
    }

    private Value argument(char kind) {
      return switch (kind) {
        case 'T' -> Value.ofTensor(tensor(dtype()));
        case 'U' -> random.nextInt(3) == 0 ? new Value() : Value.ofTensor(tensor(dtype()));
        case 'O' -> Value.ofTensor(out(dtype()));
        case 't', 'X' -> {
          int n = 1 + random.nextInt(3);
          ScalarType t = dtype();
          TensorImpl[] ts = new TensorImpl[n];
          for (int k = 0; k < n; k++) {
            ts[k] = kind == 'X' ? out(t) : tensor(t);
          }
          yield OpHarness.tensors(ts);
        }
        case 'o' -> {
          int n = random.nextInt(4);
          Value[] items = new Value[n];
          for (int k = 0; k < n; k++) {
            int pick = random.nextInt(4);
            items[k] = pick == 0 ? new Value() : Value.ofTensor(pick == 1 ? tensor(ScalarType.BOOL) : indexTensor());
          }
          Value v = new Value();
          v.setOptionalTensorList(items);
          yield v;
        }
        case 'i' -> Value.ofInt(smallInt());
        case 'n' -> random.nextInt(3) == 0 ? new Value() : Value.ofInt(smallInt());
        case 'l' -> OpHarness.ints(list());
        case 'm' -> random.nextInt(3) == 0 ? new Value() : OpHarness.ints(list());
        case 'f' -> Value.ofDouble(real());
        case 'g' -> random.nextInt(3) == 0 ? new Value() : Value.ofDouble(real());
        case 'd' -> {
          double[] xs = new double[random.nextInt(4)];
          for (int k = 0; k < xs.length; k++) {
            xs[k] = real();
          }
          Value v = new Value();
          v.setDoubleList(xs);
          yield v;
        }
        case 'b' -> Value.ofBool(random.nextBoolean());
        case 'c' -> random.nextInt(3) == 0 ? new Value() : Value.ofBool(random.nextBoolean());
        case 'e' -> {
          boolean[] xs = new boolean[random.nextInt(4)];
          for (int k = 0; k < xs.length; k++) {
            xs[k] = random.nextBoolean();
          }
          Value v = new Value();
          v.setBoolList(xs);
          yield v;
        }
        case 's' -> scalar();
        case 'z' -> random.nextInt(3) == 0 ? new Value() : scalar();
        case 'y' -> Value.ofInt(dtypeCode());
        case 'Y' -> random.nextInt(2) == 0 ? new Value() : Value.ofInt(dtypeCode());
        case 'S', 'Q' -> {
          if (kind == 'Q' && random.nextInt(2) == 0) {
            yield new Value();
          }
          String[] choices = {"none", "tanh", "trunc", "floor", "", "bogus"};
          Value v = new Value();
          v.setString(choices[random.nextInt(choices.length)]);
          yield v;
        }
        case 'N' -> random.nextInt(4) == 0 ? Value.ofInt(random.nextInt(3)) : new Value();
        default -> throw new IllegalArgumentException("kind " + kind);
      };
    }

    private ScalarType dtype() {
      return random.nextInt(10) < 7 ? callDtype : DTYPES[random.nextInt(DTYPES.length)];
    }

    private long dtypeCode() {
      return random.nextInt(10) == 0 ? random.nextInt(40) - 2 : dtype().code();
    }

    private Value scalar() {
      return switch (random.nextInt(3)) {
        case 0 -> Value.ofInt(random.nextInt(6) == 0 ? extremeLong() : smallInt());
        case 1 -> Value.ofDouble(real());
        default -> Value.ofBool(random.nextBoolean());
      };
    }

    private double real() {
      return switch (random.nextInt(10)) {
        case 0 -> Double.NaN;
        case 1 -> new double[] {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e300, -1e300, 0.0}[random.nextInt(5)];
        default -> random.nextGaussian() * 4;
      };
    }

    private long extremeLong() {
      return new long[] {Long.MIN_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE, Integer.MIN_VALUE, 1L << 40}[random.nextInt(5)];
    }

    private long smallInt() {
      return random.nextInt(25) == 0 ? extremeLong() : random.nextInt(9) - 4;
    }

    private long[] list() {
      long[] xs = new long[random.nextInt(5)];
      for (int k = 0; k < xs.length; k++) {
        xs[k] = random.nextInt(30) == 0 ? extremeLong() : random.nextInt(8) == 0 ? -1 : random.nextInt(6) - 2;
      }
      return xs;
    }

    private int[] shape() {
      return random.nextInt(10) < 6 ? callShape.clone() : randomShape();
    }

    private int[] randomShape() {
      int[] s = new int[random.nextInt(5)];
      for (int k = 0; k < s.length; k++) {
        s[k] = random.nextInt(4);
      }
      return s;
    }

    private TensorImpl tensor(ScalarType t) {
      TensorImpl x;
      if (random.nextInt(6) == 0) {
        int[] s = {1 + random.nextInt(2), random.nextInt(4), random.nextInt(3), random.nextInt(3)};
        long n = (long) s[0] * s[1] * s[2] * s[3];
        x = new TensorImpl(t, s, new int[] {0, 2, 3, 1}, ShapeDynamism.STATIC,
            Arena.ofAuto().allocate(Math.max(1, n * t.elementSize()), 64), n * t.elementSize());
      } else {
        x = OpHarness.empty(t, shape());
      }
      MemorySegment d = x.data();
      for (long k = 0; k < x.numel(); k++) {
        if (t.isFloatingPoint() && random.nextInt(12) == 0) {
          Elements.writeDouble(t, d, k, new double[] {Double.NaN, Double.POSITIVE_INFINITY, -0.0}[random.nextInt(3)]);
        } else {
          Elements.writeLong(t, d, k, random.nextInt(7) - 3);
        }
      }
      return x;
    }

    private TensorImpl indexTensor() {
      ScalarType t = random.nextBoolean() ? ScalarType.LONG : ScalarType.INT;
      TensorImpl x = OpHarness.empty(t, shape());
      for (long k = 0; k < x.numel(); k++) {
        Elements.writeLong(t, x.data(), k, random.nextInt(9) - 4);
      }
      return x;
    }

    private TensorImpl out(ScalarType t) {
      int[] s = shape();
      int[] order = new int[s.length];
      for (int k = 0; k < order.length; k++) {
        order[k] = k;
      }
      if (random.nextInt(6) == 0) {
        s = new int[] {1, random.nextInt(4), random.nextInt(3), random.nextInt(3)};
        order = new int[] {0, 2, 3, 1};
      }
      ShapeDynamism dyn = random.nextInt(5) == 0 ? ShapeDynamism.STATIC : ShapeDynamism.DYNAMIC_BOUND;
      long n = 1;
      for (int x : s) {
        n *= x;
      }
      // As the loader guarantees: the capacity holds the initial shape (a bound room to grow).
      long bound = Math.max(64, n);
      long bytes = (dyn == ShapeDynamism.STATIC ? n : bound) * t.elementSize();
      return new TensorImpl(t, s, order, dyn, Arena.ofAuto().allocate(Math.max(1, bytes), 64), bytes);
    }
  }
}
