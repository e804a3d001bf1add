package org.et4j.runtime.hostile;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.et4j.runtime.BundledProgram;
import org.et4j.runtime.DelegateInfo;
import org.et4j.runtime.EValue;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.Method;
import org.et4j.runtime.MethodMeta;
import org.et4j.runtime.OperatorUse;
import org.et4j.runtime.Program;
import org.et4j.runtime.Tensor;
import org.et4j.runtime.TensorInfo;
import org.et4j.runtime.ValueInfo;
import org.et4j.runtime.delegate.Backend;
import org.et4j.runtime.delegate.BackendRegistry;
import org.et4j.runtime.delegate.DelegateHandle;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.OpKernel;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * Runs one untrusted file through everything a user can do with it: load, layout, metadata of
 * every method, loading each method with no kernels and again with a do-nothing kernel for every
 * operator it names (so that binding goes through), setting zero inputs of the declared dtypes and
 * shapes, executing, and reading the outputs.
 *
 * <p>The contract under test: an {@link ExecuTorchException} with a message is the only way any
 * of it may fail. Anything else is raised as a {@link HostileFailure}, and so is an
 * {@code Internal} error that wraps a non-ExecuTorch exception (the interpreter turns stray
 * runtime exceptions into those, which hides the bug from a plain type check).
 *
 * <p>The dummy kernels are not passive: at bind and at every call they check that each tensor
 * argument's data holds at least {@code nbytes} bytes and touch its first and last byte, and they
 * write the last byte of their last argument (the out slot), so a view that the loader sized or
 * placed wrongly fails here instead of going unnoticed.
 */
final class HostileHarness {
  /** Planned memory the hostile tests allow one method; the loader must refuse more. */
  static final long MAX_PLANNED_BYTES = 64L << 20;

  /** Largest input the harness builds; methods with bigger inputs are loaded but not executed. */
  static final long MAX_INPUT_BYTES = 4L << 20;

  static {
    System.setProperty("et4j.maxPlannedMemory", Long.toString(MAX_PLANNED_BYTES));
  }

  static final KernelRegistry NO_KERNELS = KernelRegistry.builder().build();
  static final BackendRegistry NO_BACKENDS = BackendRegistry.builder().build();

  /** How far one case got before the runtime refused it (or that it ran through). */
  enum Outcome {
    REJECTED_AT_LOAD,
    REJECTED_AT_METHOD,
    EXECUTED
  }

  /** A breach of the contract: anything but an ExecuTorchException escaped. */
  static final class HostileFailure extends AssertionError {
    HostileFailure(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private HostileHarness() {}

  /** Makes sure the property above is set before any test loads a method. */
  static void init() {}

  /** Runs {@code pte} (a .pte or .bpte) with optional .ptd files; fails only by HostileFailure. */
  static Outcome exercise(byte[] pte, byte[]... ptd) {
    MemorySegment[] ext = new MemorySegment[ptd.length];
    for (int i = 0; i < ptd.length; i++) {
      ext[i] = MemorySegment.ofArray(ptd[i]);
    }
    return exercise(MemorySegment.ofArray(pte), ext);
  }

  static Outcome exercise(MemorySegment pte, MemorySegment... ptd) {
    try {
      Set<String> looping = new HashSet<>();
      Outcome outcome = run(pte, looping, ptd);
      if (isBundle(pte)) {
        runBundle(pte, looping, ptd);
      }
      return outcome;
    } catch (ExecuTorchException e) {
      accept(e, "unexpected rethrow");
      return Outcome.REJECTED_AT_LOAD;
    } catch (HostileFailure f) {
      throw f;
    } catch (Throwable t) {
      throw new HostileFailure("escaped: " + t, t);
    }
  }

  /**
   * @param looping collects the methods whose execution ran out of instructions: each such run
   *     takes ten million steps, so the bundle's test cases skip them
   */
  private static Outcome run(MemorySegment pte, Set<String> looping, MemorySegment... ptd) {
    Program program;
    try {
      program = Program.load(pte, ptd);
    } catch (ExecuTorchException e) {
      accept(e, "Program.load");
      return Outcome.REJECTED_AT_LOAD;
    }
    Outcome outcome = Outcome.REJECTED_AT_METHOD;
    try (program) {
      try {
        program.layout();
      } catch (ExecuTorchException e) {
        accept(e, "layout");
      }
      for (String key : program.namedData().keys()) {
        program.namedData().find(key).ifPresent(s -> touch(s, s.byteSize(), "named data '" + key + "'"));
      }
      for (String name : program.methodNames()) {
        if (exerciseMethod(program, name, looping)) {
          outcome = Outcome.EXECUTED;
        }
      }
    }
    return outcome;
  }

  private static boolean isBundle(MemorySegment file) {
    return file.byteSize() >= 8
        && file.get(ValueLayout.JAVA_BYTE, 4) == 'B'
        && file.get(ValueLayout.JAVA_BYTE, 5) == 'P'
        && file.get(ValueLayout.JAVA_BYTE, 6) == '0'
        && file.get(ValueLayout.JAVA_BYTE, 7) == '8';
  }

  /** The bundle's own API: its test cases, decoded, and the first few run on the dummy kernels. */
  private static void runBundle(MemorySegment bpte, Set<String> looping, MemorySegment... ptd) {
    BundledProgram bundle;
    try {
      bundle = BundledProgram.load(bpte, ptd);
    } catch (ExecuTorchException e) {
      accept(e, "BundledProgram.load");
      return;
    }
    try (bundle) {
      Program program = bundle.program();
      for (String name : bundle.testedMethods()) {
        List<BundledProgram.TestCase> cases = bundle.testCases(name);
        if (!program.methodNames().contains(name) || looping.contains(name)) {
          continue;
        }
        try {
          MethodMeta meta = program.methodMeta(name);
          try (Method m = program.loadMethod(name, dummyKernels(meta), dummyBackends(meta))) {
            // A few cases: each may legally run ten million instructions.
            for (BundledProgram.TestCase tc : cases.subList(0, Math.min(3, cases.size()))) {
              BundledProgram.runCase(m, tc, 1e-3, 1e-3);
            }
          }
        } catch (ExecuTorchException e) {
          accept(e, "bundled test cases of '" + name + "'");
        }
      }
    }
  }

  /** True when the method executed to the end. */
  private static boolean exerciseMethod(Program program, String name, Set<String> looping) {
    MethodMeta meta;
    try {
      meta = program.methodMeta(name);
    } catch (ExecuTorchException e) {
      accept(e, "methodMeta");
      return false;
    }
    try (Method m = program.loadMethod(name, NO_KERNELS, NO_BACKENDS)) {
      checkLoaded(m);
    } catch (ExecuTorchException e) {
      accept(e, "loadMethod without kernels");
    }
    Method method;
    try {
      method = program.loadMethod(name, dummyKernels(meta), dummyBackends(meta));
    } catch (ExecuTorchException e) {
      accept(e, "loadMethod with dummy kernels");
      return false;
    }
    try (method) {
      checkLoaded(method);
      if (!setZeroInputs(method, meta)) {
        return false;
      }
      method.execute();
      for (int i = 0; i < method.outputCount(); i++) {
        EValue out = method.outputCopy(i);
        if (out instanceof EValue.TensorValue(Tensor t)) {
          touch(t.data(), t.data().byteSize(), "output " + i);
        }
      }
      method.outputs();
      return true;
    } catch (ExecuTorchException e) {
      accept(e, "set inputs / execute / outputs");
      if (e.getMessage().contains("instruction execution limit")) {
        looping.add(name);
      }
      return false;
    }
  }

  private static void checkLoaded(Method m) {
    long planned = m.meta().plannedBytes();
    if (planned > MAX_PLANNED_BYTES) {
      throw new HostileFailure(
          "method '" + m.name() + "' loaded with " + planned + " planned bytes, over the limit " + MAX_PLANNED_BYTES, null);
    }
  }

  /** Zeros of each input's dtype and shape; false when an input is too big to build. */
  private static boolean setZeroInputs(Method method, MethodMeta meta) {
    List<ValueInfo> inputs = meta.inputs();
    for (int i = 0; i < inputs.size(); i++) {
      ValueInfo in = inputs.get(i);
      EValue value;
      switch (in.tag()) {
        case TENSOR -> {
          TensorInfo t = in.tensor();
          if (t.nbytes() > MAX_INPUT_BYTES) {
            return false;
          }
          value = EValue.from(Tensor.zeros(t.dtype(), t.sizes().stream().mapToLong(Integer::longValue).toArray()));
        }
        case INT -> value = EValue.from(Long.parseLong(in.description().substring("int ".length())));
        case BOOL -> value = EValue.from(Boolean.parseBoolean(in.description().substring("bool ".length())));
        case DOUBLE -> value = EValue.from(Double.parseDouble(in.description().substring("double ".length())));
        default -> value = EValue.none();
      }
      try {
        method.setInput(i, value);
      } catch (ExecuTorchException e) {
        accept(e, "setInput " + i);
      }
    }
    return true;
  }

  /** Checks an ExecuTorchException that the runtime raised is a proper one. */
  static void accept(ExecuTorchException e, String during) {
    if (Boolean.getBoolean("et4j.hostile.verbose")) {
      System.out.println("  " + during + ": " + e.getMessage());
    }
    if (e.errorCode() == ErrorCode.INTERNAL && e.getCause() != null && !(e.getCause() instanceof ExecuTorchException)) {
      throw new HostileFailure("during " + during + ": Internal error wraps a stray " + e.getCause(), e);
    }
    if (e.detail() == null || e.detail().isBlank()) {
      throw new HostileFailure("during " + during + ": " + e.errorCode() + " without a message", e);
    }
  }

  /** A registry with a do-nothing-but-check kernel for every operator the method names. */
  static KernelRegistry dummyKernels(MethodMeta meta) {
    KernelRegistry.Builder b = KernelRegistry.builder();
    Set<String> names = new LinkedHashSet<>();
    for (OperatorUse op : meta.operators()) {
      names.add(op.name());
    }
    for (String n : names) {
      b.register(n, DUMMY_KERNEL);
    }
    return b.build();
  }

  /** A registry with an accepting backend for every backend id the method names. */
  static BackendRegistry dummyBackends(MethodMeta meta) {
    BackendRegistry.Builder b = BackendRegistry.builder();
    Set<String> ids = new LinkedHashSet<>();
    for (DelegateInfo d : meta.delegates()) {
      ids.add(d.backendId());
    }
    for (String id : ids) {
      b.register(new DummyBackend(id));
    }
    return b.build();
  }

  static final OpKernel DUMMY_KERNEL =
      args -> {
        checkArgs(args, "bind", args.length);
        return (KernelCall)
            ctx -> {
              // A few arguments per call: a hostile loop may run ten million of them.
              checkArgs(args, "execute", 2);
              if (args.length > 0 && args[args.length - 1].isTensor()) {
                TensorImpl out = args[args.length - 1].toTensor();
                if (out.hasData() && out.nbytes() > 0 && !out.data().isReadOnly()) {
                  out.data().set(ValueLayout.JAVA_BYTE, out.nbytes() - 1, (byte) 0);
                }
              }
            };
      };

  private record DummyBackend(String id) implements Backend {
    @Override
    public DelegateHandle init(
        org.et4j.runtime.delegate.BackendInitContext context,
        MemorySegment processed,
        List<org.et4j.runtime.delegate.CompileSpec> compileSpecs) {
      touch(processed, processed.byteSize(), "delegate payload");
      return args -> checkArgs(args, "delegate execute", 8);
    }
  }

  /** Checks the tensors among the first {@code limit} arguments and the last one. */
  private static void checkArgs(Value[] args, String during, int limit) {
    for (int i = 0; i < args.length; i++) {
      if (i >= limit && i != args.length - 1) {
        continue;
      }
      Value a = args[i];
      if (a.isTensor()) {
        checkTensor(a.toTensor(), during + " argument " + i);
      } else if (a.tag() == Value.Tag.TENSOR_LIST || a.tag() == Value.Tag.OPTIONAL_TENSOR_LIST) {
        Value[] items = a.tensorListSlots();
        for (int k = 0; k < Math.min(items.length, limit); k++) {
          Value item = items[k];
          if (item != null && item.isTensor()) {
            checkTensor(item.toTensor(), during + " argument " + i + " (list item)");
          }
        }
      }
    }
  }

  private static void checkTensor(TensorImpl t, String where) {
    if (t.hasData()) {
      touch(t.data(), t.nbytes(), where + " " + t.describe());
    }
  }

  /** Reads the first and last of {@code nbytes} bytes, after checking the segment holds them. */
  private static void touch(MemorySegment data, long nbytes, String where) {
    if (nbytes < 0 || data.byteSize() < nbytes) {
      throw new HostileFailure(
          where + ": data holds " + data.byteSize() + " bytes, the tensor needs " + nbytes, null);
    }
    if (nbytes > 0) {
      data.get(ValueLayout.JAVA_BYTE, 0);
      data.get(ValueLayout.JAVA_BYTE, nbytes - 1);
    }
  }
}
