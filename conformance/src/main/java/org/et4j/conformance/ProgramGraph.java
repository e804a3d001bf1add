package org.et4j.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.et4j.schema.program.Chain;
import org.et4j.schema.program.DelegateCall;
import org.et4j.schema.program.EDouble;
import org.et4j.schema.program.EIntList;
import org.et4j.schema.program.EValue;
import org.et4j.schema.program.ExecutionPlan;
import org.et4j.schema.program.Instruction;
import org.et4j.schema.program.InstructionArguments;
import org.et4j.schema.program.KernelCall;
import org.et4j.schema.program.KernelTypes;
import org.et4j.schema.program.MoveCall;
import org.et4j.schema.program.Operator;
import org.et4j.schema.program.Program;
import org.et4j.schema.program.Tensor;

/**
 * A method's instruction chain as a dataflow graph, read from the program inside a bundled
 * program that et4j has already loaded (and so validated): which instructions each output value
 * depends on, walking backwards from the output through the instructions that write each value.
 * The conformance suite gives each output the tolerance of the operators that feed it.
 *
 * <p>A kernel call writes its trailing out arguments: the emitter repeats them as the call's
 * return values ({@code [..., out, out]}, {@code [..., o1, o2, o1, o2]}), and a call without that
 * repetition writes its last argument. A move writes its destination from its source. A delegate
 * call's arguments are its inputs and outputs without a marker between them, so every argument
 * counts as both: an output of a delegate depends on the whole delegate.
 */
public final class ProgramGraph {
  /**
   * One instruction that an output depends on.
   *
   * @param operator the kernel's {@code ns::name.overload}, or {@code delegate N}
   * @param delegate the delegate index, or -1 for a kernel call
   * @param args the argument value indices
   */
  public record Node(String operator, int delegate, int[] args) {}

  private final Program program;
  private final ExecutionPlan plan;
  private final List<Node> nodes = new ArrayList<>();
  /** Per node, the values it writes. */
  private final List<int[]> writes = new ArrayList<>();
  /** Per node, the values it reads. */
  private final List<int[]> reads = new ArrayList<>();

  private ProgramGraph(Program program, ExecutionPlan plan) {
    this.program = program;
    this.plan = plan;
    List<String> ops = new ArrayList<>();
    for (int i = 0; i < plan.operatorsLength(); i++) {
      Operator op = plan.operators(i);
      String overload = op.overload();
      ops.add(op.name() + (overload == null || overload.isEmpty() ? ".default" : "." + overload));
    }
    for (int c = 0; c < plan.chainsLength(); c++) {
      Chain chain = plan.chains(c);
      for (int i = 0; i < chain.instructionsLength(); i++) {
        Instruction ins = chain.instructions(i);
        switch (ins.instrArgsType()) {
          case InstructionArguments.KernelCall -> {
            KernelCall k = (KernelCall) ins.instrArgs(new KernelCall());
            int[] args = new int[k.argsLength()];
            for (int a = 0; a < args.length; a++) {
              args[a] = k.args(a);
            }
            int outs = outCount(args);
            add(new Node(ops.get(k.opIndex()), -1, args),
                withListItems(Arrays.copyOfRange(args, args.length - outs, args.length)),
                Arrays.copyOfRange(args, 0, args.length - outs));
          }
          case InstructionArguments.DelegateCall -> {
            DelegateCall d = (DelegateCall) ins.instrArgs(new DelegateCall());
            int[] args = new int[d.argsLength()];
            for (int a = 0; a < args.length; a++) {
              args[a] = d.args(a);
            }
            add(new Node("delegate " + d.delegateIndex(), d.delegateIndex(), args), args, args);
          }
          case InstructionArguments.MoveCall -> {
            MoveCall m = (MoveCall) ins.instrArgs(new MoveCall());
            add(new Node("move", -1, new int[] {m.moveFrom(), m.moveTo()}), new int[] {m.moveTo()},
                new int[] {m.moveFrom()});
          }
          default -> {
            // Jumps and frees move no data.
          }
        }
      }
    }
  }

  private void add(Node n, int[] written, int[] read) {
    nodes.add(n);
    writes.add(written);
    reads.add(read);
  }

  /**
   * How many trailing arguments a kernel call writes: its out arguments and their repetition as
   * return values (the longest tail repeated just before itself), else the last one.
   */
  static int outCount(int[] args) {
    for (int r = args.length / 2; r >= 1; r--) {
      boolean repeated = true;
      for (int i = 0; i < r && repeated; i++) {
        repeated = args[args.length - 2 * r + i] == args[args.length - r + i];
      }
      if (repeated) {
        return 2 * r;
      }
    }
    return Math.min(1, args.length);
  }

  /** The graph of {@code method} in the program of the bundled program {@code bpte}. */
  public static ProgramGraph read(Path bpte, String method) {
    try {
      ByteBuffer bb = ByteBuffer.wrap(Files.readAllBytes(bpte)).order(ByteOrder.LITTLE_ENDIAN);
      var bundled = org.et4j.schema.bundled.BundledProgram.getRootAsBundledProgram(bb);
      ByteBuffer pb = bundled.programAsByteBuffer().slice().order(ByteOrder.LITTLE_ENDIAN);
      Program program = Program.getRootAsProgram(pb);
      for (int i = 0; i < program.executionPlanLength(); i++) {
        ExecutionPlan plan = program.executionPlan(i);
        if (method.equals(plan.name())) {
          return new ProgramGraph(program, plan);
        }
      }
      throw new IllegalArgumentException(bpte + " has no method '" + method + "'");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The value index of output {@code i}. */
  public int outputValue(int i) {
    return plan.outputs(i);
  }

  /** The instructions output {@code i} depends on, in program order. */
  public List<Node> feeding(int output) {
    BitSet seenValues = new BitSet();
    BitSet used = new BitSet();
    Deque<Integer> frontier = new ArrayDeque<>();
    frontier.push(outputValue(output));
    while (!frontier.isEmpty()) {
      int v = frontier.pop();
      if (v < 0 || v >= plan.valuesLength() || seenValues.get(v)) {
        continue;
      }
      seenValues.set(v);
      for (int item : listItems(v)) {
        frontier.push(item);
      }
      boolean written = false;
      for (int n = 0; n < nodes.size(); n++) {
        if (!contains(writes.get(n), v)) {
          continue;
        }
        written = true;
        if (used.get(n)) {
          continue;
        }
        used.set(n);
        for (int r : reads.get(n)) {
          frontier.push(r);
        }
      }
      if (!written) {
        // A view the emitter removed (a reshape or squeeze that only renames memory) is written by
        // no instruction: its values are those of the tensors planned at the same storage.
        for (int alias : sameStorage(v)) {
          frontier.push(alias);
        }
      }
    }
    List<Node> out = new ArrayList<>();
    used.stream().forEach(n -> out.add(nodes.get(n)));
    return out;
  }

  /**
   * The written values and, for a written tensor list, its items: a call with several outputs
   * ({@code native_layer_norm.out}, {@code var_mean.correction_out}, {@code topk.values}) ends with
   * its out tensors and then one tensor list of them as its return value, so the method's outputs
   * are the list's items, not the last argument.
   */
  private int[] withListItems(int[] written) {
    int[] all = written;
    for (int v : written) {
      if (v >= 0 && v < plan.valuesLength() && plan.values(v).valType() == KernelTypes.ETensorList) {
        int[] items = listItems(v);
        int[] grown = Arrays.copyOf(all, all.length + items.length);
        System.arraycopy(items, 0, grown, all.length, items.length);
        all = grown;
      }
    }
    return all;
  }

  /** Where a planned tensor's storage lies: its memory arena and byte offset. */
  private record Storage(long memoryId, long offsetLow, long offsetHigh) {}

  /** Per planned storage, the tensor values placed there; read from the plan once, on first use. */
  private Map<Storage, List<Integer>> tensorsByStorage;

  /** The other planned tensors at exactly the storage of tensor value {@code v} (none when not planned). */
  private List<Integer> sameStorage(int v) {
    if (tensorsByStorage == null) {
      tensorsByStorage = new HashMap<>();
      for (int u = 0; u < plan.valuesLength(); u++) {
        Storage at = storage(u);
        if (at != null) {
          tensorsByStorage.computeIfAbsent(at, k -> new ArrayList<>()).add(u);
        }
      }
    }
    Storage at = storage(v);
    return at == null ? List.of() : tensorsByStorage.getOrDefault(at, List.of());
  }

  private Storage storage(int v) {
    EValue ev = plan.values(v);
    if (ev.valType() != KernelTypes.Tensor) {
      return null;
    }
    var a = ((Tensor) ev.val(new Tensor())).allocationInfo();
    return a == null ? null : new Storage(a.memoryId(), a.memoryOffsetLow(), a.memoryOffsetHigh());
  }

  /** The values a tensor list, optional tensor list or int list value holds (none for others). */
  private int[] listItems(int v) {
    EValue ev = plan.values(v);
    switch (ev.valType()) {
      case KernelTypes.ETensorList -> {
        var l = (org.et4j.schema.program.ETensorList) ev.val(new org.et4j.schema.program.ETensorList());
        int[] out = new int[l.itemsLength()];
        for (int i = 0; i < out.length; i++) {
          out[i] = l.items(i);
        }
        return out;
      }
      case KernelTypes.EOptionalTensorList -> {
        var l = (org.et4j.schema.program.EOptionalTensorList) ev.val(new org.et4j.schema.program.EOptionalTensorList());
        int[] out = new int[l.itemsLength()];
        for (int i = 0; i < out.length; i++) {
          out[i] = l.items(i);
        }
        return out;
      }
      case KernelTypes.EIntList -> {
        EIntList l = (EIntList) ev.val(new EIntList());
        int[] out = new int[l.itemsLength()];
        for (int i = 0; i < out.length; i++) {
          out[i] = (int) l.items(i);
        }
        return out;
      }
      default -> {
        return new int[0];
      }
    }
  }

  private static boolean contains(int[] a, int v) {
    for (int x : a) {
      if (x == v) {
        return true;
      }
    }
    return false;
  }

  /** The serialized sizes of tensor value {@code v} (upper bounds for dynamic ones), or null. */
  public int[] sizes(int v) {
    EValue ev = plan.values(v);
    if (ev.valType() != KernelTypes.Tensor) {
      return null;
    }
    Tensor t = (Tensor) ev.val(new Tensor());
    int[] s = new int[t.sizesLength()];
    for (int i = 0; i < s.length; i++) {
      s[i] = t.sizes(i);
    }
    return s;
  }

  /** The Double value {@code v}, or NaN when it is not a Double. */
  public double doubleValue(int v) {
    EValue ev = plan.values(v);
    return ev.valType() == KernelTypes.EDouble ? ((EDouble) ev.val(new EDouble())).doubleVal() : Double.NaN;
  }

  /** The items of the int list {@code v} (they name Int values), or null. */
  public long[] intList(int v) {
    EValue ev = plan.values(v);
    if (ev.valType() != KernelTypes.EIntList) {
      return null;
    }
    EIntList l = (EIntList) ev.val(new EIntList());
    long[] out = new long[l.itemsLength()];
    for (int i = 0; i < out.length; i++) {
      EValue item = plan.values((int) l.items(i));
      out[i] = item.valType() == KernelTypes.EInt
          ? ((org.et4j.schema.program.EInt) item.val(new org.et4j.schema.program.EInt())).intVal()
          : 0;
    }
    return out;
  }

  /**
   * The quantization step of output {@code i}: the scale of the {@code dequantize_per_tensor}
   * that writes it, or 0 when another instruction (or a per-channel or tensor-scale dequantize)
   * writes it.
   */
  public double quantizationStep(int output) {
    int v = outputValue(output);
    double step = 0;
    for (int n = 0; n < nodes.size(); n++) {
      if (contains(writes.get(n), v)) {
        Node node = nodes.get(n);
        boolean dequantize = node.operator().startsWith("quantized_decomposed::dequantize_per_tensor.")
            && node.args().length > 1;
        double scale = dequantize ? doubleValue(node.args()[1]) : Double.NaN;
        if (!(scale > 0)) {
          return 0;
        }
        step = scale;
      }
    }
    return step;
  }

  /** Every data-moving instruction, in program order. */
  public List<Node> allNodes() {
    return List.copyOf(nodes);
  }

  /** The largest dim of any tensor value of the method (serialized sizes). */
  public long largestDim() {
    long max = 0;
    for (int v = 0; v < plan.valuesLength(); v++) {
      int[] s = sizes(v);
      if (s != null) {
        for (int x : s) {
          max = Math.max(max, x);
        }
      }
    }
    return max;
  }

  /** The program, for what a caller needs beyond this method's graph. */
  Program program() {
    return program;
  }
}
