package org.et4j.runtime;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.et4j.runtime.delegate.Backend;
import org.et4j.runtime.delegate.BackendInitContext;
import org.et4j.runtime.delegate.BackendRegistry;
import org.et4j.runtime.delegate.CompileSpec;
import org.et4j.runtime.delegate.DelegateHandle;
import org.et4j.runtime.delegate.NamedDataMap;
import org.et4j.runtime.internal.MethodMetaReader;
import org.et4j.runtime.internal.PlanTensors;
import org.et4j.runtime.internal.PlannedMemory;
import org.et4j.runtime.internal.TensorDataResolver;
import org.et4j.runtime.internal.format.PteFile;
import org.et4j.runtime.kernel.BatchNormFold;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.OpKernel;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;
import org.et4j.schema.program.BackendDelegate;
import org.et4j.schema.program.Chain;
import org.et4j.schema.program.DelegateCall;
import org.et4j.schema.program.EValue;
import org.et4j.schema.program.ExecutionPlan;
import org.et4j.schema.program.FreeCall;
import org.et4j.schema.program.Instruction;
import org.et4j.schema.program.InstructionArguments;
import org.et4j.schema.program.JumpFalseCall;
import org.et4j.schema.program.KernelTypes;
import org.et4j.schema.program.MoveCall;

/**
 * Binds a method once, as ExecuTorch's {@code Method::init}: the value table with its tensors
 * placed in planned memory, the file or external data; each delegate initialised through its
 * backend; each kernel call resolved to a prepared {@link KernelCall}. Every missing operator is
 * reported in one OperatorMissing error.
 */
final class MethodLoader {
  /**
   * The process-wide planned-memory cap ({@link LoadOptions#defaultMaxPlannedMemory()}): for
   * programs loaded without an explicit cap.
   */
  static long maxPlannedBytes() {
    return LoadOptions.defaultMaxPlannedMemory();
  }

  private MethodLoader() {}

  static Method load(
      Program program,
      PteFile file,
      ExecutionPlan plan,
      NamedDataMap namedData,
      KernelRegistry kernels,
      BackendRegistry backends,
      LoadOptions options) {
    String name = plan.name();
    String where = "method '" + name + "'";
    long planned = 0;
    long limit = options.plannedMemoryCap();
    for (int i = 1; i < plan.nonConstBufferSizesLength(); i++) {
      long s = plan.nonConstBufferSizes(i);
      if (s < 0 || s > limit - planned) {
        String needs = where + " needs more planned memory than the limit of " + limit + " bytes ("
            + (s < 0 ? "buffer " + i + " has size " + Long.toUnsignedString(s) : "at least " + (planned + s)) + ")";
        if (s >= 0 && options.maxPlannedMemory().isPresent()) {
          // The caller chose this cap: a bad option, named, with the value the plan needs.
          long total = planned;
          for (int k = i; k < plan.nonConstBufferSizesLength(); k++) {
            long more = plan.nonConstBufferSizes(k);
            total = more < 0 || total > Long.MAX_VALUE - more ? Long.MAX_VALUE : total + more;
          }
          throw new IllegalArgumentException(
              "maxPlannedMemory: " + where + " plans " + total + " bytes, more than the maxPlannedMemory of " + limit
                  + " bytes; allowed values are at least " + total + " (" + options.howToRaiseCap() + ")");
        }
        throw new ExecuTorchException(ErrorCode.MEMORY_ALLOCATION_FAILED, needs + " (" + options.howToRaiseCap() + ")");
      }
      planned += s;
    }
    Arena arena = Arena.ofShared();
    List<DelegateHandle> handles = new ArrayList<>();
    try {
      PlannedMemory memory = new PlannedMemory(plan, arena, name);
      Value[] values = parseValues(file, plan, memory, namedData, where);
      Map<String, TensorImpl> attributes = namedPlanned(plan, values);

      // Delegates first, as ExecuTorch does: an unregistered backend fails the load.
      int nd = plan.delegatesLength();
      DelegateHandle[] delegates = new DelegateHandle[nd];
      BackendDelegate bd = new BackendDelegate();
      for (int i = 0; i < nd; i++) {
        plan.delegates(bd, i);
        delegates[i] = initDelegate(file, bd, i, name, namedData, backends, options, limit - planned);
        handles.add(delegates[i]);
      }

      List<String> opNames = MethodMetaReader.operatorNames(plan, name);
      Set<String> missing = new LinkedHashSet<>();
      for (String op : opNames) {
        if (kernels.lookup(op) == null) {
          missing.add(op);
        }
      }
      if (!missing.isEmpty()) {
        throw new ExecuTorchException(
            ErrorCode.OPERATOR_MISSING,
            where + " needs " + missing.size() + " operator(s) with no registered kernel: " + String.join(", ", missing));
      }

      int nc = plan.chainsLength();
      Method.Step[][] chains = new Method.Step[nc][];
      Chain chain = new Chain();
      Instruction ins = new Instruction();
      refuseDerivationOfMoveTargets(plan, values, chain, ins);
      // -Det4j.foldBatchNorms=false keeps every convolution's own output written: a folded one
      // writes the batch norm's output only, so an ETDump of intermediate outputs would log a
      // stale value for it (et4j profile --debug-buffer turns folding off for that reason).
      if (!"false".equals(System.getProperty("et4j.foldBatchNorms"))) {
        offerBatchNormFolds(plan, values, opNames, chain, ins);
      }
      for (int c = 0; c < nc; c++) {
        plan.chains(chain, c);
        int n = chain.instructionsLength();
        Method.Step[] steps = new Method.Step[n];
        for (int i = 0; i < n; i++) {
          chain.instructions(ins, i);
          steps[i] = bindInstruction(ins, i, n, values, opNames, kernels, delegates, where);
        }
        chains[c] = steps;
      }

      int[] inputs = new int[plan.inputsLength()];
      for (int i = 0; i < inputs.length; i++) {
        inputs[i] = checkIndex(plan.inputs(i), values.length, where + " input " + i);
      }
      int[] outputs = new int[plan.outputsLength()];
      for (int i = 0; i < outputs.length; i++) {
        outputs[i] = checkIndex(plan.outputs(i), values.length, where + " output " + i);
      }
      return new Method(
          program, program.methodMeta(name), arena, values, inputs, outputs, chains, delegates, attributes,
          serializedInputs(values, inputs), options.plannedMemoryCap(), options.threads());
    } catch (RuntimeException e) {
      for (DelegateHandle h : handles) {
        if (h != null) {
          h.close();
        }
      }
      arena.close();
      throw e;
    }
  }

  private static int checkIndex(int index, int count, String where) {
    if (index < 0 || index >= count) {
      throw ExecuTorchException.invalidProgram(
          where + " refers to value " + index + " but the method has " + count + " values");
    }
    return index;
  }

  private static Value[] parseValues(
      PteFile file, ExecutionPlan plan, PlannedMemory memory, NamedDataMap namedData, String where) {
    if (plan.valuesVector() == null) {
      throw ExecuTorchException.invalidProgram(where + " has no values table");
    }
    int n = plan.valuesLength();
    Value[] values = new Value[n];
    for (int i = 0; i < n; i++) {
      values[i] = new Value();
    }
    EValue ev = new EValue();
    for (int i = 0; i < n; i++) {
      plan.values(ev, i);
      String w = where + " value " + i;
      Value v = values[i];
      switch (MethodMetaReader.tagOf(ev.valType(), w)) {
        case NONE -> v.setNone();
        case INT -> {
          var x = (org.et4j.schema.program.EInt) ev.val(new org.et4j.schema.program.EInt());
          v.setInt(x == null ? 0 : x.intVal());
        }
        case BOOL -> {
          var x = (org.et4j.schema.program.EBool) ev.val(new org.et4j.schema.program.EBool());
          v.setBool(x != null && x.boolVal());
        }
        case DOUBLE -> {
          var x = (org.et4j.schema.program.EDouble) ev.val(new org.et4j.schema.program.EDouble());
          v.setDouble(x == null ? 0.0 : x.doubleVal());
        }
        case STRING -> {
          var x = (org.et4j.schema.program.EString) ev.val(new org.et4j.schema.program.EString());
          v.setString(x == null || x.stringVal() == null ? "" : x.stringVal());
        }
        case TENSOR -> {
          var t = (org.et4j.schema.program.Tensor) ev.val(new org.et4j.schema.program.Tensor());
          if (t == null) {
            throw ExecuTorchException.invalidProgram(w + ": tensor value has no table");
          }
          v.setTensor(parseTensor(file, t, memory, namedData, w));
        }
        case INT_LIST -> {
          var x = (org.et4j.schema.program.EIntList) ev.val(new org.et4j.schema.program.EIntList());
          int len = x == null ? 0 : x.itemsLength();
          Value[] items = new Value[len];
          for (int k = 0; k < len; k++) {
            long idx = x.items(k);
            if (idx < 0 || idx >= n) {
              throw ExecuTorchException.invalidProgram(
                  w + ": int list item " + k + " refers to value " + idx + " of " + n);
            }
            items[k] = values[(int) idx];
          }
          v.setIntList(items);
        }
        case DOUBLE_LIST -> {
          var x = (org.et4j.schema.program.EDoubleList) ev.val(new org.et4j.schema.program.EDoubleList());
          int len = x == null ? 0 : x.itemsLength();
          double[] items = new double[len];
          for (int k = 0; k < len; k++) {
            items[k] = x.items(k);
          }
          v.setDoubleList(items);
        }
        case BOOL_LIST -> {
          var x = (org.et4j.schema.program.EBoolList) ev.val(new org.et4j.schema.program.EBoolList());
          int len = x == null ? 0 : x.itemsLength();
          boolean[] items = new boolean[len];
          for (int k = 0; k < len; k++) {
            items[k] = x.items(k);
          }
          v.setBoolList(items);
        }
        case TENSOR_LIST -> {
          var x = (org.et4j.schema.program.ETensorList) ev.val(new org.et4j.schema.program.ETensorList());
          v.setTensorList(listItems(x == null ? 0 : x.itemsLength(), k -> x.items(k), values, false, w));
        }
        case OPTIONAL_TENSOR_LIST -> {
          var x = (org.et4j.schema.program.EOptionalTensorList) ev.val(new org.et4j.schema.program.EOptionalTensorList());
          v.setOptionalTensorList(listItems(x == null ? 0 : x.itemsLength(), k -> x.items(k), values, true, w));
        }
      }
    }
    return values;
  }

  private static Value[] listItems(
      int len, java.util.function.IntUnaryOperator item, Value[] values, boolean optional, String where) {
    Value[] items = new Value[len];
    for (int k = 0; k < len; k++) {
      int idx = item.applyAsInt(k);
      if (optional && idx == -1) {
        items[k] = null;
        continue;
      }
      if (idx < 0 || idx >= values.length) {
        throw ExecuTorchException.invalidProgram(
            where + ": tensor list item " + k + " refers to value " + idx + " of " + values.length);
      }
      items[k] = values[idx];
    }
    return items;
  }

  private static TensorImpl parseTensor(
      PteFile file, org.et4j.schema.program.Tensor t, PlannedMemory memory, NamedDataMap namedData, String where) {
    PlanTensors.Decoded d = PlanTensors.decode(t, where);
    if (d.dynamism() == ShapeDynamism.DYNAMIC_UNBOUND) {
      throw new ExecuTorchException(
          ErrorCode.NOT_SUPPORTED, where + ": DYNAMIC_UNBOUND tensors are not supported (as in ExecuTorch)");
    }
    TensorDataResolver.Resolved r = TensorDataResolver.resolve(t, d, file, memory, namedData, where);
    if (r.origin() == TensorDataResolver.Origin.CONSTANT
        || r.origin() == TensorDataResolver.Origin.EXTERNAL_CONSTANT) {
      if (d.dynamism() == ShapeDynamism.STATIC) {
        return TensorImpl.programConstant(d.dtype(), d.sizes(), d.dimOrder(), r.data());
      }
    }
    long capacity = r.data() == null ? -1 : r.data().byteSize();
    return new TensorImpl(d.dtype(), d.sizes(), d.dimOrder(), d.dynamism(), r.data(), capacity);
  }

  private static Map<String, TensorImpl> namedPlanned(ExecutionPlan plan, Value[] values) {
    Map<String, TensorImpl> out = new LinkedHashMap<>();
    EValue ev = new EValue();
    for (int i = 0; i < plan.valuesLength(); i++) {
      plan.values(ev, i);
      if (ev.valType() == KernelTypes.Tensor) {
        var t = (org.et4j.schema.program.Tensor) ev.val(new org.et4j.schema.program.Tensor());
        var extra = t.extraTensorInfo();
        if (extra != null && extra.fullyQualifiedName() != null) {
          out.putIfAbsent(extra.fullyQualifiedName(), values[i].toTensor());
        }
      }
    }
    return out;
  }

  /** The serialized non-tensor inputs: set_input must be given exactly these. */
  private static Value[] serializedInputs(Value[] values, int[] inputs) {
    Value[] out = new Value[inputs.length];
    for (int i = 0; i < inputs.length; i++) {
      out[i] = new Value();
      out[i].copyFrom(values[inputs[i]]);
    }
    return out;
  }

  private static DelegateHandle initDelegate(
      PteFile file, BackendDelegate bd, int index, String method, NamedDataMap namedData, BackendRegistry backends,
      LoadOptions options, long capLeft) {
    var info = MethodMetaReader.delegateInfo(file, bd, index, "method '" + method + "'");
    Backend backend = backends.lookup(info.backendId());
    if (backend == null) {
      throw new ExecuTorchException(
          ErrorCode.NOT_FOUND,
          "method '" + method + "' delegate " + index + ": backend " + info.backendId()
              + " is not registered in et4j, so this method cannot run here (registered backends: "
              + (backends.ids().isEmpty() ? "none" : String.join(", ", backends.ids())) + ")");
    }
    if (!backend.isAvailable()) {
      throw new ExecuTorchException(
          ErrorCode.NOT_FOUND,
          "method '" + method + "' delegate " + index + ": backend " + info.backendId() + " is not available");
    }
    MemorySegment processed = payload(file, info);
    List<CompileSpec> specs = new ArrayList<>();
    var cs = new org.et4j.schema.program.CompileSpec();
    for (int k = 0; k < bd.compileSpecsLength(); k++) {
      bd.compileSpecs(cs, k);
      byte[] val = new byte[cs.valueLength()];
      for (int b = 0; b < val.length; b++) {
        val[b] = (byte) cs.value(b);
      }
      specs.add(new CompileSpec(cs.key() == null ? "" : cs.key(), val));
    }
    BackendInitContext ctx =
        new BackendInitContext() {
          @Override
          public String methodName() {
            return method;
          }

          @Override
          public NamedDataMap namedData() {
            return namedData;
          }

          @Override
          public long maxPlannedMemory() {
            return capLeft;
          }

          @Override
          public String howToRaisePlannedMemory() {
            return options.howToRaiseCap();
          }

          @Override
          public String option(String key) {
            return options.backendOptions().get(key);
          }

          @Override
          public int threads() {
            return options.threads();
          }
        };
    DelegateHandle h = backend.init(ctx, processed.asReadOnly(), specs);
    if (h == null) {
      throw new ExecuTorchException(
          ErrorCode.DELEGATE_INVALID_HANDLE, "backend " + info.backendId() + " returned no handle for delegate " + index);
    }
    return h;
  }

  /** A delegate's processed bytes: inline in the flatbuffer or a data segment, as its reference says. */
  static MemorySegment payload(PteFile file, DelegateInfo info) {
    return info.location().equals("inline")
        ? file.inlineDelegateData(info.dataIndex(), "delegate " + info.index())
        : file.segment((int) info.dataIndex());
  }

  private static Method.Step bindInstruction(
      Instruction ins,
      int pc,
      int count,
      Value[] values,
      List<String> opNames,
      KernelRegistry kernels,
      DelegateHandle[] delegates,
      String where) {
    String w = where + " instruction " + pc;
    switch (ins.instrArgsType()) {
      case InstructionArguments.KernelCall -> {
        var kc = (org.et4j.schema.program.KernelCall) ins.instrArgs(new org.et4j.schema.program.KernelCall());
        int op = kc.opIndex();
        if (op < 0 || op >= opNames.size()) {
          throw ExecuTorchException.invalidProgram(w + ": operator index " + op + " out of range");
        }
        String opName = opNames.get(op);
        Value[] args = argSlots(kc.argsLength(), kc::args, values, w + " (" + opName + ")");
        OpKernel kernel = kernels.lookup(opName);
        KernelCall call;
        try {
          call = kernel.bind(args);
        } catch (ExecuTorchException e) {
          throw new ExecuTorchException(
              e.errorCode(), w + " (" + opName + " with " + describeArgs(args) + "): " + e.detail(), e);
        } catch (RuntimeException e) {
          throw new ExecuTorchException(
              ErrorCode.INTERNAL, w + " (" + opName + " with " + describeArgs(args) + "): kernel failed to prepare: " + e, e);
        }
        return new Method.Step.Kernel(call, opName, args);
      }
      case InstructionArguments.DelegateCall -> {
        var dc = (DelegateCall) ins.instrArgs(new DelegateCall());
        int d = dc.delegateIndex();
        if (d < 0 || d >= delegates.length) {
          throw ExecuTorchException.invalidProgram(w + ": delegate index " + d + " out of range 0.." + (delegates.length - 1));
        }
        return new Method.Step.Delegate(delegates[d], d, argSlots(dc.argsLength(), dc::args, values, w));
      }
      case InstructionArguments.MoveCall -> {
        var mc = (MoveCall) ins.instrArgs(new MoveCall());
        int from = checkIndex(mc.moveFrom(), values.length, w + " move_from");
        int to = checkIndex(mc.moveTo(), values.length, w + " move_to");
        checkMove(values[from], values[to], w + " (move " + from + " -> " + to + ")");
        return new Method.Step.Move(from, to);
      }
      case InstructionArguments.JumpFalseCall -> {
        var jf = (JumpFalseCall) ins.instrArgs(new JumpFalseCall());
        int dest = jf.destinationInstruction();
        if (dest < 0 || dest > count) {
          throw ExecuTorchException.invalidProgram(w + ": jump destination " + dest + " outside 0.." + count);
        }
        return new Method.Step.JumpFalse(checkIndex(jf.condValueIndex(), values.length, w + " condition"), dest);
      }
      case InstructionArguments.FreeCall -> {
        var fc = (FreeCall) ins.instrArgs(new FreeCall());
        return new Method.Step.Free(checkIndex(fc.valueIndex(), values.length, w + " free"));
      }
      default -> throw ExecuTorchException.invalidProgram(w + " has unknown instruction type " + ins.instrArgsType());
    }
  }

  /**
   * A move into a tensor slot updates the slot's tensor in place ({@link Value#moveFrom}), which
   * kernels were bound to with its dtype and rank: the moved tensor must have both. ExecuTorch's
   * emitter moves a control-flow branch's result into the common output of the branches, whose
   * spec has the same dtype and rank (only sizes may differ under dynamic shapes).
   */
  private static void checkMove(Value from, Value to, String where) {
    if (!to.isTensor()) {
      return;
    }
    if (to.toTensor().isProgramConstant()) {
      throw new ExecuTorchException(
          ErrorCode.NOT_SUPPORTED, where + ": moving into " + to.toTensor().describe()
              + ", a constant of the program, is not supported (kernels pack constants once at load)");
    }
    if (!from.isTensor()) {
      throw new ExecuTorchException(
          ErrorCode.NOT_SUPPORTED, where + ": moving a " + from.tag() + " value into a tensor slot is not supported");
    }
    TensorImpl src = from.toTensor();
    TensorImpl dst = to.toTensor();
    if (src.dtype() != dst.dtype() || src.dim() != dst.dim()) {
      throw new ExecuTorchException(
          ErrorCode.NOT_SUPPORTED,
          where + ": moving " + src.describe() + " into " + dst.describe()
              + " changes dtype or rank, which kernels bound to the destination cannot follow");
    }
  }

  /**
   * A tensor that a move may overwrite is not always what the kernel writing it computed, so it
   * must not carry a {@link org.et4j.runtime.kernel.ConstantDerivation} (consumers would pack the
   * constant once and miss the move). Runs before any kernel binds; index errors are left to the
   * binding pass, which reports them with the instruction.
   */
  private static void refuseDerivationOfMoveTargets(ExecutionPlan plan, Value[] values, Chain chain, Instruction ins) {
    for (int c = 0; c < plan.chainsLength(); c++) {
      plan.chains(chain, c);
      for (int i = 0; i < chain.instructionsLength(); i++) {
        chain.instructions(ins, i);
        if (ins.instrArgsType() == InstructionArguments.MoveCall) {
          int to = ((MoveCall) ins.instrArgs(new MoveCall())).moveTo();
          if (to >= 0 && to < values.length && values[to].isTensor()) {
            values[to].toTensor().refuseConstantDerivation();
          }
        }
      }
    }
  }

  private static final String CONVOLUTION = "aten::convolution.out";
  private static final String BATCH_NORM = "aten::_native_batch_norm_legit_no_training.out";

  /**
   * Finds each {@code aten::convolution.out} whose output is read by nothing but the batch norm
   * right after it, with constant parameters, and offers that batch norm to the convolution's
   * kernel ({@link BatchNormFold}): kernels bind one at a time and could not see this alone.
   * A reader is any use of a value index: an instruction's argument (the convolution's own out
   * argument and return slot are two), a delegate's argument, either end of a move, a jump's
   * condition, an item of a tensor list, a method input or output. A jump into the batch norm refuses the offer (the convolution would not
   * have run first). Runs before any kernel binds; bad indices are left to the binding pass.
   */
  private static void offerBatchNormFolds(
      ExecutionPlan plan, Value[] values, List<String> opNames, Chain chain, Instruction ins) {
    int[] uses = new int[values.length];
    for (int i = 0; i < plan.inputsLength(); i++) {
      countUse(uses, plan.inputs(i));
    }
    for (int i = 0; i < plan.outputsLength(); i++) {
      countUse(uses, plan.outputs(i));
    }
    // A tensor list names its tensors by value index (a kernel's return slot, torch.cat's inputs).
    EValue ev = new EValue();
    var list = new org.et4j.schema.program.ETensorList();
    var optionalList = new org.et4j.schema.program.EOptionalTensorList();
    for (int i = 0; i < values.length; i++) {
      plan.values(ev, i);
      if (ev.valType() == KernelTypes.ETensorList && ev.val(list) != null) {
        for (int k = 0; k < list.itemsLength(); k++) {
          countUse(uses, list.items(k));
        }
      } else if (ev.valType() == KernelTypes.EOptionalTensorList && ev.val(optionalList) != null) {
        for (int k = 0; k < optionalList.itemsLength(); k++) {
          countUse(uses, optionalList.items(k));
        }
      }
    }
    var kc = new org.et4j.schema.program.KernelCall();
    var dc = new DelegateCall();
    var mc = new MoveCall();
    var jf = new JumpFalseCall();
    for (int c = 0; c < plan.chainsLength(); c++) {
      plan.chains(chain, c);
      for (int i = 0; i < chain.instructionsLength(); i++) {
        chain.instructions(ins, i);
        switch (ins.instrArgsType()) {
          case InstructionArguments.KernelCall -> {
            ins.instrArgs(kc);
            for (int k = 0; k < kc.argsLength(); k++) {
              countUse(uses, kc.args(k));
            }
          }
          case InstructionArguments.DelegateCall -> {
            ins.instrArgs(dc);
            for (int k = 0; k < dc.argsLength(); k++) {
              countUse(uses, dc.args(k));
            }
          }
          case InstructionArguments.MoveCall -> {
            ins.instrArgs(mc);
            countUse(uses, mc.moveFrom());
            countUse(uses, mc.moveTo());
          }
          case InstructionArguments.JumpFalseCall -> {
            ins.instrArgs(jf);
            countUse(uses, jf.condValueIndex());
          }
          default -> { }
        }
      }
    }
    var next = new org.et4j.schema.program.KernelCall();
    Instruction nextIns = new Instruction();
    for (int c = 0; c < plan.chainsLength(); c++) {
      plan.chains(chain, c);
      int n = chain.instructionsLength();
      Set<Integer> jumpTargets = new HashSet<>();
      for (int i = 0; i < n; i++) {
        chain.instructions(ins, i);
        if (ins.instrArgsType() == InstructionArguments.JumpFalseCall) {
          jumpTargets.add(((JumpFalseCall) ins.instrArgs(jf)).destinationInstruction());
        }
      }
      for (int i = 0; i + 1 < n; i++) {
        chain.instructions(ins, i);
        chain.instructions(nextIns, i + 1);
        if (jumpTargets.contains(i + 1)
            || !isKernel(ins, kc, opNames, CONVOLUTION, 11)
            || !isKernel(nextIns, next, opNames, BATCH_NORM, 11)) {
          continue;
        }
        // The convolution names its output twice (the out argument and the return slot), the
        // batch norm once: any further use is another reader.
        int convOut = kc.args(9);
        if (kc.args(10) != convOut || next.args(0) != convOut || !inRange(convOut, values)
            || uses[convOut] != 3) {
          continue;
        }
        boolean ok = values[convOut].isTensor();
        for (int k = 0; ok && k < 10; k++) {
          ok = inRange(next.args(k), values);
        }
        for (int k = 0; ok && k < 9; k++) {
          // the batch norm's out0 must not be something the convolution reads
          ok = kc.args(k) != next.args(7);
        }
        if (!ok) {
          continue;
        }
        Value gamma = values[next.args(1)];
        Value beta = values[next.args(2)];
        Value mean = values[next.args(3)];
        Value var = values[next.args(4)];
        Value eps = values[next.args(6)];
        Value out0 = values[next.args(7)];
        if (!(gamma.isNone() || isConstant(gamma)) || !(beta.isNone() || isConstant(beta))
            || !isConstant(mean) || !isConstant(var) || !eps.isDouble() || !out0.isTensor()
            || next.args(7) == convOut) {
          continue;
        }
        values[convOut].toTensor().offerBatchNormFold(
            new BatchNormFold(
                gamma.isNone() ? null : gamma.toTensor(), beta.isNone() ? null : beta.toTensor(),
                mean.toTensor(), var.toTensor(), eps.toDouble(), out0.toTensor()));
      }
    }
  }

  private static boolean isConstant(Value v) {
    return v.isTensor() && v.toTensor().isProgramConstant();
  }

  private static boolean isKernel(
      Instruction ins, org.et4j.schema.program.KernelCall kc, List<String> opNames, String op, int args) {
    if (ins.instrArgsType() != InstructionArguments.KernelCall) {
      return false;
    }
    ins.instrArgs(kc);
    int index = kc.opIndex();
    return index >= 0 && index < opNames.size() && opNames.get(index).equals(op) && kc.argsLength() == args;
  }

  private static boolean inRange(int index, Value[] values) {
    return index >= 0 && index < values.length;
  }

  private static void countUse(int[] uses, int index) {
    if (index >= 0 && index < uses.length) {
      uses[index]++;
    }
  }

  private static Value[] argSlots(int n, java.util.function.IntUnaryOperator arg, Value[] values, String where) {
    Value[] args = new Value[n];
    for (int k = 0; k < n; k++) {
      args[k] = values[checkIndex(arg.applyAsInt(k), values.length, where + " argument " + k)];
    }
    return args;
  }

  static String describeArgs(Value[] args) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < args.length; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(args[i]);
    }
    return sb.append(']').toString();
  }
}
