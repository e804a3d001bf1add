package org.et4j.backends.xnnpack.nativebridge;

import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.et4j.backends.xnnpack.XnnDatatype;
import org.et4j.backends.xnnpack.XnnGraph;
import org.et4j.backends.xnnpack.XnnValue;
import org.et4j.backends.xnnpack.XnnpackDebug;
import org.et4j.runtime.BundledProgram;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.delegate.Backend;
import org.et4j.runtime.delegate.BackendInitContext;
import org.et4j.runtime.delegate.BackendRegistry;
import org.et4j.runtime.delegate.CompileSpec;
import org.et4j.runtime.delegate.DelegateHandle;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * Runs each XNNPACK delegate of a bundled program through both et4j's Java operators and native
 * XNNPACK on the same inputs, and reports, node by node, how far the Java result is from the
 * native one and the first node whose output differs beyond the tolerance
 * ({@code |java - native| > atol + rtol * |native|}).
 *
 * <p>Native XNNPACK is asked to keep every intermediate value as an extra graph output, so its
 * results are those of unfused nodes (XNNPACK cannot fuse a node into its consumer when the
 * node's output must be written out); the method's final outputs are et4j's.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp ... org.et4j.backends.xnnpack.nativebridge.NodeByNodeComparison \
 *     FILE.bpte [--method forward] [--case 0] [--rtol 1e-4] [--atol 1e-5] [--ptd FILE.ptd] \
 *     [--xnnpack-native PATH]
 * </pre>
 */
public final class NodeByNodeComparison {
  /** One node output compared. */
  public record Row(int delegate, int node, String kind, int valueId, String shape, double maxAbs, double maxNative,
      boolean withinTolerance, String note) {}

  private final double rtol;
  private final double atol;
  private final String nativePath;
  private final List<Row> rows = new ArrayList<>();
  private int delegates;

  NodeByNodeComparison(double rtol, double atol, String nativePath) {
    this.rtol = rtol;
    this.atol = atol;
    this.nativePath = nativePath;
  }

  /** The rows of every delegate and execution so far, in execution order. */
  public List<Row> rows() {
    return rows;
  }

  /** The first row beyond tolerance, or null. */
  public Row firstDifference() {
    return rows.stream().filter(r -> !r.withinTolerance()).findFirst().orElse(null);
  }

  /**
   * Compares both backends on test case {@code caseIndex} of {@code method}.
   *
   * @return the comparison, with its rows
   */
  public static NodeByNodeComparison run(Path bpte, List<Path> ptds, String method, int caseIndex, double rtol,
      double atol, String nativePath) {
    NodeByNodeComparison c = new NodeByNodeComparison(rtol, atol, nativePath);
    BackendRegistry registry = BackendRegistry.builder().register(c.backend()).build();
    try (BundledProgram bundle = BundledProgram.load(bpte, ptds.toArray(Path[]::new));
        var m = bundle.program().loadMethod(method, KernelRegistry.defaultRegistry(), registry)) {
      List<BundledProgram.TestCase> cases = bundle.testCases(method);
      if (caseIndex < 0 || caseIndex >= cases.size()) {
        throw new IllegalArgumentException("--case " + caseIndex + ": the bundle has " + cases.size() + " cases for "
            + method);
      }
      BundledProgram.runCase(m, cases.get(caseIndex), rtol, atol);
    }
    return c;
  }

  private Backend backend() {
    return new Backend() {
      @Override
      public String id() {
        return "XnnpackBackend";
      }

      @Override
      public DelegateHandle init(BackendInitContext context, MemorySegment processed, List<CompileSpec> specs) {
        int index = delegates++;
        XnnGraph graph = XnnpackDebug.decode(processed, context.namedData(),
            "method '" + context.methodName() + "' XnnpackBackend payload " + index);
        XnnLibrary lib = XnnLibrary.load(XnnLibrary.locate(
            nativePath != null ? nativePath : System.getProperty("et4j." + NativeXnnpackBridge.PATH_OPTION),
            System.getProperty("et4j." + NativeXnnpackBridge.VENV_OPTION)));
        NativeXnnRuntime nativeRt = NativeXnnDefiner.compile(lib, graph, NativeXnnpackBridge.threads(context), true);
        Map<Integer, double[]> nativeValues = new HashMap<>();
        Map<Integer, long[]> nativeShapes = new HashMap<>();
        DelegateHandle javaRt = XnnpackDebug.compileJava(graph,
            (node, value, dims, data) -> compare(index, node, value, dims, data, nativeValues, nativeShapes));
        return new DelegateHandle() {
          @Override
          public void execute(Value[] args) {
            nativeRt.execute(args);
            nativeValues.clear();
            nativeShapes.clear();
            NativeXnnRuntime.Extra extra = nativeRt.extra();
            if (extra != null) {
              for (int i = 0; i < extra.values().length; i++) {
                XnnValue v = extra.values()[i];
                nativeShapes.put(v.id(), extra.shapes()[i]);
                nativeValues.put(v.id(), read(v.datatype(), null, extra.buffers()[i], count(extra.shapes()[i])));
              }
            }
            XnnValue[] outs = nativeRt.outputs();
            for (int i = 0; i < outs.length; i++) {
              TensorImpl t = args[outs[i].externalIndex()].toTensor();
              nativeShapes.put(outs[i].id(), nativeRt.outputShape(i));
              nativeValues.put(outs[i].id(), read(outs[i].datatype(), t.dtype(), t.data(), t.numel()));
            }
            javaRt.execute(args);
          }

          @Override
          public void close() {
            javaRt.close();
            nativeRt.close();
          }
        };
      }
    };
  }

  private void compare(int delegate, XnnGraph.Node node, XnnValue value, int[] dims, MemorySegment data,
      Map<Integer, double[]> nativeValues, Map<Integer, long[]> nativeShapes) {
    String shape = value.datatype() + Arrays.toString(dims);
    double[] expected = nativeValues.get(value.id());
    if (expected == null) {
      rows.add(new Row(delegate, node.index(), node.kind().schemaName(), value.id(), shape, 0, 0, true,
          "not compared (" + (value.datatype() == XnnDatatype.QDINT8 ? "dynamically quantized, internal to XNNPACK"
              : "native XNNPACK does not expose it") + ")"));
      return;
    }
    long[] nativeShape = nativeShapes.get(value.id());
    long[] javaShape = Arrays.stream(dims).asLongStream().toArray();
    if (!Arrays.equals(nativeShape, javaShape)) {
      rows.add(new Row(delegate, node.index(), node.kind().schemaName(), value.id(), shape, Double.POSITIVE_INFINITY,
          0, false, "native XNNPACK's shape is " + Arrays.toString(nativeShape)));
      return;
    }
    double[] actual = read(value.datatype(), null, data, count(nativeShape));
    double maxAbs = 0;
    double maxNative = 0;
    boolean ok = actual != null;
    int worst = -1;
    if (ok) {
      for (int i = 0; i < actual.length; i++) {
        // Equal infinities (a masked attention score) and two NaNs agree; inf - inf would be NaN.
        boolean same = actual[i] == expected[i] || Double.isNaN(actual[i]) && Double.isNaN(expected[i]);
        double d = same ? 0 : Math.abs(actual[i] - expected[i]);
        if (!same && !(d <= atol + rtol * Math.abs(expected[i]))) {
          if (ok) {
            worst = i;
          }
          ok = false;
        }
        if (Double.isFinite(expected[i])) {
          maxNative = Math.max(maxNative, Math.abs(expected[i]));
        }
        if (d > maxAbs || Double.isNaN(d)) {
          maxAbs = Double.isNaN(d) ? Double.NaN : d;
        }
      }
    }
    String note = actual == null ? "datatype not compared"
        : worst >= 0 ? String.format(Locale.ROOT, "first beyond tolerance at element %d: java %.9g, native %.9g", worst,
            actual[worst], expected[worst]) : "";
    rows.add(new Row(delegate, node.index(), node.kind().schemaName(), value.id(), shape, maxAbs, maxNative,
        ok || actual == null, note));
  }

  private static long count(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }

  /** The first {@code n} elements as doubles, or null for a datatype this tool does not read. */
  private static double[] read(XnnDatatype dt, ScalarType tensorType, MemorySegment data, long n) {
    if (n > Integer.MAX_VALUE) {
      return null;
    }
    double[] out = new double[(int) n];
    for (int i = 0; i < n; i++) {
      out[i] = switch (dt) {
        case FP32 -> data.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i);
        case INT32 -> tensorType == ScalarType.LONG ? data.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, i)
            : data.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i);
        case QINT8 -> data.get(ValueLayout.JAVA_BYTE, i);
        case QUINT8 -> Byte.toUnsignedInt(data.get(ValueLayout.JAVA_BYTE, i));
        default -> Double.NaN;
      };
      if (Double.isNaN(out[i]) && dt != XnnDatatype.FP32) {
        return null;
      }
    }
    return out;
  }

  /** Prints the rows and the verdict. */
  void print(PrintStream out) {
    for (Row r : rows) {
      out.printf(Locale.ROOT, "delegate %d node %3d %-22s value %4d %-26s max|java-native| %-9.3g max|native| %-9.3g %s%s%n",
          r.delegate(), r.node(), r.kind(), r.valueId(), r.shape(), r.maxAbs(), r.maxNative(), r.withinTolerance() ? "ok" : "BEYOND TOLERANCE",
          r.note().isEmpty() ? "" : "  " + r.note());
    }
    Row first = firstDifference();
    out.println(first == null
        ? String.format(Locale.ROOT, "all %d node outputs within rtol %g, atol %g", rows.size(), rtol, atol)
        : String.format(Locale.ROOT, "first difference beyond rtol %g, atol %g: delegate %d node %d (%s), value %d %s: %s",
            rtol, atol, first.delegate(), first.node(), first.kind(), first.valueId(), first.shape(), first.note()));
  }

  /**
   * The command line: see the class comment. Exits 0 when every node is within tolerance, 1 when
   * one is not, 2 on a usage or load error.
   *
   * @param args FILE.bpte and options
   */
  public static void main(String[] args) {
    String file = null;
    String method = "forward";
    int caseIndex = 0;
    double rtol = 1e-4;
    double atol = 1e-5;
    String nativePath = null;
    List<Path> ptds = new ArrayList<>();
    try {
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "--method" -> method = args[++i];
          case "--case" -> caseIndex = Integer.parseInt(args[++i]);
          case "--rtol" -> rtol = Double.parseDouble(args[++i]);
          case "--atol" -> atol = Double.parseDouble(args[++i]);
          case "--ptd" -> ptds.add(Path.of(args[++i]));
          case "--xnnpack-native" -> nativePath = args[++i];
          default -> {
            if (a.startsWith("--") || file != null) {
              throw new IllegalArgumentException("unexpected argument " + a);
            }
            file = a;
          }
        }
      }
      if (file == null) {
        throw new IllegalArgumentException("usage: NodeByNodeComparison FILE.bpte [--method NAME] [--case N]"
            + " [--rtol R] [--atol A] [--ptd FILE.ptd] [--xnnpack-native PATH]");
      }
      NodeByNodeComparison c = run(Path.of(file), ptds, method, caseIndex, rtol, atol, nativePath);
      c.print(System.out);
      System.exit(c.firstDifference() == null ? 0 : 1);
    } catch (RuntimeException e) {
      System.err.println(e.getMessage());
      System.exit(2);
    }
  }
}
